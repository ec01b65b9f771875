/**
 * compareVantages against the comparison written plainly (Maps, every pass over every row) on
 * the lab's network-drop run and variants of it that the fast paths must get right: keys that
 * repeat in both directions, an upstream ledger whose first 400,000 rows hold too few matches
 * (the offset's table doubles), one with none, a clock offset, a sampled ledger.
 */
import * as path from 'node:path';
import { openCapture } from '../../lib/capture/file';
import { CapturePass } from '../../lib/pipeline/pass';
import { PacketLedger, sampledLedger, SAMPLE_SPACE, type LedgerColumns } from '../../lib/metrics/ledger';
import { compareVantages, type VantageComparison } from '../../lib/correlate/ledger';
import { REPO } from '../helpers/corpus';

function ledgerOf(file: string): LedgerColumns {
  const ledger = new PacketLedger(() => true);
  const pass = new CapturePass({ observer: ledger, keepFlows: false });
  const r = openCapture(file);
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  pass.finish(r, file);
  return ledger.columns();
}

/** The comparison's meaning, without its tables. */
function plain(upAll: LedgerColumns, downAll: LedgerColumns, names: [string, string], binOf: (t: number) => number, margin = 1): VantageComparison {
  // both sampled alike (the lower share of the two)
  const keep = Math.min(upAll.keepBelow, downAll.keepBelow);
  const [up, down] = [upAll, downAll].map((l) => sampledLedger(l, keep));
  const res = { upstream: names[0], downstream: names[1], sample: keep / SAMPLE_SPACE, window: null } as VantageComparison;
  Object.assign(res, { offset: null, offsetMad: null, matched: 0 });
  for (const k of ['toService', 'missingDownstream', 'fromService', 'missingUpstream'] as const) res[k] = 0;
  res.missingPerBin = new Map();
  res.seenPerBin = new Map();
  if (up.length === 0 || down.length === 0) return res;
  // the offset: the first 200,000 upstream packets whose key went downstream, against its first packet there
  const firstDown = new Map<number, number>();
  for (let i = 0; i < down.length; i++) if (!firstDown.has(down.key[i])) firstDown.set(down.key[i], down.time[i]);
  const diffs: number[] = [];
  for (let i = 0; i < up.length && diffs.length < 200000; i++) {
    const t = firstDown.get(up.key[i]);
    if (t !== undefined) diffs.push(t - up.time[i]);
  }
  let offset = 0;
  if (diffs.length > 0) {
    diffs.sort((a, b) => a - b);
    offset = diffs[diffs.length >> 1];
    const dev = diffs.map((d) => Math.abs(d - offset)).sort((a, b) => a - b);
    res.offset = offset;
    res.offsetMad = 1.4826 * dev[dev.length >> 1];
    res.matched = diffs.length;
  }
  const min = (c: LedgerColumns) => c.time.reduce((m, t) => Math.min(m, t), Infinity);
  const max = (c: LedgerColumns) => c.time.reduce((m, t) => Math.max(m, t), -Infinity);
  const lo = Math.max(min(up), min(down) - offset) + margin;
  const hi = Math.min(max(up), max(down) - offset) - margin;
  if (!(hi > lo)) return res;
  res.window = [lo, hi];
  const bump = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
  // each packet takes one of the other side's packets with its key, in ledger order
  const pass = (from: LedgerColumns, to: LedgerColumns, dir: number, shift: number) => {
    const left = new Map<number, number>();
    for (let i = 0; i < to.length; i++) if (to.toService[i] === dir) bump(left, to.key[i]);
    let n = 0, missed = 0;
    for (let i = 0; i < from.length; i++) {
      const t = from.time[i] - shift;
      if (from.toService[i] !== dir || t < lo || t > hi) continue;
      n++;
      bump(res.seenPerBin, binOf(t));
      const c = left.get(from.key[i]) ?? 0;
      if (c > 0) left.set(from.key[i], c - 1);
      else {
        missed++;
        bump(res.missingPerBin, binOf(t));
      }
    }
    return [n, missed];
  };
  [res.toService, res.missingDownstream] = pass(up, down, 1, 0);
  [res.fromService, res.missingUpstream] = pass(down, up, 0, offset);
  return res;
}

