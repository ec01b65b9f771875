/**
 * @module metrics/catalog
 * Every interval metric, once (#21). The series columns (`SeriesColumns`), the order of a bin's
 * row in the flow table's core (the C enum in `flow/wasm/metrics.h` is generated from this list),
 * `alibi series`'s bin fields and their CSV/Arrow/Parquet columns, what `analyze` puts on its
 * timeline, the HTML charts and the spike signals are all read from here. A new metric is an
 * entry here plus its counting, in one place: the core's `countInto` (flow/wasm/table.c), which
 * says what each packet adds to its bin. The core's own series adds that to its rows; a series
 * counted in TypeScript (response timing, a filter the core cannot apply, several per pass)
 * adds the same increments (`FlowTable.increments`). Only the active connections and the
 * response times are counted by the series itself, as they need its own state.
 */

/** The signals a metric's spike raises (correlate/signals' SignalKind includes them). */
export type SpikeKind = 'connection-spike' | 'reset-spike' | 'retransmission-spike' | 'zero-window';

/** Whose series the timeline carries: each vantage's whole traffic, or each service's. */
export type MetricScope = 'vantage' | 'service';

/** How the analysis page draws a metric (report/html's panels). */
export interface MetricChart {
  /** The panel's id (`throughput`, `connections`, `resets`, …). */
  readonly panel: string;
  /** The line's label after the source's name (default: the source's name alone). */
  readonly label?: string;
  readonly dash?: 'dashed' | 'dotted';
  /** Drawn per second rather than per bin. */
  readonly perSecond?: boolean;
  /** Drawn divided by this metric in the same bin (a sum of waits over their count: an average). */
  readonly per?: string;
}

export interface MetricDef {
  /** The name in code and JSON: `SeriesColumns[key]`, a view's column, a series bin's field. */
  readonly key: string;
  /** The name in CSV, Arrow, Parquet and the analysis timeline's rows. */
  readonly column: string;
  /** The core's name for its place in a bin's row (`flow/wasm/metrics.h`). */
  readonly c: string;
  readonly type: 'int' | 'float';
  /** What it counts (README's schema table). */
  readonly doc: string;
  /** A field of `alibi series`'s bins (SPEC.md). */
  readonly series?: boolean;
  /** Put on `analyze`'s timeline (exported by `--csv/--arrow/--parquet`, drawn by `--html`). */
  readonly timeline?: MetricScope;
  readonly chart?: MetricChart;
  /** A spike of it above its baseline, with at least `minTotal` in the spike, is a signal of this kind. */
  readonly spike?: { readonly kind: SpikeKind; readonly minTotal: number };
}

