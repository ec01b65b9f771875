/**
 * @module report/schema
 * One schema for every row output (#19): the columns of flows, series bins, log bins and the
 * analysis timeline, each with its snake_case name and its type, from which the CSV header and
 * cells, the Arrow file and the Parquet file are all made — so a column is named and typed once.
 *
 * Types: `timestamp` is nanoseconds since the epoch, UTC (Arrow `timestamp[ns, UTC]`; Parquet
 * TIMESTAMP(NANOS, UTC); DuckDB reads it as TIMESTAMP WITH TIME ZONE), from the ISO text of the
 * JSON output digit for digit; `int` is a 64-bit integer; `float` a double (nullable); `string`
 * UTF-8 text (Parquet writes it dictionary-encoded).
 */
import type { EndpointRow } from '../flow/endpoints';
import type { FlowRecord } from '../flow/record';
import type { SeriesBin } from '../metrics/series';
import { metricDef, SERIES_METRICS } from '../metrics/catalog';
import type { ArrowColumn } from './arrow';
import type { TimelineData } from '../correlate/model';
import { isoSeconds } from '../time';

/** A typed column of rows `R`. */
export type Column<R> = ArrowColumn<R>;

/**
 * The getters of a record's c2s/s2c pairs, each written out: a getter reading `f[key]` with `key`
 * a variable is a keyed load V8 cannot specialise (58 ns a cell over 163 k rows; 10 with names).
 */
const PAIRS = {
  packets: [(f: FlowRecord) => f.packets.c2s, (f: FlowRecord) => f.packets.s2c],
  bytes: [(f: FlowRecord) => f.bytes.c2s, (f: FlowRecord) => f.bytes.s2c],
  payload: [(f: FlowRecord) => f.payload.c2s, (f: FlowRecord) => f.payload.s2c],
  syn: [(f: FlowRecord) => f.syn.c2s, (f: FlowRecord) => f.syn.s2c],
  synAck: [(f: FlowRecord) => f.synAck.c2s, (f: FlowRecord) => f.synAck.s2c],
  fin: [(f: FlowRecord) => f.fin.c2s, (f: FlowRecord) => f.fin.s2c],
  rst: [(f: FlowRecord) => f.rst.c2s, (f: FlowRecord) => f.rst.s2c],
  retransmissions: [(f: FlowRecord) => f.retransmissions.c2s, (f: FlowRecord) => f.retransmissions.s2c],
  zeroWindows: [(f: FlowRecord) => f.zeroWindows.c2s, (f: FlowRecord) => f.zeroWindows.s2c],
  tlsHellos: [(f: FlowRecord) => f.tlsHellos.c2s, (f: FlowRecord) => f.tlsHellos.s2c],
  httpStarts: [(f: FlowRecord) => f.httpStarts.c2s, (f: FlowRecord) => f.httpStarts.s2c],
} as const;

const pairColumns = (key: keyof typeof PAIRS, name: string): Column<FlowRecord>[] => [
  { name: `${name}_c2s`, type: 'int', get: PAIRS[key][0] },
  { name: `${name}_s2c`, type: 'int', get: PAIRS[key][1] },
];

/**
 * A flow record's row: every field of the record. `c2s` is client → server (the SYN sender is the
 * client), `s2c` the reverse; `bytes` are frame lengths as on the wire, `payload` TCP payload.
 */
export const FLOW_COLUMNS: readonly Column<FlowRecord>[] = [
  { name: 'id', type: 'int', get: (f) => f.id },
  { name: 'client_ip', type: 'string', get: (f) => f.client.ip },
  { name: 'client_port', type: 'int', get: (f) => f.client.port },
  { name: 'server_ip', type: 'string', get: (f) => f.server.ip },
  { name: 'server_port', type: 'int', get: (f) => f.server.port },
  { name: 'start', type: 'timestamp', get: (f) => f.start },
  { name: 'end', type: 'timestamp', get: (f) => f.end },
  { name: 'duration', type: 'float', get: (f) => f.duration },
  ...pairColumns('packets', 'packets'),
  ...pairColumns('bytes', 'bytes'),
  ...pairColumns('payload', 'payload'),
  ...pairColumns('syn', 'syn'),
  ...pairColumns('synAck', 'synack'),
  ...pairColumns('fin', 'fin'),
  ...pairColumns('rst', 'rst'),
  { name: 'state', type: 'string', get: (f) => f.state },
  { name: 'history', type: 'string', get: (f) => f.history },
  { name: 'handshake_rtt', type: 'float', get: (f) => f.handshakeRtt },
  ...pairColumns('retransmissions', 'retransmissions'),
  ...pairColumns('zeroWindows', 'zero_windows'),
  ...pairColumns('tlsHellos', 'tls_hellos'),
  ...pairColumns('httpStarts', 'http_starts'),
  { name: 'ip_version', type: 'int', get: (f) => f.ipVersion },
  { name: 'vantage', type: 'string', get: (f) => f.vantage ?? null },
];

