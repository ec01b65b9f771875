#!/usr/bin/env node
/**
 * `npm run eval`: the verdict on inputs it was not tuned on.
 *   node eval/run.js [--set lab|tune|holdout|all] [--runs 2001-2028,2034] [--quiet] [--json FILE]
 * lab: every scenario in captures/ × every input shape (the ablation); tune / holdout: the
 * generated runs in captures/generated/<set>/ × every input shape (holdout runs were never looked
 * at while the verdict was built). Per set: right / undecided / wrong per shape, the calibration
 * table, incident start errors, and every wrong answer and every undecided one whose inputs
 * sufficed. Exit 1 when any answer is wrong. Default: all three sets. `--runs` keeps only the
 * runs (folder names; ranges allowed) listed, so a working session can score the runs it has
 * already seen and leave newly generated held-out runs unseen until their one first look.
 * `--json FILE` writes every answer's score (set, run, input shape, outcome) and every analysis
 * that failed, for test/eval/generated.ts, which runs this compiled eval outside jest's sandbox.
 */
'use strict';
const path = require('node:path');
const ROOT = path.resolve(__dirname, '..');
const { analyze } = require(path.join(ROOT, 'dist/analyze'));
const ev = require(path.join(ROOT, 'dist/eval/ablation'));

const args = process.argv.slice(2);
const which = args.includes('--set') ? args[args.indexOf('--set') + 1] : 'all';
const quiet = args.includes('--quiet');
const jsonFile = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const all = { scores: [], errors: [] };
const runsArg = args.includes('--runs') ? args[args.indexOf('--runs') + 1] : undefined;
const keep = runsArg ? (name) => runsArg.split(',').some((r) => {
  const [a, b] = r.split('-').map(Number);
  const n = Number(name);
  return b === undefined ? name === r : n >= a && n <= b;
}) : () => true;
const roots = { lab: path.join(ROOT, 'captures'), tune: path.join(ROOT, 'captures/generated/tune'), holdout: path.join(ROOT, 'captures/generated/holdout') };
const sets = which === 'all' ? ['lab', 'tune', 'holdout'] : [which];

/**
 * The generated runs' captures are stored gzipped (to keep the repository small): each is
 * inflated once per run here, not once per input shape (24 shapes a run), which was a quarter of
 * the evaluation's time in fflate. Only the file read changes: reading gzipped captures is tested
 * on its own (test/capture/gzip, the fuzzer), and the packets are the same bytes.
 */
const fs = require('node:fs');
const os = require('node:os');
const zlib = require('node:zlib');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-eval-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
let inflatedN = 0;
function inflatedCaptures(cfg, cache) {
  const captures = cfg.captures.map((c) => {
    if (typeof c.file !== 'string' || !c.file.endsWith('.gz')) return c;
    const src = path.resolve(cfg.baseDir, c.file);
    let out = cache.get(src);
    if (out === undefined) {
      out = path.join(tmp, `${inflatedN++}-${path.basename(c.file, '.gz')}`);
      fs.writeFileSync(out, zlib.gunzipSync(fs.readFileSync(src)));
      cache.set(src, out);
    }
    return { ...c, file: out };
  });
  return { ...cfg, captures };
}

async function evaluate(set) {
  const scores = [];
  for (const dir of ev.scenarioDirs(roots[set]).filter((d) => set === 'lab' || keep(path.basename(d)))) {
    const truth = ev.readTruth(dir);
    const cache = new Map();
    for (const shape of ev.shapes()) {
      const cfg = inflatedCaptures(ev.configFor(dir, shape), cache);
      let doc;
      try {
        doc = await analyze({ ...cfg, parallel: false });
      } catch (e) {
        console.log(`${set} ${truth.name} ${shape.name}: ERROR ${e.message}`);
        all.errors.push({ set, dir, shape: shape.name, error: String(e && e.stack || e) });
        continue;
      }
      const s = ev.score(doc, truth, shape, cfg.path ?? ['firewall', 'server']);
      s.kind = truth.kind;
      scores.push(s);
      all.scores.push({ set, dir, shape: shape.name, ...s });
      if (!quiet && (s.outcome === 'wrong' || (s.outcome === 'undecided' && s.sufficient))) console.log(`${s.outcome.padEnd(9)} ${set}/${truth.name.padEnd(24)} ${shape.name.padEnd(24)} ${s.detail}`);
    }
    for (const f of cache.values()) fs.rmSync(f, { force: true });
  }
  return scores;
}

(async () => {
  let wrong = 0;
  for (const set of sets) {
    const scores = await evaluate(set);
    if (!scores.length) {
      console.log(`\n## ${set}: no runs`);
      continue;
    }
    wrong += scores.filter((s) => s.outcome === 'wrong').length;
    const runs = new Set(scores.map((s) => s.scenario)).size;
    console.log(`\n## ${set}: ${runs} runs × ${ev.shapes().length} input shapes\n`);
    console.log(ev.table(scores));
    const suff = scores.filter((s) => s.sufficient);
    console.log(`\nwhere the inputs suffice: ${suff.filter((s) => s.outcome === 'right').length} of ${suff.length} right, ${suff.filter((s) => s.outcome === 'undecided').length} undecided, ${suff.filter((s) => s.outcome === 'wrong').length} wrong`);
    console.log('\n| confidence | named | right |\n|---|---|---|');
    for (const c of ev.calibration(scores)) console.log(`| ${c.band} | ${c.named} | ${c.right} |`);
    const errs = scores.flatMap((s) => s.startErrors).sort((a, b) => a - b);
    if (errs.length) console.log(`\nincident start vs the lab's fault start: median ${errs[errs.length >> 1].toFixed(1)} s, 90th percentile ${errs[Math.floor(errs.length * 0.9)].toFixed(1)} s, max ${errs[errs.length - 1].toFixed(1)} s (${errs.length} right answers)`);
    const byScen = new Map();
    for (const s of scores) {
      const r = byScen.get(s.scenario) ?? { kind: s.kind, right: 0, undecided: 0, wrong: 0 };
      r[s.outcome]++;
      byScen.set(s.scenario, r);
    }
    console.log('\n| run | kind | right | undecided | wrong |\n|---|---|---|---|---|');
    for (const [k, r] of byScen) console.log(`| ${k} | ${r.kind} | ${r.right} | ${r.undecided} | ${r.wrong} |`);
  }
  if (jsonFile) require('node:fs').writeFileSync(jsonFile, JSON.stringify(all));
  process.exitCode = wrong ? 1 : 0;
})();
