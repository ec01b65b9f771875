/**
 * @module capture/gzip
 * Gzip-compressed captures (`tcpdump -z gzip`, `.pcap.gz`, `.pcapng.gz`, as Wireshark reads
 * them), inflated while they are read: a `SyncByteSource` over another one, so every reader, the
 * two-thread pass and analyze take them unchanged. Inflated by bytes/gunzip (fflate, synchronous,
 * each member's trailer checked); Node's zlib streams are not synchronous, and its sync calls need
 * the whole file in memory.
 */
import { latin1Bytes } from '../bytes/text';
import { GzipStream } from '../bytes/gunzip';
import { concatBytes } from '../bytes/concat';
import { CompressedDataError } from '../errors';
import type { SourceDamage, SyncByteSource } from './source';

/** The gzip magic (RFC 1952: ID1 ID2). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The source inflated when it starts with the gzip magic. A sized (positional) source is peeked
 * at position 0; a pipe (no size) has its first bytes read and then served again.
 */
export function gunzipIfGzip(src: SyncByteSource, file?: string): SyncByteSource {
  const head = new Uint8Array(2);
  if (src.size !== undefined) return src.size >= 2 && src.read(head, 0, 2, 0) === 2 && isGzip(head) ? new GunzipSource(src, file) : src;
  let got = 0;
  for (let k; got < 2 && (k = src.read(head, got, 2 - got, got)) > 0; ) got += k;
  const replayed = replaying(src, head.subarray(0, got));
  return got === 2 && isGzip(head) ? new GunzipSource(replayed, file) : replayed;
}

/** `src` with `first` (bytes already read from it) served again before the rest. */
function replaying(src: SyncByteSource, first: Uint8Array): SyncByteSource {
  let served = 0;
  return {
    size: src.size,
    read(into, at, length, position) {
      if (served < first.length) {
        const k = Math.min(length, first.length - served);
        into.set(first.subarray(served, served + k), at);
        served += k;
        return k;
      }
      return src.read(into, at, length, position);
    },
    close: () => src.close?.(),
  };
}

/**
 * Compressed bytes inflated at a time. Deflate expands at most ~1032:1, so one step yields at
 * most ~33 MB even from a "zip bomb"; 32 KiB steps inflate as fast as 1 MiB ones here.
 */
const STEP = 32 * 1024;
const NONE = new Uint8Array(0);

/**
 * bytes/gunzip's stream with its errors turned into ours, for both the sync source and the chunk
 * stream. Damage before any output makes the input unreadable (thrown); after some, the stream
 * ends there and `takeDamage()` says why. Each member's CRC-32 and length are checked, as zlib
 * checks them. Whether it was cut off is read from the damage, not from which push raised it, so
 * a file and a stream of the same bytes agree.
 */
class Inflater {
  private readonly gz = new GzipStream();
  private damage: SourceDamage | null = null;

  constructor(private readonly file?: string) {}

  /** Inflated chunks not yet handed on. */
  get out(): Uint8Array[] {
    return this.gz.out;
  }

  /**
   * Inflates `piece`, compressed bytes from `at`. The stream may keep a reference to input it
   * cannot use yet: pass bytes that are not written again. False when the stream ended here.
   */
  push(piece: Uint8Array, final: boolean, at: number): boolean {
    if (this.gz.push(piece, final)) return true;
    const why = this.gz.damage;
    if (why === null) return false;
    if (this.gz.produced === 0) {
      throw new CompressedDataError(`not readable as gzip: ${why} (compressed byte ${at})`, { file: this.file, offset: 0, packet: 0 });
    }
    const end = at + piece.length;
    this.damage = this.gz.cutOff
      ? { cutOff: true, reason: `the gzip stream is cut off after ${end} compressed bytes (${why}): the capture ends there` }
      : { cutOff: false, reason: `damaged gzip data at compressed bytes ${at}-${end} (${why}): the capture ends there` };
    return false;
  }

  takeDamage(): SourceDamage | null {
    const d = this.damage;
    this.damage = null;
    return d;
  }
}

/**
 * Inflates `inner` (read sequentially from its start) as it is read. A stream that is cut off or
 * damaged after some output ends there, and `takeDamage()` says why (the reader turns that into
 * a warning); damage before any output is a `CompressedDataError`. Concatenated members (`cat
 * a.gz b.gz`) are read as one stream, as gzip does.
 */
export class GunzipSource implements SyncByteSource {
  /** The inflated size is not known before the end. */
  readonly size = undefined;
  /** Compressed bytes read so far, and the compressed size: for progress. */
  consumed = 0;
  readonly inputSize: number | undefined;
  private readonly input = new Uint8Array(STEP);
  private readonly inflater: Inflater;
  private head = 0;
  private ended = false;

