/**
 * Inputs as an outage leaves them (#16): an error log added to a component changes no verdict; a
 * service that matches no packet is a warning at the top of the report, and the verdict then
 * says what it cannot see instead of guessing.
 */
import * as path from 'node:path';
import { analyze, loadConfig } from '../../lib/analyze';
import { textReport } from '../../lib/report/text';
import { configFor, scenarioDirs, shapes } from '../../lib/eval/ablation';
import { REPO } from '../helpers/corpus';

const dirs = scenarioDirs(path.join(REPO, 'captures'));
const full = shapes().find((s) => s.name === 'all/logs')!;
const withError = shapes().find((s) => s.name === 'all/logs+error')!;

test.each(dirs.map((d) => [path.basename(d), d]))('%s: the nginx error log added as a second backend log changes no verdict', async (_n, dir) => {
  const a = await analyze({ ...configFor(dir, full), parallel: false });
  const b = await analyze({ ...configFor(dir, withError), parallel: false });
  expect(b.incidents.map((i) => [i.start, i.end, i.culprit.component, i.culprit.kind])).toEqual(a.incidents.map((i) => [i.start, i.end, i.culprit.component, i.culprit.kind]));
  expect(b.sources.filter((s) => s.type === 'log')).toHaveLength(3);
});

test('a service address that matches no packet: a warning first, and no confident guess', async () => {
  const dir = path.join(REPO, 'captures', 'stunnel-freeze');
  const cfg = loadConfig(path.join(dir, 'alibi.json'));
  const doc = await analyze({ ...cfg, parallel: false, services: cfg.services.map((s) => (s.component === 'stunnel' ? { ...s, host: '10.0.2.3' } : s)) });
  const w = doc.warnings.find((x) => x.code === 'service_unseen');
  expect(w?.reason).toMatch(/no packet in any capture matches stunnel's service 10\.0\.2\.3:443 \(the busiest server in the captures is 10\.0\.2\.2:443/);
  const text = textReport(doc);
  expect(text.indexOf('Check first:')).toBeGreaterThan(0);
  expect(text.indexOf('Check first:')).toBeLessThan(text.indexOf('Incident 1'));
  for (const i of doc.incidents) expect(i.culprit.kind === 'unknown' || i.culprit.component === 'stunnel').toBe(true);
});

test.each(dirs.map((d) => [path.basename(d), d]))('%s: each log says its class (access and proxy logs steady, the error log sparse)', async (_n, dir) => {
  const doc = await analyze({ ...configFor(dir, withError), parallel: false });
  const cls = Object.fromEntries(doc.sources.filter((s) => s.type === 'log').map((s) => [path.basename(s.file), s.class]));
  expect(cls).toEqual({ 'stunnel.log': 'steady', 'access.log': 'steady', 'error.log': 'sparse' });
});
