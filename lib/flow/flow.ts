/**
 * @module flow/flow
 * One TCP connection's live accounting, as records the flow table's WebAssembly core writes
 * (wasm/table.c: per-direction counters, Zeek endpoint states and history, Wireshark-style
 * retransmission and zero-window analysis, handshake RTT, TLS/HTTP starts), and `Flow`, the
 * view that reads them.
 *
 * Storage: every live flow is one fixed-size record in the core's linear memory, in chunks of
 * 4096 records, read here through a Float64Array and an Int32Array over the same bytes. Why not
 * one JS object per flow: a Flow object with two Direction and two Endpoint objects, double
 * fields boxed as heap numbers and a history string cost ~1.2 KB and 5+ heap objects per
 * connection (500 MB and long GC pauses for 407 k connections), and each packet chased pointers
 * into five places. A record is 360 bytes, a packet touches a few adjacent cache lines, and the
 * GC sees one buffer. Chunks grow with the number of concurrent flows; freed records are reused.
 *
 * `Flow` is a reusable *view* (flyweight) onto one record, for observers and `toRecord`.
 */
import { RES } from '../capture/resolution';
import { MemoryLimitError } from '../errors';
import { EndpointState, ORIG_SHIFT, prevStateAt, RESP_SHIFT, stateAt } from './state';
import { TABLE_WASM } from './wasm/table-wasm';

/** What a segment's payload starts with, as the last update saw it (`FlowStore.lastApp`). */
export const enum AppStart { NONE = 0, CLIENT_HELLO = 1, SERVER_HELLO = 2, HTTP_REQUEST = 3, HTTP_RESPONSE = 4 }
/** History characters kept inside the record; longer histories (rare) spill into a Map. */
const HIST_INLINE = 16;

export const CHUNK_SHIFT = 12;
/** Flows per storage chunk: 4096 × 360 B ≈ 1.4 MB, small enough that growth is gradual. */
export const CHUNK = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK - 1;

/** Float64 fields of a record (index from the record's f64 base). Mirrored in wasm/table.c. */
const enum F {
  START_SEC = 0,
  START_FRAC = 1,
  START_T = 2,
  END_SEC = 3,
  END_FRAC = 4,
  /** Latest packet time (float s): the end time and the idle clock. */
  END_T = 5,
  SYN_T = 6,
  RTT = 7,
  LAST_BIN = 8,
  /** Per-direction blocks (client→server, server→client), DF_* inside. */
  C2S = 9,
  S2C = 13,
  /** Unused since series keep their own per-connection state (kept: the layout is table.c's). */
  WAITING = 17,
  COUNT = 18,
}
/** Float64 fields of one direction. */
const enum DF { BYTES = 0, PAYLOAD = 1 }

/** Int32 fields of a record (index from the record's i32 base). Mirrored in wasm/table.c. */
const enum I {
  ID = 0,
  HASH = 1,
  /** FB_* bits. */
  BITS = 2,
  /** Both endpoints' Zeek states (state.ts PackedStates). */
  STATES = 3,
  HIST_SEEN = 4,
  /** Client port in the low 16 bits, server port in the high 16. */
  PORTS = 5,
  /** Address word 0 of client and server (the whole IPv4 address; IPv6's other words live apart). */
  C0 = 6,
  S0 = 7,
  /** Codes (capture/resolution) of the start and end timestamp resolutions, 16 bits each. */
  RES = 8,
  HIST_LEN = 9,
  /** HIST_INLINE history bytes. */
  HIST = 10,
  C2S = 14,
  S2C = 33,
  /** LRU list by last activity (flow indexes, -1: none); NEXT also links free records. */
  PREV = 52,
  NEXT = 53,
  COUNT = 54,
}
/** Int32 fields of one direction. */
const enum DI {
  PACKETS = 0, SYN = 1, SYN_ACK = 2, FIN = 3, RST = 4, RETRANS = 5, ZERO_WIN = 6,
  TLS = 17, HTTP = 18,
}
const enum FB { V6 = 1, CLOSED = 2 }

