/**
 * A day of traffic (#20): a generated day (bench/day/generate.js — rotated pcap sets at the
 * firewall and the server, stunnel's lines in a syslog `messages` set among other programs', the
 * backend's access log, a diurnal load with a quiet night) with the issue's four faults at times
 * drawn from the seed: two stunnel freezes (7 and 12 min), a backend stall (5 min) and a drop
 * between the firewall and the server (3 min). `analyze` must name exactly those four, each
 * culprit right and its start within 10 s, and nothing else over the rest of the day — the
 * evening ramp-down, the lunch dip and the night's pauses included — and read from partials
 * (`alibi scan`) it must give the same document.
 *
 * The seed here was fixed before its day was first analysed and was not used to tune the verdict
 * (the tuning seed was 1); bench/days.js runs the full-size day and the three-day variant. At a
 * tenth of the full size (2.8 M packets a vantage), through the built CLI in child processes as a
 * user runs it: inside jest's sandbox the same analyses and scans took 135 s of CI's time, here
 * about 30 s (the sandbox's cost, as test/eval/generated.ts found).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alibi } from '../helpers/cli';
import { REPO } from '../helpers/corpus';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { scoreDay } = require('../../bench/dayscore.js') as { scoreDay(doc: unknown, truth: unknown, tolerance?: number): { exact: boolean; found: number; of: number; falseIncidents: string[]; faults: unknown[] } };

const SEED = 301;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-day-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test(`seed ${SEED}: the four faults of the day and nothing else, each culprit right, within 10 s`, () => {
  const dir = path.join(tmp, 'day');
  execFileSync(process.execPath, [path.join(REPO, 'bench', 'day', 'generate.js'), '--seed', String(SEED), '--out', dir, '--scale', '0.1'], { stdio: 'pipe' });
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'));
  expect(truth.faults.map((f: { type: string }) => f.type).sort()).toEqual(['backend-stall', 'network-drop', 'stunnel-freeze', 'stunnel-freeze']);
  const direct = alibi(['analyze', path.join(dir, 'alibi.json'), '--json']);
  expect(direct.stderr).toBe('');
  expect(direct.code).toBe(0);
  const score = scoreDay(JSON.parse(direct.stdout), truth);
  // eslint-disable-next-line no-console
  console.log(JSON.stringify(score, null, 1));
  expect(score.falseIncidents).toEqual([]);
  expect(score.found).toBe(4);
  expect(score.exact).toBe(true);

  // The same document from partials scanned per vantage (as on the two machines).
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'alibi.json'), 'utf8'));
  for (const c of cfg.captures) {
    const scan = alibi(['scan', '--config', path.join(dir, 'alibi.json'), '--vantage', c.vantage, '--out', path.join(dir, 'partials')]);
    expect([scan.code, scan.stderr]).toEqual([0, '']);
    delete c.files;
    c.partials = 'partials';
  }
  fs.writeFileSync(path.join(dir, 'alibi-partials.json'), JSON.stringify(cfg, null, 2));
  const viaPartials = alibi(['analyze', path.join(dir, 'alibi-partials.json'), '--json']);
  expect(viaPartials.code).toBe(0);
  expect(viaPartials.stdout).toBe(direct.stdout);
}, 300_000);
