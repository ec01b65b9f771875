/**
 * @module pcap-alibi
 * The public API. Node-only helpers (open files and streams by path) are in `pcap-alibi/node`.
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

/** Capture readers: pcap (µs, ns, modified, both byte orders) and pcapng. */
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
 * const reader = openCapture('server.pcap');          // from 'pcap-alibi/node'
 * const series = new SeriesAccumulator({ interval: 1 });
 * const pass = new CapturePass({ observer: series });
 * for (const p of reader) pass.packet(p);
 * pass.finish(reader, 'server.pcap').flows[0].state  //=> 'SF'
 */
export { CapturePass } from './pass';
export type { PassOptions, PassResult, PacketObserver } from './pass';
// What a PacketObserver is handed: the decode status, the flow table, its segment.
export type { DecodeStatus, TcpSegment } from './decode/segment';
export type { FlowTable } from './flow/table';
export type { FlowRecord, Endpoint, Pair } from './flow/record';
export type { ConnState } from './flow/state';
export { SeriesAccumulator, seriesBins, SERIES_METRICS } from './metrics/series';
export { flowFilter, recordFilter } from './flow/filter';
export { compileFilter, parseFilter, FilterSyntaxError } from './decode/bpf';
export type { PacketFilter } from './decode/bpf';
export { EndpointTable } from './flow/endpoints';
export type { EndpointRow } from './flow/endpoints';
export type { SeriesBin, SeriesColumns, SeriesMetric, SeriesOptions } from './metrics/series';

/** Logs: any format and time zone onto the UTC timeline, lines per interval, silences. */
export { readLog, parseLogText, logsDocument, builtinFormats, machineZone } from './logs';
export type { ReadLogOptions, LogScanResult, LogsDocument, LogBin, SilenceDoc, Silence, SilenceReport, LogFormat } from './logs';
export { readLogSet, classifyLog, rotationOrder } from './logs';
export type { LogClass } from './logs';

/**
 * The analysis (`alibi analyze`): captures and logs on one timeline, incidents with a culprit
 * and the evidence. Reads files, so Node only.
 */
export { analyze, loadConfig } from './analyze';
export type { AnalyzeOptions } from './analyze';
export type { IncidentConnections } from './correlate/model';
export type { AnalyzeConfig, AnalyzeDocument, IncidentDoc, SignalDoc, SourceDoc, ClockEstimate, TimelineData } from './analyze';
export type { Culprit, CulpritKind } from './correlate/verdict';
// The stages under it, for a script that builds its own views (watch re-runs findIncidents on a
// rolling window): the shared timeline, the views the verdict reads, the reasoning itself.
export { findIncidents, type IncidentSearch } from './correlate/incidents';
export { Timeline } from './correlate/timeline';
export type { CaptureView, LogView, ServiceView, VerdictInput } from './correlate/views';

/** Reports of an analysis: the text `alibi analyze` prints and the `--html` page. */
export { textReport } from './report/text';
export { FLOW_COLUMNS, SERIES_COLUMNS, LOG_BIN_COLUMNS, ENDPOINT_COLUMNS, timelineRows, csvHeader, csvRow } from './report/schema';
export type { Column } from './report/schema';
export { htmlReport } from './report/html';

/** Live watch (`alibi watch`): libpcap through the optional `cap` package, incidents as events, a flight recorder. */
export { watch, Watcher, LiveSource, LiveCaptureError, liveCaptureAvailable, LogFollower, FlightRecorder, PcapWriter } from './watch'; export type { WatchOptions, WatchIncident, WatchStats, PacketSource } from './watch';
