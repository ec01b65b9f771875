/**
 * @module partial/partial
 * A scan's result kept on disk as Parquet (`alibi scan`), so captures are scanned where they are
 * and analyzed elsewhere: `analyze` reads a partials folder wherever it reads a capture, and gives
 * the same document as from the capture itself.
 *
 * A partials folder holds one or more parts (a capture, or a contiguous run of a rotated set's
 * files), each written by one scan, as one file per table (docs/partials.md has every column):
 * - `series/<part>.parquet` — every metric per bin, for the whole capture (`service` null) and
 *   per service, at the scan's interval;
 * - `flows/<part>.parquet` — every connection, in `alibi flows --parquet`'s schema;
 * - `ledger/<part>.parquet` — the packet digests that match packets between vantages;
 * - `parts/<part>.parquet` — one row: the part's facts (vantage, files, packets, first/last,
 *   interval, services, coverage gaps, warnings, connection counts) as columns and as one JSON
 *   document (`facts`) that analyze reads back.
 * Each file is written under a temporary name and renamed, `parts/` last: a part is in the folder
 * once its facts are, and a scan killed half-way leaves no part (a rerun writes the same bytes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Table } from 'apache-arrow';
import { ArgumentError, InputError } from '../errors';
import { METRIC_KEYS, metricDef } from '../metrics/catalog';
import type { SeriesColumns } from '../metrics/series';
import { SAMPLE_SPACE, type LedgerColumns } from '../metrics/ledger';
import { IntervalGrid } from '../grid';
import { constUtf8Vector, float64Vector, int64Vector, putInt64, putNanos, tableOf, timestampVector, utf8Vector } from '../report/arrow';
import type { ParquetColumn } from '../report/parquetfile';
import { AtomicParquet } from './atomic';
import { FlowRowsHere, FlowRowsThreaded, type FlowRows } from './flowrows';
import { readParquetColumns, type ParquetColumns } from '../report/parquetreader';
import type { Flow } from '../flow/flow';
import { THREAD_MIN_BYTES } from '../pipeline/passfile';
import { scansInWorkers } from '../pipeline/workers';
import { compiledScript } from '../scripts';
import { mergeScans } from '../correlate/split';
import { type CaptureScan, type ScanRequest, type ServiceSpec, scanCapture, scanCaptureThreaded } from '../pipeline/scan';
import { nameTable } from '../names';
import type { FlowRecord } from '../flow/record';
import { ServiceMatcher } from '../flow/service';
import { addConnection, CONNECTION_ROWS_CAP, emptyConnections, type IncidentConnections } from '../correlate/connections';

/** One scan job: a capture (or a contiguous part of a rotated set) to a partial in `out`. */
export interface ScanJob {
  /** The capture's files, in time order (one file, or a part of a rotated set). */
  files: string[];
  vantage: string;
  /** The partials folder; the part's files are written into it atomically (temp, then rename). */
  out: string;
  /** Grid width (s). */
  interval: number;
  services: ServiceSpec[];
  filter?: string;
  clockOffset?: number;
  /** Name of the part within the folder (default: from the vantage and the first file). */
  part?: string;
  /**
   * Read on two cores (decode in a worker thread, flow rows encoded in another) when the input is
   * large (default true); `'always'` whatever its size (tests), false never.
   */
  threads?: boolean | 'always';
}

/** What a finished job wrote. */
export interface ScanJobResult {
  part: string;
  vantage: string;
  packets: number;
  files: string[];
  /** The Parquet files written, absolute. */
  written: string[];
  /** What the reader said about damaged input (also kept in the part's facts). */
  warnings: CaptureScan['warnings'];
}

/** The version of the partial layout; a reader refuses others. */
export const PARTIAL_VERSION = 1;
const TABLES = ['series', 'flows', 'ledger', 'parts'] as const;

/** The part's facts: everything of a CaptureScan but its columns (which are the tables). */
export interface PartFacts {
  version: number;
  part: string;
  vantage: string;
  interval: number;
  services: ServiceSpec[];
  filter: string | null;
  clockOffset: number | null;
  file: string;
  files: string[];
  packets: number;
  first: number | null;
  last: number | null;
  seen: string[];
  flows: CaptureScan['flows'];
  gaps: CaptureScan['gaps'];
  warnings: CaptureScan['warnings'];
  /** Where each series starts on the grid and how many bins it has ('' = the whole capture). */
  series: Record<string, { firstBin: number; length: number }>;
  ledger: { length: number; keepBelow: number };
}

