#!/usr/bin/env node
/**
 * A SYN flood: N connection attempts from N distinct sources (issue 22). The flow table holds at
 * most `--max-flows` (default 250,000) live connections, so every output must cost that table and
 * not the flood's history.
 *
 *   node bench/flood.js [--connections N] [--rate R] [--file F] [--keep] [--json]
 *
 * (`npm run bench` runs it after the other rows; `--skip-flood` there leaves it out.)
 *
 * Writes the flood as a classic pcap (10 M SYNs: 700 MB, written in 1 MiB pieces, so the
 * generator itself stays small), then measures, each in its own process under `/usr/bin/time -v`:
 *   - `alibi flows F --csv > /dev/null` (the records streamed as their connections finish);
 *   - `alibi flows F --csv` under a 1 GB heap cap (`--max-old-space-size=1024`): exit code;
 *   - `alibi analyze --capture F@edge > /dev/null`.
 * `--rate` SYNs per second of capture time (default 10,000: a 10 M flood spans 1,000 s, within
 * `analyze`'s default 1 s bins). The file goes to os.tmpdir() and is removed unless --keep.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const T0 = 1764770000;
const FRAME = 14 + 20 + 20;
const REC = 16 + FRAME;

/**
 * Writes `n` SYNs, each from its own source address (10.0.0.0/8 and up), to 10.255.0.1:443,
 * `rate` per second from T0.
 */
function writeFlood(file, n, rate = 10_000) {
  const fd = fs.openSync(file, 'w');
  try {
    const head = Buffer.alloc(24);
    head.writeUInt32LE(0xa1b2c3d4, 0);
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
    head.writeUInt32LE(65535, 16);
    head.writeUInt32LE(1, 20);
    fs.writeSync(fd, head);
    const per = Math.floor((1 << 20) / REC);
    const buf = Buffer.alloc(per * REC);
    // The parts of the frame every SYN shares, written once per buffer slot.
    for (let k = 0, o = 0; k < per; k++, o += REC) {
      buf.writeUInt32LE(FRAME, o + 8);
      buf.writeUInt32LE(FRAME, o + 12);
      const f = o + 16;
      buf.writeUInt16BE(0x0800, f + 12);
      buf[f + 14] = 0x45;
      buf.writeUInt16BE(40, f + 16);
      buf[f + 22] = 64;
      buf[f + 23] = 6;
      buf.writeUInt32BE(0x0aff0001, f + 30);
      buf.writeUInt16BE(443, f + 36);
      buf[f + 46] = 5 << 4;
      buf[f + 47] = 0x02;
      buf.writeUInt16BE(1024, f + 48);
    }
    const usPer = 1e6 / rate;
    for (let i = 0; i < n; ) {
      const m = Math.min(per, n - i);
      for (let k = 0, o = 0; k < m; k++, i++, o += REC) {
        const us = Math.floor(i * usPer);
        buf.writeUInt32LE(T0 + Math.floor(us / 1e6), o);
        buf.writeUInt32LE(us % 1e6, o + 4);
        const f = o + 16;
        buf.writeUInt32BE((0x0a000000 + i) >>> 0, f + 26); // a distinct source per SYN
        buf.writeUInt16BE(1024 + (i % 60000), f + 34);
        buf.writeUInt32BE(i >>> 0, f + 38);
      }
      fs.writeSync(fd, buf, 0, m * REC);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `sh -c cmd` under /usr/bin/time -v: exit code, wall seconds, peak RSS in MiB. */
function measure(cmd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', 'sh', '-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr || '');
  const status = /Exit status: (\d+)/.exec(r.stderr || '');
  const errLines = (r.stderr || '').split('\n').filter((l) => l.startsWith('alibi') || /heap|Abort/.test(l)).slice(0, 3);
  return { code: status ? Number(status[1]) : r.status, seconds: Math.round(seconds * 100) / 100, peakMiB: m ? Math.round(Number(m[1]) / 1024) : null, stderr: errLines.join(' | ') };
}

function main() {
  const argv = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const n = Number(opt('--connections', 10_000_000));
  const rate = Number(opt('--rate', 10_000));
  const file = opt('--file', path.join(os.tmpdir(), `alibi-flood-${n}.pcap`));
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const t0 = Date.now();
  if (!fs.existsSync(file) || fs.statSync(file).size !== 24 + n * REC) writeFlood(file, n, rate);
  const made = (Date.now() - t0) / 1000;
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const rows = {
    csv: measure(`${q(process.execPath)} ${q(cli)} flows ${q(file)} --csv > /dev/null`),
    csvHeap1G: measure(`${q(process.execPath)} --max-old-space-size=1024 ${q(cli)} flows ${q(file)} --csv > /dev/null`),
    analyze: measure(`${q(process.execPath)} ${q(cli)} analyze --capture ${q(file + '@edge')} > /dev/null`),
  };
  const doc = { connections: n, rate, bytes: fs.statSync(file).size, generateSeconds: made, rows };
  if (!argv.includes('--keep')) fs.rmSync(file, { force: true });
  console.log(`SYN flood: ${n.toLocaleString('en-US')} connections from distinct sources (${(doc.bytes / 2 ** 20).toFixed(0)} MiB pcap, made in ${made.toFixed(1)} s)`);
  for (const [k, r] of Object.entries(rows)) {
    const name = { csv: 'flows --csv', csvHeap1G: 'flows --csv, 1 GB heap cap', analyze: 'analyze --capture' }[k];
    console.log(`  ${name.padEnd(28)} exit ${r.code}  ${String(r.seconds).padStart(7)} s  peak ${String(r.peakMiB).padStart(5)} MiB${r.stderr ? `  (${r.stderr})` : ''}`);
  }
  console.log('  targets (issue 22): flows --csv under 300 MiB, analyze under 1 GB');
  // --json: the figures as the last line, for bench/run.js.
  if (argv.includes('--json')) console.log(JSON.stringify(doc));
}

module.exports = { writeFlood };
if (require.main === module) main();
