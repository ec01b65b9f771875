/**
 * @module flow/flow
 * One TCP connection's live accounting: per-direction counters, Zeek endpoint states and
 * history, Wireshark-style retransmission and zero-window analysis, handshake RTT, and cheap
 * protocol facts (TLS ClientHello/ServerHello, HTTP request/response starts).
 *
 * Storage: every live flow is one fixed-size record inside chunked ArrayBuffers (`FlowStore`),
 * read through a Float64Array and an Int32Array view of the same bytes. Why not one JS object
 * per flow: a Flow object with two Direction and two Endpoint objects, double fields boxed as
 * heap numbers and a history string cost ~1.2 KB and 5+ heap objects per connection (500 MB
 * and long GC pauses for 407 k connections), and each packet chased pointers into five places.
 * A record is 352 bytes, a packet touches a few adjacent cache lines, and the GC sees a few
 * large buffers instead of millions of objects. Chunks (4096 flows) grow with the number of
 * concurrent flows, never by copying; freed records are reused.
 *
 * `Flow` is a reusable *view* (flyweight) onto one record, for observers and `toRecord`.
 */
import { isHttpRequestStart, isHttpResponseStart, tlsHandshakeType } from '../decode/appstart';
import type { TcpSegment } from '../decode/segment';
import { EndpointState, ORIG_SHIFT, prevStateAt, RESP_SHIFT, stateAt, stepStates } from './state';

const FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;

/** What a segment's payload starts with, as the last update saw it (`FlowStore.lastApp`). */
export const enum AppStart { NONE = 0, CLIENT_HELLO = 1, SERVER_HELLO = 2, HTTP_REQUEST = 3, HTTP_RESPONSE = 4 }
const MAX_HISTORY = 64;
/** History characters kept inside the record; longer histories (rare) spill into a Map. */
const HIST_INLINE = 16;

