#!/usr/bin/env node
// Bench for days of captures (issue 20): a generated day (bench/day/generate.js, seed 20, full
// size: two vantages of rotated hourly pcaps, a syslog `messages` set, an access log) analysed
// directly and through partials (`alibi scan` per vantage, then analyze the partials folder), in
// the same run: wall time, peak RSS (/usr/bin/time -v), packets per second, whether both paths
// give the same document, and the verdict scored against the day's truth (bench/dayscore.js).
// Each path is run --rounds times (default 3), the paths alternated within a round and their order
// reversed from one round to the next, and the medians reported with every round's figures: on
// this VM one run of a path varies by 15-30 %, more than the margin a single ratio would claim.
// usage: node bench/days.js [--dir DIR] [--seed 20] [--days 1] [--scale 1] [--rounds 3] [--json]
//   (npm run build first). DIR defaults to $ALIBI_BENCH_DAY or /work/benchday-<days>d-s<seed>;
//   it is generated when it holds no truth.json (about 2 minutes a day at full size).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { scoreDay } = require('./dayscore');

const argv = process.argv.slice(2);
const flag = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const seed = Number(flag('--seed', '20'));
const days = Number(flag('--days', '1'));
const scale = Number(flag('--scale', '1'));
const asJson = argv.includes('--json');
const rounds = Math.max(1, Number(flag('--rounds', '3')));
const dir = flag('--dir', process.env.ALIBI_BENCH_DAY || `/work/benchday-${days}d-s${seed}`);
const CLI = path.join(__dirname, '..', 'dist', 'cli.js');
const haveTime = fs.existsSync('/usr/bin/time');

/** Runs a command, timed; peak RSS from /usr/bin/time -v. */
function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = haveTime
    ? spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').slice(-1500)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr || '');
  return { seconds, maxRssMiB: rss ? Number(rss[1]) / 1024 : null, stdout: r.stdout };
}

let generated = null;
if (!fs.existsSync(path.join(dir, 'truth.json'))) {
  const g = timed(process.execPath, [path.join(__dirname, 'day', 'generate.js'), '--seed', String(seed), '--days', String(days), '--scale', String(scale), '--out', dir]);
  generated = { seconds: g.seconds, maxRssMiB: g.maxRssMiB };
}
const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'));
const packets = truth.vantages.firewall.packets + truth.vantages.server.packets;
const files = truth.vantages.firewall.files.length + truth.vantages.server.files.length;
const syslogBytes = truth.logs.messages.bytes;

