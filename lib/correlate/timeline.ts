/**
 * @module correlate/timeline
 * One timeline: every source's per-bin values placed on shared, epoch-aligned bins.
 */
import type { SeriesColumns } from '../metrics/series';
import { isoSeconds } from '../time';

export class Timeline {
  /** Absolute grid bin of timeline bin 0 (grid origin at the epoch). */
  constructor(readonly interval: number, readonly firstBin: number, readonly length: number) {}

  static spanning(interval: number, times: (number | null)[]): Timeline {
    const ts = times.filter((t): t is number => t !== null && Number.isFinite(t));
    if (ts.length === 0) return new Timeline(interval, 0, 0);
    const lo = Math.floor(Math.min(...ts) / interval);
    const hi = Math.floor(Math.max(...ts) / interval);
    return new Timeline(interval, lo, hi - lo + 1);
  }

  /** Timeline bin of a float time. */
  binOf(t: number): number {
    return Math.floor(t / this.interval + 1e-9) - this.firstBin;
  }
  startOf(i: number): number {
    return (this.firstBin + i) * this.interval;
  }
  iso(i: number): string {
    return isoSeconds(this.startOf(i), this.interval % 1 === 0 ? 0 : 3);
  }

  /** A series column placed on the timeline (zeros outside the source's span); shift in bins. */
  place(cols: SeriesColumns, key: keyof SeriesColumns, shift = 0): Float64Array {
    const out = new Float64Array(this.length);
    const src = cols[key] as Float64Array;
    const off = cols.firstBin - this.firstBin + shift;
    for (let i = 0; i < cols.length; i++) {
      const j = off + i;
      if (j >= 0 && j < this.length) out[j] += src[i];
    }
    return out;
  }

  /** A per-bin count array with its own first absolute bin placed on the timeline. */
  placeCounts(counts: ArrayLike<number>, firstAbsBin: number, shift = 0): Float64Array {
    const out = new Float64Array(this.length);
    const off = firstAbsBin - this.firstBin + shift;
    for (let i = 0; i < counts.length; i++) {
      const j = off + i;
      if (j >= 0 && j < this.length) out[j] += counts[i];
    }
    return out;
  }

  /** The [from, to) timeline bins covered by a source spanning [first, last]. */
  coverage(first: number | null, last: number | null): [number, number] {
    if (first === null || last === null) return [0, 0];
    return [Math.max(0, this.binOf(first)), Math.min(this.length, this.binOf(last) + 1)];
  }
}