  constructor(private readonly inner: SyncByteSource, file?: string) {
    this.inputSize = inner.size;
    this.inflater = new Inflater(file);
  }

  read(into: Uint8Array, at: number, length: number): number {
    const out = this.inflater.out;
    let n = 0;
    while (n < length) {
      if (out.length === 0) {
        if (this.ended) break;
        this.step();
        continue;
      }
      const c = out[0];
      const k = Math.min(c.length - this.head, length - n);
      into.set(c.subarray(this.head, this.head + k), at + n);
      n += k;
      this.head += k;
      if (this.head === c.length) {
        out.shift();
        this.head = 0;
      }
    }
    return n;
  }

  /** Inflates the next compressed step. */
  private step(): void {
    const at = this.consumed;
    // A whole step, also from a pipe that returns less per read: fflate's cost grows with the
    // input it has to look at again, so many short pushes are slow.
    let n = 0;
    for (let k; n < STEP && (k = this.inner.read(this.input, n, STEP - n, at + n)) > 0; ) n += k;
    this.consumed += n;
    if (n === 0) this.ended = true;
    // A copy: this buffer is read into again (a header longer than a step stays referenced).
    if (!this.inflater.push(n === 0 ? NONE : this.input.slice(0, n), n === 0, at)) this.ended = true;
  }

  takeDamage(): SourceDamage | null {
    return this.inflater.takeDamage();
  }

  close(): void {
    this.inner.close?.();
  }
}

/** Bytes of whole arrays as one `SyncByteSource` (to inflate a gzip capture held in memory). */
export function memorySource(bytes: Uint8Array): SyncByteSource {
  return {
    size: bytes.length,
    read(into, at, length, position) {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      into.set(bytes.subarray(position, position + n), at);
      return n;
    },
  };
}

/**
 * A chunk stream (stdin) inflated when it starts with the gzip magic, passed through otherwise.
 * Damage is reported as by `GunzipSource`.
 */
export class GunzipChunks implements AsyncIterable<Uint8Array> {
  /** Set once the first bytes are the gzip magic. */
  gzip = false;
  private inflater: Inflater | null = null;
  constructor(private readonly source: AsyncIterable<Uint8Array | string>, private readonly file?: string) {}

  takeDamage(): SourceDamage | null {
    return this.inflater?.takeDamage() ?? null;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const it = this.source[Symbol.asyncIterator]();
    const next = async (): Promise<Uint8Array | null> => {
      for (;;) {
        const { value, done } = await it.next();
        if (done) return null;
        const c = typeof value === 'string' ? latin1Bytes(value) : value;
        if (c.length > 0) return c;
      }
    };
    // Two bytes decide; a stream of one byte is passed on for the reader to reject.
    let head = await next();
    while (head !== null && head.length < 2) {
      const more = await next();
      if (more === null) break;
      head = concatBytes([head, more], head.length + more.length);
    }
    if (head === null) return;
    if (!isGzip(head)) {
      yield head;
      for (let c = await next(); c !== null; c = await next()) yield c;
      return;
    }
    this.gzip = true;
    const inflater = (this.inflater = new Inflater(this.file));
    // Input is gathered into whole steps: fflate re-reads what it could not use yet, so a
    // trickle of tiny chunks pushed one by one costs quadratic time (1-byte pushes: 17.6 s for
    // 310 KB here, 32 KiB steps: milliseconds).
    const gathered: Uint8Array[] = [head];
    let have = head.length;
    let consumed = 0;
    for (;;) {
      let c: Uint8Array | null = null;
      while (have < STEP && (c = await next()) !== null) {
        gathered.push(c);
        have += c.length;
      }
      const last = c === null && have < STEP;
      const input = gathered.length === 1 ? gathered[0] : concatBytes(gathered, have);
      const whole = last ? input.length : input.length - (input.length % STEP);
      gathered.length = 0;
      have = input.length - whole;
      if (have > 0) gathered.push(input.subarray(whole));
      // Pieces of stream chunks or of a fresh join: nothing here is written again.
      for (let i = 0; i < whole || (last && i === 0); i += STEP) {
        const piece = input.subarray(i, Math.min(whole, i + STEP));
        const ok = inflater.push(piece, last && i + STEP >= whole, consumed);
        consumed += piece.length;
        yield* inflater.out.splice(0);
        if (!ok) return;
      }
      if (last) return;
    }
  }
}
