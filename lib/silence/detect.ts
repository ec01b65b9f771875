/**
 * @module silence/detect
 * Where a time series of events (log entries) went silent or fell far below its usual rate.
 *
 * Two kinds of silence, both in the log's own terms (README "Silences"):
 * - **gap**: consecutive entries further apart than the minimum gap — `--min-gap`, or by default
 *   `max(10 s, 4 × the 99th percentile of the log's gaps between consecutive entries)`, where the
 *   percentile never picks one of the 5 largest gaps (so a short log's own outages cannot raise
 *   their own threshold). Start = the last entry before, end = the first entry after.
 * - **low-rate**: a stretch of at least the minimum gap in which every bin holds fewer than
 *   10 % of the median per-bin count (the baseline, over all bins from the first to the last
 *   entry, empty ones included). Only when the baseline is at least 10 entries per bin — below
 *   that, Poisson noise alone empties bins; use a coarser `--interval`. A stretch inside a gap
 *   silence (± one bin) is the same event and is not reported twice. Start/end are bin edges.
 *
 * Gaps are collected on the fly in constant memory ({@link GapTracker}): a 1/8-octave histogram for
 * the percentile, the largest few gaps exactly, and every gap ≥ 10 s (or ≥ `--min-gap`) as a
 * candidate — their number is bounded by the log's duration / 10 s, not by its size.
 */
import type { IntervalGrid } from '../grid';

/** Times in this module are integer epoch microseconds (numbers); results are in seconds. */
const US = 1e6;

/** The adaptive rule's parameters (documented above; exported for the README and tests). */
export const SILENCE_DEFAULTS = {
  /** Never call a gap shorter than this a silence (seconds). */
  floor: 10,
  /** Multiple of the high gap percentile. */
  factor: 4,
  /** The percentile of gaps between consecutive entries. */
  quantile: 0.99,
  /** The percentile never reaches into this many largest gaps. */
  spareLargest: 5,
  /** A bin is "low" below this fraction of the median per-bin count. */
  lowRateFraction: 0.1,
  /** Smallest median per-bin count for which the low-rate rule is applied. */
  lowRateMinBaseline: 10,
} as const;

const SUB = 8; // sub-buckets per octave
const TOP = 8; // exact largest gaps kept

/** Streaming collector of the gaps between consecutive events (constant memory). */
export class GapTracker {
  /** Number of gaps seen (zero gaps included). */
  count = 0;
  /** Gaps of zero: same timestamp, or a time not after the latest one. */
  zeros = 0;
  private readonly hist = new Float64Array(64 * SUB);
  /** Largest gap seen in each bucket: the value a percentile in that bucket reports. */
  private readonly histMax = new Float64Array(64 * SUB);
  /** The largest gaps, exact, in descending order. */
  private readonly top: number[] = [];
  // candidate gaps ≥ floorUs, as columns grown by doubling
  private cap = 64;
  private n = 0;
  private cStart = new Float64Array(this.cap);
  private cEnd = new Float64Array(this.cap);
  private cStartLine = new Uint32Array(this.cap);
  private cEndLine = new Uint32Array(this.cap);

  /** `floorUs`: gaps at least this long are kept as candidate silences. */
  constructor(readonly floorUs: number) {}

  /** A zero gap (the hot path calls this inline as `zeros++; count++`). */
  addZero(): void {
    this.zeros++;
    this.count++;
  }

