/**
 * @module logs/outliers
 * Entries far in time from where the log is (a clock not yet set at boot writes 1970, a flipped
 * bit moves a year) are held rather than binned: if the log comes back, they were outliers and are
 * skipped; if it stays there, the log really moved and they are kept. The scanner decides what
 * to do with them (logs/ingest); this is the place the log is at and the entries held.
 */
import type { LogFormat } from './formats';
import { Stamp } from './parse';

/**
 * A time this far (µs) from the entry before it is held as a possible outlier: half a year, so
 * that a monthly job's log is never held, while a clock not set (1970) or a flipped year digit is.
 */
export const FAR_US = 180 * 86400e6;
/** Far entries held at most: more in a row and the log really moved. */
export const HOLD = 8;

export class OutlierHold {
  /** Where the log is (µs): the last entry kept, NaN before there is one. */
  anchor = NaN;
  /** The first lines lie together (see {@link sample}): a far line before 16 entries can be held. */
  dense = false;
  /** The anchor was sampled from the log's first bytes. */
  sampled = false;
  /** The held entries' times (µs) and line numbers, `held` of them. */
  readonly times = new Float64Array(HOLD);
  readonly lines = new Uint32Array(HOLD);
  held = 0;

  /** Is `t` far from where the log is? */
  far(t: number): boolean {
    const a = this.anchor;
    return t - a > FAR_US || a - t > FAR_US;
  }

  /** Holds a far entry; false when the hold is full (the log moved). */
  hold(t: number, no: number): boolean {
    if (this.held >= HOLD) return false;
    this.times[this.held] = t;
    this.lines[this.held++] = no;
    return true;
  }

  /**
   * Where the log's first lines are: the median time of the first `maxLines` lines of `b` from
   * `pos` that carry a full date (lines end at `eol`). A first line far from it (1970 from a clock
   * not yet set) is then held as an outlier candidate. Only a log whose first lines lie together
   * has a place to come back to (one line a year has none).
   */
  sample(fmt: LogFormat | null, b: Uint8Array, pos: number, eol: number, maxLines: number): void {
    this.sampled = true;
    if (!fmt || fmt.yearless) return;
    const st = new Stamp();
    const times: number[] = [];
    for (let i = pos; i < b.length && times.length < maxLines; ) {
      let nl = b.indexOf(eol, i);
      if (nl < 0) nl = b.length;
      if (fmt.read(b, i, Math.min(nl, i + 4096), st)) {
        if (st.epochUs === st.epochUs) times.push(st.epochUs);
        else if (st.year !== 0) times.push((st.wallSeconds() - (st.offset === st.offset ? st.offset : 0)) * 1e6);
      }
      i = nl + 1;
    }
    if (times.length < 3) return;
    times.sort((x, y) => x - y);
    const mid = times[times.length >> 1];
    const near = times.filter((t) => Math.abs(t - mid) <= FAR_US).length;
    this.dense = near >= 0.75 * times.length;
    this.anchor = this.dense ? mid : NaN;
  }
}
