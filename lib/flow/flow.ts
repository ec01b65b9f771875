/**
 * @module flow/flow
 * One TCP connection's live accounting: per-direction counters, Zeek endpoint states and
 * history, Wireshark-style retransmission and zero-window analysis, handshake RTT, and cheap
 * protocol facts (TLS ClientHello/ServerHello, HTTP request/response starts).
 */
import { Endpoint, EndpointState, updateStateMachine } from './state';
import type { TcpSegment } from '../decode/segment';

const FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;
const MAX_HISTORY = 64;
/** Sequence comparisons modulo 2^32 (RFC 1982). */
function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** Per-direction sequence analysis (index 0 = client→server, 1 = server→client). */
class Direction {
  packets = 0;
  bytes = 0;
  payload = 0;
  syn = 0;
  synAck = 0;
  fin = 0;
  rst = 0;
  retrans = 0;
  zeroWin = 0;
  // Wireshark-style next expected sequence number.
  nextSeq = 0;
  nextValid = false;
  lastAdvance = 0;
  lastAck = 0;
  lastAckValid = false;
  lastAckT = 0;
  dupAcks = 0;
  lastWin = -1;
  // Zeek-style history bookkeeping.
  histLastSyn = -1;
  histLastFin = -1;
  histLastRst = -1;
  zeekLastSeq = 0;
  zeekLastValid = false;
  rxmitCount = 0;
  rxmitThreshold = 1;
  zwCount = 0;
  zwThreshold = 1;
  windowScale = -1;
  firstPayloadT = -1;
  lastPayloadT = -1;
  tlsHello = 0;
  http = 0;
}

export class Flow {
  id = 0;
  hash = 0;
  ipVersion = 4;
  c0 = 0; c1 = 0; c2 = 0; c3 = 0; cPort = 0;
  s0 = 0; s1 = 0; s2 = 0; s3 = 0; sPort = 0;
  startSec = 0; startFrac = 0; startRes = 1e6;
  endSec = 0; endFrac = 0; endRes = 1e6;
  startT = 0;
  endT = 0;
  /** Latest packet time (for idle eviction; timestamps can be slightly out of order). */
  lastT = 0;
  readonly c2s = new Direction();
  readonly s2c = new Direction();
  readonly orig: Endpoint = { state: EndpointState.INACTIVE, prev: EndpointState.INACTIVE };
  readonly resp: Endpoint = { state: EndpointState.INACTIVE, prev: EndpointState.INACTIVE };
  history = '';
  histSeen = 0;
  synT = -1;
  synAckT = -1;
  rtt = -1;
  /** FIN seen both ways, or a RST: a new SYN starts a new connection. */
  closed = false;
  /** Bin index of the last packet (series: active flows per bin). */
  lastBin = -0x7fffffff;
  /** LRU list links (oldest activity first). */
  prev: Flow | null = null;
  next: Flow | null = null;
  /** Slot in the flow table. */
  slot = -1;

  /** What the last `update` did, read by the series accumulator in the same pass. */
  lastRetrans = false;
  lastZeroWin = false;

  addHistory(isOrig: boolean, code: string): void {
    if (this.history.length >= MAX_HISTORY) return;
    this.history += isOrig ? code : code.toLowerCase();
  }

  /** Zeek's CheckHistory: records `code` the first time `mask` is seen; true if seen before. */
  private checkHistory(isOrig: boolean, mask: number, code: string): boolean {
    const m = isOrig ? mask : mask << 16;
    if ((this.histSeen & m) === 0) {
      this.histSeen |= m;
      this.addHistory(isOrig, code);
      return false;
    }
    return true;
  }