/** Sequence comparisons modulo 2^32 (RFC 1982). */
function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}
/** Zeek scales 'T' and 'W' history marks: recorded at counts 1, 10, 100, … */
function isPow10(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

export const CHUNK_SHIFT = 12;
/** Flows per storage chunk: 4096 × 352 B ≈ 1.4 MB, small enough that growth is gradual. */
export const CHUNK = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK - 1;

/** Float64 fields of a record (index from the record's f64 base). */
const enum F {
  START_SEC = 0,
  START_FRAC = 1,
  START_T = 2,
  END_SEC = 3,
  END_FRAC = 4,
  /** Latest packet time (float s): the end time and the idle clock. */
  END_T = 5,
  SYN_T = 6,
  RTT = 7,
  LAST_BIN = 8,
  /** Per-direction blocks (client→server, server→client), DF_* inside. */
  C2S = 9,
  S2C = 13,
  /** Time of the oldest HTTP request still waiting for its response (-1: none), for observers. */
  WAITING = 17,
  COUNT = 18,
}
/** Float64 fields of one direction. */
const enum DF { BYTES = 0, PAYLOAD = 1, LAST_ADVANCE = 2, LAST_ACK_T = 3 }

/** Int32 fields of a record (index from the record's i32 base). */
const enum I {
  ID = 0,
  HASH = 1,
  /** FB_* bits. */
  BITS = 2,
  /** Both endpoints' Zeek states (state.ts PackedStates). */
  STATES = 3,
  HIST_SEEN = 4,
  /** Client port in the low 16 bits, server port in the high 16. */
  PORTS = 5,
  /** Address word 0 of client and server (the whole IPv4 address; IPv6's other words live in `v6`). */
  C0 = 6,
  S0 = 7,
  /** Codes of the start and end timestamp resolutions (FlowStore.resValues), 16 bits each. */
  RES = 8,
  HIST_LEN = 9,
  /** HIST_INLINE history bytes. */
  HIST = 10,
  C2S = 14,
  S2C = 33,
  COUNT = 52,
}
/** Int32 fields of one direction. */
const enum DI {
  PACKETS = 0, SYN = 1, SYN_ACK = 2, FIN = 3, RST = 4, RETRANS = 5, ZERO_WIN = 6,
  NEXT_SEQ = 7, LAST_ACK = 8,
  /** DB_* validity bits, and the duplicate-ACK count (saturating at 255) in bits 8-15. */
  BITS = 9,
  LAST_WIN = 10,
  H_SYN = 11, H_FIN = 12, H_RST = 13,
  ZEEK_LAST_SEQ = 14,
  RXMIT = 15, ZW = 16,
  TLS = 17, HTTP = 18,
}
const enum FB { V6 = 1, CLOSED = 2, SYNACK_SEEN = 4 }
const enum DB { NEXT_VALID = 1, ACK_VALID = 2, ZEEK_VALID = 4, H_SYN_VALID = 8, H_FIN_VALID = 16, H_RST_VALID = 32 }

const STRIDE_F64 = F.COUNT + I.COUNT / 2; // 44 doubles = 352 bytes
const STRIDE_I32 = STRIDE_F64 * 2;
const I32_AT = F.COUNT * 2;
const RECORD_BYTES = STRIDE_F64 * 8;
const V6_WORDS = 6;

/**
 * The records of all live flows, addressed by a small integer index. Indexes are reused after
 * `release`: an index names a flow only while it is live.
 */
export class FlowStore {
  /** Per chunk: the same bytes as doubles, as 32-bit ints and as bytes. */
  private f64: Float64Array[] = [];
  private i32: Int32Array[] = [];
  private u8: Uint8Array[] = [];
  /** Per chunk, allocated on its first IPv6 flow: address words 1-3 of client and server. */
  private v6: (Int32Array | null)[] = [];
  private next = 0;
  private free: number[] = [];
  /** Histories longer than HIST_INLINE: the characters beyond it. */
  private histMore = new Map<number, string>();
  /** Timestamp resolutions seen (usually one or two), indexed by the codes in I.RES. */
  private resValues: number[] = [];
  private lastRes = NaN;
  private lastResCode = 0;
  /**
   * Time of the segment being applied (float s, in [0]), set by the table before `update`. A
   * double passed to a call V8 does not inline, or stored in an object field, may be boxed (a
   * heap allocation per packet); a Float64Array slot never is.
   */
  readonly now = new Float64Array(1);
  /** What the last `update` did, read by the series accumulator in the same pass. */
  lastRetrans = false;
  lastZeroWin = false;
  /** The protocol fact the last update's payload started with (AppStart), 0 for none. */
  lastApp = 0;

  /** Bytes held by records (for memory reports). */
  get bytes(): number {
    return this.f64.length * CHUNK * RECORD_BYTES;
  }

  /** A zeroed record for a new flow. */
  alloc(): number {
    let idx: number;
    let reused = false;
    if (this.free.length > 0) {
      idx = this.free.pop()!;
      reused = true;
    } else {
      idx = this.next++;
      if ((idx >>> CHUNK_SHIFT) >= this.f64.length) {
        const buf = new ArrayBuffer(CHUNK * RECORD_BYTES);
        this.f64.push(new Float64Array(buf));
        this.i32.push(new Int32Array(buf));
        this.u8.push(new Uint8Array(buf));
        this.v6.push(null);
      }
    }
    const c = idx >>> CHUNK_SHIFT;
    const fb = (idx & CHUNK_MASK) * STRIDE_F64;
    const D = this.f64[c];
    // A record never used before is still zero from the ArrayBuffer: only a reused one is cleared.
    if (reused) D.fill(0, fb, fb + STRIDE_F64);
    D[fb + F.SYN_T] = -1;
    D[fb + F.RTT] = -1;
    D[fb + F.LAST_BIN] = -0x7fffffff;
    D[fb + F.WAITING] = -1;
    const ib = (idx & CHUNK_MASK) * STRIDE_I32 + I32_AT;
    const N = this.i32[c];
    N[ib + I.C2S + DI.LAST_WIN] = -1;
    N[ib + I.S2C + DI.LAST_WIN] = -1;
    return idx;
  }

  /** Frees a record for reuse. */
  release(idx: number): void {
    if (this.i32[idx >>> CHUNK_SHIFT][(idx & CHUNK_MASK) * STRIDE_I32 + I32_AT + I.HIST_LEN] > HIST_INLINE) this.histMore.delete(idx);
    this.free.push(idx);
  }

  private resCode(res: number): number {
    if (res === this.lastRes) return this.lastResCode;
    let code = this.resValues.indexOf(res);
    if (code < 0) {
      code = this.resValues.length;
      this.resValues.push(res);
    }
    this.lastRes = res;
    this.lastResCode = code;
    return code;
  }

  /** Fills a new flow's identity and start time (`sec/frac/res`; float `now[0]`). `srcIsClient` orders the endpoints. */
  init(idx: number, id: number, hash: number, seg: TcpSegment, srcIsClient: boolean, isOrig: boolean, sec: number, frac: number, res: number): void {
    const t = this.now[0];
    const c = idx >>> CHUNK_SHIFT;
    const r = idx & CHUNK_MASK;
    const D = this.f64[c];
    const N = this.i32[c];
    const fb = r * STRIDE_F64;
    const ib = r * STRIDE_I32 + I32_AT;
    N[ib + I.ID] = id;
    N[ib + I.HASH] = hash;
    const v6 = seg.ipVersion === 6;
    N[ib + I.BITS] = v6 ? FB.V6 : 0;
    if (srcIsClient) {
      N[ib + I.C0] = seg.src0;
      N[ib + I.S0] = seg.dst0;
      N[ib + I.PORTS] = seg.srcPort | (seg.dstPort << 16);
    } else {
      N[ib + I.C0] = seg.dst0;
      N[ib + I.S0] = seg.src0;
      N[ib + I.PORTS] = seg.dstPort | (seg.srcPort << 16);
    }
    if (v6) {
      let w = this.v6[c];
      if (w === null) w = this.v6[c] = new Int32Array(CHUNK * V6_WORDS);
      const o = r * V6_WORDS;
      if (srcIsClient) {
        w[o] = seg.src1; w[o + 1] = seg.src2; w[o + 2] = seg.src3;
        w[o + 3] = seg.dst1; w[o + 4] = seg.dst2; w[o + 5] = seg.dst3;
      } else {
        w[o] = seg.dst1; w[o + 1] = seg.dst2; w[o + 2] = seg.dst3;
        w[o + 3] = seg.src1; w[o + 4] = seg.src2; w[o + 5] = seg.src3;
      }
    }
    const code = this.resCode(res);
    N[ib + I.RES] = code | (code << 16);
    D[fb + F.START_SEC] = D[fb + F.END_SEC] = sec;
    D[fb + F.START_FRAC] = D[fb + F.END_FRAC] = frac;
    D[fb + F.START_T] = D[fb + F.END_T] = t;
    // The first packet comes from the server: Zeek marks the history with '^'.
    if (!isOrig) {
      this.u8[c][(ib + I.HIST) * 4] = 0x5e;
      N[ib + I.HIST_LEN] = 1;
    }
  }

  /** Does the record hold this segment's 5-tuple? 1: src is the client, -1: src is the server, 0: no. */
  matches(idx: number, seg: TcpSegment): number {
    const c = idx >>> CHUNK_SHIFT;
    const r = idx & CHUNK_MASK;
    const N = this.i32[c];
    const ib = r * STRIDE_I32 + I32_AT;
    const v6 = (N[ib + I.BITS] & FB.V6) !== 0;
    if (v6 !== (seg.ipVersion === 6)) return 0;
    const ports = N[ib + I.PORTS];
    const c0 = N[ib + I.C0];
    const s0 = N[ib + I.S0];
    // Address words are compared as int32 bit patterns (`| 0`): the segment holds them unsigned.
    if (ports === (seg.srcPort | (seg.dstPort << 16)) && c0 === (seg.src0 | 0) && s0 === (seg.dst0 | 0)) {
      if (!v6) return 1;
      const w = this.v6[c]!;
      const o = r * V6_WORDS;
      if (w[o] === (seg.src1 | 0) && w[o + 1] === (seg.src2 | 0) && w[o + 2] === (seg.src3 | 0) && w[o + 3] === (seg.dst1 | 0) && w[o + 4] === (seg.dst2 | 0) && w[o + 5] === (seg.dst3 | 0)) return 1;
    }
    if (ports === (seg.dstPort | (seg.srcPort << 16)) && c0 === (seg.dst0 | 0) && s0 === (seg.src0 | 0)) {
      if (!v6) return -1;
      const w = this.v6[c]!;
      const o = r * V6_WORDS;
      if (w[o] === (seg.dst1 | 0) && w[o + 1] === (seg.dst2 | 0) && w[o + 2] === (seg.dst3 | 0) && w[o + 3] === (seg.src1 | 0) && w[o + 4] === (seg.src2 | 0) && w[o + 5] === (seg.src3 | 0)) return -1;
    }
    return 0;
  }

  isClosed(idx: number): boolean {
    return (this.i32[idx >>> CHUNK_SHIFT][(idx & CHUNK_MASK) * STRIDE_I32 + I32_AT + I.BITS] & FB.CLOSED) !== 0;
  }

  hashOf(idx: number): number {
    return this.i32[idx >>> CHUNK_SHIFT][(idx & CHUNK_MASK) * STRIDE_I32 + I32_AT + I.HASH];
  }

  endT(idx: number): number {
    return this.f64[idx >>> CHUNK_SHIFT][(idx & CHUNK_MASK) * STRIDE_F64 + F.END_T];
  }

  /** Moves the end time forward (timestamps may be slightly out of order: the latest wins). */
  stamp(idx: number, sec: number, frac: number, res: number, t: number): void {
    const c = idx >>> CHUNK_SHIFT;
    const fb = (idx & CHUNK_MASK) * STRIDE_F64;
    const D = this.f64[c];
    if (t >= D[fb + F.END_T]) {
      D[fb + F.END_SEC] = sec;
      D[fb + F.END_FRAC] = frac;
      D[fb + F.END_T] = t;
      const N = this.i32[c];
      const ib = (idx & CHUNK_MASK) * STRIDE_I32 + I32_AT;
      N[ib + I.RES] = (N[ib + I.RES] & 0xffff) | (this.resCode(res) << 16);
    }
  }

  /** Zeek's CheckHistory: records `code` the first time `mask` is seen; true if seen before. */
  private checkHistory(idx: number, N: Int32Array, ib: number, isOrig: boolean, mask: number, code: number): boolean {
    const m = isOrig ? mask : mask << 16;
    const seen = N[ib + I.HIST_SEEN];
    if ((seen & m) === 0) {
      N[ib + I.HIST_SEEN] = seen | m;
      this.addHistory(idx, N, ib, isOrig, code);
      return false;
    }
    return true;
  }

  /** Appends a history letter: uppercase for the originator, lowercase for the responder. */
  private addHistory(idx: number, N: Int32Array, ib: number, isOrig: boolean, code: number): void {
    const len = N[ib + I.HIST_LEN];
    if (len >= MAX_HISTORY) return;
    const ch = isOrig ? code : code | 0x20;
    if (len < HIST_INLINE) this.u8[idx >>> CHUNK_SHIFT][(ib + I.HIST) * 4 + len] = ch;
    else this.histMore.set(idx, (this.histMore.get(idx) ?? '') + String.fromCharCode(ch));
    N[ib + I.HIST_LEN] = len + 1;
  }

  /** Applies one segment at time `this.now[0]`. `isOrig`: sent by the client. */
  update(idx: number, seg: TcpSegment, isOrig: boolean, wireLen: number): void {
    const t = this.now[0];
    const c = idx >>> CHUNK_SHIFT;
    const r = idx & CHUNK_MASK;
    const D = this.f64[c];
    const N = this.i32[c];
    const fb = r * STRIDE_F64;
    const ib = r * STRIDE_I32 + I32_AT;
    // This direction (d, df) and the other (o, of), in the int and double parts of the record.
    const d = ib + (isOrig ? I.C2S : I.S2C);
    const o = ib + (isOrig ? I.S2C : I.C2S);
    const df = fb + (isOrig ? F.C2S : F.S2C);
    const of = fb + (isOrig ? F.S2C : F.C2S);
    const flags = seg.flags;
    const len = seg.payloadLen;
    const seq = seg.seq;
    N[d + DI.PACKETS]++;
    D[df + DF.BYTES] += wireLen;
    D[df + DF.PAYLOAD] += len;
    if (flags & SYN) {
      if (flags & ACK) N[d + DI.SYN_ACK]++;
      else N[d + DI.SYN]++;
    }
    if (flags & FIN) N[d + DI.FIN]++;
    if (flags & RST) N[d + DI.RST]++;
    let db = N[d + DI.BITS];

    // --- Zeek history (update_history) ---
    const bits = (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) + (flags & RST ? 1 : 0);
    if (bits > 1) {
      if (flags & FIN && flags & RST) this.checkHistory(idx, N, ib, isOrig, 0x40, 0x49 /* I */);
      else this.checkHistory(idx, N, ib, isOrig, 0x80, 0x51 /* Q */);
    } else if (bits === 1) {
      if (flags & SYN) {
        const code = flags & ACK ? 0x48 /* H */ : 0x53 /* S */;
        if (this.checkHistory(idx, N, ib, isOrig, 0x1, code) && !(db & DB.H_SYN_VALID && seq === N[d + DI.H_SYN] >>> 0)) this.addHistory(idx, N, ib, isOrig, code);
        N[d + DI.H_SYN] = seq;
        db |= DB.H_SYN_VALID;
      }
      if (flags & FIN) {
        const fs = (seq + len) >>> 0;
        if (this.checkHistory(idx, N, ib, isOrig, 0x2, 0x46 /* F */) && !(db & DB.H_FIN_VALID && fs === N[d + DI.H_FIN] >>> 0)) this.addHistory(idx, N, ib, isOrig, 0x46);
        N[d + DI.H_FIN] = fs;
        db |= DB.H_FIN_VALID;
      }
      if (flags & RST) {
        if (this.checkHistory(idx, N, ib, isOrig, 0x4, 0x52 /* R */) && !(db & DB.H_RST_VALID && seq === N[d + DI.H_RST] >>> 0)) this.addHistory(idx, N, ib, isOrig, 0x52);
        N[d + DI.H_RST] = seq;
        db |= DB.H_RST_VALID;
      }
    } else if (len) {
      this.checkHistory(idx, N, ib, isOrig, 0x10, 0x44 /* D */);
    } else if (flags & ACK) {
      this.checkHistory(idx, N, ib, isOrig, 0x20, 0x41 /* A */);
    }

    // --- Zeek zero window (update_window), scaled history 'W' ---
    const states = N[ib + I.STATES];
    const epState = stateAt(states, isOrig ? ORIG_SHIFT : RESP_SHIFT);
    const peerState = stateAt(states, isOrig ? RESP_SHIFT : ORIG_SHIFT);
    if (seg.window === 0 && !(flags & RST) && peerState !== EndpointState.CLOSED && epState !== EndpointState.RESET) {
      const n = ++N[d + DI.ZW];
      if (isPow10(n)) this.addHistory(idx, N, ib, isOrig, 0x57 /* W */);
    }

    // --- Zeek retransmission (update_last_seq / DidRxmit), scaled history 'T' ---
    const segLen = len + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) - (flags & RST ? len : 0);
    const lastSeq = (seq + segLen) >>> 0;
    if (!(db & DB.ZEEK_VALID) || flags & SYN) {
      N[d + DI.ZEEK_LAST_SEQ] = lastSeq;
      db |= DB.ZEEK_VALID;
    } else if (epState !== EndpointState.RESET) {
      const delta = (lastSeq - N[d + DI.ZEEK_LAST_SEQ]) | 0;
      if ((flags & (SYN | RST)) && (delta > 1048576 || delta < -1048576)) {
        // Untrusted jump on SYN/RST.
      } else if (delta > 0) N[d + DI.ZEEK_LAST_SEQ] = lastSeq;
      else if (len > 0 && !(flags & RST)) {
        const n = ++N[d + DI.RXMIT];
        if (isPow10(n)) this.addHistory(idx, N, ib, isOrig, 0x54 /* T */);
      }
    }

    // --- Wireshark sequence analysis: retransmission and zero window frames ---
    this.lastRetrans = false;
    this.lastZeroWin = false;
    if (!(flags & RST)) {
      const wsLen = len + (flags & (SYN | FIN) ? 1 : 0);
      const nextValid = (db & DB.NEXT_VALID) !== 0;
      const nextSeq = N[d + DI.NEXT_SEQ] >>> 0;
      const keepAlive = len <= 1 && !(flags & (SYN | FIN)) && nextValid && seq === ((nextSeq - 1) >>> 0);
      let retrans = false;
      const ob = N[o + DI.BITS];
      if (!keepAlive && wsLen > 0 && nextValid && seqLt(seq, nextSeq)) {
        if (ob >>> 8 >= 2 && N[o + DI.LAST_ACK] >>> 0 === seq && t - D[of + DF.LAST_ACK_T] < 0.02) {
          retrans = true; // fast retransmission: answers the peer's duplicate ACKs
        } else {
          // Out of order, not retransmitted: arrives within one RTT (3 ms when unknown) of
          // the segment that advanced the sequence, and does not end where that one ended.
          const rtt = D[fb + F.RTT];
          const ooo = rtt >= 0 ? rtt : 0.003;
          const outOfOrder = t - D[df + DF.LAST_ADVANCE] < ooo && nextSeq !== ((seq + wsLen) >>> 0);
          retrans = !outOfOrder;
        }
      }
      // Spurious retransmission: data the peer has already acknowledged.
      if (!retrans && len > 0 && ob & DB.ACK_VALID && !seqGt((seq + len) >>> 0, N[o + DI.LAST_ACK])) retrans = true;
      if (retrans) {
        N[d + DI.RETRANS]++;
        this.lastRetrans = true;
      }
      const end = (seq + wsLen) >>> 0;
      if (!nextValid || seqGt(end, nextSeq) || flags & SYN) {
        if (!nextValid || seqGt(end, nextSeq)) D[df + DF.LAST_ADVANCE] = t;
        N[d + DI.NEXT_SEQ] = end;
        db |= DB.NEXT_VALID;
      }
      if (seg.window === 0 && !(flags & (SYN | FIN))) {
        N[d + DI.ZERO_WIN]++;
        this.lastZeroWin = true;
      }
      if (flags & ACK) {
        const ack = seg.ack;
        if (!(db & DB.ACK_VALID) || seqGt(ack, N[d + DI.LAST_ACK])) {
          N[d + DI.LAST_ACK] = ack;
          db = (db & 0xff) | DB.ACK_VALID; // dupAcks = 0
          D[df + DF.LAST_ACK_T] = t;
        } else if (ack === N[d + DI.LAST_ACK] >>> 0 && len === 0 && !(flags & (SYN | FIN)) && seg.window === N[d + DI.LAST_WIN]) {
          // Only "at least 2" is ever asked: saturating at 255 loses nothing.
          if (db >>> 8 < 255) db += 0x100;
          D[df + DF.LAST_ACK_T] = t;
        }
      }
      N[d + DI.LAST_WIN] = seg.window;
    }
    N[d + DI.BITS] = db;

    // --- Zeek endpoint state machine ---
    // Without SYN/FIN/RST only an inactive endpoint changes state: skip the call otherwise.
    if ((flags & (SYN | FIN | RST)) !== 0 || epState === EndpointState.INACTIVE) N[ib + I.STATES] = stepStates(states, isOrig, flags, len);

    // --- Handshake RTT: first SYN to the client's first ACK after a SYN-ACK ---
    let fbits = N[ib + I.BITS];
    if (flags & SYN) {
      if (!(flags & ACK) && isOrig && D[fb + F.SYN_T] < 0) D[fb + F.SYN_T] = t;
      // The SYN-ACK time is only ever compared with 0: a bit says "set and not negative".
      else if (flags & ACK && !isOrig && !(fbits & FB.SYNACK_SEEN) && D[fb + F.SYN_T] >= 0) {
        if (t >= 0) fbits |= FB.SYNACK_SEEN;
      }
    } else if (isOrig && flags & ACK && fbits & FB.SYNACK_SEEN && D[fb + F.RTT] < 0) {
      D[fb + F.RTT] = t - D[fb + F.SYN_T];
    }

    // --- Protocol facts from the first payload bytes (TLS hello, HTTP start line) ---
    let app = 0;
    if (len > 0 && seg.payloadCaptured >= 6) {
      const b = seg.bytes;
      const p = seg.payloadOffset;
      // A ClientHello from the client, a ServerHello from the server; else an HTTP start line.
      if (tlsHandshakeType(b, p) === (isOrig ? 1 : 2)) {
        N[d + DI.TLS]++;
        app = isOrig ? AppStart.CLIENT_HELLO : AppStart.SERVER_HELLO;
      } else if (isOrig ? isHttpRequestStart(b, p) : isHttpResponseStart(b, p)) {
        N[d + DI.HTTP]++;
        app = isOrig ? AppStart.HTTP_REQUEST : AppStart.HTTP_RESPONSE;
      }
    }
    this.lastApp = app;

    if (flags & RST) fbits |= FB.CLOSED;
    else if (N[ib + I.C2S + DI.FIN] > 0 && N[ib + I.S2C + DI.FIN] > 0) fbits |= FB.CLOSED;
    N[ib + I.BITS] = fbits;
  }

  // --- Reads for views (not the packet path) ---

  /** @internal */ f(idx: number, field: number): number {
    return this.f64[idx >>> CHUNK_SHIFT][(idx & CHUNK_MASK) * STRIDE_F64 + field];
  }
  /** @internal */ i(idx: number, field: number): number {
    return this.i32[idx >>> CHUNK_SHIFT][(idx & CHUNK_MASK) * STRIDE_I32 + I32_AT + field];
  }
  /** @internal */ setF(idx: number, field: number, v: number): void {
    this.f64[idx >>> CHUNK_SHIFT][(idx & CHUNK_MASK) * STRIDE_F64 + field] = v;
  }
  /** @internal IPv6 address word `k` (1-3) of the client (`server` false) or server. */
  word(idx: number, server: boolean, k: number): number {
    if ((this.i(idx, I.BITS) & FB.V6) === 0) return 0;
    return this.v6[idx >>> CHUNK_SHIFT]![(idx & CHUNK_MASK) * V6_WORDS + (server ? 3 : 0) + k - 1] >>> 0;
  }
  /** @internal */ history(idx: number): string {
    const len = this.i(idx, I.HIST_LEN);
    const u = this.u8[idx >>> CHUNK_SHIFT];
    const at = ((idx & CHUNK_MASK) * STRIDE_I32 + I32_AT + I.HIST) * 4;
    // A loop, not fromCharCode(...subarray): no view and no spread per record.
    let head = '';
    for (let i = 0, n = Math.min(len, HIST_INLINE); i < n; i++) head += String.fromCharCode(u[at + i]);
    return len > HIST_INLINE ? head + (this.histMore.get(idx) ?? '') : head;
  }
  /** @internal */ res(idx: number, end: boolean): number {
    const codes = this.i(idx, I.RES);
    return this.resValues[end ? codes >>> 16 : codes & 0xffff];
  }
}

