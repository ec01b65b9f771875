#!/usr/bin/env node
// Bench for `analyze` (issue 7): two large captures (the same traffic seen at two "vantage
// points": big.pcap and its 96-byte-snaplen copy) plus a 1 GB stunnel-format log, in worker
// threads (both cores) and sequentially, in the same run. Prints wall time, packets/s and peak RSS.
// usage: node bench/analyze.js [BIGDIR] [LOG]   (npm run build first)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const big = process.argv[2] || process.env.ALIBI_BENCH_DIR || '/work/bigcap';
const log = process.argv[3] || process.env.ALIBI_BENCH_LOG || '/work/benchdata/stunnel-1g.log';
const caps = [path.join(big, 'big.pcap'), path.join(big, 'big-s96.pcap')];
for (const f of [...caps, log]) {
  if (!fs.existsSync(f)) {
    console.log(`missing ${f}: make the captures with ../shared/bench/make-big-capture.sh ${big} and the log with node bench/logs.js`);
    process.exit(0);
  }
}
const child = (parallel) => `
const { analyze } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'analyze.js'))});
const t0 = process.hrtime.bigint();
analyze({ interval: '1s', parallel: ${parallel}, baseDir: '/',
  captures: [{ file: ${JSON.stringify(caps[0])}, vantage: 'a' }, { file: ${JSON.stringify(caps[1])}, vantage: 'b' }],
  logs: [{ file: ${JSON.stringify(log)}, component: 'stunnel', timezone: 'UTC' }] })
.then((d) => {
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const packets = d.sources.filter((x) => x.type === 'capture').reduce((n, x) => n + x.packets, 0);
  const lines = d.sources.filter((x) => x.type === 'log').reduce((n, x) => n + x.lines, 0);
  console.log(JSON.stringify({ seconds: s, packets, lines, incidents: d.incidents.length, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
});`;
const rows = [];
for (const parallel of [true, false]) {
  const r = spawnSync(process.execPath, ['-e', child(parallel)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
  const m = JSON.parse(r.stdout.trim().split('\n').pop());
  // Worker threads' memory is in the same process: maxRSS covers them.
  rows.push({ mode: parallel ? 'worker threads' : 'one thread', ...m });
}
console.log('analyze: 2 captures + 1 log');
for (const r of rows) console.log(`  ${r.mode.padEnd(15)} ${r.seconds.toFixed(2)} s  ${(r.packets / r.seconds / 1e6).toFixed(2)} M packets/s  ${(r.lines / 1e6).toFixed(1)} M log lines  peak RSS ${r.maxRssMiB.toFixed(0)} MiB`);
console.log(`  speed-up from worker threads: ${(rows[1].seconds / rows[0].seconds).toFixed(2)}x`);
fs.mkdirSync(path.join(__dirname), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'analyze-results.json'), JSON.stringify(rows, null, 2));
