/**
 * One service matcher (issue #21): addresses compared as addresses. The old analyze matched
 * records by text (`r.server.ip === s.host`), so writing the stunnel-freeze service host as
 * `10.0.2.02` lost every connection count of stunnel and moved the verdict to the backend.
 */
import * as path from 'node:path';
import { analyze, loadConfig } from '../../lib/analyze';
import { ServiceMatcher } from '../../lib/flow/service';
import { REPO } from '../helpers/corpus';

describe('ServiceMatcher.endpoint', () => {
  test.each([
    ['10.0.2.2', '10.0.2.2', true],
    ['10.0.2.02', '10.0.2.2', true],
    ['10.0.2.3', '10.0.2.2', false],
    ['2001:DB8::1', '2001:db8::1', true],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1', true],
    ['2001:db8::2', '2001:db8::1', false],
  ])('service %s vs record %s', (svc, rec, same) => {
    expect(new ServiceMatcher({ host: svc, port: 443 }).endpoint(rec, 443)).toBe(same);
    expect(new ServiceMatcher({ host: svc, port: 443 }).endpoint(rec, 444)).toBe(false);
  });
  test('no host: any server on the port', () => {
    expect(new ServiceMatcher({ port: 80 }).endpoint('192.0.2.1', 80)).toBe(true);
  });
  test('a host that is no address is refused', () => {
    expect(() => new ServiceMatcher({ host: 'not-an-ip', port: 1 })).toThrow(/not an IPv4 or IPv6 address/);
  });
});

test('analyze: the service host written as 10.0.2.02 gives the same verdict and counts as 10.0.2.2', async () => {
  const dir = path.join(REPO, 'captures', 'stunnel-freeze');
  const cfg = loadConfig(path.join(dir, 'alibi.json'));
  const plain = await analyze({ ...cfg, parallel: false });
  const odd = await analyze({ ...cfg, parallel: false, services: cfg.services!.map((s) => (s.host === '10.0.2.2' ? { ...s, host: '10.0.2.02' } : s)) });
  expect(odd.incidents.map((i) => i.culprit)).toEqual(plain.incidents.map((i) => i.culprit));
  expect(odd.incidents[0].culprit.component).toBe('stunnel');
  const conns = (d: typeof plain) => d.sources.filter((s) => s.type === 'capture').map((s) => (s.services as Record<string, { connections: number }>).stunnel.connections);
  expect(conns(odd)).toEqual(conns(plain));
  expect(conns(plain)[0]).toBeGreaterThan(100);
});
