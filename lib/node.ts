/**
 * @module node
 * `pcap-alibi/node`, the Node edge: what needs `fs`, streams, worker threads or libpcap. The core
 * (`pcap-alibi`) runs on any Uint8Array; this entry adds captures and logs by path, the
 * two-thread pass, the analysis of a config's files (also `pcap-alibi/analysis`), the HTML report
 * and live watch. The types each function here takes and returns are exported beside it.
 */

/** Captures by path and from Node streams (gzip inflated as read). */
export { fileSource, openCapture, openCaptureStream } from './capture/file';
export type { CaptureReader, AsyncCaptureReader, ReaderOptions, WindowOptions, SyncByteSource } from './capture/reader';

/**
 * One pass over a file on two threads: reading and decoding in a worker, the flow table here.
 * @example
 * const pass = new CapturePass({ observer: new SeriesAccumulator({ interval: 1 }) });
 * (await passFile('captures/stunnel-freeze/server.pcap', pass)).flows.length //=> 714
 */
export { passFile } from './pipeline/passfile';
export type { PassFileOptions, PassFileResult } from './pipeline/passfile';
export type { CoverageGap } from './capture/set';
export type { CapturePass } from './pipeline/pass';

/** Logs by path, `-` (stdin) or stream, and rotated sets of files as one log. */
export { readLog, readLogSet, rotationOrder } from './logs';
export type { ReadLogOptions, LogScanResult } from './logs';

/** The analysis of a config's files, and its HTML report (the same functions as `pcap-alibi/analysis`). */
export { analyze, loadConfig, ConfigError, htmlReport } from './analysis';
export type { AnalyzeConfig, AnalyzeInput, AnalyzeOptions, AnalyzeDocument, ConfigIssue, ConfigIssueCode, ConfigOrigin } from './analysis';

/** Live watch (`alibi watch`): libpcap through the optional `cap` package, incidents as events, a flight recorder. */
export { watch, Watcher, LiveSource, LiveCaptureError, liveCaptureAvailable, LogFollower, FlightRecorder, PcapWriter } from './watch';
export type { WatchOptions, WatchIncident, WatchStats, PacketSource, LiveCaptureReason, LiveSourceOptions } from './watch';
export type { WatchService } from './watch/series';
export type { LiveLogSpec } from './watch/livelog';
export type { PacketHandler } from './watch/live';
export type { FollowOptions, FollowEvent } from './watch/follow';
export type { RecorderOptions } from './watch/recorder';
// Scan here, analyze there (#20): partials as Parquet, scans on many machines, SQL over them.
export { scanToPartial, partsOf, readPartialScans, partName, PARTIAL_VERSION } from './partial/partial';
export type { ScanJob, ScanJobResult, PartFacts, PartialExpectation } from './partial/partial';
export type { ServiceSpec, CaptureScan, FlowSummary } from './pipeline/scan';
export type { LedgerColumns } from './metrics/ledger';
export { scanJobs, scanJobId } from './distribute/jobs';
export type { ScanJobsOptions } from './distribute/jobs';
export { distributeScan, JOB_OPTIONS } from './distribute/queue';
export type { DistributeOptions } from './distribute/queue';
export { startScanWorker } from './distribute/worker';
export type { ScanWorkerOptions, ScanWorker, ScanWorkerEvent } from './distribute/worker';
export { QueueError, parseQueueUrl, DEFAULT_QUEUE } from './distribute/bull';
export type { QueueErrorReason, QueueTarget } from './distribute/bull';
export { openPartials, partialsViews, SqlError } from './distribute/sql';
export type { PartialsView, SqlErrorReason } from './distribute/sql';
