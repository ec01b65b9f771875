/**
 * @module decode/ip
 * IPv4 (options, fragments, TSO zero length, Ethernet padding trimmed) and IPv6 with its
 * extension headers (hop-by-hop, routing, fragment, destination options, AH). Lengths come from
 * the headers (the wire), not from what the snaplen kept.
 */
import { u16be, u32be } from '../bytes/cursor';
import type { TcpSegment } from './segment';

export const enum IpProto {
  HOPOPT = 0,
  ICMP = 1,
  IPIP = 4,
  TCP = 6,
  UDP = 17,
  IPV6 = 41,
  ROUTING = 43,
  FRAGMENT = 44,
  GRE = 47,
  ESP = 50,
  AH = 51,
  ICMPV6 = 58,
  NONE = 59,
  DSTOPTS = 60,
  MOBILITY = 135,
}

export const enum IpStatus { Ok = 0, Truncated = 1, Malformed = 2 }

/** What the IP layer tells the transport layer. Reused. */
export class IpResult {
  status = IpStatus.Ok;
  proto = 0;
  /** Offset of the transport header. */
  transportOffset = 0;
  /** Transport bytes on the wire per the IP header (header + payload). */
  transportLen = 0;
  /** End of the IP datagram within the captured bytes (padding excluded). */
  capturedEnd = 0;
  /** Fragment facts: offset in bytes, more-fragments flag, identification. */
  fragOffset = 0;
  moreFragments = false;
  fragId = 0;
  isFragment = false;
  /** Total length field was 0 (TCP segmentation offload): length taken from the capture. */
  tso = false;
}

/** IPv4 header at `o`; addresses go into `seg`. */
export function ipv4(b: Uint8Array, o: number, end: number, seg: TcpSegment, out: IpResult, wireEnd: number): void {
  out.status = IpStatus.Ok;
  out.isFragment = false;
  out.tso = false;
  if (end - o < 20) { out.status = IpStatus.Truncated; return; }
  const vihl = b[o];
  if (vihl >> 4 !== 4) { out.status = IpStatus.Malformed; return; }
  const ihl = (vihl & 0x0f) * 4;
  if (ihl < 20) { out.status = IpStatus.Malformed; return; }
  let total = u16be(b, o + 2);
  if (total === 0) {
    // TSO/GSO: the NIC fills the length in later; the frame length is what went out.
    out.tso = true;
    total = wireEnd - o;
  }
  if (total < ihl) { out.status = IpStatus.Malformed; return; }
  seg.ipVersion = 4;
  seg.src0 = u32be(b, o + 12);
  seg.dst0 = u32be(b, o + 16);
  seg.src1 = seg.src2 = seg.src3 = 0;
  seg.dst1 = seg.dst2 = seg.dst3 = 0;
  const ff = u16be(b, o + 6);
  out.fragOffset = (ff & 0x1fff) * 8;
  out.moreFragments = (ff & 0x2000) !== 0;
  out.isFragment = out.fragOffset !== 0 || out.moreFragments;
  out.fragId = u16be(b, o + 4);
  out.proto = b[o + 9];
  out.transportOffset = o + ihl;
  out.transportLen = total - ihl;
  out.capturedEnd = Math.min(end, o + total);
  if (end - o < ihl) out.status = IpStatus.Truncated;
}

/** IPv6 header at `o`, walking extension headers to the upper layer. */
export function ipv6(b: Uint8Array, o: number, end: number, seg: TcpSegment, out: IpResult, wireEnd: number): void {
  out.status = IpStatus.Ok;
  out.isFragment = false;
  out.tso = false;
  if (end - o < 40) { out.status = IpStatus.Truncated; return; }
  if (b[o] >> 4 !== 6) { out.status = IpStatus.Malformed; return; }
  let payload = u16be(b, o + 4);
  if (payload === 0) {
    // Jumbogram or TSO: take the length from the frame.
    out.tso = true;
    payload = Math.max(0, wireEnd - o - 40);
  }
  seg.ipVersion = 6;
  seg.src0 = u32be(b, o + 8); seg.src1 = u32be(b, o + 12); seg.src2 = u32be(b, o + 16); seg.src3 = u32be(b, o + 20);
  seg.dst0 = u32be(b, o + 24); seg.dst1 = u32be(b, o + 28); seg.dst2 = u32be(b, o + 32); seg.dst3 = u32be(b, o + 36);
  let next = b[o + 6];
  let p = o + 40;
  const dgEnd = o + 40 + payload;
  out.capturedEnd = Math.min(end, dgEnd);
  for (let i = 0; i < 16; i++) {
    if (next === IpProto.HOPOPT || next === IpProto.ROUTING || next === IpProto.DSTOPTS || next === IpProto.MOBILITY) {
      if (end - p < 2) { out.status = IpStatus.Truncated; break; }
      const len = (b[p + 1] + 1) * 8;
      next = b[p];
      p += len;
      continue;
    }
    if (next === IpProto.AH) {
      if (end - p < 2) { out.status = IpStatus.Truncated; break; }
      const len = (b[p + 1] + 2) * 4;
      next = b[p];
      p += len;
      continue;
    }
    if (next === IpProto.FRAGMENT) {
      if (end - p < 8) { out.status = IpStatus.Truncated; break; }
      const fo = u16be(b, p + 2);
      out.fragOffset = fo & 0xfff8;
      out.moreFragments = (fo & 1) !== 0;
      // An atomic fragment (offset 0, M=0, RFC 6946) is a whole datagram.
      out.isFragment = out.fragOffset !== 0 || out.moreFragments;
      out.fragId = u32be(b, p + 4);
      next = b[p];
      p += 8;
      continue;
    }
    break;
  }
  out.proto = next;
  out.transportOffset = p;
  out.transportLen = dgEnd - p;
  if (out.transportLen < 0) out.status = IpStatus.Malformed;
}
