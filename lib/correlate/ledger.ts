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
 * Packet keys (integers below 2^53) to an int32 (a row, or a count), in typed arrays with open
 * addressing: a day's ledger holds millions of keys, and a Map of them spent most of a day's
 * analysis (18 s of 31) in its own upkeep and the collector. Fresh memory is what a table costs
 * most here (the first touch of 64 MB took 0.26 s, touching it again 4 ms), so one table serves
 * a comparison's three passes (`reset`), and a key is stored plus one so that zeroed memory is
 * an empty table.
 */
class KeyTable {
  private keys = new Float64Array(0);
  private vals = new Int32Array(0);
  private mask = 0;
  /** Empties the table for `n` keys, in the memory it has when that is enough. */
  reset(n: number): void {
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap <= this.keys.length) {
      this.keys.fill(0, 0, cap); // a smaller table in the front of the memory: fewer cache misses
    } else {
      this.keys = new Float64Array(cap);
      this.vals = new Int32Array(cap);
    }
    this.mask = cap - 1;
  }
  /** The slot of key `k` (stored as k + 1), or the empty slot where it would go. */
  private slot(k: number): number {
    // the key's two halves, mixed (the ledger's keys are hashes already: their bits are spread);
    // split by a power-of-two division, exact and without fmod
    const hi = Math.floor(k / 2097152);
    let h = Math.imul(k - hi * 2097152, 0x9e3779b1) ^ hi;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
    let i = (h ^ (h >>> 13)) & this.mask;
    const stored = k + 1;
    for (let x = this.keys[i]; x !== 0 && x !== stored; x = this.keys[i]) i = (i + 1) & this.mask;
    return i;
  }
  /** Key `k`'s value, `v` when the key is new. */
  put(k: number, v: number): void {
    const i = this.slot(k);
    if (this.keys[i] === 0) {
      this.keys[i] = k + 1;
      this.vals[i] = v;
    }
  }
  /** Key `k`'s value, -1 when absent. */
  get(k: number): number {
    const i = this.slot(k);
    return this.keys[i] === 0 ? -1 : this.vals[i];
  }
  /** Sets key `k`'s value to `v` where the key is present with value -1. */
  claim(k: number, v: number): void {
    const i = this.slot(k);
    if (this.keys[i] !== 0 && this.vals[i] === -1) this.vals[i] = v;
  }
  /** Adds one to key `k`'s count. */
  count(k: number): void {
    const i = this.slot(k);
    if (this.keys[i] === 0) {
      this.keys[i] = k + 1;
      this.vals[i] = 0;
    }
    this.vals[i]++;
  }
  /** Takes one of key `k`'s count: false when none is left (or the key was never counted). */
  take(k: number): boolean {
    const i = this.slot(k);
    if (this.keys[i] === 0 || this.vals[i] === 0) return false;
    this.vals[i]--;
    return true;
  }
}

/**
 * Differences downstream − upstream time for the first `want` upstream packets (in ledger order)
 * whose key is in the downstream ledger, each against the key's first downstream packet. Those
 * come from the start of the upstream ledger, so only its first rows are tabled (doubled until
 * they hold enough matches), not all of downstream's keys.
 */
function firstDiffs(table: KeyTable, up: LedgerColumns, down: LedgerColumns, want: number): Float64Array {
  for (let prefix = Math.min(up.length, 2 * want); ; prefix = Math.min(up.length, prefix * 2)) {
    // The prefix's keys, each with the first downstream row of that key (-1: none yet).
    table.reset(prefix);
    for (let i = 0; i < prefix; i++) table.put(up.key[i], -1);
    for (let i = 0; i < down.length; i++) table.claim(down.key[i], i);
    const diffs = new Float64Array(Math.min(want, prefix));
    let n = 0;
    for (let i = 0; i < prefix && n < want; i++) {
      const r = table.get(up.key[i]);
      if (r >= 0) diffs[n++] = down.time[r] - up.time[i];
    }
    if (n >= want || prefix === up.length) return diffs.subarray(0, n);
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
  // One table's memory for the three passes, sized for the largest.
  let downTo = 0, upFrom = 0;
  for (let i = 0; i < down.length; i++) downTo += down.toService[i];
  for (let i = 0; i < up.length; i++) upFrom += 1 - up.toService[i];
  const table = new KeyTable();
  table.reset(Math.max(downTo, upFrom, Math.min(up.length, 400000)));
  // First pass: estimate the offset from packets seen on both sides (keys in both). Numbers
  // sorted in a typed array, as the comparator sort they replace would order them.
  const diffs = firstDiffs(table, up, down, 200000);
  let offset = 0;
  if (diffs.length > 0) {
    diffs.sort();
    offset = diffs[diffs.length >> 1];
    const dev = diffs.map((d) => Math.abs(d - offset)).sort();
    res.offset = offset;
    res.offsetMad = 1.4826 * dev[dev.length >> 1];
    res.matched = diffs.length;
  }
  // Compare within the overlap, on the upstream clock.
  const lo = Math.max(minT(up), minT(down) - offset) + margin;
  const hi = Math.min(maxT(up), maxT(down) - offset) - margin;
  if (!(hi > lo)) return res;
  res.window = [lo, hi];
  // Per bin in typed arrays over the window's bins (binOf is monotonic), made Maps at the end:
  // a Map updated per packet cost a day's comparison seconds.
  const bin0 = binOf(lo);
  const nBins = Math.max(0, binOf(hi) - bin0 + 1);
  const seen = new Float64Array(nBins), missing = new Float64Array(nBins);
  // Downstream's packets toward the service by key; each upstream one takes one of its key's.
  table.reset(downTo);
  for (let i = 0; i < down.length; i++) if (down.toService[i] === 1) table.count(down.key[i]);
  for (let i = 0; i < up.length; i++) {
    if (up.toService[i] !== 1 || up.time[i] < lo || up.time[i] > hi) continue;
    res.toService++;
    const bin = binOf(up.time[i]) - bin0;
    seen[bin]++;
    if (!table.take(up.key[i])) {
      res.missingDownstream++;
      missing[bin]++;
    }
  }
  // Then upstream's packets from the service; each downstream one takes one.
  table.reset(upFrom);
  for (let i = 0; i < up.length; i++) if (up.toService[i] === 0) table.count(up.key[i]);
  for (let i = 0; i < down.length; i++) {
    const t = down.time[i] - offset;
    if (down.toService[i] !== 0 || t < lo || t > hi) continue;
    res.fromService++;
    const bin = binOf(t) - bin0;
    seen[bin]++;
    if (!table.take(down.key[i])) {
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