const load0 = require('node:os').loadavg()[0];
const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'alibi.json'), 'utf8'));
for (const c of cfg.captures) {
  delete c.files;
  delete c.file;
  c.partials = 'partials';
}
fs.writeFileSync(path.join(dir, 'alibi-partials.json'), JSON.stringify(cfg, null, 2));
const parts = path.join(dir, 'partials');
const median = (xs) => { const v = [...xs].sort((a, b) => a - b); const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
// 1. Directly: both captures (worker threads) and both logs.
const runDirect = () => timed(process.execPath, [CLI, 'analyze', path.join(dir, 'alibi.json'), '--json']);
// 2. Through partials: each vantage scanned (as on its own machine), then analyze the folder.
const runPartials = () => {
  fs.rmSync(parts, { recursive: true, force: true });
  const scans = ['firewall', 'server'].map((v) => timed(process.execPath, [CLI, 'scan', '--config', path.join(dir, 'alibi.json'), '--vantage', v, '--out', parts]));
  const analyzed = timed(process.execPath, [CLI, 'analyze', path.join(dir, 'alibi-partials.json'), '--json']);
  return { scans, analyzed };
};
const roundsRun = [];
let doc = null;
let same = true;
for (let r = 0; r < rounds; r++) {
  // alternate which path goes first, so neither always runs on the warmer (or the noisier) minute
  let direct, viaParts;
  if (r % 2 === 0) { direct = runDirect(); viaParts = runPartials(); } else { viaParts = runPartials(); direct = runDirect(); }
  doc ??= JSON.parse(direct.stdout);
  same &&= viaParts.analyzed.stdout === direct.stdout;
  const slowest = Math.max(...viaParts.scans.map((x) => x.seconds));
  roundsRun.push({
    direct: { seconds: direct.seconds, maxRssMiB: direct.maxRssMiB },
    scans: viaParts.scans.map((x, i) => ({ vantage: ['firewall', 'server'][i], seconds: x.seconds, maxRssMiB: x.maxRssMiB })),
    fromPartials: { seconds: viaParts.analyzed.seconds, maxRssMiB: viaParts.analyzed.maxRssMiB },
    partialPathParallelOverDirect: (slowest + viaParts.analyzed.seconds) / direct.seconds,
    partialPathOverDirect: (viaParts.scans.reduce((n, x) => n + x.seconds, 0) + viaParts.analyzed.seconds) / direct.seconds,
  });
}
// The same two scans at once on this machine (two processes sharing its two cores, as the direct
// analysis shares them between its two capture workers): the wall time until both are written.
const concurrentParts = path.join(dir, 'partials-concurrent');
fs.rmSync(concurrentParts, { recursive: true, force: true });
const q = (x) => `'${x.replace(/'/g, `'\\''`)}'`;
const scanCmd = (v) => `${q(process.execPath)} ${q(CLI)} scan --config ${q(path.join(dir, 'alibi.json'))} --vantage ${v} --out ${q(concurrentParts)} --one-thread >/dev/null`;
const concurrent = timed('bash', ['-c', `${scanCmd('firewall')} & a=$!; ${scanCmd('server')} & b=$!; wait $a && wait $b`]);
fs.rmSync(concurrentParts, { recursive: true, force: true });
const partialBytes = fs.readdirSync(parts).reduce((n, t) => n + fs.readdirSync(path.join(parts, t)).reduce((m, f) => m + fs.statSync(path.join(parts, t, f)).size, 0), 0);
const score = scoreDay(doc, truth);
const med = (get) => median(roundsRun.map(get));
const maxOf = (get) => Math.max(...roundsRun.map(get));
const directSeconds = med((x) => x.direct.seconds);
const fromPartialsSeconds = med((x) => x.fromPartials.seconds);
const res = {
  dir, seed, days, scale, packets, files, syslogBytes, generated, rounds, loadBefore: load0, loadAfter: require('node:os').loadavg()[0],
  // medians over the rounds (peak memory: the largest of any round)
  direct: { seconds: directSeconds, maxRssMiB: maxOf((x) => x.direct.maxRssMiB), packetsPerSecond: packets / directSeconds },
  scans: ['firewall', 'server'].map((v, i) => ({ vantage: v, seconds: med((x) => x.scans[i].seconds), maxRssMiB: maxOf((x) => x.scans[i].maxRssMiB) })),
  fromPartials: { seconds: fromPartialsSeconds, maxRssMiB: maxOf((x) => x.fromPartials.maxRssMiB), partialMiB: partialBytes / 2 ** 20 },
  partialPathOverDirect: med((x) => x.partialPathOverDirect),
  // each vantage scanned on its own machine at once (the point of partials): the slowest scan, then analyze
  partialPathParallelOverDirect: med((x) => x.partialPathParallelOverDirect),
  partialPathParallelOverDirectWorst: maxOf((x) => x.partialPathParallelOverDirect),
  // both scans at once on this machine, then analyze: the partials path on the direct path's two cores
  concurrentScans: { seconds: concurrent.seconds },
  partialPathConcurrentOverDirect: (concurrent.seconds + fromPartialsSeconds) / directSeconds,
  sameDocument: same,
  roundsRun,
  score: { found: score.found, of: score.of, falseIncidents: score.falseIncidents, exact: score.exact, faults: score.faults },
};
const f1 = (x) => x.toFixed(1);
console.log(`days of captures: ${days} day(s), seed ${seed}, scale ${scale}: ${(packets / 1e6).toFixed(1)} M packets in ${files} files (2 vantages), syslog ${(syslogBytes / 1e9).toFixed(2)} GB${generated ? `; generated in ${f1(generated.seconds)} s` : ''}; load ${load0.toFixed(2)} before`);
const each = (get) => roundsRun.map((x) => f1(get(x))).join(' / ');
console.log(`  (medians of ${rounds} rounds, the paths alternated; each round's figures after "rounds:")`);
console.log(`  analyze directly:        ${f1(res.direct.seconds)} s, ${(packets / res.direct.seconds / 1e6).toFixed(2)} M packets/s, peak ${res.direct.maxRssMiB?.toFixed(0)} MiB; rounds: ${each((x) => x.direct.seconds)} s`);
for (const [i, sc] of res.scans.entries()) console.log(`  alibi scan ${sc.vantage.padEnd(9)}    ${f1(sc.seconds)} s, peak ${sc.maxRssMiB?.toFixed(0)} MiB; rounds: ${each((x) => x.scans[i].seconds)} s`);
console.log(`  analyze from partials:   ${f1(res.fromPartials.seconds)} s, peak ${res.fromPartials.maxRssMiB?.toFixed(0)} MiB (partials ${res.fromPartials.partialMiB.toFixed(0)} MiB); rounds: ${each((x) => x.fromPartials.seconds)} s`);
console.log(`  both scans at once here:  ${f1(concurrent.seconds)} s (once)`);
console.log(`  scan + analyze partials: ${res.partialPathOverDirect.toFixed(2)}x the direct time with both scans on this machine one after the other, ${res.partialPathConcurrentOverDirect.toFixed(2)}x with both at once on this machine, ${res.partialPathParallelOverDirect.toFixed(2)}x with each on its own machine (target <= 1.2; rounds: ${roundsRun.map((x) => x.partialPathParallelOverDirect.toFixed(2)).join(' / ')}); same document: ${same ? 'yes' : 'NO'}`);
console.log(`  verdict: ${score.found} of ${score.of} faults (culprit right, start within 10 s), ${score.falseIncidents.length} false incidents${score.exact ? ' — exact' : ''}`);
for (const f of score.faults) console.log(`    ${f.fault} ${f.culprit}: ${f.found ? `found, start ${f.found.off >= 0 ? '+' : ''}${f.found.off} s` : `MISSED (${f.said.join('; ') || 'nothing said'})`}`);
for (const x of score.falseIncidents) console.log(`    false: ${x}`);
if (asJson) console.log(JSON.stringify(res));
