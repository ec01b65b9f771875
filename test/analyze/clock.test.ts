/**
 * Log clocks minutes off (#17): a host with a broken NTP writes its log minutes away from the
 * captures. The stunnel-freeze stunnel log, rewritten as that host would have written it, is put
 * back on the captures' clock to the second (searched ±15 min, one cross-correlation per
 * resolution), the estimate says how well it matched, and the verdict and incident start are
 * those of the unshifted log.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../lib/analyze';
import { estimateLag } from '../../lib/correlate/clock';
import { REPO } from '../helpers/corpus';

const dir = path.join(REPO, 'captures', 'stunnel-freeze');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-clock-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The log as a clock `seconds` ahead would have stamped it (stunnel's naive local times). */
function skewed(seconds: number): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const text = fs.readFileSync(path.join(dir, 'stunnel.log'), 'utf8').replace(/^(\d{4})\.(\d\d)\.(\d\d) (\d\d):(\d\d):(\d\d)/gm, (_m, Y, M, D, h, mi, s) => {
    const d = new Date(Date.UTC(+Y, +M - 1, +D, +h, +mi, +s) + seconds * 1000);
    return `${d.getUTCFullYear()}.${p(d.getUTCMonth() + 1)}.${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  });
  const f = path.join(tmp, `stunnel${seconds}.log`);
  fs.writeFileSync(f, text);
  return f;
}

const config = (log: string) => ({
  baseDir: dir, parallel: false,
  captures: [{ file: 'firewall.pcap', vantage: 'firewall' }, { file: 'server.pcap', vantage: 'server' }],
  logs: [{ file: log, component: 'stunnel', timezone: 'America/New_York' }],
  services: [{ component: 'stunnel', host: '10.0.2.2', port: 443 }],
  path: ['firewall', 'server'],
});

test.each([240, -660, 37, -3, 890])('a log %i s off is put back on the capture clock', async (skew) => {
  const plain = await analyze(config(path.join(dir, 'stunnel.log')));
  const doc = await analyze(config(skewed(skew)));
  const est = doc.clocks.find((c) => c.between[1] === 'stunnel log')!;
  expect(est.offset).toBe(-skew);
  expect(est.applied).toBe(true);
  expect(est.method).toMatch(/best r 0\.\d+ at -?\d+ s/);
  expect(doc.incidents.map((i) => [i.start, i.culprit.component])).toEqual(plain.incidents.map((i) => [i.start, i.culprit.component]));
  // The silence is reported where the log's lines were (its own clock), the evidence on the captures'.
  expect(doc.incidents[0].evidence.map((e: { text: string }) => e.text).join('\n')).toMatch(/stunnel log silent 13:37:5\d–13:38:49/);
});

test('no shift is made up: the unshifted log stays where it is', async () => {
  const doc = await analyze(config(path.join(dir, 'stunnel.log')));
  const est = doc.clocks.find((c) => c.between[1] === 'stunnel log')!;
  expect(est.applied).toBe(false);
  expect(est.offset === null || Math.abs(est.offset) < 1.5).toBe(true);
});

test('estimateLag on a synthetic train: found at sub-second bins, coarse to fine', () => {
  const n = 20000, iv = 0.1;
  const ref = new Float64Array(n);
  for (let i = 0; i < n; i++) ref[i] = i % 97 === 0 || i % 331 === 0 || (i > 9000 && i < 9600) ? 0 : (i * 7919) % 5;
  const lines = new Float64Array(n);
  for (let i = 0; i < n; i++) if (i - 1234 >= 0) lines[i - 1234] = ref[i];
  const e = estimateLag(ref, [0, n], lines, iv, 900);
  expect(e.lag).toBe(1234);
  expect(e.confident).toBe(true);
});
