/**
 * @module pipeline/scan
 * One read of one capture for the analysis: flows, the whole-capture series, a series per
 * service (connections whose server is that host:port), and the packet ledger for the
 * vantage comparison — all in a single pass.
 */
import * as fs from 'node:fs';
import type { FlowTable } from '../flow/table';
import type { PacketRecord } from '../capture/record';
import { clockShift } from '../capture/clock';
import type { CaptureReader } from '../capture/reader';
import type { Warning } from '../errors';
import { ServiceMatcher } from '../flow/service';
import type { Flow } from '../flow/flow';
import { IntervalGrid } from '../grid';
import { SeriesAccumulator, SeriesColumns } from '../metrics/series';
import { openCapture } from '../capture/file';
import { CaptureSetReader, openCaptureSet, type CoverageGap } from '../capture/set';
import { passFile } from './passfile';
import { CapturePass, type PacketEvent, type PacketObserver } from './pass';
import { compileFilter } from '../decode/bpf';
import { LedgerColumns, PacketLedger } from '../metrics/ledger';
import { flowState } from '../flow/record';
import { addressToString } from '../flow/address';
import { nameTable } from '../names';

export interface ServiceSpec {
  component: string;
  host: string;
  port: number;
}

export interface ScanRequest {
  /** The capture: one file, or the files of a rotated set (read as one capture in time order). */
  file: string;
  files?: string[];
  vantage: string;
  /** Grid width (s); the grid is epoch-aligned so every source shares edges. */
  interval: number;
  services: ServiceSpec[];
  /** Record the packet ledger (only for vantages on the path). */
  ledger: boolean;
  /** Seconds added to every timestamp (a configured clock correction). */
  clockOffset?: number;
  idleTimeout?: number;
  maxFlows?: number;
  /** A tcpdump expression: only the packets it keeps are read (`analyze --filter`). */
  filter?: string;
}

export interface FlowSummary {
  total: number;
  byState: Record<string, number>;
  /** Per service: connections, states, resets by side. */
  perService: Record<string, { connections: number; byState: Record<string, number>; rstByClient: number; rstByServer: number }>;
  /** The busiest servers (host:port) by connections, for inferring services. */
  topServers: { host: string; port: number; connections: number }[];
}

export interface CaptureScan {
  file: string;
  vantage: string;
  packets: number;
  first: number | null;
  last: number | null;
  all: SeriesColumns;
  services: Record<string, SeriesColumns>;
  /** Services whose traffic this capture saw (connections with that server). */
  seen: string[];
  flows: FlowSummary;
  ledger: LedgerColumns | null;
  warnings: Warning[];
  /** Files of a rotated set in time order, and the stretches between them that no file covers. */
  files: string[];
  gaps: { start: number; end: number; after: string; before: string }[];
}

/**
 * One scan's observers, fed each packet: the whole-capture series, the series of the services
 * the packet's connection belongs to, and the ledger. A connection's services are matched once,
 * on its first packet, and kept by its slot in the flow table (its client and server never change
 * after that): the per-packet cost of a service is a bit test, not an address comparison.
 */
class Fanout implements PacketObserver {
  first = Infinity;
  last = -Infinity;
  /** `all` counts in the flow table's core (its `packet` is then not called). */
  private allInCore = false;
  /** Per flow slot (Flow.idx): the services its connection belongs to, bit i for `per[i]`. */
  private masks = new Int32Array(1024);
  /** More services than bits (30): matched on every packet instead, and `finished` gets mask -1. */
  private readonly perPacketMatch: boolean;
  constructor(
    private readonly all: SeriesAccumulator,
    private readonly per: SeriesAccumulator[],
    private readonly match: ((f: Flow) => boolean)[],
    private readonly ledger: PacketLedger | null,
    /** The ledger records every connection's packets, not only the services'. */
    private readonly ledgerAll: boolean,
    private readonly finished: (f: Flow, mask: number) => void,
  ) {
    this.perPacketMatch = match.length > 30;
  }
  attach(table: FlowTable): boolean {
    this.allInCore = this.all.attach(table);
    return false; // first and last need every packet
  }
  private maskOf(f: Flow): number {
    let m = 0;
    for (let i = 0; i < this.match.length; i++) if (this.match[i](f)) m |= 1 << i;
    return m;
  }
  packet(rec: PacketRecord, ev: PacketEvent): void {
    const t = rec.tsSec + rec.tsFrac / rec.tsRes;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    if (!this.allInCore) this.all.packet(rec, ev);
    const f = ev.flow;
    if (f === null) return;
    if (this.perPacketMatch) {
      for (const a of this.per) a.packet(rec, ev);
      this.ledger?.packet(rec, ev);
      return;
    }
    const idx = f.idx;
    let mask: number;
    if (ev.newFlow) {
      if (idx >= this.masks.length) {
        const grown = new Int32Array(Math.max(idx + 1, this.masks.length * 2));
        grown.set(this.masks);
        this.masks = grown;
      }
      mask = this.masks[idx] = this.maskOf(f);
    } else mask = this.masks[idx];
    for (let m = mask, i = 0; m !== 0; m >>>= 1, i++) if (m & 1) this.per[i].count(rec, ev);
    if (this.ledger !== null && (mask !== 0 || this.ledgerAll)) this.ledger.record(rec, ev);
  }
  flowFinished(f: Flow): void {
    this.all.flowFinished(f);
    if (this.perPacketMatch) {
      for (const a of this.per) a.flowFinished(f);
      this.finished(f, -1);
      return;
    }
    const mask = this.masks[f.idx];
    for (let m = mask, i = 0; m !== 0; m >>>= 1, i++) if (m & 1) this.per[i].flowFinished(f);
    this.finished(f, mask);
  }
}