/** A series bin's row: its start, `alibi series`'s metrics as the catalog names them, and the reset rates. */
export const SERIES_COLUMNS: readonly Column<SeriesBin>[] = [
  { name: 'start', type: 'timestamp', get: (b) => b.start },
  ...SERIES_METRICS.map((k): Column<SeriesBin> => ({ name: metricDef(k)!.column, type: metricDef(k)!.type, get: (b) => b[k] })),
  { name: 'reset_rate', type: 'float', get: (b) => b.resetRate },
  { name: 'resets_per_100_syn', type: 'float', get: (b) => b.resetsPer100Syn },
];

/** A log bin's row. */
export const LOG_BIN_COLUMNS: readonly Column<{ start: string; lines: number }>[] = [
  { name: 'start', type: 'timestamp', get: (b) => b.start },
  { name: 'lines', type: 'int', get: (b) => b.lines },
];

/** An endpoint's row (`alibi endpoints`). */
export const ENDPOINT_COLUMNS: readonly Column<EndpointRow>[] = [
  { name: 'address', type: 'string', get: (e) => e.address },
  { name: 'connections', type: 'int', get: (e) => e.connections },
  { name: 'as_client', type: 'int', get: (e) => e.asClient },
  { name: 'as_server', type: 'int', get: (e) => e.asServer },
  { name: 'packets', type: 'int', get: (e) => e.packets },
  { name: 'bytes', type: 'int', get: (e) => e.bytes },
  { name: 'tx_packets', type: 'int', get: (e) => e.txPackets },
  { name: 'tx_bytes', type: 'int', get: (e) => e.txBytes },
  { name: 'rx_packets', type: 'int', get: (e) => e.rxPackets },
  { name: 'rx_bytes', type: 'int', get: (e) => e.rxBytes },
  { name: 'resets_sent', type: 'int', get: (e) => e.resetsSent },
];

/** `synOnly` → `syn_only`: the timeline's metric names in the schema's case (the catalog's column names). */
export function snakeCase(name: string): string {
  return metricDef(name)?.column ?? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The analysis timeline as rows (`analyze --csv/--arrow/--parquet`), in long form — one row per
 * source, metric and bin — so the schema is the same whatever the sources: `start` (the bin's
 * start), `source` (a vantage, "<component> log", or "up->down" for packets missing between two
 * vantages), `service` (a service's own series, else null), `metric` (the catalog's column
 * name of each metric on the timeline, `lines` for a log, `missing` between vantages) and
 * `value`. Rows are indexes, so a day of bins builds no row objects.
 */
export function timelineRows(tl: TimelineData): { rows: number[]; columns: Column<number>[] } {
  const bins = tl.start.length;
  const iso = tl.start.map((t) => isoSeconds(t, tl.interval % 1 === 0 ? 0 : 6));
  const metric = tl.series.map((x) => snakeCase(x.metric));
  const rows = Array.from({ length: bins * tl.series.length }, (_, k) => k);
  const at = (k: number) => tl.series[Math.floor(k / bins)];
  return {
    rows,
    columns: [
      { name: 'start', type: 'timestamp', get: (k) => iso[k % bins] },
      { name: 'source', type: 'string', get: (k) => at(k).source },
      { name: 'service', type: 'string', get: (k) => at(k).service ?? null },
      { name: 'metric', type: 'string', get: (k) => metric[Math.floor(k / bins)] },
      { name: 'value', type: 'float', get: (k) => at(k).values[k % bins] },
    ],
  };
}

/**
 * One CSV cell. Text starting with `=`, `+`, `-`, `@`, a tab or a CR (a vantage name given on the
 * command line) is prefixed with `'`, so a spreadsheet shows it rather than running it as a
 * formula (OWASP's CSV injection advice); numbers are left as they are.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV header of a schema. */
export function csvHeader<R>(columns: readonly Column<R>[]): string {
  return columns.map((c) => c.name).join(',');
}

/** One CSV row of a schema (the general path; flows have a faster one of their own). */
export function csvRow<R>(r: R, columns: readonly Column<R>[]): string {
  return columns.map((c) => csvCell(c.get(r))).join(',');
}
