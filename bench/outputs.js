#!/usr/bin/env node
/**
 * Outputs as a user gets them (issue 19): `alibi flows` end to end — process start, the pass and
 * the writing — in each output format, next to the pass with (almost) no output and next to argus
 * (C flow records, `argus -r FILE -w OUT`), on the same capture in the same run, interleaved.
 *
 *   node bench/outputs.js [CAPTURE] [--runs N] [--json]
 *
 * (npm run build first; argus from Debian's argus-server, skipped with a note when missing.)
 * Wall time and peak RSS from /usr/bin/time -v. "pass" is `alibi flows FILE --top 1`: the same
 * read, decode and flow table, every record made and dropped but one. Targets (the issue):
 * --parquet and --arrow within 1.3x the pass and under 250 MiB; --csv and --json within 2x;
 * every format at least 2x faster than argus. --json prints one JSON line after the table.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const argv = process.argv.slice(2);
const flag = (name) => (argv.includes(name) ? argv.splice(argv.indexOf(name), 2)[1] : undefined);
const runs = Number(flag('--runs') || 3);
const asJson = argv.includes('--json') ? (argv.splice(argv.indexOf('--json'), 1), true) : false;
const file = argv[0] || process.env.ALIBI_BENCH_CAPTURE || '/work/bigcap/big.pcap';
if (!fs.existsSync(file)) {
  console.log(`outputs: missing ${file}`);
  if (asJson) console.log(JSON.stringify({ skipped: `missing ${file}` }));
  process.exit(0);
}
const CLI = path.join(__dirname, '..', 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-out-bench-'));
const haveArgus = spawnSync('sh', ['-c', 'command -v argus']).status === 0;

const contenders = {
  pass: `node ${CLI} flows ${file} --top 1 > /dev/null`,
  csv: `node ${CLI} flows ${file} --csv > /dev/null`,
  json: `node ${CLI} flows ${file} --json > /dev/null`,
  text: `node ${CLI} flows ${file} > /dev/null`,
  arrow: `node ${CLI} flows ${file} --arrow ${tmp}/f.arrow > /dev/null`,
  parquet: `node ${CLI} flows ${file} --parquet ${tmp}/f.parquet > /dev/null`,
  ...(haveArgus ? { argus: `rm -f ${tmp}/f.argus && argus -r ${file} -w ${tmp}/f.argus` } : {}),
};

function once(cmd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', 'sh', '-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${(r.stderr || '').slice(-1000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds, maxRssMiB: m ? Number(m[1]) / 1024 : null };
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };

const all = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
const order = Object.keys(contenders);
for (let i = 0; i < runs; i++) for (const k of i % 2 ? [...order].reverse() : order) all[k].push(once(contenders[k]));
fs.rmSync(tmp, { recursive: true, force: true });

const rows = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, { seconds: median(v.map((x) => x.seconds)), maxRssMiB: median(v.map((x) => x.maxRssMiB)), runs: v.map((x) => +x.seconds.toFixed(3)) }]));
const pass = rows.pass.seconds;
const target = { csv: [2, null], json: [2, null], arrow: [1.3, 250], parquet: [1.3, 250], text: [null, null] };
console.log(`outputs (bench/outputs.js): alibi flows end to end on ${file}, median of ${runs} interleaved runs`);
const hdr = `${'contender'.padEnd(34)} ${'seconds'.padStart(8)} ${'peak RSS'.padStart(10)} ${'x pass'.padStart(7)} ${'argus / it'.padStart(10)}  target`;
console.log(hdr);
console.log('-'.repeat(hdr.length + 24));
for (const [k, r] of Object.entries(rows)) {
  const t = target[k];
  const goal = t ? [t[0] ? `<= ${t[0]}x pass` : '', t[1] ? `< ${t[1]} MiB` : '', haveArgus ? '>= 2x argus' : ''].filter(Boolean).join(', ') : '';
  const name = k === 'pass' ? 'pass (flows --top 1)' : k === 'argus' ? 'argus -r FILE -w OUT' : `flows ${k === 'text' ? '(text)' : `--${k}`}`;
  console.log(`${name.padEnd(34)} ${r.seconds.toFixed(2).padStart(8)} ${`${r.maxRssMiB.toFixed(0)} MiB`.padStart(10)} ${(r.seconds / pass).toFixed(2).padStart(7)} ${(haveArgus ? (rows.argus.seconds / r.seconds).toFixed(2) : '-').padStart(10)}  ${goal}`);
}
if (!haveArgus) console.log('argus: not installed (apt-get install argus-server): the argus comparison is left out');
if (asJson) console.log(JSON.stringify({ file, runs, rows, haveArgus }));
