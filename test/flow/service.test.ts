/**
 * One service matcher (issue #21): addresses compared as addresses. The old analyze matched
 * records by text (`r.server.ip === s.host`), so writing the stunnel-freeze service host as
 * `10.0.2.02` lost every connection count of stunnel and moved the verdict to the backend.
 */
import * as path from 'node:path';
import { analyze, loadConfig } from '../../lib/analyze';
import { ServiceMatcher } from '../../lib/flow/service';
import { scanCapture } from '../../lib/pipeline/scan';
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

test('scan: the service host written as 10.0.2.02 counts the same connections as 10.0.2.2 (the old text match counted none)', () => {
  const file = path.join(REPO, 'captures', 'stunnel-freeze', 'server.pcap');
  const scan = (host: string) => scanCapture({ file, vantage: 'server', interval: 1, services: [{ component: 'stunnel', host, port: 443 }], ledger: false });
  const plain = scan('10.0.2.2'), odd = scan('10.0.2.02');
  expect(plain.flows.perService.stunnel.connections).toBeGreaterThan(100);
  expect(odd.flows.perService.stunnel).toEqual(plain.flows.perService.stunnel);
  expect(Array.from(odd.services.stunnel.synOnly)).toEqual(Array.from(plain.services.stunnel.synOnly));
});

test('analyze: a host written ambiguously (leading zeros) is a config error naming the field, not a silent miss', async () => {
  const dir = path.join(REPO, 'captures', 'stunnel-freeze');
  const cfg = loadConfig(path.join(dir, 'alibi.json'));
  await expect(analyze({ ...cfg, parallel: false, services: cfg.services.map((s) => (s.host === '10.0.2.2' ? { ...s, host: '010.0.2.2' } : s)) })).rejects.toThrow(/services\[0\]\.host: "010\.0\.2\.2" is not an IP address/);
});

test('analyze: an IPv6 service written with other zero compression and case is the same service', async () => {
  const dir = path.join(REPO, 'captures', 'stunnel-freeze');
  const cfg = loadConfig(path.join(dir, 'alibi.json'));
  const doc = await analyze({ ...cfg, parallel: false, services: [...cfg.services, { component: 'v6', host: '2001:DB8:0:0::1', port: 443 }] });
  expect(doc.incidents[0].culprit.component).toBe('stunnel');
});