/**
 * Whether a rotated set lacks a file between `a` and `b`: their rotation numbers (the first number
 * in the names that differs: `fw.pcap3`/`fw.pcap5`, `fw_00001_…`/`fw_00003_…`) skip one. Only then
 * is a pause between two files a gap in coverage: tcpdump keeps capturing through a quiet
 * stretch, so a pause between consecutive files is the data (an outage may be exactly that).
 */
export function fileMissingBetween(a: string, b: string): boolean {
  const na = (a.split('/').pop() ?? a).match(/\d+/g) ?? [];
  const nb = (b.split('/').pop() ?? b).match(/\d+/g) ?? [];
  for (let i = 0; i < Math.min(na.length, nb.length); i++) {
    if (na[i] === nb[i]) continue;
    return Math.abs(Number(nb[i]) - Number(na[i])) > 1;
  }
  // `fw.pcap` then `fw.pcap2`: tcpdump -C numbers the second file 1.
  if (na.length + 1 === nb.length) return Number(nb[nb.length - 1]) > 1;
  return false;
}

/** Scans one capture (sync). Safe to run in a worker thread: input and output are plain data. */
export function scanCapture(req: ScanRequest, hooks: ScanHooks = {}): CaptureScan {
  const set = req.files && req.files.length > 1 ? openCaptureSet(req.files, { gapThreshold: gapThreshold(req) }) : null;
  return scanReader(set ?? openCapture(req.files?.[0] ?? req.file), req, hooks);
}

/** What a scan in this thread may also be asked to do (not plain data: not for worker threads). */
export interface ScanHooks {
  /** Each finished connection, as the flow table's view (read it now: the slot is reused). */
  onFinished?: (f: Flow) => void;
}

/**
 * Scans the packets of an open reader: a capture in memory (`readCapture`), a file, or a rotated
 * set, whose files and coverage gaps the result then carries. `req.file` names it in warnings.
 */
export function scanReader(reader: CaptureReader | CaptureSetReader, req: ScanRequest, hooks: ScanHooks = {}): CaptureScan {
  const scan = startScan(req, hooks);
  const shift = clockShift(req.clockOffset);
  if (shift === null) for (let p = reader.next(); p !== null; p = reader.next()) scan.pass.packet(p);
  else for (let p = reader.next(); p !== null; p = reader.next()) scan.pass.packet(shift(p));
  const res = scan.pass.finish(reader, req.file);
  const set = reader instanceof CaptureSetReader ? reader : null;
  return scan.result(res.packets, res.warnings, set ? set.files : [req.files?.[0] ?? req.file], set ? set.gaps : []);
}

/**
 * The same scan on two cores: a worker thread reads the file or rotated set and decodes it, this
 * thread keeps the flow table and the series (passFile's handoff). One flow table, so the memory
 * is one file's, where cutting a set into parts read on two cores needs a table per part.
 */
export async function scanCaptureThreaded(req: ScanRequest, hooks: ScanHooks = {}): Promise<CaptureScan> {
  const scan = startScan(req, hooks);
  const files = req.files && req.files.length > 0 ? req.files : [req.file];
  const res = await passFile(files[0], scan.pass, { threads: true, files, gapThreshold: gapThreshold(req), clockOffset: req.clockOffset });
  return scan.result(res.packets, res.warnings, res.set?.files ?? files.slice(0, 1), res.set?.gaps ?? []);
}

/** A pause between two files of a set longer than this (s) is a gap in coverage. */
function gapThreshold(req: ScanRequest): number {
  return Math.max(2, 2 * req.interval);
}

