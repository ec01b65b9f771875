/**
 * @module correlate/model
 * The analysis document (`alibi analyze --json`, SPEC.md) as types: sources, incidents with
 * their culprit and evidence, clock estimates, edges, and the timeline columns the HTML report
 * charts. Made by analyze, read by the reports and watch.
 */
import type { Warning } from '../errors';
import type { Culprit } from './verdict';
import type { EvidenceItem } from './evidence';

export interface SignalDoc {
  source: string;
  kind: string;
  start: string;
  end: string;
  baseline: number;
  observed: number;
  detail?: string;
}

export interface IncidentDoc {
  start: string;
  end: string;
  duration: number;
  culprit: Culprit;
  /** One sentence: who failed and why we think so. */
  summary: string;
  /** Each line `{text, facts}`: the sentence, and the values it states by name (SPEC's extension). */
  evidence: EvidenceItem[];
  signals: SignalDoc[];
}

export interface ClockEstimate {
  between: [string, string];
  /** Seconds to add to the second source's times to put them on the first's clock. */
  offset: number | null;
  confidence: number;
  method: string;
  applied: boolean;
}

export interface SourceDoc {
  type: 'capture' | 'log';
  name: string;
  file: string;
  first: string | null;
  last: string | null;
  [k: string]: unknown;
}

export interface AnalyzeDocument {
  window: { start: string | null; end: string | null };
  interval: number;
  sources: SourceDoc[];
  incidents: IncidentDoc[];
  clocks: ClockEstimate[];
  inferred: string[];
  missing: string[];
  /**
   * Traffic that stops with the end of a capture or starts with its beginning (or meets a gap
   * between rotated files): stated, and not an incident unless other signals say something broke.
   */
  edges: { source: string; start: string; end: string; note: string }[];
  warnings: Warning[];
  /** Per-bin columns for charts (bin starts + one array per source metric). Not printed by --json. */
  timeline?: TimelineData;
  /**
   * Each incident's connections per vantage, when asked for (`analyze(cfg, {connections: true})`,
   * and `--html`). Not printed by --json.
   */
  connections?: IncidentConnections[];
}

/**
 * One incident's connections at one vantage, as columns (one entry per connection). Times are on
 * the report's timeline (the capture's own clock plus the offsets that were applied to it).
 */
export interface IncidentConnections {
  /** Index into the document's `incidents`. */
  incident: number;
  vantage: string;
  /** Connections of the services that overlap the incident at this vantage. */
  total: number;
  /** `total` by Zeek connection state. */
  byState: Record<string, number>;
  /** Rows listed (the first ones to end, up to a cap: correlate/connections); `total - rows` were left out. */
  rows: number;
  start: number[];
  duration: number[];
  client: string[];
  server: string[];
  state: string[];
  history: string[];
  /** Frames and TCP payload bytes, client → server (orig) and back (resp), and resets each side sent. */
  packetsOrig: number[];
  packetsResp: number[];
  bytesOrig: number[];
  bytesResp: number[];
  rstOrig: number[];
  rstResp: number[];
}

export interface TimelineData {
  interval: number;
  start: number[];
  /**
   * One column per source and metric; `service` for a service's own traffic (TLS, HTTP, answer
   * times); source `up->down` with metric `missing` for packets missing between two vantages.
   */
  series: { source: string; metric: string; service?: string; values: number[] }[];
  silences: { source: string; start: number; end: number }[];
  incidents: { start: number; end: number; culprit: string }[];
}

export { nameTable } from '../names';
