/**
 * @module decode/handoff
 * Decoded packets handed from one thread to another: a ring of slots in a SharedArrayBuffer,
 * each packet a fixed 64-byte unit holding exactly what flow accounting and the series read
 * (time, lengths, the TCP tuple, sequence numbers, flags, window and the first 8 payload bytes
 * for the TLS/HTTP start-line check), IPv6 addresses in a second unit. A decoding thread
 * writes units, the flow table's thread reads them: the 2.3 GB of packet bytes never cross
 * cores, only ~64 bytes per packet do.
 *
 * Layout of a unit (int32 words):
 *   0 tsSec  2 tsFrac (as uint32; or words 0-3 two float64s, see H_BIG_TS)  4 head  5 origLen  6 capLen  7 src0  8 dst0  9 ports (src | dst << 16)
 *   10 seq  11 ack  12 window  13 payloadLen  14-15 first payload bytes
 * head: status (bits 0-3) | IPv6 (bit 4) | no timestamp (bit 5) | time as float64s (bit 6) | payload bytes captured, up
 * to 8 (bits 8-11) | TCP flags (bits 16-23) | resolution code (bits 24-31: the pcapng
 * if_tsresol byte, 10^-n or 2^-(n & 0x7f), the only resolutions the readers produce).
 * The IPv6 unit: src1-3 in words 0-2, dst1-3 in 3-5.
 */
import type { PacketRecord } from '../capture/record';
import { RES, resolutionCode } from '../capture/resolution';
import { DecodeStatus, TcpSegment } from './segment';

/** Int32 words per unit (64 bytes: a cache line). */
export const UNIT = 16;
/** Units per slot: 4096 packets, 256 KB — a slot is written and read while it is in L2/L3. */
export const SLOT_UNITS = 4096;
/** Slots in the ring: the decoder runs at most this far ahead. */
export const SLOTS = 8;
/** Control words per slot, spread over a cache line each so the threads never share a line. */
export const CTL_STRIDE = 16;
/** Control word of a slot: 0 empty, n > 0 units written, END, or FAILED. */
export const END = -1;
export const FAILED = -2;
/** Control word (after the slots) where the decoder publishes the input offset it reached, in KiB. */
export const CTL_OFFSET = SLOTS * CTL_STRIDE;
export const CTL_WORDS = (SLOTS + 1) * CTL_STRIDE;

const H_IPV6 = 0x10;
const H_NO_TS = 0x20;
/**
 * Time that is not two uint32s (pcapng offsets can make it negative or larger). Time is read back
 * as integers otherwise: a value loaded from a Float64Array makes the record's fields doubles,
 * and a double passed to a call V8 does not inline is boxed — a heap allocation per packet.
 */
const H_BIG_TS = 0x40;


/** The ring's shared memory: data slots and control words. */
export interface HandoffBuffers {
  readonly data: SharedArrayBuffer;
  readonly ctl: SharedArrayBuffer;
}

export function handoffBuffers(): HandoffBuffers {
  return { data: new SharedArrayBuffer(SLOTS * SLOT_UNITS * UNIT * 4), ctl: new SharedArrayBuffer(CTL_WORDS * 4) };
}

/** Writes decoded packets into a slot (the decoding side). */
export class UnitWriter {
  private readonly w: Int32Array;
  private readonly d: Float64Array;
  /** Units written into the current slot, and the slot's first word. */
  count = 0;
  base = 0;

  constructor(data: SharedArrayBuffer) {
    this.w = new Int32Array(data);
    this.d = new Float64Array(data);
  }

  /** Starts writing slot `slot` from its beginning. */
  begin(slot: number): void {
    this.base = slot * SLOT_UNITS * UNIT;
    this.count = 0;
  }

  /** Room for one more packet (two units: IPv6 takes a second). */
  get full(): boolean {
    return this.count > SLOT_UNITS - 2;
  }

