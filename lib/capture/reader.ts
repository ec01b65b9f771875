/**
 * @module capture/reader
 * Drivers that feed a format parser: a sync reader over memory or any positional byte source
 * (files, see `node.ts`), and an async reader over chunk streams (stdin). Records that straddle
 * chunk boundaries are handled by moving only the unread tail to the front of the window.
 * Damage in the middle of a file becomes a warning, the reader resynchronises on the next
 * plausible record/block, and reports the skipped byte range: nothing read before or after
 * the damage is lost.
 */
import { AlibiError, CompressedDataError, InputError, TruncatedCaptureError, UnknownFormatError, Warning } from '../errors';
import { concatBytes } from '../bytes/concat';
import { FormatParser, InterfaceInfo, MAX_BLOCK, resolutionName } from './format';
import { GunzipChunks, GunzipSource, gunzipIfGzip, isGzip, memorySource } from './gzip';
import { PcapParser, sniffPcap } from './pcap';
import { PcapngParser, sniffPcapng } from './pcapng';
import { PacketRecord } from './record';
import { TIME_JUMP_LIMIT, TimeGuard } from './timeguard';

export interface ReaderOptions {
  /** Name used in errors and warnings (a path). */
  file?: string;
  /** After damage, look for the next plausible record instead of stopping (default true). */
  resync?: boolean;
  /** Cap on warnings kept (damage can repeat); later ones are counted only. Default 1000. */
  maxWarnings?: number;
  /**
   * Leave out a record more than a day from the records on both sides of it (a damaged
   * timestamp), with a warning (default true). `false` hands out every record as stored.
   */
  timeCheck?: boolean;
}

export type { SourceDamage, SyncByteSource } from './source';
import type { SourceDamage, SyncByteSource } from './source';

const NEED = 1 as const;
// 1 MiB: large enough to hit disk speed; small enough that what a read() just copied is still
// in the CPU cache when the records are parsed (flows pass on the big capture: ~10% faster than 4 MiB).
const DEFAULT_CHUNK = 1 << 20;
const RESYNC_LOOKAHEAD = 1 << 16;
// The time check's limit as a local constant: the hot path compares against it per packet, and a
// module property (timeguard_1.TIME_JUMP_LIMIT in the emitted code) is a load each time.
const DAY: typeof TIME_JUMP_LIMIT = 86_400;

/** The warning for a source that ended early (a cut or damaged gzip stream). */
function sourceDamage(d: SourceDamage, where: { file?: string; offset: number; packet: number }): AlibiError {
  return d.cutOff ? new TruncatedCaptureError(d.reason, where) : new CompressedDataError(d.reason, where);
}

