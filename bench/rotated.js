#!/usr/bin/env node
// Bench for a vantage captured as a rotated set (issue 16): one capture split into N files
// (editcap -c, as `tcpdump -C` rotates), analysed as a folder against the single file, in the
// same run: wall time and peak RSS. Memory must stay that of one file plus the series.
// usage: node bench/rotated.js [CAPTURE] [N]   (npm run build first; needs editcap)
'use strict';
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const src = process.argv[2] || path.join(__dirname, '..', 'captures', 'generated', 'tune', '1005', 'firewall.pcap.gz');
const n = Number(process.argv[3] || 200);
if (!fs.existsSync(src)) {
  console.log(`missing ${src}`);
  process.exit(0);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-rot-bench-'));
const one = path.join(tmp, 'one.pcap');
execFileSync('editcap', ['-F', 'pcap', src, one]);
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
for (const [label, capture, parallel] of [['one file', `{ file: ${JSON.stringify(one)}, vantage: 'fw' }`, false], [`${files} files, one thread`, folder, false], [`${files} files, two parts`, folder, true]]) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, ['-e', child(capture, parallel)], { encoding: 'utf8' });
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  runs.sort((a, b) => a.seconds - b.seconds);
  rows.push({ input: label, ...runs[1] });
}
console.log(`analyze, one vantage, ${packets} packets of ${path.basename(src)} (median of 3):`);
for (const r of rows) console.log(`  ${r.input.padEnd(24)} ${r.seconds.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU  ${(r.packets / r.seconds / 1e6).toFixed(2)} M packets/s  peak ${r.maxRssMiB.toFixed(0)} MiB  incidents ${r.incidents}`);
fs.rmSync(tmp, { recursive: true, force: true });
