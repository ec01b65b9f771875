/**
 * The verdict held to inputs it was not tuned on (#17): every lab scenario in captures/ analysed
 * from every realistic subset of its inputs (vantages: all, without the loopback, server only,
 * firewall only, none; logs: all, all + the nginx error log, each component's alone, none).
 * None may be wrong; each must be right where its inputs suffice (`sufficient` says why per
 * shape); named culprits above 80% confidence must be right.
 */
import * as path from 'node:path';
import { analyze } from '../../lib/analyze';
import { calibration, configFor, readTruth, scenarioDirs, score, Score, shapes, sufficient } from '../../lib/eval/ablation';
import { REPO } from '../helpers/corpus';

const dirs = scenarioDirs(path.join(REPO, 'captures'));
const all: Score[] = [];

test('the lab has its eight scenarios', () => {
  expect(dirs.map((d) => path.basename(d))).toEqual(expect.arrayContaining(['healthy', 'stunnel-freeze', 'stunnel-freeze-bigqueue', 'app-freeze', 'app-slow', 'network-drop', 'network-loss', 'clients-stop']));
});

describe.each(dirs.map((d) => [path.basename(d), d]))('%s', (_name, dir) => {
  const truth = readTruth(dir);
  test.each(shapes().map((s) => [s.name, s]))('%s: right, or undecided only where the inputs do not suffice', async (_s, shape) => {
    const cfg = configFor(dir, shape);
    const doc = await analyze({ ...cfg, parallel: false });
    const s = score(doc, truth, shape, cfg.path ?? []);
    all.push(s);
    expect(`${s.outcome}: ${s.detail}`).not.toMatch(/^wrong/);
    if (s.sufficient) expect(`${s.outcome}: ${s.detail}`).toMatch(/^right/);
    // An undecided verdict names its suspects, so the user knows what would decide.
    for (const inc of doc.incidents) if (inc.culprit.kind === 'unknown') expect(inc.culprit.suspects?.length).toBeGreaterThan(0);
  });
});

test('calibration: verdicts named with more than 80% confidence were right (every shape above)', () => {
  expect(all.length).toBe(dirs.length * shapes().length);
  const high = calibration(all).filter((c) => Number(c.band.slice(0, 4)) >= 0.8);
  const named = high.reduce((n, c) => n + c.named, 0), right = high.reduce((n, c) => n + c.right, 0);
  expect(named).toBeGreaterThan(0);
  expect(right / named).toBeGreaterThanOrEqual(0.95);
});

test('sufficiency is not vacuous: the full inputs suffice for every scenario', () => {
  for (const d of dirs) for (const f of readTruth(d).faults) expect(sufficient(f, shapes()[0])).toBe(true);
});