  /** Applies one segment. `isOrig`: sent by the client. `t`: float seconds. */
  update(seg: TcpSegment, isOrig: boolean, wireLen: number, t: number): void {
    const d = isOrig ? this.c2s : this.s2c;
    const other = isOrig ? this.s2c : this.c2s;
    const ep = isOrig ? this.orig : this.resp;
    const peer = isOrig ? this.resp : this.orig;
    const flags = seg.flags;
    const len = seg.payloadLen;
    const seq = seg.seq;
    d.packets++;
    d.bytes += wireLen;
    d.payload += len;
    if (flags & SYN) {
      if (flags & ACK) d.synAck++;
      else d.syn++;
    }
    if (flags & FIN) d.fin++;
    if (flags & RST) d.rst++;

    // --- Zeek history (update_history) ---
    const bits = (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) + (flags & RST ? 1 : 0);
    if (bits > 1) {
      if (flags & FIN && flags & RST) this.checkHistory(isOrig, 0x40, 'I');
      else this.checkHistory(isOrig, 0x80, 'Q');
    } else if (bits === 1) {
      if (flags & SYN) {
        const code = flags & ACK ? 'H' : 'S';
        if (this.checkHistory(isOrig, 0x1, code) && seq !== d.histLastSyn) this.addHistory(isOrig, code);
        d.histLastSyn = seq;
      }
      if (flags & FIN) {
        const fs = (seq + len) >>> 0;
        if (this.checkHistory(isOrig, 0x2, 'F') && fs !== d.histLastFin) this.addHistory(isOrig, 'F');
        d.histLastFin = fs;
      }
      if (flags & RST) {
        if (this.checkHistory(isOrig, 0x4, 'R') && seq !== d.histLastRst) this.addHistory(isOrig, 'R');
        d.histLastRst = seq;
      }
    } else if (len) {
      this.checkHistory(isOrig, 0x10, 'D');
    } else if (flags & ACK) {
      this.checkHistory(isOrig, 0x20, 'A');
    }

    // --- Zeek zero window (update_window), scaled history 'W' ---
    if (flags & SYN) d.windowScale = seg.windowScale;
    if (seg.window === 0 && !(flags & RST) && peer.state !== EndpointState.CLOSED && ep.state !== EndpointState.RESET) {
      if (++d.zwCount === d.zwThreshold) {
        this.addHistory(isOrig, 'W');
        d.zwThreshold *= 10;
      }
    }

    // --- Zeek retransmission (update_last_seq / DidRxmit), scaled history 'T' ---
    const segLen = len + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) - (flags & RST ? len : 0);
    const lastSeq = (seq + segLen) >>> 0;
    if (!d.zeekLastValid || flags & SYN) {
      d.zeekLastSeq = lastSeq;
      d.zeekLastValid = true;
    } else if (ep.state !== EndpointState.RESET) {
      const delta = (lastSeq - d.zeekLastSeq) | 0;
      if ((flags & (SYN | RST)) && (delta > 1048576 || delta < -1048576)) {
        // Untrusted jump on SYN/RST.
      } else if (delta > 0) d.zeekLastSeq = lastSeq;
      else if (len > 0 && !(flags & RST)) {
        if (++d.rxmitCount === d.rxmitThreshold) {
          this.addHistory(isOrig, 'T');
          d.rxmitThreshold *= 10;
        }
      }
    }

