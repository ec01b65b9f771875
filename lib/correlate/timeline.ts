/**
 * @module correlate/timeline
 * One timeline: every source's per-bin values placed on shared, epoch-aligned bins — the bins of
 * the one interval grid (grid.ts) the series and the logs were counted on, so a time is placed by
 * the same exact rule that counted it.
 */
import { IntervalGrid } from '../grid';
import type { SeriesColumns } from '../metrics/series';

export class Timeline {
  /** The epoch-origin grid; timeline bin `i` is its bin `firstBin + i`. */
  readonly grid: IntervalGrid;
  /** Absolute grid bin of timeline bin 0 (grid origin at the epoch). */
  constructor(readonly interval: number, readonly firstBin: number, readonly length: number) {
    this.grid = new IntervalGrid(0, 0, interval);
  }

  static spanning(interval: number, times: (number | null)[]): Timeline {
    const ts = times.filter((t): t is number => t !== null && Number.isFinite(t));
    if (ts.length === 0) return new Timeline(interval, 0, 0);
    const grid = new IntervalGrid(0, 0, interval);
    const lo = grid.binOfSeconds(Math.min(...ts));
    const hi = grid.binOfSeconds(Math.max(...ts));
    return new Timeline(interval, lo, hi - lo + 1);
  }

  /** Timeline bin of a float time (to the nanosecond, on the grid's exact edges). */
  binOf(t: number): number {
    return this.grid.binOfSeconds(t) - this.firstBin;
  }
  startOf(i: number): number {
    return this.grid.startOf(this.firstBin + i);
  }
  iso(i: number): string {
    return this.grid.isoStartOf(this.firstBin + i);
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