  /** Appends one packet: its record, decode status and (for Tcp) the decoder's segment. */
  put(rec: PacketRecord, status: DecodeStatus, seg: TcpSegment): void {
    const w = this.w;
    const o = this.base + this.count * UNIT;
    const sec = rec.tsSec;
    const frac = rec.tsFrac;
    let head = 0;
    if (sec >>> 0 === sec && frac >>> 0 === frac) {
      w[o] = sec;
      w[o + 2] = frac;
    } else {
      this.d[o >> 1] = sec;
      this.d[(o >> 1) + 1] = frac;
      head = H_BIG_TS;
    }
    head |= status | (resolutionCode(rec.tsRes) << 24) | (rec.hasTimestamp ? 0 : H_NO_TS);
    w[o + 5] = rec.origLen;
    w[o + 6] = rec.capLen;
    this.count++;
    if (status !== DecodeStatus.Tcp) {
      w[o + 4] = head;
      return;
    }
    const cap = seg.payloadCaptured < 8 ? seg.payloadCaptured : 8;
    head |= (cap << 8) | (seg.flags << 16);
    w[o + 7] = seg.src0;
    w[o + 8] = seg.dst0;
    w[o + 9] = seg.srcPort | (seg.dstPort << 16);
    w[o + 10] = seg.seq;
    w[o + 11] = seg.ack;
    w[o + 12] = seg.window;
    w[o + 13] = seg.payloadLen;
    if (cap > 0) {
      const b = seg.bytes;
      const p = seg.payloadOffset;
      // Bytes past the captured payload are zero (they are never read: `cap` says how many count).
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < cap; i++) {
        if (i < 4) lo |= b[p + i] << (i * 8);
        else hi |= b[p + i] << ((i - 4) * 8);
      }
      w[o + 14] = lo;
      w[o + 15] = hi;
    }
    if (seg.ipVersion === 6) {
      head |= H_IPV6;
      const x = o + UNIT;
      w[x] = seg.src1;
      w[x + 1] = seg.src2;
      w[x + 2] = seg.src3;
      w[x + 3] = seg.dst1;
      w[x + 4] = seg.dst2;
      w[x + 5] = seg.dst3;
      this.count++;
    }
    w[o + 4] = head;
  }
}

/**
 * Reads units back into a reused record and segment (the accounting side). The segment's
 * `bytes` is an 8-byte scratch holding the first payload bytes, `payloadOffset` 0.
 */
export class UnitReader {
  private readonly w: Int32Array;
  private readonly d: Float64Array;
  readonly rec: PacketRecord;
  readonly seg = new TcpSegment();
  private readonly scratch = new Uint8Array(8);
  private readonly scratch32 = new Int32Array(this.scratch.buffer);

  constructor(data: SharedArrayBuffer, rec: PacketRecord) {
    this.w = new Int32Array(data);
    this.d = new Float64Array(data);
    this.rec = rec;
    this.seg.bytes = this.scratch;
  }

  /**
   * Fills `rec` (and `seg` for TCP) from the unit at word `o`; returns the decode status. The
   * next packet starts at `o + UNIT`, or `o + 2 * UNIT` after IPv6 (`last6`).
   */
  read(o: number): DecodeStatus {
    const w = this.w;
    const rec = this.rec;
    const head = w[o + 4];
    if ((head & H_BIG_TS) === 0) {
      rec.tsSec = w[o] >>> 0;
      rec.tsFrac = w[o + 2] >>> 0;
    } else {
      rec.tsSec = this.d[o >> 1];
      rec.tsFrac = this.d[(o >> 1) + 1];
    }
    // µs and ns as constants: a load from RES (a double array) would make the field a double.
    const code = head >>> 24;
    rec.tsRes = code === 6 ? 1e6 : code === 9 ? 1e9 : RES[code];
    rec.hasTimestamp = (head & H_NO_TS) === 0;
    rec.origLen = w[o + 5];
    rec.capLen = w[o + 6];
    rec.index++;
    const status = (head & 0xf) as DecodeStatus;
    this.last6 = false;
    if (status !== DecodeStatus.Tcp) return status;
    const seg = this.seg;
    seg.flags = (head >>> 16) & 0xff;
    seg.src0 = w[o + 7] >>> 0;
    seg.dst0 = w[o + 8] >>> 0;
    const ports = w[o + 9];
    seg.srcPort = ports & 0xffff;
    seg.dstPort = ports >>> 16;
    seg.seq = w[o + 10] >>> 0;
    seg.ack = w[o + 11] >>> 0;
    seg.window = w[o + 12];
    seg.payloadLen = w[o + 13];
    seg.payloadCaptured = (head >>> 8) & 0xf;
    this.scratch32[0] = w[o + 14];
    this.scratch32[1] = w[o + 15];
    if (head & H_IPV6) {
      const x = o + UNIT;
      seg.ipVersion = 6;
      seg.src1 = w[x] >>> 0;
      seg.src2 = w[x + 1] >>> 0;
      seg.src3 = w[x + 2] >>> 0;
      seg.dst1 = w[x + 3] >>> 0;
      seg.dst2 = w[x + 4] >>> 0;
      seg.dst3 = w[x + 5] >>> 0;
      this.last6 = true;
    } else if (seg.ipVersion !== 4) {
      seg.ipVersion = 4;
      seg.src1 = seg.src2 = seg.src3 = 0;
      seg.dst1 = seg.dst2 = seg.dst3 = 0;
    }
    return status;
  }

  /** The units' words (for a consumer that reads them itself: the flow table's core). */
  get words(): Int32Array {
    return this.w;
  }

  /** The last `read` was IPv6 (two units). */
  last6 = false;
}