/** One direction of a flow, read through its view. */
export class Direction {
  /** @internal */
  constructor(private readonly flow: Flow, private readonly di: number, private readonly df: number) {}
  private n(k: number): number {
    return this.flow.store.i(this.flow.idx, this.di + k);
  }
  get packets(): number { return this.n(DI.PACKETS) >>> 0; }
  /** Wire bytes. */
  get bytes(): number { return this.flow.store.f(this.flow.idx, this.df + DF.BYTES); }
  /** TCP payload bytes. */
  get payload(): number { return this.flow.store.f(this.flow.idx, this.df + DF.PAYLOAD); }
  get syn(): number { return this.n(DI.SYN) >>> 0; }
  get synAck(): number { return this.n(DI.SYN_ACK) >>> 0; }
  get fin(): number { return this.n(DI.FIN) >>> 0; }
  get rst(): number { return this.n(DI.RST) >>> 0; }
  /** Wireshark retransmission frames. */
  get retrans(): number { return this.n(DI.RETRANS) >>> 0; }
  /** Wireshark zero-window frames. */
  get zeroWin(): number { return this.n(DI.ZERO_WIN) >>> 0; }
  get tlsHello(): number { return this.n(DI.TLS) >>> 0; }
  get http(): number { return this.n(DI.HTTP) >>> 0; }
}