const run = path.join(REPO, 'captures', 'network-drop');
const fw = ledgerOf(path.join(run, 'firewall.pcap'));
const srv = ledgerOf(path.join(run, 'server.pcap'));
const names: [string, string] = ['firewall', 'server'];
const binOf = (t: number) => Math.floor(t);
const sorted = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]);
const same = (a: VantageComparison, b: VantageComparison) => {
  expect({ ...a, missingPerBin: sorted(a.missingPerBin), seenPerBin: sorted(a.seenPerBin) }).toEqual({ ...b, missingPerBin: sorted(b.missingPerBin), seenPerBin: sorted(b.seenPerBin) });
};
const map = (c: LedgerColumns, f: (k: number, i: number) => number): LedgerColumns => ({ ...c, key: c.key.map(f) });
/** `times` copies of a ledger, one after the other in time (`span` s apart). */
const repeat = (c: LedgerColumns, times: number, span: number): LedgerColumns => {
  const n = c.length * times;
  const key = new Float64Array(n), time = new Float64Array(n), toService = new Uint8Array(n);
  for (let r = 0; r < times; r++) {
    for (let i = 0; i < c.length; i++) {
      key[r * c.length + i] = (c.key[i] + r * 7919) % 2 ** 53;
      time[r * c.length + i] = c.time[i] + r * span;
      toService[r * c.length + i] = c.toService[i];
    }
  }
  return { key, time, toService, length: n, keepBelow: c.keepBelow };
};

test('the lab run: the same comparison as written plainly, and a drop that shows', () => {
  const c = compareVantages(fw, srv, names, binOf);
  same(c, plain(fw, srv, names, binOf));
  expect(c.missingDownstream).toBeGreaterThan(0);
  expect(c.matched).toBeGreaterThan(1000);
});

test('keys repeating in both directions: each packet takes one of the other side\'s, in ledger order', () => {
  const fwR = map(fw, (k) => k % 97), srvR = map(srv, (k) => k % 89);
  const c = compareVantages(fwR, srvR, names, binOf);
  same(c, plain(fwR, srvR, names, binOf));
  expect(c.missingDownstream + c.missingUpstream).toBeGreaterThan(0);
});

test('an upstream ledger whose first 400,000 rows hold few matches, or none: the offset as written plainly', () => {
  const times = Math.ceil(450_000 / fw.length);
  const span = fw.time.reduce((m, t) => Math.max(m, t), -Infinity) - fw.time.reduce((m, t) => Math.min(m, t), Infinity) + 10;
  const upBig = repeat(fw, times, span), downBig = repeat(srv, times, span);
  expect(upBig.length).toBeGreaterThan(400_000);
  // only one upstream packet in 50 has its key downstream: 400,000 rows give fewer than 200,000 matches
  const sparse = map(upBig, (k, i) => (i % 50 === 0 ? k : k + 1));
  const c = compareVantages(sparse, downBig, names, binOf);
  same(c, plain(sparse, downBig, names, binOf));
  expect(c.matched).toBeGreaterThan(0);
  expect(c.matched).toBeLessThan(200_000);
  const none = map(fw, (k) => k + 1);
  const n = compareVantages(none, srv, names, binOf);
  same(n, plain(none, srv, names, binOf));
  expect(n.matched).toBe(0);
});

test('a clock 90 s off and a sampled ledger: as written plainly', () => {
  const late = { ...srv, time: srv.time.map((t) => t + 90) };
  const c = compareVantages(fw, late, names, binOf);
  same(c, plain(fw, late, names, binOf));
  expect(c.offset).toBeGreaterThan(89);
  const half = { ...fw, keepBelow: SAMPLE_SPACE / 2 };
  const s = compareVantages(half, srv, names, binOf);
  same(s, plain(half, srv, names, binOf));
  expect(s.sample).toBe(0.5);
});
