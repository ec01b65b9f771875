/**
 * @module decode/tcp
 * TCP header and options (MSS, window scale, SACK-permitted, SACK blocks, timestamps).
 * Payload length = transport length from IP − header length: snaplen-cut captures count right.
 */
import { u16be, u32be } from '../bytes/cursor';
import type { TcpSegment } from './segment';

export const enum TcpStatus { Ok = 0, Truncated = 1, BadHeaderLen = 2 }

const enum Off { SRC = 0, DST = 2, SEQ = 4, ACK = 8, DOFF = 12, FLAGS = 13, WIN = 14, MIN = 20 }

/**
 * Parses TCP at `o`. `transportLen` is the segment length per the IP header; `end` is the end of
 * captured bytes. Ports/seq/ack/flags need 14+ bytes; the window needs 16.
 */
export function tcp(b: Uint8Array, o: number, end: number, transportLen: number, seg: TcpSegment): TcpStatus {
  const have = end - o;
  if (have < 14) {
    if (have >= 4) {
      seg.srcPort = u16be(b, o + Off.SRC);
      seg.dstPort = u16be(b, o + Off.DST);
    }
    return TcpStatus.Truncated;
  }
  seg.srcPort = u16be(b, o + Off.SRC);
  seg.dstPort = u16be(b, o + Off.DST);
  seg.seq = u32be(b, o + Off.SEQ);
  seg.ack = u32be(b, o + Off.ACK);
  const hl = (b[o + Off.DOFF] >> 4) * 4;
  seg.flags = b[o + Off.FLAGS];
  seg.window = have >= 16 ? u16be(b, o + Off.WIN) : -1;
  seg.tcpHeaderLen = hl;
  seg.tcpOffset = o;
  if (hl < Off.MIN || hl > transportLen) {
    seg.setOptions(o, o);
    seg.payloadLen = 0;
    seg.payloadOffset = o;
    seg.payloadCaptured = 0;
    return TcpStatus.BadHeaderLen;
  }
  seg.payloadLen = transportLen - hl;
  seg.payloadOffset = o + hl;
  seg.payloadCaptured = Math.max(0, Math.min(end, o + transportLen) - (o + hl));
  // Options are parsed lazily by the segment's getters (see TcpSegment.setOptions).
  seg.setOptions(o + Off.MIN, Math.min(o + hl, end));
  // Cut inside the header (snaplen) but ports, sequence numbers and flags are here: usable.
  return TcpStatus.Ok;
}
