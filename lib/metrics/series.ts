/**
 * @module metrics/series
 * Interval series computed in the same pass as the flows: per bin, packets, wire bytes, payload,
 * new connection attempts (SYN without ACK), resets split by who sent them, retransmissions,
 * zero windows and active connections. Columns, not objects: one typed array per metric.
 */
import type { FlowTable } from '../flow/table';
import type { PacketRecord } from '../capture/record';
import { ArgumentError } from '../errors';
import type { Flow } from '../flow/flow';
import type { PacketEvent, PacketObserver } from '../flow/observer';
import type { FlowFilter } from '../flow/filter';
import { Align, IntervalGrid } from '../grid';
import { COLUMN_OF, METRIC_KEYS, NC, SERIES_METRICS, type MetricKey, type SeriesMetric } from './catalog';


export { SERIES_METRICS, type SeriesMetric } from './catalog';

/**
 * A series as columns: bin starts plus one typed array per metric of the catalog
 * (metrics/catalog.ts says what each counts), all the same length.
 */
export type SeriesColumns = {
  readonly grid: IntervalGrid;
  /** Interval width, seconds. */
  readonly interval: number;
  /** Index of the first bin on the grid (bin i of the columns is grid bin `firstBin + i`). */
  readonly firstBin: number;
  readonly length: number;
  /** Bin start, float epoch seconds. */
  readonly start: Float64Array;
} & { readonly [K in MetricKey]: Float64Array };

export interface SeriesOptions {
  /** Bin width in seconds (default 1). */
  interval?: number;
  /** `epoch` (default): edges at absolute multiples; `first`: start at the first packet (tshark io,stat). */
  align?: Align;
  /** Only packets of TCP flows for which this returns true (non-TCP packets are then excluded). */
  filter?: (f: Flow) => boolean;
  /**
   * Most bins allowed (default 1,000,000: 11.5 days at 1 s, ~185 MB of columns at most): a capture
   * spanning years at 1 s, or one bogus timestamp years away, would not fit. Packets beyond are
   * counted in `overflow`, not binned.
   */
  maxBins?: number;
  /** A grid to share with other sources (overrides interval and align). */
  grid?: IntervalGrid;
  /**
   * Time HTTP responses (request → response start) using a slot in each flow: only one
   * accumulator per pass may do it (analyze does it per service; default false).
   */
  responseTimes?: boolean;
}

/** Default `maxBins`. */
export const DEFAULT_MAX_BINS = 1_000_000;
/** The most `maxBins` the flow table's core counts (736 MB of rows, in its 4 GiB); beyond, the series counts here. */
const CORE_MAX_BINS = 4_000_000;

// Each metric's place in a bin's row (the catalog's order, which the core's rows share).
const C = COLUMN_OF;

/**
 * Accumulates the series while CapturePass runs; `columns()` at the end.
 * @example
 * const series = new SeriesAccumulator({ interval: 1 });
 * const pass = new CapturePass({ observer: series });
 * for (const p of reader) pass.packet(p);
 * pass.finish(reader, file);
 * series.columns().resets //=> Float64Array [0, 0, 3, …]
 */
export class SeriesAccumulator implements PacketObserver {
  readonly interval: number;
  readonly align: Align;
  private grid: IntervalGrid | null;
  private readonly filter?: (f: Flow) => boolean;
  readonly maxBins: number;
  /** Bins as rows of NC metrics in one array: a packet touches one contiguous row. */
  private d: Float64Array;
  private cap = 0;
  /** Grid bin of column 0, and bins used. */
  private base = 0;
  private used = 0;
  /** Packets not binned because the capture span exceeded maxBins (HTTP request times are not counted here). */
  get overflow(): number {
    this.pull();
    return this.unbinned;
  }
  private unbinned = 0;
  /** The flow table whose core counts this series (`attach`), else null. */
  private core: FlowTable | null = null;
  private readonly timing: boolean;
  /** `columns({ release: true })` let the rows go. */
  private released = false;
  private cacheSec = NaN;
  private prevId = -1;
  private prevBin = NaN;
  private cacheBin = 0;
  /** Response timing: each connection's oldest request still waiting for its response (epoch s). */
  private readonly waiting = new Map<number, number>();
  /** Each connection's last bin counted active (its own, not a slot in the flow: several series may watch one pass). */
  private readonly lastBins = new Map<number, number>();

  constructor(opts: SeriesOptions = {}) {
    this.grid = opts.grid ?? null;
    this.interval = opts.grid ? opts.grid.width : opts.interval ?? 1;
    this.align = opts.align ?? 'epoch';
    this.filter = opts.filter;
    this.maxBins = opts.maxBins ?? DEFAULT_MAX_BINS;
    if (!(this.interval > 0)) throw new ArgumentError(`interval must be > 0, got ${this.interval}`);
    this.d = this.alloc(1024);
    this.timing = opts.responseTimes ?? false;
  }

