/**
 * @module pcap-alibi
 * The public API. Node-only helpers (open files and streams by path) are in `pcap-alibi/node`.
 */

/** Errors: every error is an AlibiError that says where (file, offset or line, packet). */
export {
  AlibiError, ArgumentError, UnknownFormatError, UnsupportedVersionError, TruncatedCaptureError,
  BadLengthError, MalformedRecordError, LogFormatError, InputError,
} from './errors';
export type { Where, Warning, CaptureError } from './errors';

/** Time and the shared interval grid. */
export { parseDuration, isoExact, isoSeconds, toSeconds } from './time';
export type { ExactTime, Window } from './time';
export { IntervalGrid } from './metrics/grid';
export type { Align } from './metrics/grid';

/** Capture readers: pcap (µs, ns, modified, both byte orders) and pcapng. */
export { CaptureReader, AsyncCaptureReader, readCapture } from './capture/reader';
export type { ReaderOptions, ReaderState, SyncByteSource } from './capture/reader';
export { PacketRecord } from './capture/record';
export type { PacketSnapshot } from './capture/record';
export type { InterfaceInfo } from './capture/format';
export { resolutionName } from './capture/format';
export { InfoCollector } from './capture/info';
export type { CaptureInfo, InterfaceSummary } from './capture/info';
export { LinkType, linkTypeName } from './capture/linktypes';

/** Live watch (`alibi watch`): libpcap through the optional `cap` package, incidents as events, a flight recorder. */
export { watch, Watcher, LiveSource, LiveCaptureError, liveCaptureAvailable, LogFollower, FlightRecorder, PcapWriter } from './watch'; export type { WatchOptions, WatchIncident, WatchStats, PacketSource } from './watch';
