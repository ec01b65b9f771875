/**
 * @module watch
 * Live watching: the public surface of `alibi watch` as a library.
 */
export { watch, Watcher } from './watcher';
export type { WatchOptions, WatchIncident, WatchStats, PacketSource } from './watcher';
export { LiveSource, LiveCaptureError, liveCaptureAvailable } from './live';
export type { LiveCaptureReason, LiveSourceOptions } from './live';
export { LogFollower } from './follow';
export { FlightRecorder } from './recorder';
export { PcapWriter } from './pcapwriter';