  private alloc(n: number): Float64Array {
    this.cap = n;
    return new Float64Array(n * NC);
  }

  /** Makes column index for grid bin `bin`, growing or shifting as needed; -1 if out of range. */
  private slot(bin: number): number {
    if (this.used === 0) {
      this.base = bin;
      this.used = 1;
      return 0;
    }
    let i = bin - this.base;
    if (i >= 0 && i < this.used) return i;
    if (i >= this.used) {
      if (i + 1 > this.maxBins) {
        return -1;
      }
      if (i + 1 > this.cap) this.resize(Math.max(this.cap * 2, i + 1), 0);
      this.used = i + 1;
      return i;
    }
    // Earlier than the first bin (timestamps slightly out of order): shift right.
    const shift = -i;
    if (this.used + shift > this.maxBins) {
      return -1;
    }
    this.resize(Math.max(this.cap, this.used + shift) * (this.used + shift > this.cap ? 2 : 1), shift);
    this.base -= shift;
    this.used += shift;
    i = 0;
    return i;
  }

  private resize(n: number, shift: number): void {
    n = Math.min(n, this.maxBins); // doubling never allocates past the bound
    const old = this.d;
    const used = this.used;
    this.d = this.alloc(n);
    this.d.set(old.subarray(0, used * NC), shift * NC);
  }

  /**
   * Counts in the flow table's core (wasm/table.c: the same counting, measured at 0.1-0.25 s of
   * the benchmark pass instead of 0.5-0.7 s here) when this accumulator has no filter other than
   * `flowFilter`'s and no response timing, has counted nothing yet, and the table counts no other
   * series.
   */
  attach(table: FlowTable): boolean {
    // A filter goes along only when the core can apply it: `flowFilter`'s port and host.
    const filter = this.filter === undefined ? undefined : (this.filter as FlowFilter).core ?? null;
    if (filter === null || this.timing || this.core !== null || this.used > 0 || table.countsSeries || this.maxBins > CORE_MAX_BINS) return false;
    table.startSeries(this.maxBins, this.align === 'first', this.grid ?? ((sec, ns) => (this.grid = IntervalGrid.forStart(sec, ns, this.interval, this.align))), filter);
    this.core = table;
    return true;
  }

  /** Takes the rows counted in the core (before reading them). */
  private pull(): void {
    if (this.core === null) return;
    const s = this.core.seriesState(NC);
    this.d = s.rows;
    this.cap = s.used;
    this.base = s.base;
    this.used = s.used;
    this.unbinned = s.overflow;
  }

  packet(rec: PacketRecord, ev: PacketEvent): void {
    const flow = ev.flow;
    if (this.filter !== undefined && (flow === null || !this.filter(flow))) return;
    this.count(rec, ev);
  }

  /**
   * `packet` for a packet the caller has already found to pass this accumulator's filter (a scan
   * that knows each connection's service from its first packet: pipeline/scan's routing).
   * @internal
   */
  count(rec: PacketRecord, ev: PacketEvent): void {
    if (this.released) throw new ArgumentError('series counted after its columns were taken with release');
    // Fed here after counting in a core (a second pass, or by hand): take the core's rows and go on here.
    if (this.core !== null) {
      this.pull();
      this.core = null;
    }
    const flow = ev.flow;
    if (this.grid === null) {
      this.grid = IntervalGrid.forStart(rec.tsSec, rec.tsNs, this.interval, this.align);
    }
    // Whole-second bins on whole-second edges: packets of the same second share a bin, so the
    // bin is computed once per second, not once per packet.
    let bin: number;
    if (rec.tsSec === this.cacheSec) bin = this.cacheBin;
    else {
      bin = this.grid.binOf(rec.tsSec, rec.tsNs);
      if (this.grid.originNs === 0 && this.grid.widthNs % 1e9 === 0) {
        this.cacheSec = rec.tsSec;
        this.cacheBin = bin;
      }
    }
    // Aligned on the first packet, a packet stamped slightly earlier (out-of-order timestamps)
    // belongs to the first bin, as tshark's io,stat counts it.
    if (bin < 0 && this.align === 'first') bin = 0;
    const i = this.slot(bin);
    if (i < 0) {
      this.unbinned++;
      return;
    }
    let d = this.d;
    let o = i * NC;
    // What the packet adds, as the core's series counts it (wasm/table.c countInto): the one
    // definition of the metrics; here only the active connections and response times are counted.
    const inc = ev.increments();
    // Most of a packet's increments are zeros (a packet is one of SYN, RST, hello…): add the
    // rest only. The width is read once: a module binding re-read per element cost a scan 10 %.
    for (let k = 0, nc = inc.length; k < nc; k++) {
      const v = inc[k];
      if (v !== 0) d[o + k] += v;
    }
    if (flow === null) return;
    if (this.timing) {
      if (inc[C.httpRequests] > 0) {
        if (!this.waiting.has(flow.id)) this.waiting.set(flow.id, rec.tsSec + rec.tsFrac / rec.tsRes);
      } else if (inc[C.httpResponses] > 0) {
        const asked = this.waiting.get(flow.id);
        if (asked !== undefined) {
          this.waiting.delete(flow.id);
          const wait = Math.max(0, rec.tsSec + rec.tsFrac / rec.tsRes - asked);
          d[o + C.answered]++;
          d[o + C.responseTime] += wait;
          const j = this.binIndexOf(asked);
          if (j >= 0) {
            this.d[j * NC + C.reqAnswered]++;
            this.d[j * NC + C.reqWait] += wait;
          }
          // Binning the request time may have grown or shifted the store: find this bin again.
          d = this.d;
          o = this.slot(bin) * NC;
        }
      }
    }
    // Consecutive packets of one connection in one bin (most of them) skip the map.
    const id = flow.id;
    if (ev.newFlow || id !== this.prevId || bin !== this.prevBin) {
      this.prevId = id;
      this.prevBin = bin;
      if (this.lastBins.get(id) !== bin) {
        this.lastBins.set(id, bin);
        d[o + C.activeFlows]++;
      }
    }
  }

