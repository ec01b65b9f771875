/**
 * @module pcap-alibi
 * The core: captures, packets, flows, series, logs and the verdict over bytes and values already
 * in memory. No module it loads imports a Node built-in (`test/api-tiers.test.ts` walks the import
 * graph and loads it with every built-in refused), so it runs on any `Uint8Array`. The two other
 * tiers: `pcap-alibi/analysis` (a config's files analysed, and the reports) and `pcap-alibi/node`
 * (files and streams by path, worker threads, logs by path, live watch).
 */

/** Errors: every error is an AlibiError that says where (file, offset or line, packet). */
export {
  AlibiError, ArgumentError, UnknownFormatError, UnsupportedVersionError, TruncatedCaptureError,
  BadLengthError, MalformedRecordError, CompressedDataError, LogFormatError, InputError, MemoryLimitError,
} from './errors';
export type { Where, Warning, CaptureError } from './errors';

/** Time and the shared interval grid. */
export { parseDuration, isoExact, isoSeconds, toSeconds } from './time';
export type { ExactTime, Window } from './time';
export { IntervalGrid } from './grid';
export type { Align } from './grid';

/** Capture readers over bytes: pcap (µs, ns, modified, both byte orders), pcapng, gzip. */
export { CaptureReader, AsyncCaptureReader, readCapture } from './capture/reader';
export type { ReaderOptions, ReaderState, SyncByteSource, WindowOptions } from './capture/reader';
export { PacketRecord } from './capture/record';
export type { PacketSnapshot } from './capture/record';
export type { InterfaceInfo } from './capture/format';
export { resolutionName } from './capture/format';
export { InfoCollector } from './capture/info';
export type { CaptureInfo, InterfaceSummary } from './capture/info';
export { LinkType, linkTypeName } from './capture/linktypes';

/**
 * Flows and interval series in one pass over a capture: feed packets to a `CapturePass` (with a
 * `SeriesAccumulator` as its observer for per-interval columns), then `finish()`.
 * @example
 * const reader = readCapture(bytes);                   // or openCapture(path) from 'pcap-alibi/node'
 * const series = new SeriesAccumulator({ interval: 1 });
 * const pass = new CapturePass({ observer: series });
 * for (const p of reader) pass.packet(p);
 * pass.finish(reader, 'server.pcap').flows[0].state  //=> 'SF'
 */
export { CapturePass } from './pipeline/pass';
export type { PassOptions, PassResult, PacketObserver, PacketEvent } from './pipeline/pass';
// What a PacketEvent carries: the decode status, the connection (a Flow view), its segment; attach() is offered the flow table.
export type { DecodeStatus, TcpSegment } from './decode/segment';
export type { FlowTable, FlowTableOptions } from './flow/table';
// The reused view of a live flow (series filters, observers); a FlowRecord is its copy.
export type { Flow, Direction as FlowDirection, EndpointView } from './flow/flow';
export type { FlowRecord, Endpoint, Pair } from './flow/record';
export type { ConnState, EndpointState } from './flow/state';
export { SeriesAccumulator, seriesBins, SERIES_METRICS } from './metrics/series';
export type { SeriesBin, SeriesColumns, SeriesMetric, SeriesOptions } from './metrics/series';
export { flowFilter, recordFilter } from './flow/filter';
export type { FlowFilter } from './flow/filter';
export { compileFilter, parseFilter, FilterSyntaxError } from './decode/bpf';
// parseFilter's syntax tree.
export type { PacketFilter, FilterNode, ArithNode, ArithOp, FieldLayer, ProtocolName, Direction, CompareOp } from './decode/bpf';
export { EndpointTable } from './flow/endpoints';
export type { EndpointRow } from './flow/endpoints';

/**
 * Logs held in memory (a string or bytes, gzip too): any format and time zone onto the UTC
 * timeline, lines per interval, silences. Files, stdin and rotated sets by path: `readLog`,
 * `readLogSet` in `pcap-alibi/node`.
 */
export { parseLogText, logsDocument, machineZone } from './logs/text';
export type { ReadLogOptions, LogsDocument, LogBin, SilenceDoc } from './logs/text';
export type { LogScanResult, LogEvents } from './logs/ingest';
export { builtinFormats } from './logs/formats';
export type { LogFormat } from './logs/formats';
export type { LineReader, Stamp } from './logs/parse';
export type { Silence, SilenceReport } from './silence/detect';
export { classifyLog } from './logs/classify';
export type { LogClass } from './logs/classify';

/**
 * The verdict from views: the shared timeline, the views the verdict reads and the reasoning
 * (`findIncidents`, which `analyze` and `watch` run), for a script that builds its own views; and
 * the analysis document's types (what `analyze` returns and `alibi analyze --json` prints).
 */
export { findIncidents, type IncidentSearch } from './correlate/incidents';
export { Timeline } from './correlate/timeline';
export type { CaptureView, LogView, ServiceView, VerdictInput } from './correlate/views';
export type { VantageComparison } from './correlate/ledger';
export type { Signal, SignalKind } from './correlate/signals';
export type { Culprit, CulpritKind } from './correlate/verdict';
export type { EvidenceItem, FactValue } from './correlate/evidence';
export type { AnalyzeDocument, IncidentDoc, SignalDoc, SourceDoc, ClockEstimate, TimelineData, IncidentConnections } from './correlate/model';

/** Reports over values: the text `alibi analyze` prints, and the row schema of the CSV/Arrow outputs. */
export { textReport } from './report/text';
export { FLOW_COLUMNS, SERIES_COLUMNS, LOG_BIN_COLUMNS, ENDPOINT_COLUMNS, timelineRows, csvHeader, csvRow } from './report/schema';
export type { Column } from './report/schema';