/** A part name from the vantage and the first file: letters, digits, `.-_` only. */
export function partName(vantage: string, firstFile: string): string {
  return `${safeName(vantage)}-${safeName(path.basename(firstFile))}`;
}

/** A name made safe for a part's file name: letters, digits, `.`, `_`, `-` (others `_`), not starting with `.` or `_`. */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'capture';
}

// ---- writing ----------------------------------------------------------------------------------

const SERIES_SCHEMA: readonly ParquetColumn[] = [
  { name: 'vantage', type: 'string' },
  { name: 'service', type: 'string' },
  { name: 'bin', type: 'int' },
  { name: 'start', type: 'timestamp' },
  ...METRIC_KEYS.map((k) => ({ name: metricDef(k)!.column, type: 'float' as const })),
];
const LEDGER_SCHEMA: readonly ParquetColumn[] = [
  { name: 'vantage', type: 'string' },
  { name: 'key', type: 'int' },
  { name: 'time', type: 'float' },
  { name: 'to_service', type: 'int' },
];
const PARTS_SCHEMA: readonly ParquetColumn[] = [
  { name: 'part', type: 'string' },
  { name: 'vantage', type: 'string' },
  { name: 'first_file', type: 'string' },
  { name: 'files', type: 'int' },
  { name: 'packets', type: 'int' },
  { name: 'first', type: 'float' },
  { name: 'last', type: 'float' },
  { name: 'interval', type: 'float' },
  { name: 'connections', type: 'int' },
  { name: 'facts', type: 'string' },
];

const allTrue = (n: number) => new Array<boolean>(n).fill(true);

/** A series as rows of the series table: one Arrow batch. */
function seriesTable(vantage: string, service: string | null, s: SeriesColumns): Table {
  const n = s.length;
  const bins = new Uint32Array(2 * n);
  const starts = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const bin = s.firstBin + i;
    putInt64(bins, i, bin);
    // the grid is epoch-aligned: bin * interval, in whole nanoseconds
    const ns = Math.round(s.grid.startOf(bin) * 1e9);
    const sec = Math.floor(ns / 1e9);
    putNanos(starts, i, sec, ns - sec * 1e9);
  }
  const present = allTrue(n);
  return tableOf(SERIES_SCHEMA, [
    constUtf8Vector(vantage, n),
    constUtf8Vector(service, n),
    int64Vector(bins, n),
    timestampVector(starts, present),
    ...METRIC_KEYS.map((k) => float64Vector(Float64Array.from(s[k]))),
  ]);
}

function ledgerTable(vantage: string, l: LedgerColumns, from: number, to: number): Table {
  const n = to - from;
  const keys = new Uint32Array(2 * n);
  const dirs = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    putInt64(keys, i, l.key[from + i]);
    dirs[2 * i] = l.toService[from + i];
  }
  return tableOf(LEDGER_SCHEMA, [constUtf8Vector(vantage, n), int64Vector(keys, n), float64Vector(l.time.slice(from, to)), int64Vector(dirs, n)]);
}

/** The facts of a scan (everything but its columns). */
function factsOf(job: ScanJob, part: string, scan: CaptureScan): PartFacts {
  const series: PartFacts['series'] = { '': { firstBin: scan.all.firstBin, length: scan.all.length } };
  for (const [c, s] of Object.entries(scan.services)) series[c] = { firstBin: s.firstBin, length: s.length };
  return {
    version: PARTIAL_VERSION, part, vantage: job.vantage, interval: job.interval, services: job.services.map((s) => ({ component: s.component, host: s.host, port: s.port })),
    filter: job.filter ?? null, clockOffset: job.clockOffset ?? null, file: scan.file, files: scan.files, packets: scan.packets, first: scan.first, last: scan.last,
    seen: scan.seen, flows: scan.flows, gaps: scan.gaps, warnings: scan.warnings, series,
    ledger: { length: scan.ledger?.length ?? 0, keepBelow: scan.ledger?.keepBelow ?? SAMPLE_SPACE },
  };
}

/**
 * Scans the job's files (on two cores when large) and writes its part into `job.out`: the flow
 * rows as connections finish, then the series and the ledger, then the facts.
 */