const STRIDE_F64 = F.COUNT + I.COUNT / 2; // 45 doubles = 360 bytes
const RECORD_BYTES = STRIDE_F64 * 8;
const V6_WORDS = 6;
/** A finished record copied out of the table (FlowStore.copyRecord): the record, then its IPv6 words. */
export const COPIED_RECORD_BYTES = RECORD_BYTES + V6_WORDS * 4;
const COPIED_I32 = COPIED_RECORD_BYTES / 4;

/**
 * What a {@link Flow} view reads its record through: the live table's {@link FlowStore}, or
 * {@link FlowRecordCopies} (finished records copied out, read in another thread).
 */
export interface FlowRecordSource {
  f(idx: number, field: number): number;
  i(idx: number, field: number): number;
  word(idx: number, server: boolean, k: number): number;
  history(idx: number): string;
  res(idx: number, end: boolean): number;
  /**
   * Copies record `idx` and its IPv6 words into `dst` from int32 index `at` (COPIED_RECORD_BYTES);
   * returns its history's characters past the record's inline ones ('' nearly always).
   */
  copyRecord(idx: number, dst: Int32Array, at: number): string;
  readonly lastRetrans: boolean;
  readonly lastZeroWin: boolean;
}

/** A record's history: its inline letters (the record at byte `record` of `u`), then `more`, the tail kept apart. */
function historyAt(u: Uint8Array, record: number, len: number, more: string | undefined): string {
  const at = record + F.COUNT * 8 + I.HIST * 4;
  // A loop, not fromCharCode(...subarray): no view and no spread per record.
  let head = '';
  for (let i = 0, n = Math.min(len, HIST_INLINE); i < n; i++) head += String.fromCharCode(u[at + i]);
  return len > HIST_INLINE ? head + (more ?? '') : head;
}

/** The start (or `end`) time resolution of a record's RES word. */
function resolutionOf(codes: number, end: boolean): number {
  return RES[end ? codes >>> 16 : codes & 0xffff];
}

/** The parts of the WebAssembly API used here (neither ES2022's lib nor Node 20's types declare it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};

/** The core's exports (wasm/table.c). */
interface Core {
  memory: { readonly buffer: ArrayBuffer };
  setup(idleTimeout: number, maxFlows: number): void;
  add(t: number, sec: number, frac: number, res: number, v6: number, s0: number, d0: number, sp: number, dp: number,
    flags: number, seq: number, ack: number, win: number, len: number, cap: number, pay0: number, pay1: number, wireLen: number): number;
  flush(): void;
  flushSome(n: number): number;
  incOn(): void;
  incAddr(): number;
  incWidth(): number;
  segV6(): number;
  resTable(): number;
  units(words: number): number;
  addUnit(at: number): number;
  addUnits(at: number, n: number): number;
  other(sec: number, frac: number, res: number, wireLen: number): void;
  seriesOn(maxBins: number): void;
  seriesGrid(originSec: number, originNs: number, widthNs: number, firstAlign: number): void;
  seriesFilter(port: number, version: number, w0: number, w1: number, w2: number, w3: number): void;
  seriesRows(): number;
  seriesBase(): number;
  seriesUsed(): number;
  seriesOverflow(): number;
  chunkAddr(c: number): number;
  v6Addr(c: number): number;
  chunkCount(): number;
  size(): number;
  started(): number;
  evictedSpace(): number;
  evictedIdle(): number;
  head(): number;
}

