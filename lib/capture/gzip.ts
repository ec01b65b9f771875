/**
 * @module capture/gzip
 * Gzip-compressed captures (`tcpdump -z gzip`, `.pcap.gz`, `.pcapng.gz`, as Wireshark reads
 * them), inflated while they are read: a `SyncByteSource` over another one, so every reader, the
 * two-thread pass and analyze take them unchanged. fflate's streaming Gunzip is synchronous;
 * Node's zlib streams are not, and its sync calls need the whole file in memory.
 */
import { Gunzip } from 'fflate';
import { CompressedDataError } from '../errors';
import type { SourceDamage, SyncByteSource } from './reader';

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
 * fflate's "unexpected EOF" (code 0): the data stops, rather than being wrong. Decided by the
 * error, not by which push raised it, so a file and a stream of the same bytes agree.
 */
function isCutOff(e: unknown): boolean {
  return (e as { code?: unknown })?.code === 0;
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
  private readonly out: Uint8Array[] = [];
  private head = 0;
  private produced = 0;
  private ended = false;
  private damage: SourceDamage | null = null;
  private readonly gz: Gunzip;

  constructor(private readonly inner: SyncByteSource, private readonly file?: string) {
    this.inputSize = inner.size;
    this.gz = new Gunzip((chunk) => {
      if (chunk.length > 0) {
        this.out.push(chunk);
        this.produced += chunk.length;
      }
    });
  }

  read(into: Uint8Array, at: number, length: number): number {
    let n = 0;
    while (n < length) {
      if (this.out.length === 0) {
        if (this.ended) break;
        this.step();
        continue;
      }
      const c = this.out[0];
      const k = Math.min(c.length - this.head, length - n);
      into.set(c.subarray(this.head, this.head + k), at + n);
      n += k;
      this.head += k;
      if (this.head === c.length) {
        this.out.shift();
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
    try {
      if (n === 0) {
        this.ended = true;
        this.gz.push(NONE, true);
        // A copy: fflate keeps a reference to input it cannot use yet (a header cut across two
        // pushes), and this buffer is read into again.
      } else this.gz.push(this.input.slice(0, n));
    } catch (e) {
      this.ended = true;
      const why = (e as Error).message;
      const cutOff = isCutOff(e);
      if (this.produced === 0 && this.out.length === 0) {
        throw new CompressedDataError(`not readable as gzip: ${why} (compressed byte ${at})`, { file: this.file, offset: 0, packet: 0 }, { cause: e });
      }
      this.damage = {
        cutOff,
        reason: cutOff
          ? `the gzip stream is cut off after ${at + n} compressed bytes: the capture ends there`
          : `damaged gzip data at compressed bytes ${at}-${at + n} (${why}): the capture ends there`,
      };
    }
  }

  takeDamage(): SourceDamage | null {
    const d = this.damage;
    this.damage = null;
    return d;
  }

  close(): void {
    this.inner.close?.();
  }
}

function concatBytes(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
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
  private damage: SourceDamage | null = null;
  constructor(private readonly source: AsyncIterable<Uint8Array | string>, private readonly file?: string) {}

  takeDamage(): SourceDamage | null {
    const d = this.damage;
    this.damage = null;
    return d;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const it = this.source[Symbol.asyncIterator]();
    const next = async (): Promise<Uint8Array | null> => {
      for (;;) {
        const { value, done } = await it.next();
        if (done) return null;
        const c = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
        if (c.length > 0) return c;
      }
    };
    // Two bytes decide; a stream of one byte is passed on for the reader to reject.
    let head = await next();
    while (head !== null && head.length < 2) {
      const more = await next();
      if (more === null) break;
      const joined = new Uint8Array(head.length + more.length);
      joined.set(head);
      joined.set(more, head.length);
      head = joined;
    }
    if (head === null) return;
    if (!isGzip(head)) {
      yield head;
      for (let c = await next(); c !== null; c = await next()) yield c;
      return;
    }
    this.gzip = true;
    const out: Uint8Array[] = [];
    let produced = 0;
    let consumed = 0;
    const gz = new Gunzip((chunk) => {
      if (chunk.length > 0) {
        out.push(chunk);
        produced += chunk.length;
      }
    });
    // Input is gathered into whole steps: fflate re-reads what it could not use yet, so a
    // trickle of tiny chunks pushed one by one costs quadratic time (1-byte pushes: 17.6 s for
    // 310 KB here, 32 KiB steps: milliseconds).
    const gathered: Uint8Array[] = [head];
    let have = head.length;
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
      for (let i = 0; i < whole || (last && i === 0); i += STEP) {
        const piece = input.subarray(i, Math.min(whole, i + STEP));
        const final = last && i + STEP >= whole;
        try {
          gz.push(piece, final);
        } catch (e) {
          if (produced === 0) {
            throw new CompressedDataError(`not readable as gzip: ${(e as Error).message} (compressed byte ${consumed})`, { file: this.file, offset: 0, packet: 0 }, { cause: e });
          }
          yield* out.splice(0);
          const cutOff = isCutOff(e);
          this.damage = {
            cutOff,
            reason: cutOff
              ? `the gzip stream is cut off after ${consumed + piece.length} compressed bytes: the capture ends there`
              : `damaged gzip data at compressed bytes ${consumed}-${consumed + piece.length} (${(e as Error).message}): the capture ends there`,
          };
          return;
        }
        consumed += piece.length;
        yield* out.splice(0);
      }
      if (last) return;
    }
  }
}