export async function scanToPartial(job: ScanJob): Promise<ScanJobResult> {
  if (job.files.length === 0) throw new ArgumentError('scan: no capture file given');
  const part = job.part ?? partName(job.vantage, job.files[0]);
  const out = path.resolve(job.out);
  for (const t of TABLES) fs.mkdirSync(path.join(out, t), { recursive: true });
  const file = (t: string) => path.join(out, t, `${part}.parquet`);
  const big = job.threads === 'always' || (job.threads !== false && (os.availableParallelism?.() ?? os.cpus().length) >= 2 && job.files.reduce((n, f) => n + sizeOf(f), 0) >= THREAD_MIN_BYTES);
  // On two threads, the flow rows in a third: the table's thread only copies finished records.
  const rowsScript = big ? compiledScript('partial/flows-worker.js') : null;
  const flows: FlowRows = rowsScript !== null ? new FlowRowsThreaded(file('flows'), job.vantage, rowsScript) : new FlowRowsHere(file('flows'), job.vantage);
  const open: { abort(): void }[] = [flows];
  try {
    // The ledger for every vantage: which ones are on the path is the analysis' business.
    const req: ScanRequest = { file: job.files[0], files: job.files, vantage: job.vantage, interval: job.interval, services: job.services, ledger: true, clockOffset: job.clockOffset, filter: job.filter };
    const hooks = { onFinished: (f: Flow) => flows.add(f) };
    const scan = big ? await scanCaptureThreaded(req, hooks) : scanCapture(req, hooks);
    // the last rows are encoded while the series and the ledger are written here
    const rowsDone = flows.finish();
    rowsDone.catch(() => undefined);
    const series = new AtomicParquet(file('series'), SERIES_SCHEMA);
    open.push(series);
    series.add(seriesTable(job.vantage, null, scan.all));
    for (const s of job.services) series.add(seriesTable(job.vantage, s.component, scan.services[s.component]));
    const ledger = new AtomicParquet(file('ledger'), LEDGER_SCHEMA);
    open.push(ledger);
    const l = scan.ledger;
    if (l) for (let i = 0; i < l.length; i += 1 << 16) ledger.add(ledgerTable(job.vantage, l, i, Math.min(l.length, i + (1 << 16))));
    else ledger.add(ledgerTable(job.vantage, { key: new Float64Array(0), time: new Float64Array(0), toService: new Uint8Array(0), length: 0, keepBelow: SAMPLE_SPACE }, 0, 0));
    const facts = factsOf(job, part, scan);
    const parts = new AtomicParquet(file('parts'), PARTS_SCHEMA);
    open.push(parts);
    const nums = new Uint32Array(6);
    putInt64(nums, 0, scan.files.length);
    putInt64(nums, 1, scan.packets);
    putInt64(nums, 2, scan.flows.total);
    const f64 = (v: number | null) => float64Vector(Float64Array.of(v ?? 0), [v !== null]);
    parts.add(tableOf(PARTS_SCHEMA, [
      utf8Vector([part]), utf8Vector([job.vantage]), utf8Vector([scan.file]), int64Vector(nums.subarray(0, 2), 1), int64Vector(nums.subarray(2, 4), 1),
      f64(scan.first), f64(scan.last), f64(job.interval), int64Vector(nums.subarray(4, 6), 1), utf8Vector([JSON.stringify(facts)]),
    ]));
    // The facts last: until they are in, the part is not.
    await rowsDone;
    flows.commit();
    series.close();
    ledger.close();
    parts.close();
    return { part, vantage: job.vantage, packets: scan.packets, files: scan.files, written: TABLES.map(file), warnings: scan.warnings };
  } catch (e) {
    for (const o of open) o.abort();
    throw e;
  }
}

function sizeOf(f: string): number {
  try {
    return fs.statSync(f).size;
  } catch {
    return 0;
  }
}

// ---- reading ----------------------------------------------------------------------------------

