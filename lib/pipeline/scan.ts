/**
 * @module pipeline/scan
 * One read of one capture for the analysis: flows, the whole-capture series, a series per
 * service (connections whose server is that host:port), and the packet ledger for the
 * vantage comparison — all in a single pass.
 */
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

class Fanout implements PacketObserver {
  first = Infinity;
  last = -Infinity;
  /** The members that see each packet here: those that count in the flow table's core do not. */
  private perPacket: PacketObserver[];
  constructor(private readonly obs: PacketObserver[]) {
    this.perPacket = obs;
  }
  attach(table: FlowTable): boolean {
    this.perPacket = this.obs.filter((o) => !(o.attach?.(table) ?? false));
    return false; // first and last need every packet
  }
  packet(rec: PacketRecord, ev: PacketEvent): void {
    const t = rec.tsSec + rec.tsFrac / rec.tsRes;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    for (const o of this.perPacket) o.packet(rec, ev);
  }
  flowFinished(f: Flow): void {
    for (const o of this.obs) o.flowFinished?.(f);
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

/** The observers and the flow table of one scan, and how its result is put together. */
function startScan(req: ScanRequest, hooks: ScanHooks = {}): { pass: CapturePass; result: (packets: number, warnings: Warning[], files: string[], gaps: CoverageGap[]) => CaptureScan } {
  const grid = new IntervalGrid(0, 0, req.interval);
  const all = new SeriesAccumulator({ grid });
  const matchers = req.services.map((s) => { const sm = new ServiceMatcher(s); return { s, m: sm.flow, sm }; });
  // Response times per service: a connection belongs to one service, so its timing slot is theirs.
  const per = matchers.map(({ m }) => new SeriesAccumulator({ grid, filter: m, responseTimes: true }));
  const ledger = req.ledger && matchers.length > 0 ? new PacketLedger((f) => matchers.some(({ m }) => m(f))) : req.ledger ? new PacketLedger(() => true) : null;
  const fan = new Fanout([all, ...per, ...(ledger ? [ledger] : [])]);
  const summary: FlowSummary = { total: 0, byState: {}, perService: nameTable(), topServers: [] };
  const servers = new Map<string, number>();
  for (const { s } of matchers) summary.perService[s.component] = { connections: 0, byState: {}, rstByClient: 0, rstByServer: 0 };
  const pass = new CapturePass({
    keepFlows: false,
    observer: fan,
    packetFilter: req.filter ? compileFilter(req.filter) : undefined,
    vantage: req.vantage,
    idleTimeout: req.idleTimeout,
    maxFlows: req.maxFlows,
    onFinished: hooks.onFinished,
    onFlow: (r) => {
      summary.total++;
      summary.byState[r.state] = (summary.byState[r.state] ?? 0) + 1;
      if (r.syn.c2s > 0) {
        const k = `${r.server.ip}|${r.server.port}`;
        if (servers.size < 100_000 || servers.has(k)) servers.set(k, (servers.get(k) ?? 0) + 1);
      }
      for (const { s, sm } of matchers) {
        if (sm.endpoint(r.server.ip, r.server.port)) {
          const p = summary.perService[s.component];
          p.connections++;
          p.byState[r.state] = (p.byState[r.state] ?? 0) + 1;
          p.rstByClient += r.rst.c2s;
          p.rstByServer += r.rst.s2c;
        }
      }
    },
  });
  const result = (packets: number, warnings: Warning[], files: string[], gaps: CoverageGap[]): CaptureScan => {
  summary.topServers = [...servers.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([k, n]) => ({ host: k.slice(0, k.lastIndexOf('|')), port: Number(k.slice(k.lastIndexOf('|') + 1)), connections: n }));
  const services: Record<string, SeriesColumns> = nameTable();
  const seen: string[] = [];
  matchers.forEach(({ s }, i) => {
    services[s.component] = per[i].columns();
    if (summary.perService[s.component].connections > 0) seen.push(s.component);
  });
  return {
    file: req.file,
    vantage: req.vantage,
    packets,
    first: Number.isFinite(fan.first) ? fan.first : null,
    last: Number.isFinite(fan.last) ? fan.last : null,
    all: all.columns(),
    services,
    seen,
    flows: summary,
    ledger: ledger ? ledger.columns() : null,
    warnings,
    files,
    gaps: gaps.filter((g) => fileMissingBetween(g.after, g.before)).map((g) => ({ start: g.start, end: g.end, after: g.after, before: g.before })),
  };
  };
  return { pass, result };
}