  /** A gap from the entry at `startUs` (line `startLine`) to the next, at `endUs` > `startUs`. */
  add(startUs: number, endUs: number, startLine: number, endLine: number): void {
    const g = endUs - startUs;
    this.count++;
    let lg: number;
    let sub: number;
    if (g < 0x80000000) {
      lg = 31 - Math.clz32(g);
      sub = lg >= 3 ? (g >>> (lg - 3)) & 7 : 0;
    } else {
      lg = Math.floor(Math.log2(g));
      sub = Math.min(7, Math.floor((g / 2 ** lg - 1) * SUB));
    }
    const bucket = lg * SUB + sub;
    this.hist[bucket]++;
    if (g > this.histMax[bucket]) this.histMax[bucket] = g;
    if (this.top.length < TOP || g > this.top[this.top.length - 1]) {
      let i = this.top.length < TOP ? this.top.length : TOP - 1;
      while (i > 0 && this.top[i - 1] < g) {
        this.top[i] = this.top[i - 1];
        i--;
      }
      this.top[i] = g;
    }
    if (g >= this.floorUs) {
      if (this.n === this.cap) this.grow();
      this.cStart[this.n] = startUs;
      this.cEnd[this.n] = endUs;
      this.cStartLine[this.n] = startLine;
      this.cEndLine[this.n] = endLine;
      this.n++;
    }
  }

  private grow(): void {
    this.cap *= 2;
    const f = (a: Float64Array) => { const b = new Float64Array(this.cap); b.set(a); return b; };
    const u = (a: Uint32Array) => { const b = new Uint32Array(this.cap); b.set(a); return b; };
    this.cStart = f(this.cStart);
    this.cEnd = f(this.cEnd);
    this.cStartLine = u(this.cStartLine);
    this.cEndLine = u(this.cEndLine);
  }

  /**
   * The gap of ascending rank `rank` (0 = smallest), in µs: exact for zeros and the largest
   * gaps, else the largest gap of its 1/8-octave bucket (exact when the log's spacing is regular,
   * at most 9 % high otherwise).
   */
  gapAtRank(rank: number): number {
    if (rank < this.zeros) return 0;
    const fromTop = this.count - 1 - rank;
    if (fromTop < this.top.length) return this.top[fromTop];
    let seen = this.zeros;
    for (let i = 0; i < this.hist.length; i++) {
      seen += this.hist[i];
      if (seen > rank) return this.histMax[i];
    }
    return this.top[0] ?? 0;
  }

  /** The candidate gaps (≥ floor) as columns. */
  candidates(): { start: Float64Array; end: Float64Array; startLine: Uint32Array; endLine: Uint32Array } {
    return {
      start: this.cStart.subarray(0, this.n),
      end: this.cEnd.subarray(0, this.n),
      startLine: this.cStartLine.subarray(0, this.n),
      endLine: this.cEndLine.subarray(0, this.n),
    };
  }
}

/**
 * Gaps of a stream of events that may step back in time (merged logs): each is measured from the
 * latest event so far, so an event at or before it is a zero gap, and a silence starts at the
 * *last* event at the latest time. Also the earliest event, for the edges of a match pattern's
 * silences ({@link EventGaps.edges}).
 */
export class EventGaps {
  /** Latest event time (µs) and its line: gaps are measured from it. */
  maxUs = -Infinity;
  maxLine = 0;
  private minUs = Infinity;
  private minLine = 0;

  constructor(readonly gaps: GapTracker) {}

  add(t: number, no: number): void {
    if (t > this.maxUs) {
      if (this.maxUs !== -Infinity) this.gaps.add(this.maxUs, t, this.maxLine, no);
      this.maxUs = t;
      this.maxLine = no;
    } else {
      this.gaps.addZero();
      if (t === this.maxUs) this.maxLine = no;
    }
    if (t < this.minUs) {
      this.minUs = t;
      this.minLine = no;
    }
  }

  /**
   * The stretches before the first and after the last event of a log that went on from `firstUs`
   * (line `firstLine`) to `lastUs`: gaps too, when the events are only some of its lines (the
   * event stopped while the log went on). `any`: events were added.
   */
  edges(firstUs: number, lastUs: number, firstLine: number, lastLine: number, any: boolean): void {
    if (!any) this.gaps.add(firstUs, lastUs, firstLine, lastLine);
    else {
      if (this.minUs > firstUs) this.gaps.add(firstUs, this.minUs, firstLine, this.minLine);
      if (lastUs > this.maxUs) this.gaps.add(this.maxUs, lastUs, this.maxLine, lastLine);
    }
  }
}

