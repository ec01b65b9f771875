/**
 * @module logs/framing
 * Bytes pushed in chunks of any size, before they are lines: the line that straddles two chunks
 * ({@link LineCarry}), and the first chunks held until there are enough lines to detect the
 * log's format ({@link DetectionBuffer}). Only these are copied; every other line is read in
 * place in the chunk it arrived in.
 */
import { concatBytes } from '../bytes/concat';
import { fastBytes } from '../bytes/text';

/** Auto-detection waits for this many lines (or bytes, or the end). */
export const DETECT_LINES = 64;
/** A first line of megabytes (a dumped blob) must not hide the rest. */
export const DETECT_BYTES = 1 << 24;

/**
 * The start of a line whose end is in a later chunk. At most `max` bytes are kept (the
 * timestamp is at the start); `total` counts them all, so a cut line is known to be cut.
 */
export class LineCarry {
  bytes = new Uint8Array(256);
  /** Bytes kept in `bytes`. */
  length = 0;
  /** The line's length so far, kept or not; 0 when no line is carried. */
  total = 0;

  constructor(private readonly max: number) {}

  append(b: Uint8Array, s: number, e: number): void {
    const keep = Math.min(e - s, this.max - this.length);
    if (keep > 0) {
      if (this.length + keep > this.bytes.length) {
        const c = new Uint8Array(Math.min(Math.max(this.bytes.length * 2, this.length + keep), this.max));
        c.set(this.bytes.subarray(0, this.length));
        this.bytes = c;
      }
      this.bytes.set(b.subarray(s, s + keep), this.length);
      this.length += keep;
    }
    this.total += e - s;
  }

  /** Bytes of the line were dropped past `max`. */
  get cut(): boolean {
    return this.total > this.length;
  }

  clear(): void {
    this.length = 0;
    this.total = 0;
  }
}

/** The log's first chunks, copied, until {@link DETECT_LINES} lines or {@link DETECT_BYTES} bytes. */
export class DetectionBuffer {
  private chunks: Uint8Array[] = [];
  bytes = 0;
  private lines = 0;

  /** Holds a copy of `b` (the caller may reuse its buffer); true when detection can run. */
  add(b: Uint8Array): boolean {
    this.chunks.push(fastBytes(new Uint8Array(b)));
    this.bytes += b.length;
    for (let i = b.indexOf(10); i >= 0 && this.lines < DETECT_LINES; i = b.indexOf(10, i + 1)) this.lines++;
    return this.lines >= DETECT_LINES || this.bytes >= DETECT_BYTES;
  }

  get empty(): boolean {
    return this.chunks.length === 0;
  }

  /** The bytes held, as one array; the buffer is emptied. */
  take(): Uint8Array {
    const all = fastBytes(concatBytes(this.chunks, this.bytes));
    this.chunks = [];
    this.bytes = 0;
    return all;
  }
}

/** Does this chunk alone hold enough lines (or bytes) to detect the format? */
export function enoughToDetect(b: Uint8Array): boolean {
  if (b.length >= DETECT_BYTES) return true;
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) if (++n >= DETECT_LINES) return true;
  return false;
}