  /** A connection ended: a request still waiting was never answered. */
  flowFinished(f: Flow): void {
    this.lastBins.delete(f.id);
    if (!this.timing || this.grid === null) return;
    const asked = this.waiting.get(f.id);
    if (asked === undefined) return;
    this.waiting.delete(f.id);
    const i = this.binIndexOf(f.endT);
    if (i >= 0) this.d[i * NC + C.unanswered]++;
    const j = this.binIndexOf(asked);
    if (j >= 0) this.d[j * NC + C.reqUnanswered]++;
  }

  /** Column index of a float time (grows the columns as needed). */
  private binIndexOf(t: number): number {
    const sec = Math.floor(t);
    let bin = this.grid!.binOf(sec, Math.min(999_999_999, Math.round((t - sec) * 1e9)));
    if (bin < 0 && this.align === 'first') bin = 0;
    return this.slot(bin);
  }

  /**
   * The finished series (every bin between the first and the last, empty ones as zeros).
   * `release`: the accumulator is done, and its rows are let go as the columns are made, so a
   * scan's rows and columns of every series are not all held at once (3 days at 1 s: 52 MB of
   * rows per series); counting on afterwards is an error.
   */
  columns(opts: { release?: boolean } = {}): SeriesColumns {
    if (this.released) throw new ArgumentError('series columns taken again after release');
    this.pull();
    const n = this.used;
    const grid = this.grid ?? new IntervalGrid(0, 0, this.interval);
    const start = new Float64Array(n);
    for (let i = 0; i < n; i++) start[i] = grid.startOf(this.base + i);
    const out: Record<string, unknown> = { grid, interval: grid.width, firstBin: this.base, length: n, start };
    METRIC_KEYS.forEach((k, c) => {
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) col[i] = this.d[i * NC + c];
      out[k] = col;
    });
    if (opts.release) {
      this.d = new Float64Array(0);
      this.cap = 0;
      this.released = true;
    }
    return out as unknown as SeriesColumns;
  }
}


/** One bin as the SPEC.md JSON object: its start, each of `SERIES_METRICS`, and reset rates. */
export type SeriesBin = { start: string } & { [K in SeriesMetric]: number } & {
  /** Resets per second in this bin. */
  resetRate: number;
  /** Resets per 100 new connection attempts (null when there were none). */
  resetsPer100Syn: number | null;
};

/** Row objects for JSON/CSV output. */
export function seriesBins(s: SeriesColumns): SeriesBin[] {
  const out: SeriesBin[] = [];
  for (let i = 0; i < s.length; i++) {
    const b: Record<string, unknown> = { start: s.grid.isoStartOf(s.firstBin + i) };
    for (const k of SERIES_METRICS) b[k] = s[k][i];
    b.resetRate = s.resets[i] / s.interval;
    b.resetsPer100Syn = s.synOnly[i] > 0 ? Math.round((10000 * s.resets[i]) / s.synOnly[i]) / 100 : null;
    out.push(b as SeriesBin);
  }
  return out;
}
