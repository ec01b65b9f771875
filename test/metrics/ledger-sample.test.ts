/**
 * The packet ledger past its bound (#20): a day of capture holds more packets than the ledger
 * keeps, so it samples by each packet's own digest instead of stopping — the same packets at
 * every vantage — and the vantage comparison runs over the smaller range of the two. On the lab's
 * network drop, a ledger held to a few thousand packets still finds the loss between the
 * vantages, at the rate the full ledger finds, and says it compared a sample.
 */
import * as path from 'node:path';
import { openCapture } from '../../lib/capture/file';
import { CapturePass } from '../../lib/pipeline/pass';
import { PacketLedger, SAMPLE_SPACE, type LedgerColumns } from '../../lib/metrics/ledger';
import { compareVantages } from '../../lib/correlate/ledger';
import { REPO } from '../helpers/corpus';

function ledgerOf(file: string, max?: number): LedgerColumns {
  const ledger = new PacketLedger(() => true, max);
  const pass = new CapturePass({ observer: ledger, keepFlows: false });
  const r = openCapture(file);
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  pass.finish(r, file);
  return ledger.columns();
}

const run = path.join(REPO, 'captures', 'network-drop');
const fw = ledgerOf(path.join(run, 'firewall.pcap'));
const srv = ledgerOf(path.join(run, 'server.pcap'));
const lossRate = (up: LedgerColumns, down: LedgerColumns) => {
  const c = compareVantages(up, down, ['firewall', 'server'], (t) => Math.floor(t));
  return { c, rate: (c.missingDownstream + c.missingUpstream) / (c.toService + c.fromService) };
};

test('unbounded (the lab run is small): every packet kept, compared in full', () => {
  expect(fw.keepBelow).toBe(SAMPLE_SPACE);
  expect(lossRate(fw, srv).c.sample).toBe(1);
});

test('held to 2,000 packets: a sample by digest, the same packets at both vantages, the same loss rate', () => {
  const fwS = ledgerOf(path.join(run, 'firewall.pcap'), 2000);
  const srvS = ledgerOf(path.join(run, 'server.pcap'), 3000);
  expect(fwS.length).toBeLessThanOrEqual(2000);
  expect(fwS.keepBelow).toBeLessThan(SAMPLE_SPACE);
  for (let i = 0; i < fwS.length; i++) expect(fwS.key[i] % SAMPLE_SPACE).toBeLessThan(fwS.keepBelow);
  // a subset of the full ledger, in order
  const full = new Set(fw.key);
  expect(Array.from(fwS.key).every((k) => full.has(k))).toBe(true);
  const whole = lossRate(fw, srv);
  const sampled = lossRate(fwS, srvS);
  expect(sampled.c.sample).toBe(Math.min(fwS.keepBelow, srvS.keepBelow) / SAMPLE_SPACE);
  expect(whole.rate).toBeGreaterThan(0.05); // the drop is there to find
  expect(Math.abs(sampled.rate - whole.rate)).toBeLessThan(0.25 * whole.rate);
  expect(sampled.c.matched).toBeGreaterThan(50);
  expect(Math.abs(sampled.c.offset! - whole.c.offset!)).toBeLessThan(0.001);
});

test('columns({ release }): the same packets as a copy, within the bound, and recording after it is an error', () => {
  const ledger = new PacketLedger(() => true, 5000);
  const pass = new CapturePass({ observer: ledger, keepFlows: false });
  const r = openCapture(path.join(run, 'firewall.pcap'));
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  pass.finish(r, 'firewall.pcap');
  const copy = ledger.columns();
  const views = ledger.columns({ release: true });
  expect(views.length).toBe(copy.length);
  expect(Array.from(views.key)).toEqual(Array.from(copy.key));
  expect(Array.from(views.time)).toEqual(Array.from(copy.time));
  expect(Array.from(views.toService)).toEqual(Array.from(copy.toService));
  // growth stops at the bound rather than doubling past it
  expect(views.key.buffer.byteLength).toBeLessThanOrEqual(5000 * 8);
  expect(() => ledger.columns()).toThrow(/release/);
  const r2 = openCapture(path.join(run, 'firewall.pcap'));
  const pass2 = new CapturePass({ observer: ledger, keepFlows: false });
  expect(() => { for (let p = r2.next(); p !== null; p = r2.next()) pass2.packet(p); }).toThrow(/release/);
});
