/**
 * The verdict on generated lab runs (#17): captures/generated/<set>/<seed>/, each made by real
 * stunnel, nginx, tcpdump and namespaces from a seed (captures/lab/generate.sh: fault kind, start,
 * length, accept queue, ports, zones, clock skews, load). `tune` runs were looked at while the
 * verdict was built; `holdout` runs were not. Every run, every input shape: no wrong answer; where
 * the inputs suffice, at least 90 % right; a run with two faults gives two incidents with their own
 * culprits (scored per fault).
 */
import * as path from 'node:path';
import { analyze } from '../../lib/analyze';
import { configFor, readTruth, scenarioDirs, score, Score, shapes } from '../../lib/eval/ablation';
import { REPO } from '../helpers/corpus';

// ALIBI_SKIP_HOLDOUT=1: while the verdict is being worked on, the held-out runs stay unseen.
const sets = ['tune', 'holdout']
  .filter((set) => !(set === 'holdout' && process.env.ALIBI_SKIP_HOLDOUT === '1'))
  .map((set) => ({ set, dirs: scenarioDirs(path.join(REPO, 'captures', 'generated', set)) }));
const scores: Record<string, Score[]> = { tune: [], holdout: [] };

for (const { set, dirs } of sets) {
  if (!dirs.length) {
    test.skip(`${set}: no generated runs in captures/generated/${set}`, () => undefined);
    continue;
  }
  describe.each(dirs.map((d) => [`${set}/${path.basename(d)} (${readTruth(d).kind})`, d]))('%s', (_name, dir) => {
    const truth = readTruth(dir);
    test('every input shape: right or undecided, never wrong', async () => {
      const out: string[] = [];
      for (const shape of shapes()) {
        const cfg = configFor(dir, shape);
        const doc = await analyze({ ...cfg, parallel: false });
        const s = score(doc, truth, shape, cfg.path ?? []);
        scores[set].push(s);
        if (s.outcome === 'wrong') out.push(`${shape.name}: ${s.detail}`);
      }
      expect(out).toEqual([]);
    });
  });
}

for (const { set, dirs } of sets) {
  (dirs.length ? test : test.skip)(`${set}: right in at least 90% of the answers whose inputs suffice`, () => {
    const xs = scores[set].filter((s) => s.sufficient);
    expect(xs.length).toBeGreaterThan(0);
    expect(xs.filter((s) => s.outcome === 'right').length / xs.length).toBeGreaterThanOrEqual(0.9);
  });
}