/** One silence. Times are epoch seconds (float), the duration is seconds. */
export interface Silence {
  start: number;
  end: number;
  duration: number;
  kind: 'gap' | 'low-rate';
  /** gap: line numbers of the entries on either side (1-based). */
  startLine?: number;
  endLine?: number;
  /** low-rate: entries inside the stretch. */
  lines?: number;
}

export interface SilenceOptions {
  /** `--min-gap` in seconds; absent = adaptive (see module doc). */
  minGap?: number;
  lowRateFraction?: number;
}

export interface SilenceReport {
  /** The minimum gap used, seconds. */
  minGap: number;
  /** How it was chosen, one line, e.g. `adaptive: max(10 s, 4 × p99 gap 0.8 s)`. */
  minGapRule: string;
  /** Median entries per bin (the low-rate baseline). */
  baseline: number;
  /** Threshold per bin below which a bin is low, or null when the rule does not apply. */
  lowRateThreshold: number | null;
  silences: Silence[];
}

/** The adaptive minimum gap in µs and its explanation. */
export function adaptiveMinGap(gaps: GapTracker): { us: number; rule: string } {
  const d = SILENCE_DEFAULTS;
  if (gaps.count === 0) return { us: d.floor * US, rule: `adaptive: ${d.floor} s (no gaps to learn from)` };
  const rank = Math.max(0, Math.min(Math.floor(d.quantile * (gaps.count - 1)), gaps.count - 1 - d.spareLargest));
  const q = gaps.gapAtRank(rank);
  const us = Math.max(d.floor * US, d.factor * q);
  return {
    us,
    rule: `adaptive: max(${d.floor} s, ${d.factor} × p${d.quantile * 100} gap ${round3(q / US)} s) over ${gaps.count} gaps`,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Median of a Uint32Array (copy sorted; bins are per interval, not per line). */
function median(a: Uint32Array): number {
  if (a.length === 0) return 0;
  const s = Uint32Array.from(a).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Silences of one event stream: the gap candidates of `gaps` that reach the minimum gap, plus the
 * low-rate stretches of `counts` (bins of `grid`, bin 0 = `firstBin`), sorted by start.
 */
export function detectSilences(
  gaps: GapTracker,
  grid: IntervalGrid | null,
  firstBin: number,
  counts: Uint32Array,
  options: SilenceOptions = {},
): SilenceReport {
  let minUs: number;
  let rule: string;
  if (options.minGap !== undefined) {
    minUs = Math.round(options.minGap * US);
    rule = `--min-gap ${options.minGap} s`;
  } else {
    ({ us: minUs, rule } = adaptiveMinGap(gaps));
  }
  const silences: Silence[] = [];
  const c = gaps.candidates();
  for (let i = 0; i < c.start.length; i++) {
    const d = c.end[i] - c.start[i];
    if (d < minUs) continue;
    silences.push({
      start: c.start[i] / US,
      end: c.end[i] / US,
      duration: d / US,
      kind: 'gap',
      startLine: c.startLine[i],
      endLine: c.endLine[i],
    });
  }

  const baseline = median(counts);
  const frac = options.lowRateFraction ?? SILENCE_DEFAULTS.lowRateFraction;
  let lowRateThreshold: number | null = null;
  if (grid && baseline >= SILENCE_DEFAULTS.lowRateMinBaseline) {
    const thr = frac * baseline;
    lowRateThreshold = thr;
    const w = grid.width;
    const gapsOnly = silences.slice();
    let i = 0;
    while (i < counts.length) {
      if (counts[i] >= thr) { i++; continue; }
      let j = i;
      let lines = 0;
      while (j < counts.length && counts[j] < thr) lines += counts[j++];
      const start = grid.startOf(firstBin + i);
      const end = grid.startOf(firstBin + j);
      if ((end - start) * US >= minUs && !gapsOnly.some((g) => g.start - w <= start && end <= g.end + w)) {
        silences.push({ start, end, duration: end - start, kind: 'low-rate', lines });
      }
      i = j;
    }
  }
  silences.sort((a, b) => a.start - b.start);
  return { minGap: minUs / US, minGapRule: rule, baseline, lowRateThreshold, silences };
}
