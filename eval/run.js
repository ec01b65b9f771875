#!/usr/bin/env node
/**
 * `npm run eval`: the verdict on inputs it was not tuned on.
 *   node eval/run.js [--set lab|tune|holdout|all] [--quiet]
 * lab: every scenario in captures/ × every input shape (the ablation);
 * tune / holdout: the generated runs in captures/generated/<set>/ with their full inputs and
 * every shape. Prints right / undecided / wrong per shape, the calibration table, and every
 * wrong answer. Exit 1 when any answer is wrong.
 */
'use strict';
const path = require('node:path');
const ROOT = path.resolve(__dirname, '..');
const { analyze } = require(path.join(ROOT, 'dist/analyze'));
const ev = require(path.join(ROOT, 'dist/eval/ablation'));

const args = process.argv.slice(2);
const set = args.includes('--set') ? args[args.indexOf('--set') + 1] : 'lab';
const quiet = args.includes('--quiet');
const roots = { lab: [path.join(ROOT, 'captures')], tune: [path.join(ROOT, 'captures/generated/tune')], holdout: [path.join(ROOT, 'captures/generated/holdout')] };
const dirs = (set === 'all' ? [...roots.lab, ...roots.tune, ...roots.holdout] : roots[set]).flatMap(ev.scenarioDirs);

(async () => {
  const scores = [];
  for (const dir of dirs) {
    const truth = ev.readTruth(dir);
    for (const shape of ev.shapes()) {
      const cfg = ev.configFor(dir, shape);
      let doc;
      try {
        doc = await analyze({ ...cfg, parallel: false });
      } catch (e) {
        console.log(`${truth.name} ${shape.name}: ERROR ${e.message}`);
        continue;
      }
      const s = ev.score(doc, truth, shape, cfg.path ?? ['firewall', 'server']);
      scores.push(s);
      if (!quiet && (s.outcome === 'wrong' || (s.outcome === 'undecided' && s.sufficient))) console.log(`${s.outcome.padEnd(9)} ${truth.name.padEnd(24)} ${shape.name.padEnd(24)} ${s.detail}`);
    }
  }
  console.log('\n' + ev.table(scores));
  console.log('\nconfidence | named | right');
  for (const c of ev.calibration(scores)) console.log(`${c.band} | ${c.named} | ${c.right}`);
  const byScen = new Map();
  for (const s of scores) { const r = byScen.get(s.scenario) ?? { right: 0, undecided: 0, wrong: 0 }; r[s.outcome]++; byScen.set(s.scenario, r); }
  console.log('\nscenario | right | undecided | wrong');
  for (const [k, r] of byScen) console.log(`${k} | ${r.right} | ${r.undecided} | ${r.wrong}`);
  process.exitCode = scores.some((s) => s.outcome === 'wrong') ? 1 : 0;
})();
