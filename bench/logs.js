#!/usr/bin/env node
/**
 * Log ingestion benchmark (issue 5). Run `npm run build` first; then `node bench/logs.js`.
 *
 * Generates (once, cached) a 1 GB stunnel-format log (~11 M lines, one day in America/New_York,
 * with a 5-minute silence at 12:00 local) in $ALIBI_BENCH_DIR (default /work/benchdata), then in
 * the same run measures:
 *   - `wc -l` on the whole file;
 *   - a plain parser: luxon `DateTime.fromFormat` on every line, on the first 1,000,000 lines
 *     (measured, not extrapolated);
 *   - ours: `readLog()` on the whole 1 GB file, and on its first 100 MB, each in a child process
 *     so that its peak RSS (process.resourceUsage().maxRSS) is its own: equal peaks for 100 MB and
 *     1 GB show constant memory.
 * Prints a JSON document and a text table.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const DIR = process.env.ALIBI_BENCH_DIR || '/work/benchdata';
const FILE = path.join(DIR, 'stunnel-1g.log');
const PREFIX_FILE = path.join(DIR, 'stunnel-100m.log');
const TARGET_BYTES = 1e9;
const TZ = 'America/New_York';
const LUXON_LINES = 1_000_000;

function pad(n, w) {
  return String(n).padStart(w, '0');
}

/** Writes the 1 GB log: ~127 lines/s over 2026-11-23 local, silent 12:00:00–12:05:00. */
function generate() {
  fs.mkdirSync(DIR, { recursive: true });
  const marker = FILE + '.done';
  if (fs.existsSync(marker) && fs.existsSync(PREFIX_FILE)) return;
  const fd = fs.openSync(FILE, 'w');
  const msgs = [
    (p, i) => `LOG5[${p}]: Service [https] accepted connection from 10.0.${(i >> 8) & 255}.${i & 255}:${32768 + (i % 28000)}\n`,
    (p) => `LOG5[${p}]: s_connect: connected 127.0.0.1:8080\n`,
    (p, i) => `LOG5[${p}]: Connection closed: ${500 + (i % 4000)} byte(s) sent to TLS, ${100 + (i % 900)} byte(s) sent to socket\n`,
  ];
  let bytes = 0;
  let lines = 0;
  let i = 0;
  let buf = [];
  let bufLen = 0;
  const perSecond = 127;
  for (let sec = 0; bytes < TARGET_BYTES; sec++) {
    const daySec = sec % 86400;
    if (daySec >= 12 * 3600 && daySec < 12 * 3600 + 300) continue; // the silence
    const day = 23 + Math.floor(sec / 86400);
    const h = Math.floor(daySec / 3600);
    const m = Math.floor((daySec % 3600) / 60);
    const s = daySec % 60;
    const ts = `2026.11.${pad(day, 2)} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)} `;
    for (let k = 0; k < perSecond; k++) {
      const line = ts + msgs[i % 3](10000 + ((i / 3) | 0) % 50000, i);
      i++;
      buf.push(line);
      bufLen += line.length;
      lines++;
    }
    if (bufLen > 4 << 20) {
      const b = Buffer.from(buf.join(''), 'latin1');
      fs.writeSync(fd, b);
      bytes += b.length;
      buf = [];
      bufLen = 0;
    }
  }
  if (buf.length) fs.writeSync(fd, Buffer.from(buf.join(''), 'latin1'));
  fs.closeSync(fd);
  // The first ~100 MB, cut at a line end.
  const fd2 = fs.openSync(FILE, 'r');
  const head = Buffer.alloc(100e6);
  fs.readSync(fd2, head, 0, head.length, 0);
  fs.closeSync(fd2);
  fs.writeFileSync(PREFIX_FILE, head.subarray(0, head.lastIndexOf(10) + 1));
  fs.writeFileSync(marker, JSON.stringify({ lines }));
}

