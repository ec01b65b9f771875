/**
 * @module grid
 * The one half-open interval grid shared by captures and logs: bins `[start, start + width)`.
 * Bin math is done in exact integers (seconds + nanoseconds relative to the origin), so a packet
 * exactly on an edge always lands in the bin that starts there, as tshark's io,stat does.
 */
import { ArgumentError } from './errors';
import { isoFromSeconds } from './time';

export type Align = 'epoch' | 'first';

/** An exact grid origin plus a width in whole nanoseconds (the width must be ≥ 1 ms). */
export class IntervalGrid {
  /** Origin: integer epoch seconds + nanoseconds. */
  readonly originSec: number;
  readonly originNs: number;
  readonly widthNs: number;
  constructor(originSec: number, originNs: number, widthSeconds: number) {
    const widthNs = Math.round(widthSeconds * 1e9);
    if (!(widthNs >= 1e6)) throw new ArgumentError(`interval must be at least 1ms, got ${widthSeconds}s`);
    if (widthNs % 1e6 !== 0) throw new ArgumentError(`interval must be a whole number of milliseconds, got ${widthSeconds}s`);
    this.originSec = originSec;
    this.originNs = originNs;
    this.widthNs = widthNs;
  }

  /** The width in seconds. */
  get width(): number {
    return this.widthNs / 1e9;
  }
  /** The origin in float seconds (for charts). */
  get origin(): number {
    return this.originSec + this.originNs / 1e9;
  }

  /**
   * A grid whose edges are absolute multiples of the width since the epoch (so two sources
   * share edges), or that starts at `first` exactly (tshark io,stat).
   */
  static forStart(sec: number, ns: number, widthSeconds: number, align: Align = 'epoch'): IntervalGrid {
    if (align === 'first') return new IntervalGrid(sec, ns, widthSeconds);
    const widthMs = Math.round(widthSeconds * 1000);
    const epochMs = sec * 1000 + Math.floor(ns / 1e6);
    const oMs = Math.floor(epochMs / widthMs) * widthMs;
    const oSec = Math.floor(oMs / 1000);
    return new IntervalGrid(oSec, (oMs - oSec * 1000) * 1e6, widthSeconds);
  }

  /** Epoch-aligned grid containing float seconds `t`. */
  static forSeconds(t: number, widthSeconds: number, align: Align = 'epoch'): IntervalGrid {
    const sec = Math.floor(t);
    const ns = Math.round((t - sec) * 1e9);
    return IntervalGrid.forStart(sec, Math.min(ns, 999_999_999), widthSeconds, align);
  }

  /** Bin index of an exact time (may be negative for times before the origin). */
  binOf(sec: number, ns: number): number {
    const rel = (sec - this.originSec) * 1e9 + (ns - this.originNs);
    return Math.floor(rel / this.widthNs);
  }

  /**
   * Bin index of a float-seconds time. A double holds a present-day epoch time to about 0.24 µs,
   * so the fraction is taken to the microsecond: a time that was µs-exact before it became a float
   * (a pcap timestamp, a log's milliseconds) lands in the bin its exact form does, edges included.
   */
  binOfSeconds(t: number): number {
    const sec = Math.floor(t);
    return this.binOf(sec, Math.round((t - sec) * 1e6) * 1000);
  }

  /** Start of bin `i` in float seconds. */
  startOf(i: number): number {
    return this.originSec + (this.originNs + i * this.widthNs) / 1e9;
  }

  /** ISO-8601 start of bin `i`, exact (ms digits when the grid is ms-aligned, else ns/µs). */
  isoStartOf(i: number): string {
    const totalNs = this.originNs + i * this.widthNs;
    const sec = this.originSec + Math.floor(totalNs / 1e9);
    const ns = totalNs - Math.floor(totalNs / 1e9) * 1e9;
    // Whole-second grids print whole seconds; sub-second grids keep their digits on every edge.
    if (ns === 0 && this.widthNs % 1e9 === 0 && this.originNs === 0) return isoFromSeconds(sec);
    const s = String(ns).padStart(9, '0');
    const trimmed = ns % 1e6 === 0 ? s.slice(0, 3) : ns % 1e3 === 0 ? s.slice(0, 6) : s;
    return isoFromSeconds(sec, trimmed);
  }

  /** Same origin and width? */
  equals(o: IntervalGrid): boolean {
    return this.originSec === o.originSec && this.originNs === o.originNs && this.widthNs === o.widthNs;
  }
}

/**
 * Bin widths (s) a source spanning more bins than it may keep is widened to, the first that fits:
 * `alibi logs` and `alibi series` widen on the same ladder so their bins stay comparable.
 */
export const WIDER_INTERVALS: readonly number[] = [1, 10, 60, 600, 3600, 21600, 86400, 604800];
