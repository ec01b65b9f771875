/**
 * @module correlate/connections
 * The connections an incident touched, per vantage: who was affected and how each connection
 * ended (Zeek state and history, bytes and resets by side) — what the network team asks for
 * first. Read in a second pass over a capture once the incidents are known, so the first pass
 * holds no flow record; the rows kept are capped, the counts by state are over all of them.
 */
import { endpoint } from '../flow/address';
import type { FlowRecord } from '../flow/record';
import { ServiceMatcher } from '../flow/service';
import { CapturePass } from '../pipeline/pass';
import { compileFilter } from '../decode/bpf';
import { passFile } from '../pipeline/passfile';
import type { Warning } from '../errors';
import { nameTable, type IncidentConnections } from './model';

export type { IncidentConnections };

/** Rows kept per incident and vantage; past it, only the counts grow. */
export const CONNECTION_ROWS_CAP = 50_000;

export interface ConnectionScanRequest {
  files: string[];
  vantage: string;
  /** Services whose connections count; none = every connection. */
  services: { host: string; port: number }[];
  /** The incidents' time ranges on the timeline, [start, end) in epoch seconds. */
  windows: [number, number][];
  /** Seconds added to packet times by the pass (a configured clock correction). */
  clockOffset?: number;
  /** Seconds the capture's series were moved by to reach the timeline's clock. */
  shift: number;
  idleTimeout?: number;
  maxFlows?: number;
  cap?: number;
  /** The packet filter the first pass read with (`analyze --filter`). */
  filter?: string;
}

/** An empty set of columns for one incident at one vantage. */
export function emptyConnections(incident: number, vantage: string): IncidentConnections {
  return {
    incident, vantage, total: 0, byState: nameTable(), rows: 0,
    start: [], duration: [], client: [], server: [], state: [], history: [],
    packetsOrig: [], packetsResp: [], bytesOrig: [], bytesResp: [], rstOrig: [], rstResp: [],
  };
}

/** Adds one flow record to the columns (times moved onto the timeline by `shift`). */
export function addConnection(out: IncidentConnections, r: FlowRecord, shift: number, cap: number): void {
  out.total++;
  out.byState[r.state] = (out.byState[r.state] ?? 0) + 1;
  if (out.rows >= cap) return;
  out.rows++;
  out.start.push(Math.round((r.startTime + shift) * 1e6) / 1e6);
  out.duration.push(r.duration);
  out.client.push(endpoint(r.client.ip, r.client.port));
  out.server.push(endpoint(r.server.ip, r.server.port));
  out.state.push(r.state);
  out.history.push(r.history);
  out.packetsOrig.push(r.packets.c2s);
  out.packetsResp.push(r.packets.s2c);
  out.bytesOrig.push(r.payload.c2s);
  out.bytesResp.push(r.payload.s2c);
  out.rstOrig.push(r.rst.c2s);
  out.rstResp.push(r.rst.s2c);
}

/**
 * Reads one capture (or rotated set) again and lists, per incident window, the connections of
 * the services that overlap it (first packet before the window's end, last after its start).
 */
export async function scanIncidentConnections(req: ConnectionScanRequest): Promise<{ connections: IncidentConnections[]; warnings: Warning[] }> {
  const cap = req.cap ?? CONNECTION_ROWS_CAP;
  const matchers = req.services.map((s) => new ServiceMatcher(s));
  const out = req.windows.map((_, i) => emptyConnections(i, req.vantage));
  const pass = new CapturePass({
    keepFlows: false,
    vantage: req.vantage,
    packetFilter: req.filter ? compileFilter(req.filter) : undefined,
    idleTimeout: req.idleTimeout,
    maxFlows: req.maxFlows,
    onFlow: (r) => {
      if (matchers.length > 0 && !matchers.some((m) => m.endpoint(r.server.ip, r.server.port))) return;
      const a = r.startTime + req.shift, b = r.endTime + req.shift;
      for (let i = 0; i < req.windows.length; i++) {
        const [from, to] = req.windows[i];
        if (a < to && b >= from) addConnection(out[i], r, req.shift, cap);
      }
    },
  });
  const res = await passFile(req.files[0], pass, { files: req.files, clockOffset: req.clockOffset, gapThreshold: Infinity });
  return { connections: out.filter((c) => c.total > 0), warnings: res.warnings };
}

