/**
 * @module logs/bins
 * A log's entries counted per interval as it is read: entries, and of them errors and restarts
 * (see logs/lineclass), on one grid that grows by doubling toward either side and, when the log
 * spans more than {@link MAX_BINS} intervals, widens to the next width of WIDER_INTERVALS so that
 * every entry is kept. Times are epoch µs.
 */
import { IntervalGrid, WIDER_INTERVALS } from '../grid';

/**
 * Largest bin span kept: 2^20 bins (12 days at 1 s, 2 years at 1 min); entries beyond are unparsed
 * (garbled dates). Was 2^25: one bit flipped in a year made `alibi logs` build 31.5 M bins and
 * die out of memory after 220 s (fuzz finding log:9:12076).
 */
export const MAX_BINS = 1 << 20;
/** WIDER_INTERVALS in µs. */
const WIDTHS = WIDER_INTERVALS.map((x) => x * 1e6);

/** The bins of a scan, cut to the binned entries' span (see {@link LogBins.cut}). */
export interface BinColumns {
  /** Bin 0 starts at `grid.origin`; null when no entry was binned. */
  grid: IntervalGrid | null;
  counts: Uint32Array;
  errorCounts: Uint32Array;
  restartCounts: Uint32Array;
}

/** Counts per interval; `counts[i]` is absolute bin `base + i` (bin = floor(t / widthUs)). */
export class LogBins {
  widthUs: number;
  /** Bin width, seconds: the one asked for until widened. */
  interval: number;
  /** The width (s) before the first widening, and the line that caused it; 0 when never widened. */
  widenedFrom = 0;
  widenedLine = 0;
  private counts = new Uint32Array(0);
  private errors = new Uint32Array(0);
  private restarts = new Uint32Array(0);
  private base = 0;
  // the binned entries' first and last times
  private lo = Infinity;
  private hi = -Infinity;

  constructor(interval: number) {
    IntervalGrid.forStart(0, 0, interval); // validates the width (whole ms, ≥ 1 ms)
    this.widthUs = Math.round(interval * 1e6);
    this.interval = interval;
  }

  /**
   * Makes room for time `t` (line `no`) and notes it as binned: the bins grow, or widen when
   * `mayWiden`. False when `t` is more than MAX_BINS intervals from the others: not binned.
   */
  place(t: number, no: number, mayWiden: boolean): boolean {
    const abs = Math.floor(t / this.widthUs);
    const bin = abs - this.base;
    if ((bin < 0 || bin >= this.counts.length) && !this.grow(abs) && !(mayWiden && this.widen(t, no) && this.grow(Math.floor(t / this.widthUs)))) return false;
    if (t < this.lo) this.lo = t;
    if (t > this.hi) this.hi = t;
    return true;
  }

  /** An entry at `t` (placed). */
  count(t: number): void {
    this.counts[Math.floor(t / this.widthUs) - this.base]++;
  }

  error(t: number): void {
    this.errors[Math.floor(t / this.widthUs) - this.base]++;
  }

  restart(t: number): void {
    this.restarts[Math.floor(t / this.widthUs) - this.base]++;
  }

  /** Every bin from the first to the last binned entry (zeros included), and their grid. */
  cut(): BinColumns {
    if (!(this.lo <= this.hi)) {
      const none = new Uint32Array(0);
      return { grid: null, counts: none, errorCounts: none, restartCounts: none };
    }
    const b0 = Math.floor(this.lo / this.widthUs);
    const b1 = Math.floor(this.hi / this.widthUs);
    const from = b0 - this.base;
    const to = b1 - this.base + 1;
    const startUs = b0 * this.widthUs;
    const sec = Math.floor(startUs / 1e6);
    return {
      grid: new IntervalGrid(sec, (startUs - sec * 1e6) * 1000, this.interval),
      counts: this.counts.slice(from, to),
      errorCounts: this.errors.slice(from, to),
      restartCounts: this.restarts.slice(from, to),
    };
  }

  /** Makes absolute bin `abs` addressable; false when the span would exceed MAX_BINS. */
  private grow(abs: number): boolean {
    if (this.counts.length === 0) {
      this.base = abs - 1024;
      this.counts = new Uint32Array(4096);
      this.errors = new Uint32Array(4096);
      this.restarts = new Uint32Array(4096);
      return true;
    }
    const lo = Math.min(this.base, abs);
    const hi = Math.max(this.base + this.counts.length, abs + 1);
    if (hi - lo > MAX_BINS) return false;
    // Double, leaving room on the side that grew.
    const len = Math.min(MAX_BINS, Math.max(this.counts.length * 2, hi - lo + 1024));
    const base = abs < this.base ? Math.max(hi - len, abs - (len - (hi - lo))) : lo;
    const moved = (a: Uint32Array) => {
      const n = new Uint32Array(len);
      n.set(a, this.base - base);
      return n;
    };
    this.counts = moved(this.counts);
    this.errors = moved(this.errors);
    this.restarts = moved(this.restarts);
    this.base = base;
    return true;
  }

  /**
   * Widens the bins to the next width of {@link WIDTHS} (a multiple of the current one, so bins
   * merge whole) at which the span to `t` fits in MAX_BINS. False when none does.
   */
  private widen(t: number, no: number): boolean {
    const old = this.widthUs;
    const lo = Math.min(this.base * old, t);
    const hi = Math.max((this.base + this.counts.length) * old, t + old);
    // Wide enough for a few times the span so far (no widening again at every step), and at most
    // 65,536 bins: a 216 KB log over three years is 26,000 hourly bins, not a million empty ones.
    const w = WIDTHS.find((x) => x > old && x % old === 0 && (hi - lo) / x + 4096 <= MAX_BINS >> 4);
    if (w === undefined) return false;
    const base = Math.floor(lo / w) - 1024;
    const len = Math.min(MAX_BINS, Math.ceil(hi / w) - base + 1024);
    const merged = (a: Uint32Array): Uint32Array => {
      const n = new Uint32Array(len);
      for (let i = 0; i < a.length; i++) if (a[i] !== 0) n[Math.floor(((this.base + i) * old) / w) - base] += a[i];
      return n;
    };
    this.counts = merged(this.counts);
    this.errors = merged(this.errors);
    this.restarts = merged(this.restarts);
    this.base = base;
    if (this.widenedFrom === 0) {
      this.widenedFrom = this.interval;
      this.widenedLine = no;
    }
    this.widthUs = w;
    this.interval = w / 1e6;
    return true;
  }
}