/** Child: our reader on one file; prints its figures as JSON. */
async function childOurs(file) {
  const { readLog } = require('../dist/logs/index.js');
  const t0 = process.hrtime.bigint();
  const r = await readLog(file, { tz: TZ, format: process.env.BENCH_FORMAT || 'auto' });
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const ru = process.resourceUsage();
  process.stdout.write(
    JSON.stringify({
      seconds: sec,
      lines: r.lines,
      parsed: r.parsed,
      format: r.format,
      linesPerSecond: r.lines / sec,
      maxRssMiB: ru.maxRSS / 1024,
      silences: r.silence.silences.map((s) => ({ start: new Date(s.start * 1000).toISOString(), duration: s.duration, kind: s.kind })),
    }),
  );
}

/** Child: luxon fromFormat per line on the first N lines (streamed, constant memory). */
async function childLuxon(file, n) {
  const { DateTime } = require('luxon');
  const t0 = process.hrtime.bigint();
  let count = 0;
  let valid = 0;
  let carry = '';
  let last = 0;
  outer: for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20, encoding: 'latin1' })) {
    const text = carry + chunk;
    let pos = 0;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      const dt = DateTime.fromFormat(text.slice(pos, pos + 19), 'yyyy.MM.dd HH:mm:ss', { zone: TZ });
      if (dt.isValid) {
        valid++;
        last = dt.toMillis();
      }
      pos = nl + 1;
      if (++count >= n) break outer;
    }
    carry = text.slice(pos);
  }
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ seconds: sec, lines: count, valid, last, linesPerSecond: count / sec, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

function runChild(args) {
  const r = spawnSync(process.execPath, [__filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function wcL(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('wc', ['-l', file], { encoding: 'utf8' });
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const lines = Number(r.stdout.trim().split(/\s+/)[0]);
  return { seconds: sec, lines, linesPerSecond: lines / sec };
}

async function main() {
  const mode = process.argv[2];
  if (mode === '--child-ours') return childOurs(process.argv[3]);
  if (mode === '--child-luxon') return childLuxon(process.argv[3], Number(process.argv[4]));

  const g0 = Date.now();
  generate();
  const genSeconds = (Date.now() - g0) / 1000;
  const size = fs.statSync(FILE).size;
  // Warm the page cache so every contender reads from memory.
  spawnSync('cat', [FILE], { stdio: ['ignore', 'ignore', 'ignore'] });

  const wc = wcL(FILE);
  const ours100 = runChild(['--child-ours', PREFIX_FILE]);
  const ours = runChild(['--child-ours', FILE]);
  const luxon = runChild(['--child-luxon', FILE, String(LUXON_LINES)]);
  const doc = {
    file: FILE,
    bytes: size,
    generatedInSeconds: genSeconds,
    node: process.version,
    cpus: require('node:os').cpus().length,
    wcL: wc,
    luxonFromFormatPerLine: luxon,
    ours1GB: ours,
    ours100MB: ours100,
    speedupOverLuxon: ours.linesPerSecond / luxon.linesPerSecond,
  };
  console.log(JSON.stringify(doc, null, 2));
  const f = (x) => (x / 1e6).toFixed(2) + ' M lines/s';
  console.log('');
  console.log(`log: ${FILE}, ${(size / 1e9).toFixed(2)} GB, ${wc.lines} lines`);
  console.log(`${'contender'.padEnd(34)} ${'lines'.padStart(11)} ${'seconds'.padStart(8)} ${'rate'.padStart(16)} ${'peak RSS'.padStart(10)}`);
  const row = (name, r) =>
    console.log(`${name.padEnd(34)} ${String(r.lines).padStart(11)} ${r.seconds.toFixed(2).padStart(8)} ${f(r.linesPerSecond).padStart(16)} ${(r.maxRssMiB ? r.maxRssMiB.toFixed(0) + ' MiB' : '-').padStart(10)}`);
  row('wc -l', wc);
  row(`luxon fromFormat per line (${LUXON_LINES / 1e6} M)`, luxon);
  row('alibi readLog, 100 MB prefix', ours100);
  row('alibi readLog, 1 GB', ours);
  console.log(`silences found in the 1 GB log: ${JSON.stringify(ours.silences)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
