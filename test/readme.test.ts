/**
 * The README's quick-start sample is what the command prints (#23: the README said "stunnel
 * stopped answering" where the tool printed "stunnel failed", and a SYN count the tool no longer
 * gave): its lines are the first lines of `alibi analyze captures/stunnel-freeze/alibi.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alibi } from './helpers/cli';
import { REPO } from './helpers/corpus';

test('the README quick-start output is the first screen alibi analyze prints, line for line', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const m = /It prints this first screen[\s\S]*?```\n([\s\S]*?)```/.exec(readme);
  expect(m).not.toBeNull();
  const sample = m![1].replace(/\n$/, '').split('\n');
  expect(sample.length).toBeGreaterThan(8);
  // The README runs it from the repository root with the relative path; the report does not
  // print the config path, so the same lines come out either way.
  const r = alibi(['analyze', path.join(REPO, 'captures/stunnel-freeze/alibi.json')]);
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n').slice(0, sample.length)).toEqual(sample);
});