/** A Parquet file as an Arrow table (the Rust `parquet` crate, compiled to WebAssembly). */
function readParquet(file: string, read?: Uint8Array): Table {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pw = require('parquet-wasm/node') as { readParquet(b: Uint8Array): { intoIPCStream(): Uint8Array } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { tableFromIPC } = require('apache-arrow') as typeof import('apache-arrow');
  let bytes: Uint8Array;
  try {
    bytes = read ?? fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read this partial file (${(e as Error).message})`);
  }
  try {
    return tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  } catch (e) {
    throw new InputError(`${file}: not a readable Parquet file (${String((e as Error).message ?? e)}); scan the capture again`);
  }
}

/**
 * Columns of one partial file: numbers as doubles, text as strings. Read by report/parquetreader
 * when the file is as `alibi scan` wrote it (typed arrays straight from the pages); any other file
 * (rewritten by another tool, damaged) goes through parquet-wasm, which reads every Parquet file
 * or says what is wrong with it.
 */
function readColumns(file: string, numberNames: readonly string[], stringNames: readonly string[]): ParquetColumns {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read this partial file (${(e as Error).message})`);
  }
  try {
    return readParquetColumns(bytes, [...numberNames, ...stringNames]);
  } catch {
    // not ours exactly: the general reader
  }
  const t = readParquet(file, bytes);
  const out: ParquetColumns = { rows: t.numRows, numbers: {}, strings: {} };
  for (const n of numberNames) out.numbers[n] = numbers(t, n);
  for (const n of stringNames) {
    const v = t.getChild(n);
    if (!v) throw new InputError(`${file}: partial table lacks column "${n}"`);
    const col = new Array<string | null>(t.numRows);
    for (let i = 0; i < t.numRows; i++) { const x = v.get(i); col[i] = x === null ? null : String(x); }
    out.strings[n] = col;
  }
  return out;
}

/**
 * A numeric column as doubles, read from its chunks' value arrays (sliced to the chunk already): an int64 value as its two
 * 32-bit halves (exact below 2^53, as every count, bin and digest we write is), where a BigInt
 * per value cost seconds on a day's ledger. A chunk with nulls goes value by value (NaN for null).
 */
function numbers(t: Table, name: string): Float64Array {
  const v = t.getChild(name);
  if (!v) throw new InputError(`partial table lacks column "${name}"`);
  const out = new Float64Array(t.numRows);
  let at = 0;
  for (const chunk of v.data) {
    const n = chunk.length;
    const values = chunk.values as ArrayLike<number | bigint> & { buffer: ArrayBufferLike; byteOffset: number };
    if (chunk.nullCount > 0) {
      for (let i = 0; i < n; i++) {
        const x = chunk.getValid(i) ? values[i] : null;
        out[at + i] = x === null ? NaN : Number(x);
      }
    } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      // little-endian halves: low word unsigned, high word signed (or unsigned for uint64)
      const w = new Uint32Array(values.buffer, values.byteOffset, n * 2);
      const signed = values instanceof BigInt64Array;
      for (let i = 0; i < n; i++) out[at + i] = (signed ? w[2 * i + 1] | 0 : w[2 * i + 1]) * 4294967296 + w[2 * i];
    } else {
      for (let i = 0; i < n; i++) out[at + i] = values[i] as number;
    }
    at += n;
  }
  return out;
}

/** The parts of one partials folder, by vantage: their facts, in time order. */
export function partsOf(dir: string): PartFacts[] {
  const root = path.resolve(dir);
  const partsDir = path.join(root, 'parts');
  let names: string[];
  try {
    names = fs.readdirSync(partsDir).filter((f) => f.endsWith('.parquet') && !f.startsWith('.'));
  } catch {
    throw new ArgumentError(`${dir}: not a partials folder (no parts/ in it): make one with \`alibi scan <capture…> --vantage NAME --out ${dir}\``);
  }
  const facts: PartFacts[] = [];
  for (const n of names.sort()) {
    const text = readColumns(path.join(partsDir, n), [], ['facts']).strings.facts[0];
    let f: PartFacts;
    try {
      f = JSON.parse(String(text)) as PartFacts;
    } catch {
      throw new InputError(`${path.join(partsDir, n)}: its facts are not JSON; scan the capture again`);
    }
    if (f.version !== PARTIAL_VERSION) throw new InputError(`${path.join(partsDir, n)}: partial version ${f.version}, this alibi reads ${PARTIAL_VERSION}; scan the capture again with this version`);
    facts.push(f);
  }
  return facts;
}

/** What the analysis needs of a vantage's partials: how they were scanned. */
export interface PartialExpectation {
  vantage: string;
  interval: number;
  services: ServiceSpec[];
  filter?: string;
  clockOffset?: number;
  /** Keep the packet ledger (the vantage is on the path). */
  ledger: boolean;
  /** Check the services too (false: only to infer the busiest server before they are known). */
  checkServices?: boolean;
}

const serviceKey = (s: ServiceSpec[]) => s.map((x) => `${x.component}=${x.host}:${x.port}`).sort().join(', ') || '(none)';