/**
 * At most how many TCP packets `files` hold, from their sizes: a packet's record takes at least
 * 64 bytes (16 of record header, 14 + 20 + 20 of headers when the snap length keeps them), and a
 * compressed file is counted as 10 times its size (captures compress 3-6 times). Undefined when
 * a file cannot be read from disk (a capture in memory): a guess then, not a bound.
 */
function packetsBound(files: string[]): number | undefined {
  let n = 0;
  for (const f of files) {
    try {
      n += (fs.statSync(f).size * (/\.(gz|zst|xz|bz2)$/i.test(f) ? 10 : 1)) / 64;
    } catch {
      return undefined;
    }
  }
  return n;
}

/** The observers and the flow table of one scan, and how its result is put together. */
function startScan(req: ScanRequest, hooks: ScanHooks = {}): { pass: CapturePass; result: (packets: number, warnings: Warning[], files: string[], gaps: CoverageGap[]) => CaptureScan } {
  const grid = new IntervalGrid(0, 0, req.interval);
  const all = new SeriesAccumulator({ grid });
  const matchers = req.services.map((s) => { const sm = new ServiceMatcher(s); return { s, m: sm.flow, sm }; });
  // Response times per service: a connection belongs to one service, so its timing slot is theirs.
  const per = matchers.map(({ m }) => new SeriesAccumulator({ grid, filter: m, responseTimes: true }));
  const ledger = req.ledger ? new PacketLedger(matchers.length > 0 ? (f) => matchers.some(({ m }) => m(f)) : () => true, undefined, packetsBound(req.files?.length ? req.files : [req.file])) : null;
  const summary: FlowSummary = { total: 0, byState: {}, perService: nameTable(), topServers: [] };
  // Servers by connections, keyed by number for IPv4 (address × 65536 + port): no text per connection.
  const servers = new Map<number | string, number>();
  const perService = matchers.map(({ s }) => (summary.perService[s.component] = { connections: 0, byState: {} as Record<string, number>, rstByClient: 0, rstByServer: 0 }));
  // Each finished connection counted from the flow table's view (no record is made).
  const finished = (f: Flow, mask: number): void => {
    hooks.onFinished?.(f);
    summary.total++;
    const state = flowState(f, f.history);
    summary.byState[state] = (summary.byState[state] ?? 0) + 1;
    if (f.c2s.syn > 0) {
      const k = f.ipVersion === 4 ? f.s0 * 65536 + f.sPort : `${addressToString(6, f.s0, f.s1, f.s2, f.s3)}|${f.sPort}`;
      if (servers.size < 100_000 || servers.has(k)) servers.set(k, (servers.get(k) ?? 0) + 1);
    }
    for (let i = 0; i < perService.length; i++) {
      if (mask === -1 ? !matchers[i].m(f) : (mask & (1 << i)) === 0) continue;
      const p = perService[i];
      p.connections++;
      p.byState[state] = (p.byState[state] ?? 0) + 1;
      p.rstByClient += f.c2s.rst;
      p.rstByServer += f.s2c.rst;
    }
  };
  const fan = new Fanout(all, per, matchers.map(({ m }) => m), ledger, matchers.length === 0, finished);
  const pass = new CapturePass({
    keepFlows: false,
    observer: fan,
    packetFilter: req.filter ? compileFilter(req.filter) : undefined,
    vantage: req.vantage,
    idleTimeout: req.idleTimeout,
    maxFlows: req.maxFlows,
  });
  const result = (packets: number, warnings: Warning[], files: string[], gaps: CoverageGap[]): CaptureScan => {
  summary.topServers = [...servers.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([k, n]) => typeof k === 'number'
      ? { host: addressToString(4, Math.floor(k / 65536), 0, 0, 0), port: k % 65536, connections: n }
      : { host: k.slice(0, k.lastIndexOf('|')), port: Number(k.slice(k.lastIndexOf('|') + 1)), connections: n });
  const services: Record<string, SeriesColumns> = nameTable();
  const seen: string[] = [];
  matchers.forEach(({ s }, i) => {
    services[s.component] = per[i].columns({ release: true });
    if (summary.perService[s.component].connections > 0) seen.push(s.component);
  });
  return {
    file: req.file,
    vantage: req.vantage,
    packets,
    first: Number.isFinite(fan.first) ? fan.first : null,
    last: Number.isFinite(fan.last) ? fan.last : null,
    all: all.columns({ release: true }),
    services,
    seen,
    flows: summary,
    ledger: ledger ? ledger.columns({ release: true }) : null,
    warnings,
    files,
    gaps: gaps.filter((g) => fileMissingBetween(g.after, g.before)).map((g) => ({ start: g.start, end: g.end, after: g.after, before: g.before })),
  };
  };
  return { pass, result };
}