/** A Zeek endpoint state, read through its view. */
export interface EndpointView {
  readonly state: EndpointState;
  readonly prev: EndpointState;
}

/**
 * A view of one live flow. **Table and observers hand out reused views: a view is valid
 * until the next packet (or, in `flowFinished`, until the callback returns); copy what you keep
 * (`toRecord(f)`).**
 */
export class Flow {
  readonly c2s: Direction;
  readonly s2c: Direction;
  readonly orig: EndpointView;
  readonly resp: EndpointView;

  /** @internal */
  constructor(readonly store: FlowStore, public idx = -1) {
    this.c2s = new Direction(this, I.C2S, F.C2S);
    this.s2c = new Direction(this, I.S2C, F.S2C);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const shiftView = (shift: number): EndpointView => ({
      get state() { return stateAt(store.i(self.idx, I.STATES), shift); },
      get prev() { return prevStateAt(store.i(self.idx, I.STATES), shift); },
    });
    this.orig = shiftView(ORIG_SHIFT);
    this.resp = shiftView(RESP_SHIFT);
  }

  /** Sequence number of the connection in the capture (order of first packet). */
  get id(): number { return this.store.i(this.idx, I.ID) >>> 0; }
  get hash(): number { return this.store.i(this.idx, I.HASH); }
  get ipVersion(): number { return this.store.i(this.idx, I.BITS) & FB.V6 ? 6 : 4; }
  get c0(): number { return this.store.i(this.idx, I.C0) >>> 0; }
  get c1(): number { return this.store.word(this.idx, false, 1); }
  get c2(): number { return this.store.word(this.idx, false, 2); }
  get c3(): number { return this.store.word(this.idx, false, 3); }
  get cPort(): number { return this.store.i(this.idx, I.PORTS) & 0xffff; }
  get s0(): number { return this.store.i(this.idx, I.S0) >>> 0; }
  get s1(): number { return this.store.word(this.idx, true, 1); }
  get s2(): number { return this.store.word(this.idx, true, 2); }
  get s3(): number { return this.store.word(this.idx, true, 3); }
  get sPort(): number { return this.store.i(this.idx, I.PORTS) >>> 16; }
  get startSec(): number { return this.store.f(this.idx, F.START_SEC); }
  get startFrac(): number { return this.store.f(this.idx, F.START_FRAC); }
  get startRes(): number { return this.store.res(this.idx, false); }
  get endSec(): number { return this.store.f(this.idx, F.END_SEC); }
  get endFrac(): number { return this.store.f(this.idx, F.END_FRAC); }
  get endRes(): number { return this.store.res(this.idx, true); }
  /** Float epoch seconds of the first and the latest packet. */
  get startT(): number { return this.store.f(this.idx, F.START_T); }
  get endT(): number { return this.store.f(this.idx, F.END_T); }
  /** Latest packet time (the idle clock): the same as `endT`. */
  get lastT(): number { return this.store.f(this.idx, F.END_T); }
  get synT(): number { return this.store.f(this.idx, F.SYN_T); }
  /** Handshake RTT in seconds, or -1. */
  get rtt(): number { return this.store.f(this.idx, F.RTT); }
  get history(): string { return this.store.history(this.idx); }
  /** FIN seen both ways, or a RST: a new SYN starts a new connection. */
  get closed(): boolean { return (this.store.i(this.idx, I.BITS) & FB.CLOSED) !== 0; }
  /** Bin index of the last packet (series: active flows per bin). Free for the series to set. */
  get lastBin(): number { return this.store.f(this.idx, F.LAST_BIN); }
  set lastBin(v: number) { this.store.setF(this.idx, F.LAST_BIN, v); }
  /** Time of the oldest unanswered HTTP request (-1: none): a slot for the series observer. */
  get waitingSince(): number { return this.store.f(this.idx, F.WAITING); }
  set waitingSince(v: number) { this.store.setF(this.idx, F.WAITING, v); }
  /** What the last update (of this flow: read it right after) did. */
  get lastRetrans(): boolean { return this.store.lastRetrans; }
  get lastZeroWin(): boolean { return this.store.lastZeroWin; }
}