/** The metrics, in the order of a bin's row (the core's layout: append, do not reorder). */
export const METRICS = [
  { key: 'packets', column: 'packets', c: 'C_PACKETS', type: 'int', series: true, doc: 'packets' },
  { key: 'bytes', column: 'bytes', c: 'C_BYTES', type: 'int', series: true, timeline: 'vantage', chart: { panel: 'throughput', perSecond: true }, doc: 'bytes on the wire (original length)' },
  { key: 'payload', column: 'payload', c: 'C_PAYLOAD', type: 'int', series: true, doc: 'TCP payload bytes' },
  { key: 'synOnly', column: 'syn_only', c: 'C_SYN_ONLY', type: 'int', series: true, timeline: 'vantage', chart: { panel: 'connections', label: 'SYN' }, spike: { kind: 'connection-spike', minTotal: 8 }, doc: 'new connection attempts (SYN without ACK)' },
  { key: 'resets', column: 'resets', c: 'C_RESETS', type: 'int', series: true, spike: { kind: 'reset-spike', minTotal: 5 }, doc: 'RST segments' },
  { key: 'resetsByClient', column: 'resets_by_client', c: 'C_RESETS_BY_CLIENT', type: 'int', series: true, timeline: 'vantage', chart: { panel: 'resets', label: 'client RST' }, doc: 'RSTs sent by the side that opened the connection' },
  { key: 'resetsByServer', column: 'resets_by_server', c: 'C_RESETS_BY_SERVER', type: 'int', series: true, timeline: 'vantage', chart: { panel: 'resets', label: 'server RST', dash: 'dashed' }, doc: 'RSTs sent by the side that accepted it' },
  { key: 'retransmissions', column: 'retransmissions', c: 'C_RETRANS', type: 'int', series: true, timeline: 'vantage', chart: { panel: 'retransmissions' }, spike: { kind: 'retransmission-spike', minTotal: 5 }, doc: 'retransmitted segments (Wireshark tcp.analysis.retransmission)' },
  { key: 'zeroWindows', column: 'zero_windows', c: 'C_ZERO_WINDOWS', type: 'int', series: true, timeline: 'vantage', spike: { kind: 'zero-window', minTotal: 3 }, doc: 'zero-window advertisements (tcp.analysis.zero_window)' },
  { key: 'activeFlows', column: 'active_flows', c: 'C_ACTIVE_FLOWS', type: 'int', series: true, doc: 'connections with a packet in the bin' },
  { key: 'payloadC2S', column: 'payload_c2s', c: 'C_PAYLOAD_C2S', type: 'int', doc: 'payload bytes from the client' },
  { key: 'payloadS2C', column: 'payload_s2c', c: 'C_PAYLOAD_S2C', type: 'int', doc: 'payload bytes from the server' },
  { key: 'synAck', column: 'syn_ack', c: 'C_SYN_ACK', type: 'int', timeline: 'vantage', chart: { panel: 'connections', label: 'SYN-ACK', dash: 'dashed' }, spike: { kind: 'connection-spike', minTotal: 8 }, doc: 'SYN-ACKs (answered connection attempts)' },
  { key: 'clientHello', column: 'client_hello', c: 'C_CLIENT_HELLO', type: 'int', timeline: 'service', chart: { panel: 'tls', label: 'ClientHello' }, doc: 'TLS ClientHello records from clients' },
  { key: 'serverHello', column: 'server_hello', c: 'C_SERVER_HELLO', type: 'int', timeline: 'service', chart: { panel: 'tls', label: 'ServerHello', dash: 'dashed' }, doc: 'TLS ServerHello records from servers' },
  { key: 'httpRequests', column: 'http_requests', c: 'C_HTTP_REQUESTS', type: 'int', timeline: 'service', chart: { panel: 'http', label: 'requests' }, doc: 'HTTP request lines' },
  { key: 'httpResponses', column: 'http_responses', c: 'C_HTTP_RESPONSES', type: 'int', timeline: 'service', chart: { panel: 'http', label: 'responses', dash: 'dashed' }, doc: 'HTTP status lines' },
  { key: 'answered', column: 'answered', c: 'C_ANSWERED', type: 'int', timeline: 'service', doc: 'HTTP responses that answered a waiting request (in the response\'s bin)' },
  { key: 'responseTime', column: 'response_time', c: 'C_RESPONSE_TIME', type: 'float', timeline: 'service', chart: { panel: 'answers', label: 'answer time', per: 'answered' }, doc: 'their summed wait, seconds' },
  { key: 'unanswered', column: 'unanswered', c: 'C_UNANSWERED', type: 'int', timeline: 'service', chart: { panel: 'http', label: 'unanswered', dash: 'dotted' }, doc: 'connections that ended with a request unanswered (in the bin they ended)' },
  { key: 'reqAnswered', column: 'req_answered', c: 'C_REQ_ANSWERED', type: 'int', doc: 'answered requests, in the bin they were sent' },
  { key: 'reqWait', column: 'req_wait', c: 'C_REQ_WAIT', type: 'float', doc: 'their summed wait, in the bin they were sent' },
  { key: 'reqUnanswered', column: 'req_unanswered', c: 'C_REQ_UNANSWERED', type: 'int', doc: 'requests never answered, in the bin they were sent' },
  { key: 'zeroWindowsByClient', column: 'zero_windows_by_client', c: 'C_ZERO_WINDOWS_BY_CLIENT', type: 'int', series: true, timeline: 'vantage', chart: { panel: 'zerowindows', label: 'client' }, doc: 'zero windows advertised by the client (it stopped reading)' },
  { key: 'zeroWindowsByServer', column: 'zero_windows_by_server', c: 'C_ZERO_WINDOWS_BY_SERVER', type: 'int', series: true, timeline: 'vantage', chart: { panel: 'zerowindows', label: 'server', dash: 'dashed' }, doc: 'zero windows advertised by the server (it stopped reading)' },
] as const satisfies readonly MetricDef[];

export type MetricKey = (typeof METRICS)[number]['key'];
/** The metrics `alibi series` outputs (SPEC.md's bin fields), in output order. */
export type SeriesMetric = Extract<(typeof METRICS)[number], { series: true }>['key'];

/** Metrics in a bin's row. */
export const NC = METRICS.length;

/** Each metric's place in a bin's row. */
export const COLUMN_OF: Readonly<Record<MetricKey, number>> = Object.freeze(
  Object.fromEntries(METRICS.map((m, i) => [m.key, i])) as Record<MetricKey, number>,
);

/** The metric keys, in row order. */
export const METRIC_KEYS: readonly MetricKey[] = METRICS.map((m) => m.key);

/** `alibi series`'s metrics in output order. */
export const SERIES_METRICS: readonly SeriesMetric[] = METRICS.filter((m) => 'series' in m && m.series).map((m) => m.key as SeriesMetric);

/** The metrics `analyze` puts on its timeline for each vantage's whole traffic, or for each service. */
export function timelineMetrics(scope: MetricScope): MetricKey[] {
  return (METRICS as readonly MetricDef[]).filter((m) => m.timeline === scope).map((m) => m.key as MetricKey);
}

/** The metrics whose spike is a signal, with its kind and least count. */
export function spikeMetrics(): { key: MetricKey; kind: SpikeKind; minTotal: number }[] {
  return (METRICS as readonly MetricDef[]).flatMap((m) => (m.spike ? [{ key: m.key as MetricKey, ...m.spike }] : []));
}

/** A metric by key or by column name; undefined for one that is not in the table. */
export function metricDef(name: string): MetricDef | undefined {
  return (METRICS as readonly MetricDef[]).find((m) => m.key === name || m.column === name);
}

/**
 * The core's header: each metric's place in a bin's row as a C enum, and NC. Written to
 * `lib/flow/wasm/metrics.h` by `npm run build:wasm`; a test checks the committed one is this.
 */
export function cHeader(): string {
  const lines = [
    '/* Generated from lib/metrics/catalog.ts by `npm run build:wasm`. Do not edit: add a metric there. */',
    '#ifndef ALIBI_METRICS_H',
    '#define ALIBI_METRICS_H',
    'enum {',
    ...METRICS.map((m, i) => `  ${m.c} = ${i}, /* ${m.key}: ${m.doc.replace(/\*\//g, '* /')} */`),
    `  NC = ${METRICS.length}`,
    '};',
    '#endif',
    '',
  ];
  return lines.join('\n');
}
