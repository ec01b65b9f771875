/**
 * @module watch/series
 * The capture side of the rolling window: CapturePass + SeriesAccumulator (all traffic and one
 * per service) on the shared epoch grid, in generations of `genBins` bins so memory stays bounded
 * on a watch that runs for weeks: packets go to the newest generation, generations older than the
 * window are dropped, and the window is the sum of the generations it overlaps.
 *
 * At a generation boundary the new accumulators start without the old one's per-connection
 * state: an HTTP request sent before the boundary and answered after it is not timed (once per
 * generation, i.e. once per window).
 */
import type { PacketRecord } from '../capture/record';
import { addressToString } from '../flow/address';
import { ServiceMatcher } from '../flow/service';
import type { Flow } from '../flow/flow';
import { IntervalGrid } from '../grid';
import { SeriesAccumulator, SeriesColumns } from '../metrics/series';
import { METRIC_KEYS as METRICS } from '../metrics/catalog';
import { CapturePass, type PacketEvent, type PacketObserver } from '../pipeline/pass';
import type { CaptureView } from '../correlate/verdict';
import type { Timeline } from '../correlate/timeline';
import { nameTable } from '../correlate/model';

/** A service: connections whose server is `host:port` (any host when `host` is empty). */
export interface WatchService {
  component: string;
  host?: string;
  port: number;
}

function matcher(s: WatchService): (f: Flow) => boolean {
  return new ServiceMatcher(s).flow;
}

interface Generation {
  firstBin: number;
  all: SeriesAccumulator;
  per: SeriesAccumulator[];
}

const SYN = 0x02, ACK = 0x10;


/**
 * The rolling capture series of one vantage point.
 *
 * Creation: `new RollingSeries({ interval, window, services })`. Transformation: `packet(rec)`,
 * `addService(s)`. Output: `view(timeline, coverFrom)`, `topServers()`.
 * @example
 * const rs = new RollingSeries({ interval: 1, window: 600, services: [{ component: 'app', port: 8080 }] });
 * rs.packet(rec);
 * rs.view(timeline, 0).all.payloadS2C //=> Float64Array [ … ]
 */
export class RollingSeries implements PacketObserver {
  readonly grid: IntervalGrid;
  readonly pass: CapturePass;
  readonly services: WatchService[] = [];
  private matchers: ((f: Flow) => boolean)[] = [];
  private gens: Generation[] = [];
  private readonly genBins: number;
  private readonly windowBins: number;
  /** Connection attempts per server `ip|port` (bounded), to name the service when none was given. */
  private readonly servers = new Map<string, number>();

  constructor(opts: { interval: number; window: number; services?: WatchService[]; vantage?: string; maxFlows?: number; idleTimeout?: number }) {
    this.grid = new IntervalGrid(0, 0, opts.interval);
    this.windowBins = Math.ceil(opts.window / opts.interval);
    this.genBins = Math.max(60, this.windowBins);
    for (const s of opts.services ?? []) this.addService(s);
    this.pass = new CapturePass({ keepFlows: false, observer: this, vantage: opts.vantage, maxFlows: opts.maxFlows ?? 200_000, idleTimeout: opts.idleTimeout });
  }

  addService(s: WatchService): void {
    this.services.push(s);
    this.matchers.push(matcher(s));
    for (const g of this.gens) g.per.push(new SeriesAccumulator({ grid: this.grid, filter: this.matchers[this.matchers.length - 1] }));
  }

  private newGen(firstBin: number): Generation {
    const g: Generation = {
      firstBin,
      all: new SeriesAccumulator({ grid: this.grid }),
      per: this.matchers.map((m) => new SeriesAccumulator({ grid: this.grid, filter: m })),
    };
    this.gens.push(g);
    // Keep the generations that still overlap the window.
    while (this.gens.length > 1 && this.gens[1].firstBin <= firstBin - this.windowBins) this.gens.shift();
    return g;
  }

  packet(rec: PacketRecord, ev: PacketEvent): void {
    const bin = this.grid.binOf(rec.tsSec, rec.tsNs);
    let g = this.gens[this.gens.length - 1];
    if (!g || bin >= g.firstBin + this.genBins) g = this.newGen(bin);
    g.all.packet(rec, ev);
    for (const p of g.per) p.packet(rec, ev);
    const seg = ev.segment;
    if (seg !== null) {
      if ((seg.flags & (SYN | ACK)) === SYN && ev.flow) {
        const f = ev.flow;
        const k = `${addressToString(f.ipVersion, f.s0, f.s1, f.s2, f.s3)}|${f.sPort}`;
        if (this.servers.size < 10_000 || this.servers.has(k)) this.servers.set(k, (this.servers.get(k) ?? 0) + 1);
      }
    }
  }

  flowFinished(f: Flow): void {
    const g = this.gens[this.gens.length - 1];
    if (!g) return;
    g.all.flowFinished(f);
    for (const p of g.per) p.flowFinished(f);
  }

  /** Servers by connection attempts seen, busiest first. */
  topServers(n = 5): { host: string; port: number; connections: number }[] {
    return [...this.servers.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, c]) => {
      const i = k.lastIndexOf('|');
      return { host: k.slice(0, i), port: Number(k.slice(i + 1)), connections: c };
    });
  }

  /** The capture on the timeline, as analyze's CaptureView; `coverFrom`: first bin watched. */
  view(tl: Timeline, coverFrom: number, vantage: string): CaptureView {
    const all: Record<string, Float64Array> = nameTable();
    const services: Record<string, Record<string, Float64Array>> = nameTable();
    const conns: Record<string, number> = nameTable();
    for (const k of METRICS) all[k] = new Float64Array(tl.length);
    this.services.forEach((s) => {
      services[s.component] = nameTable();
      for (const k of METRICS) services[s.component][k] = new Float64Array(tl.length);
    });
    const add = (dst: Record<string, Float64Array>, cols: SeriesColumns) => {
      for (const k of METRICS) {
        const x = tl.place(cols, k);
        const d = dst[k];
        for (let i = 0; i < d.length; i++) d[i] += x[i];
      }
    };
    for (const g of this.gens) {
      if (g.firstBin + this.genBins <= tl.firstBin) continue;
      add(all, g.all.columns());
      g.per.forEach((p, i) => add(services[this.services[i].component], p.columns()));
    }
    for (const s of this.services) {
      const c = services[s.component];
      let n = 0;
      for (let i = coverFrom; i < tl.length; i++) n += c.synOnly[i] + (c.packets[i] > 0 ? 1 : 0);
      conns[s.component] = n;
    }
    return { vantage, cover: [coverFrom, tl.length], all, services, serviceConnections: conns };
  }
}