/**
 * The parts of `vantage` in folder `dir`, as scans in time order (to merge: correlate/split's
 * mergeScans). A part scanned differently from what the analysis needs (interval, services,
 * filter, clock offset) is an ArgumentError saying how to scan it again.
 */
export function readPartialScans(dir: string, want: PartialExpectation): CaptureScan[] {
  const all = partsOf(dir);
  const mine = all.filter((f) => f.vantage === want.vantage);
  if (mine.length === 0) {
    const there = [...new Set(all.map((f) => f.vantage))];
    throw new ArgumentError(`${dir}: no part of vantage "${want.vantage}" (${there.length ? `it holds ${there.map((v) => `"${v}"`).join(', ')}` : 'it holds no part'}): scan with \`alibi scan <capture…> --vantage ${want.vantage} --out ${dir}\``);
  }
  const rescan = `scan again with \`alibi scan <capture…> --vantage ${want.vantage} --out ${dir} --config <the analysis config>\``;
  for (const f of mine) {
    const where = `${dir}: part ${f.part}`;
    if (f.interval !== want.interval) throw new ArgumentError(`${where} was scanned at ${f.interval} s bins, the analysis runs at ${want.interval} s: ${rescan}, or analyze at ${f.interval} s`);
    if (want.checkServices !== false && serviceKey(f.services) !== serviceKey(want.services)) throw new ArgumentError(`${where} was scanned for services ${serviceKey(f.services)}, the analysis has ${serviceKey(want.services)}: ${rescan}`);
    if ((f.filter ?? undefined) !== want.filter) throw new ArgumentError(`${where} was scanned ${f.filter ? `through the filter "${f.filter}"` : 'without a filter'}, the analysis reads ${want.filter ? `through "${want.filter}"` : 'without one'}: ${rescan}`);
    if ((f.clockOffset ?? undefined) !== want.clockOffset) throw new ArgumentError(`${where} was scanned with clockOffset ${f.clockOffset ?? 0} s, the analysis has ${want.clockOffset ?? 0} s: ${rescan}`);
  }
  // One file in two parts would be counted twice.
  const owner = new Map<string, string>();
  for (const f of mine) {
    for (const x of f.files) {
      const o = owner.get(x);
      if (o !== undefined) throw new ArgumentError(`${dir}: ${x} is in parts ${o} and ${f.part}: remove one part (its four files, one per table)`);
      owner.set(x, f.part);
    }
  }
  mine.sort((a, b) => (a.first ?? Infinity) - (b.first ?? Infinity) || a.part.localeCompare(b.part));
  return mine.map((f) => partScan(path.resolve(dir), f, want));
}

/**
 * `mergeScans(readPartialScans(dir, want))` for each vantage, in worker threads (one per vantage,
 * up to the core count): the caller's thread is free meanwhile (analyze reads the logs), and the
 * memory parquet-wasm grows while decoding is given back when each thread ends. In this thread
 * when the compiled worker script is missing (running from sources without a build).
 */
export async function readPartialsThreaded(reads: { dir: string; want: PartialExpectation }[]): Promise<CaptureScan[]> {
  const script = compiledScript('partial/partial-worker.js');
  if (script === null || reads.length === 0) return reads.map(({ dir, want }) => mergeScans(readPartialScans(dir, want)));
  return scansInWorkers(script, reads);
}

