#!/usr/bin/env node
/**
 * Before / after in one run: the same benchmark rows from two checkouts (an old commit's
 * worktree and this one), alternated round by round so the machine's drift falls on both.
 *
 *   git worktree add /tmp/old <commit> && (cd /tmp/old && npm ci && npm run build)
 *   node bench/ab.js /tmp/old . [--rounds N] [--capture FILE] [--scripts analyze,outputs] [--run-args '--skip-logs --flow-runs 5']
 *
 * Each round runs, in each tree, `bench/run.js CAPTURE --no-build --runs 1 --flow-runs 1`
 * (reading, the four flow passes, the 1 GB log) without tshark and the slow extras, and then each
 * script named in --scripts (bench/analyze.js, bench/outputs.js) timed whole. The tree that goes
 * first alternates. Printed: per row the median of each tree, the per-round ratio new / old (its
 * median and range), and whether the two trees' ranges overlap — "within noise" when the paired
 * ratios straddle 1 or the medians differ by less than the old tree's own spread. `--run-args`
 * adds run.js options (later ones win: `--flow-runs 5` for more runs of the flow rows).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

function args(argv) {
  const o = { trees: [], rounds: 4, capture: process.env.ALIBI_BENCH_CAPTURE || '/work/bigcap/big.pcap', scripts: ['analyze'], extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--capture') o.capture = argv[++i];
    else if (a === '--scripts') o.scripts = argv[++i].split(',').filter(Boolean);
    else if (a === '--run-args') o.extra = argv[++i].split(' ').filter(Boolean);
    else o.trees.push(path.resolve(a));
  }
  if (o.trees.length !== 2 || !(o.rounds >= 1)) {
    console.error("usage: node bench/ab.js OLD_TREE NEW_TREE [--rounds N] [--capture FILE] [--scripts analyze,outputs] [--run-args '--skip-logs --flow-runs 5']");
    process.exit(2);
  }
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One round in one tree: row name → seconds (and peak RSS in MiB where measured). */
function round(tree, o) {
  const out = {};
  const r = spawnSync(process.execPath, [path.join(tree, 'bench', 'run.js'), o.capture, '--no-build', '--runs', '1', '--flow-runs', '1', '--skip-tshark', '--skip-analyze', '--skip-rotated', '--skip-flood', '--skip-outputs', ...o.extra], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${tree}: bench/run.js exited ${r.status}: ${(r.stderr || '').slice(-800)}`);
  const doc = JSON.parse(fs.readFileSync(path.join(tree, 'bench', 'results.json'), 'utf8'));
  for (const [name, row] of Object.entries(doc.rows)) {
    if (typeof row.seconds === 'number') out[name] = { seconds: row.seconds, rssMiB: row.maxRssKiB ? row.maxRssKiB / 1024 : null };
  }
  const log1g = doc.rows.logs && doc.rows.logs.ours1GB;
  if (log1g && typeof log1g.seconds === 'number') out['logs 1 GB'] = { seconds: log1g.seconds, rssMiB: log1g.maxRssMiB ?? null };
  for (const s of o.scripts) {
    if (s === 'outputs') {
      // One JSON line at the end: each output format's median wall time.
      const x = spawnSync(process.execPath, [path.join(tree, 'bench', 'outputs.js'), o.capture, '--json', '--runs', '1'], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 26 });
      if (x.status !== 0) throw new Error(`${tree}: bench/outputs.js exited ${x.status}: ${(x.stderr || '').slice(-800)}`);
      const res = JSON.parse(x.stdout.trim().split('\n').pop());
      for (const [name, row] of Object.entries(res.rows)) out[`outputs: ${name}`] = { seconds: row.seconds, rssMiB: row.maxRssMiB ?? null };
      continue;
    }
    const t0 = process.hrtime.bigint();
    const x = spawnSync(process.execPath, [path.join(tree, 'bench', `${s}.js`), ...(s === 'analyze' ? [path.dirname(o.capture)] : [o.capture])], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (x.status !== 0) throw new Error(`${tree}: bench/${s}.js exited ${x.status}: ${(x.stderr || '').slice(-800)}`);
    out[`${s}.js (whole script)`] = { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rssMiB: null };
  }
  return out;
}

function main() {
  const o = args(process.argv.slice(2));
  const [oldTree, newTree] = o.trees;
  const runs = { old: [], new: [] };
  for (let i = 0; i < o.rounds; i++) {
    const order = i % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
    for (const which of order) {
      console.error(`round ${i + 1}/${o.rounds}: ${which} (${which === 'old' ? oldTree : newTree}) ...`);
      runs[which].push(round(which === 'old' ? oldTree : newTree, o));
    }
  }
  const names = Object.keys(runs.old[0]).filter((n) => n in runs.new[0]);
  console.log(`before/after (bench/ab.js), ${o.rounds} alternated rounds on ${o.capture}`);
  console.log(`old: ${oldTree}\nnew: ${newTree}\n`);
  console.log('| row | old median s | new median s | new/old per round: median (range) | old spread | within noise |');
  console.log('|---|---|---|---|---|---|');
  const summary = {};
  for (const n of names) {
    const a = runs.old.map((r) => r[n].seconds);
    const b = runs.new.map((r) => r[n].seconds);
    const ratios = a.map((x, i) => b[i] / x);
    const lo = Math.min(...ratios);
    const hi = Math.max(...ratios);
    const spread = (Math.max(...a) - Math.min(...a)) / median(a);
    const diff = Math.abs(median(b) / median(a) - 1);
    const noise = (lo <= 1 && hi >= 1) || diff <= spread;
    summary[n] = { old: a, new: b, ratioMedian: median(ratios), ratioRange: [lo, hi], oldSpread: spread, withinNoise: noise };
    console.log(`| ${n} | ${median(a).toFixed(2)} | ${median(b).toFixed(2)} | ${median(ratios).toFixed(3)} (${lo.toFixed(3)}-${hi.toFixed(3)}) | ${(spread * 100).toFixed(0)} % | ${noise ? 'yes' : 'NO'} |`);
  }
  fs.writeFileSync(path.join(__dirname, 'ab-results.json'), JSON.stringify({ date: new Date().toISOString(), capture: o.capture, rounds: o.rounds, oldTree, newTree, rows: summary }, null, 2) + '\n');
}

main();
