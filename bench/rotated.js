#!/usr/bin/env node
// Bench for a vantage captured as a rotated set (issue 16): one capture split into N files
// (editcap -c, as `tcpdump -C` rotates), analysed as a folder against the single file, in the
// same run: wall time and peak RSS, on one thread and on two. Memory must stay that of one file
// plus the series, and two threads must use both cores.
// usage: node bench/rotated.js [CAPTURE] [N] [--packets K] [--json]
//   (npm run build first; needs editcap). --packets K takes the first K packets of CAPTURE
//   (editcap -r); --json prints one JSON line after the table (bench/run.js reads it).
'use strict';
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const argv = process.argv.slice(2);
const flag = (name) => (argv.includes(name) ? argv.splice(argv.indexOf(name), 2)[1] : undefined);
const takePackets = Number(flag('--packets') || 0);
const asJson = argv.includes('--json') ? (argv.splice(argv.indexOf('--json'), 1), true) : false;
const src = argv[0] || path.join(__dirname, '..', 'captures', 'generated', 'tune', '1005', 'firewall.pcap.gz');
const n = Number(argv[1] || 200);
if (!fs.existsSync(src)) {
  console.log(`missing ${src}`);
  process.exit(0);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-rot-bench-'));
const one = path.join(tmp, 'one.pcap');
execFileSync('editcap', ['-F', 'pcap', ...(takePackets ? ['-r'] : []), src, one, ...(takePackets ? [`1-${takePackets}`] : [])]);
const packets = Number(/Number of packets:\s+(\d+)/.exec(execFileSync('capinfos', ['-c', '-M', one], { encoding: 'utf8' }))[1]);
fs.mkdirSync(path.join(tmp, 'set'));
execFileSync('editcap', ['-c', String(Math.ceil(packets / n)), one, path.join(tmp, 'set', 'fw.pcap')]);
const files = fs.readdirSync(path.join(tmp, 'set')).length;
const child = (capture, parallel) => `
const { analyze } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'analyze.js'))});
const t0 = process.hrtime.bigint();
analyze({ interval: '1s', parallel: ${parallel}, captures: [${capture}] }).then((d) => {
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const u = process.cpuUsage();
  console.log(JSON.stringify({ seconds: s, cpu: (u.user + u.system) / 1e6, packets: d.sources[0].packets, incidents: d.incidents.length, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
});`;
const rows = [];
const folder = `{ files: ${JSON.stringify(path.join(tmp, 'set'))}, vantage: 'fw' }`;
const oneFile = `{ file: ${JSON.stringify(one)}, vantage: 'fw' }`;
for (const [label, capture, parallel] of [['one file', oneFile, false], ['one file, two threads', oneFile, true], [`${files} files, one thread`, folder, false], [`${files} files, two threads`, folder, true]]) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, ['-e', child(capture, parallel)], { encoding: 'utf8' });
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  // Peak RSS varies by ±10 MiB from run to run (when the collector runs): its own median, not
  // the fastest run's.
  const rss = runs.map((r) => r.maxRssMiB).sort((a, b) => a - b);
  runs.sort((a, b) => a.seconds - b.seconds);
  rows.push({ input: label, ...runs[1], maxRssMiB: rss[1], maxRssRangeMiB: [rss[0], rss[2]] });
}
console.log(`analyze, one vantage, ${packets} packets of ${path.basename(src)} (medians of 3; peak RSS range in brackets):`);
for (const r of rows) console.log(`  ${r.input.padEnd(24)} ${r.seconds.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU  ${(r.packets / r.seconds / 1e6).toFixed(2)} M packets/s  peak ${r.maxRssMiB.toFixed(0)} MiB (${r.maxRssRangeMiB.map((x) => x.toFixed(0)).join('-')})  incidents ${r.incidents}`);
// Both cores: CPU seconds over wall seconds above 1 means the second core did work.
// Memory is compared like for like: one thread with the one file on one thread, two threads with
// the one file on two threads (a worker reads and decodes, this thread keeps the one flow table).
const [single, single2, serial, split] = rows;
console.log(`  ${files} files vs one file: peak ${(serial.maxRssMiB - single.maxRssMiB).toFixed(0)} MiB more on one thread (target: about 0, one file open at a time), ${(split.maxRssMiB - single2.maxRssMiB).toFixed(0)} MiB more on two threads than the one file on two threads (${(split.maxRssMiB - single.maxRssMiB).toFixed(0)} MiB more than on one); two threads use ${(split.cpu / split.seconds).toFixed(2)} cores (CPU/wall), ${(serial.seconds / split.seconds).toFixed(2)}x the one-thread speed`);
if (asJson) console.log(JSON.stringify({ capture: src, packets, files, rows, coresUsedSplit: split.cpu / split.seconds, speedupSplit: serial.seconds / split.seconds, extraRssSerialMiB: serial.maxRssMiB - single.maxRssMiB, extraRssSplitMiB: split.maxRssMiB - single.maxRssMiB, extraRssSplitVsTwoThreadsMiB: split.maxRssMiB - single2.maxRssMiB }));
fs.rmSync(tmp, { recursive: true, force: true });
