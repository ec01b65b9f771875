/**
 * @module correlate/views
 * What the verdict reads: each capture, log and service as columns on the shared timeline. Built
 * by analyze and watch; read by the chain facts (correlate/chain) and the verdict rules.
 */
import type { VantageComparison } from './ledger';
import type { Timeline } from './timeline';

/** A capture as the verdict sees it: columns on the timeline. */
export interface CaptureView {
  vantage: string;
  cover: [number, number];
  all: Record<string, Float64Array>;
  services: Record<string, Record<string, Float64Array>>;
  /** Connections seen per service (0 = this vantage does not see that service). */
  serviceConnections: Record<string, number>;
  /** Bins [from, to) no file of the capture covers (between rotated files): no data, not silence. */
  gaps?: [number, number][];
}

export interface LogView {
  component: string;
  /** The log's file (a component may have several logs). */
  file?: string;
  cover: [number, number];
  lines: Float64Array;
  /**
   * A steady log follows the traffic (access logs, a proxy's per-connection lines): its silence
   * means something. A sparse one (error logs, notices) is silent most of the time: its lines are
   * events. Absent = steady.
   */
  steady?: boolean;
  /** Error/event lines per bin (errors, 5xx statuses, "connect() failed", …). */
  errors?: Float64Array;
  /** Startup banners per bin (the process was (re)started). */
  restarts?: Float64Array;
  /** Silences on the timeline (bins) with exact float times. */
  silences: { from: number; to: number; start: number; end: number; kind: string }[];
}

export interface ServiceView {
  component: string;
  host: string;
  port: number;
}

export interface VerdictInput {
  timeline: Timeline;
  captures: CaptureView[];
  logs: LogView[];
  services: ServiceView[];
  path: string[];
  comparisons: VantageComparison[];
  /** A live window (watch): its end is now, so a drop that reaches it is no capture edge. */
  live?: boolean;
}