/** Picks the parser from the first four bytes. */
export function parserFor(head: Uint8Array, file?: string): FormatParser {
  if (sniffPcapng(head)) return new PcapngParser(file);
  if (sniffPcap(head) || head.length < 4) return new PcapParser(file);
  const hex = Array.from(head.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join('');
  throw new UnknownFormatError(`not a pcap or pcapng file: magic 0x${hex}`, { file, offset: 0, packet: 0 });
}

/**
 * The shared state machine: a window `buf[pos..end)` at file offset `base`, and a parser.
 * `pull()` returns a record, null at the end, or NEED when the window must grow.
 */
class ReaderCore {
  buf: Uint8Array;
  pos = 0;
  end = 0;
  base = 0;
  eof = false;
  done = false;
  parser: FormatParser | null = null;
  readonly rec = new PacketRecord();
  readonly warnings: Warning[] = [];
  warningsDropped = 0;
  packets = 0;
  /**
   * The parser once its file/section header is read and while no damage is pending: `next()`
   * then reads records through its never-throwing `fastStep`, without the state machine below.
   */
  fast: PcapParser | PcapngParser | null = null;
  private resyncFrom = -1;
  private damage: AlibiError | null = null;
  /**
   * The source's own reason for ending early (a cut gzip stream), told when the records reach
   * that end: after the damage found before it, before the record it cut through, in the same
   * order however far ahead the source was read.
   */
  sourceEnd: { damage: SourceDamage; offset: number } | null = null;
  /** Leaves out records with impossible times (`enabled` false with `timeCheck: false`). */
  readonly guard: TimeGuard;

  constructor(buf: Uint8Array, readonly opts: ReaderOptions) {
    this.buf = buf;
    this.guard = new TimeGuard(opts.timeCheck !== false, opts.file, (w) => {
      // A left-out record was counted when it was read: `packets` counts what is handed out.
      this.packets--;
      this.pushWarning(w);
    });
  }

  get offset(): number {
    return this.base + this.pos;
  }

  pull(): PacketRecord | null | typeof NEED {
    for (;;) {
      if (this.done) {
        this.tellSourceEnd();
        return null;
      }
      if (this.resyncFrom >= 0) {
        const r = this.resync();
        if (r !== 0) return r === NEED ? NEED : null;
        continue;
      }
      if (this.parser === null) {
        if (this.end - this.pos < 4 && !this.eof) return NEED;
        if (this.end - this.pos === 0) {
          throw new UnknownFormatError('empty input: no capture header', { file: this.opts.file, offset: 0, packet: 0 });
        }
        this.parser = parserFor(this.buf.subarray(this.pos, Math.min(this.pos + 4, this.end)), this.opts.file);
      }
      let n: number;
      try {
        n = this.parser.step(this.buf, this.pos, this.end, this.base + this.pos, this.rec);
      } catch (e) {
        this.onDamage(e);
        continue;
      }
      if (n > 0) {
        this.pos += n;
        const p = this.parser;
        if (this.fast === null && (p instanceof PcapParser || p instanceof PcapngParser) && p.ready) {
          p.prime(this.rec);
          this.fast = p;
        }
        if (this.parser.produced) {
          this.packets++;
          return this.rec;
        }
        const note = this.parser.note;
        if (note) {
          this.parser.note = null;
          this.warn(note);
        }
        continue;
      }
      if (!this.eof) return NEED;
      this.tellSourceEnd();
      const have = this.end - this.pos;
      if (have > 0 && this.base + this.pos === 0) {
        // Not even the file header is whole: nothing can be read from this input.
        throw new TruncatedCaptureError(
          `the capture ends inside its ${this.parser.format === 'pcap' ? 'file header' : 'section header block'}: ${have} of ${this.parser.need} bytes`,
          { file: this.opts.file, offset: 0, packet: 0 },
        );
      } else if (have > 0) {
        this.warn(new TruncatedCaptureError(
          `the capture ends in the middle of a ${this.parser.format === 'pcap' ? 'record' : 'block'}: ${have} of ${this.parser.need} bytes`,
          { file: this.opts.file, offset: this.base + this.pos, packet: this.packets },
        ));
      } else if (this.packets === 0 && this.base + this.pos === 0) {
        throw new UnknownFormatError('empty input', { file: this.opts.file, offset: 0, packet: 0 });
      }
      this.done = true;
      return null;
    }
  }

  /** How many bytes from `pos` the window must hold before `pull()` can progress. */
  wanted(): number {
    if (this.resyncFrom >= 0) return this.end - this.pos + RESYNC_LOOKAHEAD;
    if (this.parser === null) return 4;
    return Math.max(this.parser.need, 1);
  }

  private onDamage(e: unknown): void {
    this.fast = null;
    const err = e instanceof AlibiError
      ? e
      : new AlibiError(`internal decoder error: ${(e as Error)?.message ?? e}`, { file: this.opts.file, offset: this.base + this.pos, packet: this.packets }, { cause: e });
    // Nothing decoded yet and the header itself is bad: this input is not readable.
    const headerStage = this.parser === null || (this.packets === 0 && this.base + this.pos === 0);
    if (headerStage || this.opts.resync === false) {
      if (headerStage) throw err;
      this.warn(err);
      this.done = true;
      return;
    }
    this.damage = err;
    this.resyncFrom = this.base + this.pos + 1;
  }

  /** Scans for the next plausible record. Returns 0 when found (or gave up), NEED for more. */
  private resync(): 0 | typeof NEED | -1 {
    const parser = this.parser!;
    const from = this.resyncFrom - this.base;
    const limit = this.eof ? this.end : this.end - RESYNC_LOOKAHEAD;
    const found = limit > from ? parser.resync(this.buf, from, this.eof ? this.end : this.end) : -1;
    const accept = found >= 0 && (this.eof || found < limit);
    const w = this.damage!.toWarning();
    if (accept) {
      w.skippedTo = this.base + found;
      w.reason += `; resynchronised: skipped bytes ${w.offset}-${this.base + found}`;
      this.pushWarning(w);
      this.pos = found;
      this.resyncFrom = -1;
      this.damage = null;
      return 0;
    }
    if (this.eof) {
      w.skippedTo = this.base + this.end;
      w.reason += `; no readable record after it (skipped bytes ${w.offset}-${this.base + this.end})`;
      this.pushWarning(w);
      this.tellSourceEnd();
      this.resyncFrom = -1;
      this.done = true;
      return -1;
    }
    // Not found in this window: drop what was scanned and ask for more.
    const next = Math.max(from, limit);
    this.resyncFrom = this.base + next;
    this.pos = next;
    return NEED;
  }

  warn(e: AlibiError): void {
    this.pushWarning(e.toWarning());
  }
  private tellSourceEnd(): void {
    if (this.sourceEnd === null) return;
    const { damage, offset } = this.sourceEnd;
    this.sourceEnd = null;
    this.warn(sourceDamage(damage, { file: this.opts.file, offset, packet: this.packets }));
  }
  pushWarning(w: Warning): void {
    if (this.warnings.length < (this.opts.maxWarnings ?? 1000)) this.warnings.push(w);
    else this.warningsDropped++;
  }
}

/** A summary of what the reader has seen so far. */
export interface ReaderState {
  readonly format: 'pcap' | 'pcapng' | null;
  readonly byteOrder: 'le' | 'be' | null;
  readonly interfaces: readonly InterfaceInfo[];
  readonly warnings: readonly Warning[];
  /** Byte offset reached in the input. */
  readonly offset: number;
  readonly packets: number;
  /** Warnings past `maxWarnings`: counted, not listed. */
  readonly warningsDropped?: number;
}

abstract class ReaderBase implements ReaderState {
  protected core: ReaderCore;
  constructor(buf: Uint8Array, opts: ReaderOptions) {
    this.core = new ReaderCore(buf, opts);
  }
  get format() { return this.core.parser?.format ?? null; }
  get byteOrder() { return this.core.parser?.byteOrder ?? null; }
  get interfaces(): readonly InterfaceInfo[] { return this.core.parser?.interfaces ?? []; }
  get warnings(): readonly Warning[] { return this.core.warnings; }
  get offset() { return this.core.offset; }
  get packets() { return this.core.packets; }
  get warningsDropped() { return this.core.warningsDropped; }
  /** The parser, for format-specific details (pcap version, pcapng sections and skipped blocks). */
  get parser() { return this.core.parser; }
}

/** How a sync reader over a source gets its read window. */
export interface WindowOptions {
  /** Window size in bytes (default 1 MiB, at least 64 KiB). */
  chunkSize?: number;
  /**
   * A window to read through instead of a new one (at least 64 KiB): a capture set reading
   * hundreds of rotated files hands the same few windows from file to file rather than leave
   * one per file for the garbage collector. The reader owns it until it is closed.
   */
  window?: Uint8Array;
}

function readWindow(opts: WindowOptions): Uint8Array {
  const w = opts.window;
  if (w !== undefined && w.length >= 1 << 16) return w;
  return new Uint8Array(Math.max(opts.chunkSize ?? DEFAULT_CHUNK, 1 << 16));
}

/**
 * Sync reader over a whole Uint8Array or a positional source (a file: see `openCapture` in
 * `pcap-alibi/node`). Iterate it, or call `next()` on hot paths.
 *
 * The record is **reused: valid until the next iteration; copy what you keep**.
 * @example
 * const r = new CaptureReader(bytes);
 * for (const p of r) count++;
 * r.warnings //=> []
 */
export class CaptureReader extends ReaderBase implements Iterable<PacketRecord> {
  private readonly src: SyncByteSource | null;
  private readonly chunk: number;
  constructor(input: Uint8Array | SyncByteSource, opts: ReaderOptions & WindowOptions = {}) {
    // A gzip capture (in memory, or a file or other sized source) is inflated as it is read.
    const bytes = input instanceof Uint8Array && !isGzip(input) ? input : null;
    super(bytes ?? readWindow(opts), opts);
    this.chunk = this.core.buf.length;
    if (bytes !== null) {
      this.src = null;
      this.core.end = bytes.length;
      this.core.eof = true;
    } else {
      this.src = input instanceof Uint8Array ? new GunzipSource(memorySource(input), opts.file) : gunzipIfGzip(input, opts.file);
    }
  }

  /** Total input size when known (for progress). */
  get size(): number | undefined {
    return this.src ? this.src.size : this.core.buf.length;
  }

  /** 'gzip' when the capture is inflated as it is read. */
  get compression(): 'gzip' | null {
    return this.src instanceof GunzipSource ? 'gzip' : null;
  }

  /** Bytes read from the file and its size: `offset` and `size`, or the compressed ones of a gzip capture. */
  get inputOffset(): number {
    return this.src?.consumed ?? this.core.offset;
  }
  get inputSize(): number | undefined {
    return this.src?.inputSize ?? this.size;
  }

  /** The next packet, or null at the end. Header damage throws a typed AlibiError. */
  next(): PacketRecord | null {
    // The hot path, kept small enough for V8 to inline into a caller's loop: a whole record from
    // the parser's fastStep whose time is within a day of the last one's. The time check's other
    // cases (a jump, the first record) go through `nextChecked`, which reads on until the check has
    // decided, so no record is held when next() returns; while decided records wait to be handed
    // out, `core.fast` is off, so they come first.
    const core = this.core;
    const fast = core.fast;
    if (fast !== null) {
      const n = fast.fastStep(core.buf, core.pos, core.end, core.base + core.pos, core.rec);
      if (n > 0) {
        core.pos += n;
        core.packets++;
        const rec = core.rec;
        const g = core.guard;
        const d = rec.tsSec - g.last;
        if (d <= DAY && d >= -DAY) {
          g.last = rec.tsSec;
          g.lastIface = rec.ifaceId;
          return rec;
        }
        return this.nextChecked(rec);
      }
    }
    return this.nextChecked();
  }

  /**
   * `next()` off the hot path: hands out what the time check has decided, else reads on until it
   * decides (`first`: a record the hot path already read), so no record is held when it returns.
   */
  private nextChecked(first?: PacketRecord): PacketRecord | null {
    const g = this.core.guard;
    if (first === undefined && g.ready.length > 0) return g.ready.shift()!;
    for (let r = first ?? this.read(); ; r = this.read()) {
      if (r === null) {
        g.end();
        return g.ready.shift() ?? null;
      }
      if (!g.enabled || g.pass(r)) return r;
      if (g.ready.length > 0) {
        this.core.fast = null;
        return g.ready.shift()!;
      }
    }
  }

  /** The next record as stored (the fast step as in `next()`, which inlines it for speed). */
  private read(): PacketRecord | null {
    const core = this.core;
    const fast = core.fast;
    if (fast !== null) {
      const n = fast.fastStep(core.buf, core.pos, core.end, core.base + core.pos, core.rec);
      if (n > 0) {
        core.pos += n;
        core.packets++;
        return core.rec;
      }
    }
    for (;;) {
      let r;
      try {
        r = core.pull();
      } catch (e) {
        this.close();
        throw e;
      }
      if (r === null) this.close();
      if (r !== NEED) return r;
      this.fill(core.wanted());
    }
  }

  /** Releases the source (file descriptor); called automatically at the end or on error. */
  close(): void {
    this.src?.close?.();
  }

  private fill(wanted: number): void {
    const core = this.core;
    const src = this.src!;
    const keep = core.end - core.pos;
    const size = src.size;
    if (size !== undefined && core.base + core.pos + wanted > size) {
      // The file cannot hold what the record claims: read to the end, the core reports it.
      wanted = Math.max(keep, size - core.base - core.pos);
    }
    if (wanted > MAX_BLOCK + RESYNC_LOOKAHEAD) wanted = MAX_BLOCK + RESYNC_LOOKAHEAD;
    let buf = core.buf;
    if (wanted > buf.length) {
      const grown = new Uint8Array(Math.max(wanted, buf.length * 2));
      grown.set(buf.subarray(core.pos, core.end));
      buf = core.buf = grown;
    } else if (core.pos > 0) {
      buf.copyWithin(0, core.pos, core.end);
    }
    core.base += core.pos;
    core.pos = 0;
    core.end = keep;
    // Shrink back after a big block so memory stays bounded by the largest live record.
    if (buf.length > this.chunk * 4 && keep < this.chunk && wanted <= this.chunk) {
      const small = new Uint8Array(this.chunk);
      small.set(buf.subarray(0, keep));
      buf = core.buf = small;
    }
    let n: number;
    try {
      n = src.read(buf, keep, buf.length - keep, core.base + keep);
    } catch (e) {
      if (e instanceof AlibiError) throw e;
      throw new InputError(`read failed: ${(e as Error).message}`, { file: core.opts.file, offset: core.base + keep, packet: core.packets }, { cause: e });
    }
    if (n === 0) {
      core.eof = true;
      const d = src.takeDamage?.();
      if (d) core.sourceEnd = { damage: d, offset: core.base + keep };
    }
    core.end = keep + n;
  }

  [Symbol.iterator](): Iterator<PacketRecord> {
    return {
      next: (): IteratorResult<PacketRecord> => {
        const r = this.next();
        return r === null ? { value: undefined, done: true } : { value: r, done: false };
      },
    };
  }
}

/**
 * Async reader over chunks (a Node Readable such as stdin, a web stream's reader, …).
 * Only the unread tail of a chunk is carried into the next.
 */
export class AsyncCaptureReader extends ReaderBase implements AsyncIterable<PacketRecord> {
  private readonly it: AsyncIterator<Uint8Array>;
  /** Inflates the stream when it is gzip data (`cat x.pcap.gz | alibi flows -`). */
  private readonly chunks: GunzipChunks;
  constructor(source: AsyncIterable<Uint8Array | string>, opts: ReaderOptions = {}) {
    super(new Uint8Array(0), opts);
    this.chunks = new GunzipChunks(source, opts.file);
    this.it = this.chunks[Symbol.asyncIterator]();
  }

  /** 'gzip' once the stream has shown it is gzip data. */
  get compression(): 'gzip' | null {
    return this.chunks.gzip ? 'gzip' : null;
  }

  async next(): Promise<PacketRecord | null> {
    const g = this.core.guard;
    if (!g.enabled) return this.read();
    if (g.ready.length > 0) return g.ready.shift()!;
    for (;;) {
      const r = await this.read();
      if (r === null) {
        g.end();
        return g.ready.length > 0 ? g.ready.shift()! : null;
      }
      if (g.pass(r)) return r;
      if (g.ready.length > 0) return g.ready.shift()!;
    }
  }

  /** The next record as stored. */
  private async read(): Promise<PacketRecord | null> {
    const core = this.core;
    for (;;) {
      const r = core.pull();
      if (r !== NEED) return r;
      // Gather chunks until the window holds what the parser wants, then join once: a large
      // block arriving in many small chunks costs one copy, not one per chunk.
      const keep = core.end - core.pos;
      const wanted = core.wanted();
      const parts: Uint8Array[] = [];
      let have = keep;
      while (have < wanted || parts.length === 0) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await this.it.next();
        } catch (e) {
          if (e instanceof AlibiError) throw e;
          throw new InputError(`read failed: ${(e as Error).message}`, { file: core.opts.file, offset: core.base + core.end + (have - keep), packet: core.packets }, { cause: e });
        }
        const { value, done } = r;
        if (done) {
          core.eof = true;
          const d = this.chunks.takeDamage();
          // Where the bytes stop: the window's end plus the chunks gathered in this loop.
          if (d) core.sourceEnd = { damage: d, offset: core.base + core.end + (have - keep) };
          break;
        }
        // GunzipChunks hands on bytes (strings decoded, empty chunks dropped).
        parts.push(value);
        have += value.length;
      }
      if (parts.length === 0) continue;
      core.base += core.pos;
      core.buf = keep === 0 && parts.length === 1 ? parts[0] : concatBytes([core.buf.subarray(core.pos, core.end), ...parts], have);
      core.pos = 0;
      core.end = have;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<PacketRecord> {
    return {
      next: async (): Promise<IteratorResult<PacketRecord>> => {
        const r = await this.next();
        return r === null ? { value: undefined, done: true } : { value: r, done: false };
      },
    };
  }
}

/**
 * Reads a capture held in memory.
 * @example [...readCapture(bytes)].length //=> packets (records are reused: snapshot() to keep)
 */
export function readCapture(bytes: Uint8Array, opts: ReaderOptions = {}): CaptureReader {
  return new CaptureReader(bytes, opts);
}

export { resolutionName };
