/**
 * @module correlate/split
 * A vantage captured as a long rotated set is read on several cores: its files, in time order,
 * are cut into contiguous parts, each part is scanned in its own worker thread, and the parts'
 * results are merged. Per-packet counts (every series column but the few below) add up exactly,
 * since each packet is in one part; a connection that spans a cut is seen as two (its flow
 * record, the active-flow count of the cut's bin, and a request waiting across the cut, which is
 * counted as unanswered). A set is cut only when it is long (≥ 16 files) and there are cores to
 * spare, so a cut falls between two of many files.
 */
import * as os from 'node:os';
import { openCapture } from '../capture/file';
import type { SeriesColumns } from '../metrics/series';
import { sampledLedger, type LedgerColumns } from '../metrics/ledger';
import { CaptureScan, fileMissingBetween, ScanRequest } from '../pipeline/scan';
import { nameTable } from './model';

/** Fewest files in a set before it is cut into parts. */
export const SPLIT_MIN_FILES = 16;

/** Time of a file's first packet (null: none, or unreadable: the set reader will say why). */
function firstTime(file: string): number | null {
  try {
    const r = openCapture(file, { chunkSize: 1 << 16 });
    try {
      const p = r.next();
      return p === null ? null : p.tsSec + p.tsFrac / p.tsRes;
    } finally {
      r.close?.();
    }
  } catch {
    return null;
  }
}

/**
 * The scan requests to run: a long set is cut into as many contiguous parts (by its files'
 * first packet times) as there are cores left over by the other requests. `parts[i]` says which
 * requests' results make request i's.
 */
export function splitRequests(reqs: ScanRequest[], cores = os.availableParallelism?.() ?? os.cpus().length): { runs: ScanRequest[]; parts: number[][] } {
  const runs: ScanRequest[] = [];
  const parts: number[][] = [];
  let spare = Math.max(0, cores - reqs.length);
  for (const r of reqs) {
    const files = r.files ?? [r.file];
    if (spare === 0 || files.length < SPLIT_MIN_FILES) {
      parts.push([runs.length]);
      runs.push(r);
      continue;
    }
    const k = Math.min(spare + 1, Math.floor(files.length / (SPLIT_MIN_FILES / 2)));
    spare -= k - 1;
    const ordered = files.map((f) => ({ f, t: firstTime(f) ?? Infinity })).sort((a, b) => a.t - b.t).map((x) => x.f);
    const idx: number[] = [];
    for (let j = 0; j < k; j++) {
      const chunk = ordered.slice(Math.floor((j * ordered.length) / k), Math.floor(((j + 1) * ordered.length) / k));
      idx.push(runs.length);
      runs.push({ ...r, file: chunk[0], files: chunk });
    }
    parts.push(idx);
  }
  return { runs, parts };
}

function mergeColumns(xs: SeriesColumns[]): SeriesColumns {
  const live = xs.filter((x) => x.length > 0);
  if (live.length <= 1) return live[0] ?? xs[0];
  const first = Math.min(...live.map((x) => x.firstBin));
  const end = Math.max(...live.map((x) => x.firstBin + x.length));
  const n = end - first;
  const out: Record<string, unknown> = { ...live[0], firstBin: first, length: n };
  const start = new Float64Array(n);
  for (let i = 0; i < n; i++) start[i] = live[0].grid.startOf(first + i);
  out.start = start;
  for (const [k, v] of Object.entries(live[0])) {
    // ArrayBuffer.isView, not instanceof: columns made in a worker thread may come from another realm.
    if (!ArrayBuffer.isView(v) || k === 'start') continue;
    const col = new Float64Array(n);
    for (const x of live) {
      const src = (x as unknown as Record<string, Float64Array>)[k];
      const off = x.firstBin - first;
      for (let i = 0; i < x.length; i++) col[off + i] += src[i];
    }
    out[k] = col;
  }
  return out as unknown as SeriesColumns;
}

function mergeLedgers(xs: (LedgerColumns | null)[]): LedgerColumns | null {
  // Parts that sampled differently compare over the smallest range: the same packets everywhere.
  const kept = xs.filter((x): x is LedgerColumns => x !== null);
  if (!kept.length) return null;
  const keepBelow = Math.min(...kept.map((l) => l.keepBelow));
  const ls = kept.map((l) => sampledLedger(l, keepBelow));
  const n = ls.reduce((s, l) => s + l.length, 0);
  const key = new Float64Array(n), time = new Float64Array(n), toService = new Uint8Array(n);
  let o = 0;
  for (const l of ls) {
    key.set(l.key.subarray(0, l.length), o);
    time.set(l.time.subarray(0, l.length), o);
    toService.set(l.toService.subarray(0, l.length), o);
    o += l.length;
  }
  return { key, time, toService, length: n, keepBelow };
}

const addCounts = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** One scan from the scans of a set's consecutive parts (in time order). */
export function mergeScans(xs: CaptureScan[]): CaptureScan {
  if (xs.length === 1) return xs[0];
  const servers = new Map<string, { host: string; port: number; connections: number }>();
  const perService: CaptureScan['flows']['perService'] = nameTable();
  const byState: Record<string, number> = {};
  for (const x of xs) {
    addCounts(byState, x.flows.byState);
    for (const t of x.flows.topServers) {
      const k = `${t.host}|${t.port}`;
      const s = servers.get(k) ?? { ...t, connections: 0 };
      s.connections += t.connections;
      servers.set(k, s);
    }
    for (const [c, p] of Object.entries(x.flows.perService)) {
      const q = (perService[c] ??= { connections: 0, byState: {}, rstByClient: 0, rstByServer: 0 });
      q.connections += p.connections;
      q.rstByClient += p.rstByClient;
      q.rstByServer += p.rstByServer;
      addCounts(q.byState, p.byState);
    }
  }
  const services: Record<string, SeriesColumns> = nameTable();
  for (const c of Object.keys(xs[0].services)) services[c] = mergeColumns(xs.map((x) => x.services[c]));
  const gaps = xs.flatMap((x) => x.gaps);
  // Between two parts: a gap in coverage only where a rotation number is skipped there too.
  for (let i = 0; i + 1 < xs.length; i++) {
    const a = xs[i], b = xs[i + 1];
    const after = a.files[a.files.length - 1], before = b.files[0];
    if (a.last !== null && b.first !== null && b.first > a.last && fileMissingBetween(after, before)) gaps.push({ start: a.last, end: b.first, after, before });
  }
  const firsts = xs.map((x) => x.first).filter((t): t is number => t !== null);
  const lasts = xs.map((x) => x.last).filter((t): t is number => t !== null);
  return {
    file: xs[0].file,
    vantage: xs[0].vantage,
    packets: xs.reduce((s, x) => s + x.packets, 0),
    first: firsts.length ? Math.min(...firsts) : null,
    last: lasts.length ? Math.max(...lasts) : null,
    all: mergeColumns(xs.map((x) => x.all)),
    services,
    seen: [...new Set(xs.flatMap((x) => x.seen))],
    flows: {
      total: xs.reduce((s, x) => s + x.flows.total, 0),
      byState,
      perService,
      topServers: [...servers.values()].sort((a, b) => b.connections - a.connections).slice(0, 5),
    },
    ledger: mergeLedgers(xs.map((x) => x.ledger)),
    warnings: xs.flatMap((x) => x.warnings),
    files: xs.flatMap((x) => x.files),
    gaps: gaps.sort((a, b) => a.start - b.start),
  };
}
