/**
 * @module correlate/ledger
 * Two vantages' packet ledgers (metrics/ledger) compared packet for packet: what passed one and
 * not the next, and the clock offset between them.
 */
import { SAMPLE_SPACE, sampledLedger, type LedgerColumns } from '../metrics/ledger';

export interface VantageComparison {
  upstream: string;
  downstream: string;
  /** Packets toward the services seen upstream / of them missing downstream. */
  toService: number;
  missingDownstream: number;
  /** Packets from the services seen downstream / of them missing upstream. */
  fromService: number;
  missingUpstream: number;
  /** Missing packets per timeline bin (either direction). */
  missingPerBin: Map<number, number>;
  seenPerBin: Map<number, number>;
  /** Clock offset downstream − upstream (median of matched packets), seconds; MAD; matches. */
  offset: number | null;
  offsetMad: number | null;
  matched: number;
  window: [number, number] | null;
  /** The share of packets compared (1: all; less when a long capture's ledger was sampled, metrics/ledger). */
  sample: number;
}

/**
 * Packet keys (integers below 2^53) to numbers, in typed arrays with open addressing: a day's
 * ledger holds millions of keys, and a Map of them spent most of a day's analysis (18 s of 31)
 * in its own upkeep and the collector.
 */
class KeyTable {
  private readonly keys: Float64Array;
  private readonly vals: Float64Array;
  private readonly mask: number;
  constructor(n: number) {
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.vals = new Float64Array(cap);
    this.mask = cap - 1;
  }
  private slot(k: number): number {
    // the key's two halves, mixed (the ledger's keys are hashes already: their bits are spread);
    // split by a power-of-two division, exact and without fmod
    const hi = Math.floor(k / 2097152);
    let h = Math.imul(k - hi * 2097152, 0x9e3779b1) ^ hi;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
    let i = (h ^ (h >>> 13)) & this.mask;
    while (this.keys[i] !== -1 && this.keys[i] !== k) i = (i + 1) & this.mask;
    return i;
  }
  get(k: number): number | undefined {
    const i = this.slot(k);
    return this.keys[i] === k ? this.vals[i] : undefined;
  }
  setIfAbsent(k: number, v: number): void {
    const i = this.slot(k);
    if (this.keys[i] === k) return;
    this.keys[i] = k;
    this.vals[i] = v;
  }
  add(k: number, d: number): void {
    const i = this.slot(k);
    if (this.keys[i] !== k) {
      this.keys[i] = k;
      this.vals[i] = 0;
    }
    this.vals[i] += d;
  }
}

/**
 * Compares two ledgers over the time both captures ran (minus a margin).
 * `binOf` maps a time on the upstream clock to a timeline bin.
 */
export function compareVantages(upAll: LedgerColumns, downAll: LedgerColumns, names: [string, string], binOf: (t: number) => number, margin = 1): VantageComparison {
  const keepBelow = Math.min(upAll.keepBelow, downAll.keepBelow);
  const up = sampledLedger(upAll, keepBelow), down = sampledLedger(downAll, keepBelow);
  const res: VantageComparison = {
    upstream: names[0], downstream: names[1], toService: 0, missingDownstream: 0, fromService: 0, missingUpstream: 0,
    missingPerBin: new Map(), seenPerBin: new Map(), offset: null, offsetMad: null, matched: 0, window: null, sample: keepBelow / SAMPLE_SPACE,
  };
  if (up.length === 0 || down.length === 0) return res;
  const minT = (c: LedgerColumns) => { let m = Infinity; for (let i = 0; i < c.length; i++) if (c.time[i] < m) m = c.time[i]; return m; };
  const maxT = (c: LedgerColumns) => { let m = -Infinity; for (let i = 0; i < c.length; i++) if (c.time[i] > m) m = c.time[i]; return m; };
  // First pass: estimate the offset from packets seen on both sides (keys in both).
  const downFirst = new KeyTable(down.length);
  for (let i = 0; i < down.length; i++) downFirst.setIfAbsent(down.key[i], down.time[i]);
  const diffs: number[] = [];
  for (let i = 0; i < up.length && diffs.length < 200000; i++) {
    const t = downFirst.get(up.key[i]);
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
  // Compare within the overlap, on the upstream clock.
  const lo = Math.max(minT(up), minT(down) - offset) + margin;
  const hi = Math.min(maxT(up), maxT(down) - offset) - margin;
  if (!(hi > lo)) return res;
  res.window = [lo, hi];
  const count = (c: LedgerColumns, dir: number) => {
    const m = new KeyTable(c.length);
    for (let i = 0; i < c.length; i++) if (c.toService[i] === dir) m.add(c.key[i], 1);
    return m;
  };
  // Per bin in typed arrays over the window's bins (binOf is monotonic), made Maps at the end:
  // a Map updated per packet cost a day's comparison seconds.
  const bin0 = binOf(lo);
  const nBins = Math.max(0, binOf(hi) - bin0 + 1);
  const seen = new Float64Array(nBins), missing = new Float64Array(nBins);
  const downTo = count(down, 1);
  for (let i = 0; i < up.length; i++) {
    if (up.toService[i] !== 1 || up.time[i] < lo || up.time[i] > hi) continue;
    res.toService++;
    const bin = binOf(up.time[i]) - bin0;
    seen[bin]++;
    const c = downTo.get(up.key[i]);
    if (c) downTo.add(up.key[i], -1);
    else {
      res.missingDownstream++;
      missing[bin]++;
    }
  }
  const upFrom = count(up, 0);
  for (let i = 0; i < down.length; i++) {
    const t = down.time[i] - offset;
    if (down.toService[i] !== 0 || t < lo || t > hi) continue;
    res.fromService++;
    const bin = binOf(t) - bin0;
    seen[bin]++;
    const c = upFrom.get(down.key[i]);
    if (c) upFrom.add(down.key[i], -1);
    else {
      res.missingUpstream++;
      missing[bin]++;
    }
  }
  for (let b = 0; b < nBins; b++) {
    if (seen[b] > 0) res.seenPerBin.set(bin0 + b, seen[b]);
    if (missing[b] > 0) res.missingPerBin.set(bin0 + b, missing[b]);
  }
  return res;
}


/**
 * A vantage comparison's clock offset as the document's `clocks` gives it: seconds to add to the
 * downstream capture's times, to the microsecond (the comparison measures downstream − upstream,
 * hence the sign), so evidence and the Clocks table show one number.
 */
export function clockOffsetSeconds(downMinusUp: number | null): number {
  return downMinusUp === null ? 0 : Math.round(-downMinusUp * 1e6) / 1e6 + 0;
}