/** One part back as the scan that wrote it. */
function partScan(root: string, f: PartFacts, want: PartialExpectation): CaptureScan {
  const grid = new IntervalGrid(0, 0, f.interval);
  const names = METRIC_KEYS.map((k) => metricDef(k)!.column);
  const t = readColumns(path.join(root, 'series', `${f.part}.parquet`), [...names, 'bin'], ['service']);
  const service = t.strings.service;
  const cols = names.map((n) => t.numbers[n]);
  const bins = t.numbers.bin;
  const empty = (firstBin: number, length: number): SeriesColumns => {
    const out: Record<string, unknown> = { grid, interval: f.interval, firstBin, length, start: new Float64Array(length) };
    for (let i = 0; i < length; i++) (out.start as Float64Array)[i] = grid.startOf(firstBin + i);
    for (const k of METRIC_KEYS) out[k] = new Float64Array(length);
    return out as unknown as SeriesColumns;
  };
  const all = empty(f.series['']?.firstBin ?? 0, f.series['']?.length ?? 0);
  const services: Record<string, SeriesColumns> = nameTable();
  for (const s of want.checkServices === false ? [] : f.services) services[s.component] = empty(f.series[s.component]?.firstBin ?? 0, f.series[s.component]?.length ?? 0);
  for (let r = 0; r < t.rows; r++) {
    const sv = service[r];
    const s = sv === null ? all : services[sv];
    if (!s) continue;
    const i = bins[r] - s.firstBin;
    if (i < 0 || i >= s.length) throw new InputError(`${path.join(root, 'series', `${f.part}.parquet`)}: row ${r} (bin ${bins[r]}) is outside its series; scan the capture again`);
    for (let c = 0; c < METRIC_KEYS.length; c++) (s[METRIC_KEYS[c]] as Float64Array)[i] = cols[c][r];
  }
  let ledger: LedgerColumns | null = null;
  if (want.ledger) {
    const lt = readColumns(path.join(root, 'ledger', `${f.part}.parquet`), ['key', 'time', 'to_service'], []);
    ledger = { key: lt.numbers.key, time: lt.numbers.time, toService: Uint8Array.from(lt.numbers.to_service), length: lt.rows, keepBelow: f.ledger.keepBelow };
  }
  return {
    file: f.file, vantage: f.vantage, packets: f.packets, first: f.first, last: f.last, all, services, seen: f.seen,
    flows: f.flows, ledger, warnings: f.warnings, files: f.files, gaps: f.gaps,
  };
}

/** The flow rows of a vantage's parts (for the incidents' connection tables). */
export function readPartialFlows(dir: string, vantage: string): Table[] {
  return partsOf(dir).filter((f) => f.vantage === vantage).map((f) => readParquet(path.join(path.resolve(dir), 'flows', `${f.part}.parquet`)));
}

/** Epoch seconds of row `i` of a nanosecond timestamp column (as the pass computes them: seconds plus the fraction). */
function epochAt(col: { data: { values: BigInt64Array }[] }, i: number): number {
  let k = 0;
  let at = i;
  while (at >= col.data[k].values.length) at -= col.data[k++].values.length;
  const ns = col.data[k].values[at];
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

/**
 * The same lists as {@link scanIncidentConnections}, from the flow rows a partials folder holds
 * (`alibi scan`): no capture to read again.
 */
export function partialConnections(dir: string, vantage: string, services: { host: string; port: number }[], windows: [number, number][], shift: number, cap = CONNECTION_ROWS_CAP): IncidentConnections[] {
  const matchers = services.map((s) => new ServiceMatcher(s));
  const out = windows.map((_, i) => emptyConnections(i, vantage));
  for (const t of readPartialFlows(dir, vantage)) {
    const col = (n: string) => t.getChild(n)!;
    const num = (n: string) => { const c = col(n); return (i: number) => Number(c.get(i)); };
    const str = (n: string) => { const c = col(n); return (i: number) => String(c.get(i)); };
    const start = col('start') as unknown as { data: { values: BigInt64Array }[] }, end = col('end') as unknown as { data: { values: BigInt64Array }[] };
    const cip = str('client_ip'), sip = str('server_ip'), cport = num('client_port'), sport = num('server_port'), dur = num('duration');
    const state = str('state'), hist = str('history'), po = num('packets_c2s'), pr = num('packets_s2c'), bo = num('payload_c2s'), br = num('payload_s2c'), ro = num('rst_c2s'), rr = num('rst_s2c');
    for (let i = 0; i < t.numRows; i++) {
      const server = { ip: sip(i), port: sport(i) };
      if (matchers.length > 0 && !matchers.some((m) => m.endpoint(server.ip, server.port))) continue;
      const startTime = epochAt(start, i), endTime = epochAt(end, i);
      const a = startTime + shift, b = endTime + shift;
      for (let w = 0; w < windows.length; w++) {
        const [from, to] = windows[w];
        if (!(a < to && b >= from)) continue;
        const r = {
          startTime, duration: dur(i), client: { ip: cip(i), port: cport(i) }, server, state: state(i), history: hist(i),
          packets: { c2s: po(i), s2c: pr(i) }, payload: { c2s: bo(i), s2c: br(i) }, rst: { c2s: ro(i), s2c: rr(i) },
        } as unknown as FlowRecord;
        addConnection(out[w], r, shift, cap);
      }
    }
  }
  return out.filter((c) => c.total > 0);
}
