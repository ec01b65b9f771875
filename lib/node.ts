/**
 * @module node
 * Node-only edge: files and streams by path. The core (`pcap-alibi`) runs on any Uint8Array;
 * this entry adds `fs`.
 */

export { fileSource, openCapture, openCaptureStream } from './capture/file';

export { passFile } from './passfile';
export type { PassFileOptions, PassFileResult } from './passfile';
