/**
 * @module flow/record
 * FlowRecord: the plain, immutable record of one TCP connection (SPEC.md `alibi flows`).
 */
import { isoOfParts } from '../time';
import { addressToString } from './address';
import { connState, ConnState } from './state';
import type { Flow } from './flow';

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}
export interface Pair {
  readonly c2s: number;
  readonly s2c: number;
}

export interface FlowRecord {
  /** Sequence number of the connection in the capture (order of first packet). */
  readonly id: number;
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** First and last packet, ISO-8601 UTC with the capture's precision. */
  readonly start: string;
  readonly end: string;
  /** Seconds. */
  readonly duration: number;
  /** Float epoch seconds of start and end (µs-exact), for computation. */
  readonly startTime: number;
  readonly endTime: number;
  /** Frames. */
  readonly packets: Pair;
  /** Bytes on the wire (frame original length: what Wireshark's conversation table counts). */
  readonly bytes: Pair;
  /** TCP payload bytes (from IP lengths; retransmitted bytes count again). */
  readonly payload: Pair;
  readonly syn: Pair;
  readonly synAck: Pair;
  readonly fin: Pair;
  readonly rst: Pair;
  readonly state: ConnState;
  readonly history: string;
  /** SYN to the client's ACK of the SYN-ACK, seconds, or null. */
  readonly handshakeRtt: number | null;
  readonly retransmissions: Pair;
  readonly zeroWindows: Pair;
  /** TLS ClientHello (c2s) / ServerHello (s2c) records and HTTP request (c2s) / response (s2c) starts seen. */
  readonly tlsHellos: Pair;
  readonly httpStarts: Pair;
  readonly ipVersion: 4 | 6;
  readonly vantage?: string;
}

/**
 * Pairs of small counts (SYN, FIN, RST, retransmissions… are mostly 0-3) are shared: frozen, so
 * sharing cannot be seen except by identity, and 400 k kept records hold a third fewer objects.
 */
const SMALL_PAIRS: readonly Pair[] = Array.from({ length: 16 }, (_, i) => Object.freeze({ c2s: i >> 2, s2c: i & 3 }));

function pair(c2s: number, s2c: number): Pair {
  if (c2s < 4 && s2c < 4 && c2s >= 0 && s2c >= 0 && (c2s | 0) === c2s && (s2c | 0) === s2c) return SMALL_PAIRS[(c2s << 2) | s2c];
  return Object.freeze({ c2s, s2c });
}

/** Snapshot of a live flow as an immutable record. */
export function toRecord(f: Flow, vantage?: string): FlowRecord {
  const a = f.c2s;
  const b = f.s2c;
  const history = f.history;
  const rec: FlowRecord = {
    id: f.id,
    client: Object.freeze({ ip: addressToString(f.ipVersion, f.c0, f.c1, f.c2, f.c3), port: f.cPort }),
    server: Object.freeze({ ip: addressToString(f.ipVersion, f.s0, f.s1, f.s2, f.s3), port: f.sPort }),
    start: isoOfParts(f.startSec, f.startFrac, f.startRes),
    end: isoOfParts(f.endSec, f.endFrac, f.endRes),
    duration: exactDuration(f),
    startTime: f.startT,
    endTime: f.endT,
    packets: pair(a.packets, b.packets),
    bytes: pair(a.bytes, b.bytes),
    payload: pair(a.payload, b.payload),
    syn: pair(a.syn, b.syn),
    synAck: pair(a.synAck, b.synAck),
    fin: pair(a.fin, b.fin),
    rst: pair(a.rst, b.rst),
    state: flowState(f, history),
    history,
    handshakeRtt: handshakeRtt(f),
    retransmissions: pair(a.retrans, b.retrans),
    zeroWindows: pair(a.zeroWin, b.zeroWin),
    tlsHellos: pair(a.tlsHello, b.tlsHello),
    httpStarts: pair(a.http, b.http),
    ipVersion: f.ipVersion === 6 ? 6 : 4,
  };
  if (vantage !== undefined) (rec as { vantage?: string }).vantage = vantage;
  return Object.freeze(rec);
}

/** A flow's Zeek conn_state; `history` is `f.history`, read once by the caller. */
export function flowState(f: Flow, history: string): ConnState {
  return connState(f.orig.state, f.resp.state, f.c2s.payload, f.s2c.payload, history);
}

/** SYN to the client's ACK of the SYN-ACK, seconds to the nanosecond, or null without a handshake. */
export function handshakeRtt(f: Flow): number | null {
  return f.rtt >= 0 ? round9(f.rtt) : null;
}

/** Seconds rounded to the nanosecond (as records print them). */
export function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** end − start computed on the exact parts (no float drift on long captures). */
export function exactDuration(f: Flow): number {
  const fs = f.startFrac / f.startRes;
  const fe = f.endFrac / f.endRes;
  return round9(f.endSec - f.startSec + (fe - fs));
}
