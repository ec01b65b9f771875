/**
 * @module flow/table
 * The flow table: finds each segment's connection, starts and finishes connections, and applies
 * the segment to its record. The packet path runs in WebAssembly (wasm/table.c): open
 * addressing keyed by a symmetric hash of the two endpoints (gopacket's FastHash: sum of
 * per-endpoint hashes), compared on raw address words, an LRU list by last activity for O(1)
 * idle expiry and a bounded table (`maxFlows`: the oldest idle flows go first). No string keys
 * and no allocation per packet.
 */
import { resolutionCode } from '../capture/resolution';
import { DecodeStatus, type TcpSegment } from '../decode/segment';
import type { PacketEvent } from './event';
import { Flow, FlowStore } from './flow';
import type { CoreFilter } from './filter';
import type { IntervalGrid } from '../grid';
import { EndpointState } from './state';

export interface FlowTableOptions {
  /** Seconds without a packet after which a connection is finished (default 300). */
  idleTimeout?: number;
  /**
   * Most concurrent connections kept; beyond it the least recently active is finished (default
   * 250,000: ~100 MB of live state at most). At most MAX_FLOWS_LIMIT.
   */
  maxFlows?: number;
}

/** Default `maxFlows`: bounds the live state under a SYN flood or scan (see fuzz/README.md). */
export const DEFAULT_MAX_FLOWS = 250_000;
/** The most `maxFlows` can be: 8 M records of 360 bytes fit the core's 4 GiB address space. */
export const MAX_FLOWS_LIMIT = 8_000_000;

export class FlowTable {
  readonly idleTimeout: number;
  readonly maxFlows: number;
  /** The records of the live flows. */
  readonly store: FlowStore;
  /**
   * Set by `add`: the flow of the last segment (a reused view), whether it was new, and its
   * direction. Observers read them through `event` (flow/observer's PacketEvent).
   * @internal
   */
  lastFlow: Flow | null = null;
  lastIsNew = false;
  lastIsOrig = true;
  /** The last segment accounted (the decoder's reused record); observers read `event.segment`. @internal */
  segment: TcpSegment | null = null;
  private readonly current: Flow;
  /** The view handed to `onFinish` (reused). */
  private readonly finishing: Flow;
  private readonly core: FlowStore['core'];
  /** Address (in int32 words) of the core's IPv6 segment words. */
  private readonly v6At: number;
  private hasSeries = false;

  /**
   * `onFinish` receives a reused view of each finished flow, valid during the call: copy what
   * you keep (`toRecord(f)`).
   */
  constructor(onFinish: (f: Flow) => void, opts: FlowTableOptions = {}) {
    this.idleTimeout = opts.idleTimeout ?? 300;
    this.maxFlows = Math.min(opts.maxFlows ?? DEFAULT_MAX_FLOWS, MAX_FLOWS_LIMIT);
    const store = (this.store = new FlowStore(this.idleTimeout, this.maxFlows, (idx) => {
      const view = this.finishing;
      view.idx = idx;
      onFinish(view);
      store.released(idx);
    }));
    this.core = store.core;
    this.v6At = this.core.segV6() >>> 2;
    this.finishing = new Flow(store);
    this.current = new Flow(store);
  }

  get size(): number {
    return this.core.size();
  }
  /** Connections started (records emitted so far + live). */
  get started(): number {
    return this.core.started();
  }
  /** Flows finished because the table was full (reported in warnings). */
  get evictedForSpace(): number {
    return this.core.evictedSpace();
  }
  /** Flows finished by the idle timeout. */
  get evictedIdle(): number {
    return this.core.evictedIdle();
  }

  /**
   * Accounts one decoded TCP segment at the exact time `sec + frac / res` seconds.
   * Returns the flow it belongs to (also in `lastFlow`): a reused view, valid until the next call.
   */
  add(seg: TcpSegment, wireLen: number, sec: number, frac: number, res: number): Flow {
    const store = this.store;
    const v6 = seg.ipVersion === 6;
    if (v6) {
      const w = store.int32View();
      const a = this.v6At;
      w[a] = seg.src1; w[a + 1] = seg.src2; w[a + 2] = seg.src3;
      w[a + 3] = seg.dst1; w[a + 4] = seg.dst2; w[a + 5] = seg.dst3;
    }
    // The first 6 payload bytes, for the TLS hello and HTTP start-line checks.
    const len = seg.payloadLen;
    let pay0 = 0;
    let pay1 = 0;
    if (len > 0 && seg.payloadCaptured >= 6) {
      const b = seg.bytes;
      const p = seg.payloadOffset;
      pay0 = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
      pay1 = b[p + 4] | (b[p + 5] << 8);
    }
    const r = this.core.add(sec + frac / res, sec, frac, resolutionCode(res), v6 ? 1 : 0, seg.src0 | 0, seg.dst0 | 0, seg.srcPort, seg.dstPort,
      seg.flags, seg.seq | 0, seg.ack | 0, seg.window, len, seg.payloadCaptured, pay0, pay1, wireLen);
    return this.took(r, seg);
  }

  /**
   * Copies `words` words of handoff units (decode/handoff.ts) from `src` at `from` into the core,
   * for `addUnit` and `addUnits`; returns the word address of the first.
   */
  loadUnits(src: Int32Array, from: number, words: number): number {
    const at = this.core.units(words);
    this.store.int32View().set(src.subarray(from, from + words), at);
    return at;
  }

