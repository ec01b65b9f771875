/**
 * @module logs/events
 * The counted entries of a log as two columns, kept only when asked for (`keepEvents`): epoch
 * seconds and 1-based line numbers, in log order, grown by doubling.
 */

/** Event columns: epoch seconds and 1-based line numbers of the counted entries, in log order. */
export interface LogEvents {
  time: Float64Array;
  line: Uint32Array;
}

export class EventColumns {
  private n = 0;
  private time = new Float64Array(1024);
  private line = new Uint32Array(1024);

  /** An entry at `t` µs, line `no`. */
  add(t: number, no: number): void {
    if (this.n === this.time.length) {
      const tt = new Float64Array(this.n * 2);
      tt.set(this.time);
      const ll = new Uint32Array(this.n * 2);
      ll.set(this.line);
      this.time = tt;
      this.line = ll;
    }
    this.time[this.n] = t / 1e6;
    this.line[this.n++] = no;
  }

  columns(): LogEvents {
    return { time: this.time.slice(0, this.n), line: this.line.slice(0, this.n) };
  }
}
