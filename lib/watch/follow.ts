/**
 * @module watch/follow
 * Follows a log file as it grows, as `tail -F` does: complete lines only (a partial last line
 * waits for its newline), across rotation (the path now names another inode: the old file is read
 * to its end, then the new one from its start) and truncation (the file got shorter than what was
 * read: read again from the start). Polls with `fs` calls only; nothing here reads the clock.
 */
import * as fs from 'node:fs';

export interface FollowOptions {
  /** Start at the end of the file as it is now (default true), or at its start. */
  fromEnd?: boolean;
  /** Largest chunk read per poll, bytes (default 4 MiB): a burst is spread over several polls. */
  maxChunk?: number;
  /** Longest partial line held while waiting for its newline (default 64 KiB; longer is cut). */
  maxLine?: number;
}

/** What one poll found: complete lines (each ending in LF) and what happened to the file. */
export interface FollowEvent {
  /** Complete lines, LF-terminated (CRs kept: the log parser drops them). */
  data: Buffer | null;
  rotated: boolean;
  truncated: boolean;
}

/**
 * A followed file.
 *
 * Creation: `new LogFollower(path)`. Transformation: `poll()` (call it on a timer), `close()`.
 * Output: the lines `poll()` returns, `offset`, `inode`, `rotations`, `truncations`.
 * @example
 * const f = new LogFollower('/var/log/nginx/access.log');
 * setInterval(() => { const e = f.poll(); if (e.data) scanner.push(e.data); }, 250);
 */
export class LogFollower {
  private fd: number | null = null;
  inode: number | null = null;
  offset = 0;
  rotations = 0;
  truncations = 0;
  private partial: Buffer[] = [];
  private partialLen = 0;
  private readonly buf: Buffer;
  private readonly maxLine: number;
  private first = true;

  constructor(readonly path: string, private readonly opts: FollowOptions = {}) {
    this.buf = Buffer.allocUnsafe(opts.maxChunk ?? 4 << 20);
    this.maxLine = opts.maxLine ?? 65536;
  }

  /** Reads what was appended since the last poll. Never throws for a missing file (it may come back). */
  poll(): FollowEvent {
    const ev: FollowEvent = { data: null, rotated: false, truncated: false };
    const out: Buffer[] = [];
    let st: fs.Stats | null = null;
    try { st = fs.statSync(this.path); } catch { st = null; }
    // A file that appears after we started is read from its start.
    if (!st && this.fd === null) this.first = false;
    if (this.fd !== null && st && st.ino !== this.inode) {
      // Rotated: finish the old file, then switch.
      while (this.drain(out) === this.buf.length) { /* read the old file to its end */ }
      this.closeFd();
      this.flushPartial(out);
      ev.rotated = true;
      this.rotations++;
    }
    if (this.fd === null && st) {
      try {
        this.fd = fs.openSync(this.path, 'r');
      } catch {
        return ev;
      }
      const fst = fs.fstatSync(this.fd);
      this.inode = fst.ino;
      this.offset = this.first && (this.opts.fromEnd ?? true) ? fst.size : 0;
      this.first = false;
    }
    if (this.fd !== null) {
      const size = fs.fstatSync(this.fd).size;
      if (size < this.offset) {
        // Truncated (copytruncate, > file): what follows starts a new file.
        this.offset = 0;
        this.partial = [];
        this.partialLen = 0;
        ev.truncated = true;
        this.truncations++;
      }
      this.drain(out);
    }
    if (out.length) ev.data = out.length === 1 ? out[0] : Buffer.concat(out);
    return ev;
  }

  /** Reads from `offset` to the end of the open file (at most maxChunk), keeping complete lines. */
  private drain(out: Buffer[]): number {
    if (this.fd === null) return 0;
    const n = fs.readSync(this.fd, this.buf, 0, this.buf.length, this.offset);
    if (n <= 0) return 0;
    this.offset += n;
    const chunk = this.buf.subarray(0, n);
    const nl = chunk.lastIndexOf(10);
    if (nl < 0) {
      this.hold(chunk);
      return n;
    }
    if (this.partialLen) {
      out.push(Buffer.concat([...this.partial, chunk.subarray(0, nl + 1)]));
      this.partial = [];
      this.partialLen = 0;
    } else out.push(Buffer.from(chunk.subarray(0, nl + 1)));
    if (nl + 1 < n) this.hold(chunk.subarray(nl + 1));
    return n;
  }

  private hold(b: Buffer): void {
    const room = this.maxLine - this.partialLen;
    if (room <= 0) return; // an overlong line: its start is kept, the rest dropped
    const keep = b.subarray(0, Math.min(room, b.length));
    this.partial.push(Buffer.from(keep));
    this.partialLen += keep.length;
  }

  /** A rotated file's unterminated last line is complete: the writer moved on. */
  private flushPartial(out: Buffer[]): void {
    if (!this.partialLen) return;
    out.push(Buffer.concat([...this.partial, Buffer.from('\n')]));
    this.partial = [];
    this.partialLen = 0;
  }

  private closeFd(): void {
    if (this.fd !== null) {
      try { fs.closeSync(this.fd); } catch { /* gone */ }
    }
    this.fd = null;
    this.inode = null;
    this.offset = 0;
  }

  close(): void {
    this.closeFd();
  }
}