  /**
   * `add` for the TCP segment in the loaded unit at word address `at`, which `seg` holds as read
   * from the same unit (UnitReader): the core reads the unit itself.
   */
  addUnit(at: number, seg: TcpSegment): Flow {
    return this.took(this.core.addUnit(at), seg);
  }

  /**
   * Accounts `n` loaded units from word address `at` in one call (no per-packet observer can
   * see them: `lastFlow` and the others are not set). Returns how many packets they hold.
   */
  addUnits(at: number, n: number): number {
    this.lastFlow = null;
    this.segment = null;
    return this.core.addUnits(at, n);
  }

  /** Sets what the last add did from the core's answer. */
  private took(r: number, seg: TcpSegment): Flow {
    const store = this.store;
    store.lastRetrans = (r & 4) !== 0;
    store.lastZeroWin = (r & 8) !== 0;
    store.lastApp = (r >>> 4) & 7;
    const view = this.current;
    view.idx = r >>> 7;
    this.lastFlow = view;
    this.lastIsNew = (r & 2) !== 0;
    this.lastIsOrig = (r & 1) !== 0;
    this.segment = seg;
    return view;
  }

  private readonly event = new TableEvent(this);

  /**
   * What observers are told about the last packet accounted, given the decoder's status for it:
   * a reused view.
   * @internal
   */
  eventFor(status: DecodeStatus): PacketEvent {
    this.event.status = status;
    return this.event;
  }

  private inc: Float64Array | null = null;
  private incAt = 0;

  /**
   * From now on the core also gives, for each packet, what it adds to its interval's metrics
   * (`increments()`): the pass asks for it when a series is counted in JavaScript.
   * @internal
   */
  wantIncrements(): void {
    if (this.incAt !== 0) return;
    this.core.incOn();
    this.incAt = this.core.incAddr();
  }

  /**
   * What the last packet (`add`, `addUnit`, `countOther`) adds to each metric of the catalog
   * (metrics/catalog.ts order), as the core's own series counts it — all but the active
   * connections and the response times, which a series counts with its own state. A view,
   * overwritten by the next packet.
   */
  increments(): Float64Array {
    if (this.incAt === 0) throw new Error('FlowTable.increments: not asked for (wantIncrements): feed series through a CapturePass');
    // The core's memory may have grown (and detached an older view) since.
    if (this.inc === null || this.inc.length === 0) this.inc = this.store.float64View(this.incAt, this.core.incWidth());
    return this.inc;
  }

  /** A packet that is not a TCP segment, for a series counted in the core (`startSeries`) or in JavaScript (`increments`). */
  countOther(sec: number, frac: number, res: number, wireLen: number): void {
    this.core.other(sec, frac, resolutionCode(res), wireLen);
  }

  /**
   * Counts an interval series in the core from now on (what SeriesAccumulator.packet counts, without
   * response timing), with `filter` (port, host) if given (metrics/series.ts attaches itself
   * here). `grid`: the series' grid, or what makes it at the first packet counted (exact seconds
   * and nanoseconds).
   * @internal
   */
  startSeries(maxBins: number, firstAlign: boolean, grid: IntervalGrid | ((sec: number, ns: number) => IntervalGrid), filter?: CoreFilter): void {
    if (this.hasSeries) throw new Error('a series already counts in this flow table');
    const core = this.core;
    const set = (g: IntervalGrid) => core.seriesGrid(g.originSec, g.originNs, g.widthNs, firstAlign ? 1 : 0);
    if (filter !== undefined) core.seriesFilter(filter.port, filter.version, filter.words[0] | 0, filter.words[1] | 0, filter.words[2] | 0, filter.words[3] | 0);
    core.seriesOn(maxBins);
    if (typeof grid === 'function') this.store.seriesStart = (sec, ns) => set(grid(sec, ns));
    else set(grid);
    this.hasSeries = true;
  }

  /** Whether a series counts in the core (`startSeries`): there is room for one. */
  get countsSeries(): boolean {
    return this.hasSeries;
  }

  /** @internal The core's series so far: bin rows (a copy), the grid bin of row 0, rows used, packets not binned. */
  seriesState(rowWidth: number): { rows: Float64Array; base: number; used: number; overflow: number } {
    const core = this.core;
    const used = core.seriesUsed();
    return { rows: this.store.float64Copy(core.seriesRows(), used * rowWidth), base: core.seriesBase(), used, overflow: core.seriesOverflow() };
  }

  /** Finishes every live flow (end of capture), oldest activity first. */
  flush(): void {
    this.core.flush();
  }

  /** Finishes at most `n` live flows, oldest activity first; true while some remain. */
  flushSome(n: number): boolean {
    return this.core.flushSome(n) !== 0;
  }

  /** Live flows (for watch / inspection), oldest activity first; each a view valid until the next packet. */
  *live(): IterableIterator<Flow> {
    for (let f = this.core.head(); f >= 0; f = this.store.nextOf(f)) yield new Flow(this.store, f);
  }
}

export { EndpointState };

/** The table's last packet as observers see it (flow/observer's PacketEvent). */
class TableEvent implements PacketEvent {
  status: DecodeStatus = DecodeStatus.Tcp;
  constructor(private readonly table: FlowTable) {}
  get flow(): Flow | null {
    return this.status === DecodeStatus.Tcp ? this.table.lastFlow : null;
  }
  get segment(): TcpSegment | null {
    return this.status === DecodeStatus.Tcp ? this.table.segment : null;
  }
  get fromClient(): boolean {
    return this.table.lastIsOrig;
  }
  get newFlow(): boolean {
    return this.table.lastIsNew;
  }
  increments(): Float64Array {
    return this.table.increments();
  }
}