let compiled: object | null = null;
function coreModule(): object {
  if (compiled === null) {
    const bin = atob(TABLE_WASM);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/**
 * The records of all live flows, addressed by a small integer index, and the core that keeps
 * them. Indexes are reused after a flow finishes: an index names a flow only while it is live.
 */
export class FlowStore implements FlowRecordSource {
  /** @internal The WebAssembly core (one instance, one memory, per table). */
  readonly core: Core;
  /** Views of the core's memory, made again when it grows (growing detaches the old ones). */
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);
  private u8 = new Uint8Array(0);
  /** Byte address of each record chunk (chunks never move). */
  private chunkAt: number[] = [];
  /** Histories longer than HIST_INLINE: the characters beyond it. */
  private histMore = new Map<number, string>();
  /** What the last update did, read by the series accumulator in the same pass. */
  lastRetrans = false;
  lastZeroWin = false;
  /** The protocol fact the last update's payload started with (AppStart), 0 for none. */
  lastApp = 0;
  /** @internal Called by the core at a series' first packet when it has no grid yet. */
  seriesStart: ((sec: number, ns: number) => void) | null = null;

  /** @internal `finished` is called by the core for each flow it finishes, before freeing its record. */
  constructor(idleTimeout: number, maxFlows: number, finished: (idx: number) => void) {
    const imports = {
      env: {
        finished,
        historyMore: (idx: number, ch: number) => {
          this.histMore.set(idx, (this.histMore.get(idx) ?? '') + String.fromCharCode(ch));
        },
        seriesStart: (sec: number, ns: number) => this.seriesStart?.(sec, ns),
        outOfMemory: (bytes: number) => {
          const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
          throw new MemoryLimitError(`the flow table's memory could not grow by ${mib(bytes)} (${mib(this.bytes)} in use): lower the flow table's maxFlows (alibi --max-flows), or the series' maxBins`);
        },
      },
    };
    this.core = new WebAssembly.Instance(coreModule(), imports).exports as unknown as Core;
    this.core.setup(idleTimeout, maxFlows);
    new Float64Array(this.core.memory.buffer, this.core.resTable(), RES.length).set(RES);
  }

  /** Bytes of the core's memory (records, hash slots, IPv6 words). */
  get bytes(): number {
    return this.core.memory.buffer.byteLength;
  }

  /** @internal Forgets what a finished flow kept outside its record. */
  released(idx: number): void {
    if (this.i(idx, I.HIST_LEN) > HIST_INLINE) this.histMore.delete(idx);
  }

  /** Byte address of a record; refreshes the views if the memory grew. */
  private at(idx: number): number {
    // Growing a (non-shared) WebAssembly memory detaches its old buffer: views read length 0.
    if (this.f64.length === 0) this.remap();
    const c = idx >>> CHUNK_SHIFT;
    let base = this.chunkAt[c];
    if (base === undefined) {
      for (let k = this.chunkAt.length, n = this.core.chunkCount(); k < n; k++) this.chunkAt.push(this.core.chunkAddr(k));
      base = this.chunkAt[c];
    }
    return base + (idx & CHUNK_MASK) * RECORD_BYTES;
  }

  private remap(): void {
    const buf = this.core.memory.buffer;
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.u8 = new Uint8Array(buf);
  }

  /** @internal A view of `n` doubles of the core's memory at byte address `at` (detached when the memory grows). */
  float64View(at: number, n: number): Float64Array {
    return new Float64Array(this.core.memory.buffer, at, n);
  }

  /** @internal A copy of `n` doubles of the core's memory from byte address `at`. */
  float64Copy(at: number, n: number): Float64Array {
    return new Float64Array(this.core.memory.buffer, at, n).slice();
  }

  /** @internal The core's memory as int32, for writing a segment's IPv6 words. */
  int32View(): Int32Array {
    if (this.i32.length === 0) this.remap();
    return this.i32;
  }

  // --- Reads for views (not the packet path) ---

  // `at` first, then the view: `this.f64[this.at(idx)]` would load the view before `at` remaps it.
  /** @internal */ f(idx: number, field: number): number {
    const a = this.at(idx);
    return this.f64[(a >>> 3) + field];
  }
  /** @internal */ i(idx: number, field: number): number {
    const a = this.at(idx);
    return this.i32[(a >>> 2) + F.COUNT * 2 + field];
  }
  /** @internal */ setF(idx: number, field: number, v: number): void {
    const a = this.at(idx);
    this.f64[(a >>> 3) + field] = v;
  }
  /** @internal Next flow in the LRU list (-1: none). */
  nextOf(idx: number): number {
    return this.i(idx, I.NEXT);
  }
  /** @internal IPv6 address word `k` (1-3) of the client (`server` false) or server. */
  word(idx: number, server: boolean, k: number): number {
    if ((this.i(idx, I.BITS) & FB.V6) === 0) return 0;
    const base = this.core.v6Addr(idx >>> CHUNK_SHIFT) >>> 2;
    return this.i32[base + (idx & CHUNK_MASK) * V6_WORDS + (server ? 3 : 0) + k - 1] >>> 0;
  }
  /** @internal */ history(idx: number): string {
    const len = this.i(idx, I.HIST_LEN);
    const at = this.at(idx); // before the view: `at` may remap it
    return historyAt(this.u8, at, len, len > HIST_INLINE ? this.histMore.get(idx) : undefined);
  }
  /** @internal */ res(idx: number, end: boolean): number {
    return resolutionOf(this.i(idx, I.RES), end);
  }
  /** @internal */ copyRecord(idx: number, dst: Int32Array, at: number): string {
    const a = this.at(idx) >>> 2;
    const src = this.i32;
    for (let k = 0; k < RECORD_BYTES / 4; k++) dst[at + k] = src[a + k];
    if ((src[a + F.COUNT * 2 + I.BITS] & FB.V6) !== 0) {
      const w = (this.core.v6Addr(idx >>> CHUNK_SHIFT) >>> 2) + (idx & CHUNK_MASK) * V6_WORDS;
      for (let k = 0; k < V6_WORDS; k++) dst[at + RECORD_BYTES / 4 + k] = src[w + k];
    }
    return src[a + F.COUNT * 2 + I.HIST_LEN] > HIST_INLINE ? (this.histMore.get(idx) ?? '') : '';
  }
}

/**
 * Finished flows' records as {@link FlowStore.copyRecord} copied them, side by side in one buffer
 * (shared memory, for a thread that encodes them while the table goes on): read through
 * {@link Flow} views exactly as the live records were. `more` holds the long histories' tails by
 * record index.
 */
export class FlowRecordCopies implements FlowRecordSource {
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  readonly lastRetrans = false;
  readonly lastZeroWin = false;
  more = new Map<number, string>();

  constructor(buffer: ArrayBufferLike, byteOffset: number, records: number) {
    this.f64 = new Float64Array(buffer, byteOffset, records * (COPIED_RECORD_BYTES / 8));
    this.i32 = new Int32Array(buffer, byteOffset, records * COPIED_I32);
    this.u8 = new Uint8Array(buffer, byteOffset, records * COPIED_RECORD_BYTES);
  }

  f(idx: number, field: number): number {
    return this.f64[idx * (COPIED_RECORD_BYTES / 8) + field];
  }
  i(idx: number, field: number): number {
    return this.i32[idx * COPIED_I32 + F.COUNT * 2 + field];
  }
  word(idx: number, server: boolean, k: number): number {
    if ((this.i(idx, I.BITS) & FB.V6) === 0) return 0;
    return this.i32[idx * COPIED_I32 + RECORD_BYTES / 4 + (server ? 3 : 0) + k - 1] >>> 0;
  }
  history(idx: number): string {
    const len = this.i(idx, I.HIST_LEN);
    return historyAt(this.u8, idx * COPIED_RECORD_BYTES, len, len > HIST_INLINE ? this.more.get(idx) : undefined);
  }
  res(idx: number, end: boolean): number {
    return resolutionOf(this.i(idx, I.RES), end);
  }
  copyRecord(idx: number, dst: Int32Array, at: number): string {
    dst.set(this.i32.subarray(idx * COPIED_I32, (idx + 1) * COPIED_I32), at);
    return this.more.get(idx) ?? '';
  }
}

/** One direction of a flow, read through its view. */
export class Direction {
  /** @internal */
  constructor(private readonly flow: Flow, private readonly di: number, private readonly df: number) {}
  private n(k: number): number {
    return this.flow.store.i(this.flow.idx, this.di + k);
  }
  get packets(): number { return this.n(DI.PACKETS) >>> 0; }
  /** Wire bytes. */
  get bytes(): number { return this.flow.store.f(this.flow.idx, this.df + DF.BYTES); }
  /** TCP payload bytes. */
  get payload(): number { return this.flow.store.f(this.flow.idx, this.df + DF.PAYLOAD); }
  get syn(): number { return this.n(DI.SYN) >>> 0; }
  get synAck(): number { return this.n(DI.SYN_ACK) >>> 0; }
  get fin(): number { return this.n(DI.FIN) >>> 0; }
  get rst(): number { return this.n(DI.RST) >>> 0; }
  /** Wireshark retransmission frames. */
  get retrans(): number { return this.n(DI.RETRANS) >>> 0; }
  /** Wireshark zero-window frames. */
  get zeroWin(): number { return this.n(DI.ZERO_WIN) >>> 0; }
  get tlsHello(): number { return this.n(DI.TLS) >>> 0; }
  get http(): number { return this.n(DI.HTTP) >>> 0; }
}

/** A Zeek endpoint state, read through its view. */
export interface EndpointView {
  readonly state: EndpointState;
  readonly prev: EndpointState;
}

/**
 * A view of one live flow. **Table and observers hand out reused views: a view is valid
 * until the next packet (or, in `flowFinished`, until the callback returns); copy what you keep
 * (`toRecord(f)`).**
 */
export class Flow {
  readonly c2s: Direction;
  readonly s2c: Direction;
  readonly orig: EndpointView;
  readonly resp: EndpointView;

  /** @internal */
  constructor(readonly store: FlowRecordSource, public idx = -1) {
    this.c2s = new Direction(this, I.C2S, F.C2S);
    this.s2c = new Direction(this, I.S2C, F.S2C);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const shiftView = (shift: number): EndpointView => ({
      get state() { return stateAt(store.i(self.idx, I.STATES), shift); },
      get prev() { return prevStateAt(store.i(self.idx, I.STATES), shift); },
    });
    this.orig = shiftView(ORIG_SHIFT);
    this.resp = shiftView(RESP_SHIFT);
  }

  /** Sequence number of the connection in the capture (order of first packet). */
  get id(): number { return this.store.i(this.idx, I.ID) >>> 0; }
  get hash(): number { return this.store.i(this.idx, I.HASH); }
  get ipVersion(): number { return this.store.i(this.idx, I.BITS) & FB.V6 ? 6 : 4; }
  get c0(): number { return this.store.i(this.idx, I.C0) >>> 0; }
  get c1(): number { return this.store.word(this.idx, false, 1); }
  get c2(): number { return this.store.word(this.idx, false, 2); }
  get c3(): number { return this.store.word(this.idx, false, 3); }
  get cPort(): number { return this.store.i(this.idx, I.PORTS) & 0xffff; }
  get s0(): number { return this.store.i(this.idx, I.S0) >>> 0; }
  get s1(): number { return this.store.word(this.idx, true, 1); }
  get s2(): number { return this.store.word(this.idx, true, 2); }
  get s3(): number { return this.store.word(this.idx, true, 3); }
  get sPort(): number { return this.store.i(this.idx, I.PORTS) >>> 16; }
  get startSec(): number { return this.store.f(this.idx, F.START_SEC); }
  get startFrac(): number { return this.store.f(this.idx, F.START_FRAC); }
  get startRes(): number { return this.store.res(this.idx, false); }
  get endSec(): number { return this.store.f(this.idx, F.END_SEC); }
  get endFrac(): number { return this.store.f(this.idx, F.END_FRAC); }
  get endRes(): number { return this.store.res(this.idx, true); }
  /** Float epoch seconds of the first and the latest packet. */
  get startT(): number { return this.store.f(this.idx, F.START_T); }
  get endT(): number { return this.store.f(this.idx, F.END_T); }
  get synT(): number { return this.store.f(this.idx, F.SYN_T); }
  /** Handshake RTT in seconds, or -1. */
  get rtt(): number { return this.store.f(this.idx, F.RTT); }
  get history(): string { return this.store.history(this.idx); }
  /** FIN seen both ways, or a RST: a new SYN starts a new connection. */
  get closed(): boolean { return (this.store.i(this.idx, I.BITS) & FB.CLOSED) !== 0; }
  /** What the last update (of this flow: read it right after) did. */
  get lastRetrans(): boolean { return this.store.lastRetrans; }
  get lastZeroWin(): boolean { return this.store.lastZeroWin; }
}