    // --- Wireshark sequence analysis: retransmission and zero window frames ---
    this.lastRetrans = false;
    this.lastZeroWin = false;
    if (!(flags & RST)) {
      const wsLen = len + (flags & (SYN | FIN) ? 1 : 0);
      const keepAlive = len <= 1 && !(flags & (SYN | FIN)) && d.nextValid && seq === ((d.nextSeq - 1) >>> 0);
      let retrans = false;
      if (!keepAlive && wsLen > 0 && d.nextValid && seqLt(seq, d.nextSeq)) {
        if (other.dupAcks >= 2 && other.lastAck === seq && t - other.lastAckT < 0.02) {
          retrans = true; // fast retransmission: answers the peer's duplicate ACKs
        } else {
          // Out of order, not retransmitted: arrives within one RTT (3 ms when unknown) of
          // the segment that advanced the sequence, and does not end where that one ended.
          const ooo = this.rtt >= 0 ? this.rtt : 0.003;
          const outOfOrder = t - d.lastAdvance < ooo && d.nextSeq !== ((seq + wsLen) >>> 0);
          retrans = !outOfOrder;
        }
      }
      // Spurious retransmission: data the peer has already acknowledged.
      if (!retrans && len > 0 && other.lastAckValid && !seqGt((seq + len) >>> 0, other.lastAck)) retrans = true;
      if (retrans) {
        d.retrans++;
        this.lastRetrans = true;
      }
      const end = (seq + wsLen) >>> 0;
      if (!d.nextValid || seqGt(end, d.nextSeq) || flags & SYN) {
        if (!d.nextValid || seqGt(end, d.nextSeq)) d.lastAdvance = t;
        d.nextSeq = end;
        d.nextValid = true;
      }
      if (seg.window === 0 && !(flags & (SYN | FIN))) {
        d.zeroWin++;
        this.lastZeroWin = true;
      }
      if (flags & ACK) {
        const ack = seg.ack;
        if (!d.lastAckValid || seqGt(ack, d.lastAck)) {
          d.lastAck = ack;
          d.lastAckValid = true;
          d.lastAckT = t;
          d.dupAcks = 0;
        } else if (ack === d.lastAck && len === 0 && !(flags & (SYN | FIN)) && seg.window === d.lastWin) {
          d.dupAcks++;
          d.lastAckT = t;
        }
      }
      d.lastWin = seg.window;
    }

    // --- Zeek endpoint state machine ---
    updateStateMachine(ep, peer, isOrig, flags, len, this.orig);

    // --- Handshake RTT: first SYN to the client's first ACK after a SYN-ACK ---
    if (flags & SYN) {
      if (!(flags & ACK) && isOrig && this.synT < 0) this.synT = t;
      else if (flags & ACK && !isOrig && this.synAckT < 0 && this.synT >= 0) this.synAckT = t;
    } else if (isOrig && flags & ACK && this.synAckT >= 0 && this.rtt < 0) {
      this.rtt = t - this.synT;
    }

    // --- Protocol facts from the first payload bytes (TLS hello, HTTP start line) ---
    if (len > 0) {
      if (d.firstPayloadT < 0) d.firstPayloadT = t;
      d.lastPayloadT = t;
      if (seg.payloadCaptured >= 6) {
        const b = seg.bytes;
        const p = seg.payloadOffset;
        // TLS record: handshake (22), version 3.x, handshake type 1 (ClientHello) / 2 (ServerHello).
        if (b[p] === 22 && b[p + 1] === 3 && b[p + 5] === (isOrig ? 1 : 2)) d.tlsHello++;
        else if (isOrig ? isHttpMethod(b, p) : b[p] === 0x48 && b[p + 1] === 0x54 && b[p + 2] === 0x54 && b[p + 3] === 0x50 && b[p + 4] === 0x2f) d.http++;
      }
    }

    if (flags & RST) this.closed = true;
    else if (this.c2s.fin > 0 && this.s2c.fin > 0) this.closed = true;
  }
}

/** GET, POST, HEAD, PUT, DELETE, OPTIONS, PATCH followed by a space. */
function isHttpMethod(b: Uint8Array, p: number): boolean {
  const c = b[p];
  if (c === 0x47) return b[p + 1] === 0x45 && b[p + 2] === 0x54 && b[p + 3] === 0x20;
  if (c === 0x50) return (b[p + 1] === 0x4f && b[p + 2] === 0x53 && b[p + 3] === 0x54) || (b[p + 1] === 0x55 && b[p + 2] === 0x54 && b[p + 3] === 0x20) || (b[p + 1] === 0x41 && b[p + 2] === 0x54);
  if (c === 0x48) return b[p + 1] === 0x45 && b[p + 2] === 0x41 && b[p + 3] === 0x44;
  if (c === 0x44) return b[p + 1] === 0x45 && b[p + 2] === 0x4c;
  if (c === 0x4f) return b[p + 1] === 0x50 && b[p + 2] === 0x54;
  return false;
}

export type { Direction };
