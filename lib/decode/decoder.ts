/**
 * @module decode/decoder
 * PacketDecoder: link layer → IP → TCP, one reused result per decoder, no allocation per packet
 * (gopacket's DecodingLayerParser). Problems are counted issues, never exceptions.
 */
import { DecodeIssue, IssueCounter } from './issues';
import { ethernet, EtherType, followEtherType, LinkResult } from './linklayer';
import { LINK_DECODERS } from './link';
import { IpProto, IpResult, IpStatus, ipv4, ipv6 } from './ip';
import { tcp, TcpStatus } from './tcp';
import { DecodeStatus, TcpSegment } from './segment';
import { FragmentTracker } from './fragments';
import { u16be, u32be } from '../bytes/cursor';
import { linkTypeName } from '../capture/linktypes';

const MAX_TUNNEL_DEPTH = 4;

/** What a decoder found over a whole capture, as plain data (it crosses threads). */
export interface DecoderSummary {
  issues: DecodeIssue[];
  counts: PacketDecoder['counts'];
  fragmentsOpen: number;
  fragmentsDropped: number;
  fragmentsMaxPending: number;
}

export class PacketDecoder {
  readonly seg = new TcpSegment();
  readonly issues = new IssueCounter();
  readonly fragments = new FragmentTracker();
  /** Frames seen per outcome. */
  readonly counts = { tcp: 0, notTcp: 0, notIp: 0, truncated: 0, malformed: 0, unsupported: 0, ieee8023: 0 };
  private readonly link = new LinkResult();
  private readonly ip = new IpResult();
  private index = 0;
  private wireEnd = 0;

  summary(): DecoderSummary {
    const f = this.fragments;
    return { issues: this.issues.list(), counts: { ...this.counts }, fragmentsOpen: f.open, fragmentsDropped: f.dropped, fragmentsMaxPending: f.maxPending };
  }

  /**
   * Decodes one frame. `wireLen` is the frame's original length (for TSO lengths); `index` is
   * the packet index for issues.
   */
  decode(bytes: Uint8Array, offset: number, capLen: number, wireLen: number, linkType: number, index: number): DecodeStatus {
    this.index = index;
    const end = offset + capLen;
    // The common case first: Ethernet II, IPv4 without options, TCP, not a fragment. Decoded
    // in one step without the layer results; anything unusual falls through to the layered path.
    if (linkType === 1 && end - offset >= 54 && bytes[offset + 12] === 0x08 && bytes[offset + 13] === 0x00 && this.fastIpv4Tcp(bytes, offset + 14, end)) {
      return DecodeStatus.Tcp;
    }
    this.wireEnd = offset + wireLen;
    const l = this.link;
    l.proto = 0;
    l.offset = 0;
    l.ieee8023 = false;
    l.truncated = false;
    const link = LINK_DECODERS.get(linkType);
    if (link === undefined) {
      this.issues.add('unknown_link_type', index, `${linkTypeName(linkType)}`);
      this.counts.unsupported++;
      return DecodeStatus.Unsupported;
    }
    link(bytes, offset, end, l);
    if (l.truncated) {
      this.issues.add('truncated_link', index);
      this.counts.truncated++;
      return DecodeStatus.Truncated;
    }
    if (l.ieee8023) {
      this.issues.add('ieee802_3_length_frame', index);
      this.counts.ieee8023++;
      this.counts.notIp++;
      return DecodeStatus.NotIp;
    }
    return this.network(bytes, l.proto, l.offset, end, 0);
  }

  /**
   * IPv4 (IHL 5) + TCP at `o`, exactly as `network` → `ipv4` → `tcp` would decode it, or false
   * (nothing written that the layered path would not overwrite) for anything else: options,
   * fragments, TSO zero lengths, tunnels, truncation, bad lengths.
   */
  private fastIpv4Tcp(b: Uint8Array, o: number, end: number): boolean {
    if (b[o] !== 0x45 || b[o + 9] !== IpProto.TCP) return false;
    const total = (b[o + 2] << 8) | b[o + 3];
    if (total < 40 || (((b[o + 6] << 8) | b[o + 7]) & 0x3fff) !== 0) return false;
    const t = o + 20;
    const tEnd = end < o + total ? end : o + total; // captured end of the datagram (padding cut)
    if (tEnd - t < 16) return false;
    const hl = (b[t + 12] >> 4) * 4;
    const transportLen = total - 20;
    if (hl < 20 || hl > transportLen) return false;
    const seg = this.seg;
    if (seg.ipVersion !== 4) {
      // Words 1-3 are zero whenever ipVersion is 4 (every decoder path keeps that): clear them
      // only when switching from IPv6.
      seg.ipVersion = 4;
      seg.src1 = seg.src2 = seg.src3 = 0;
      seg.dst1 = seg.dst2 = seg.dst3 = 0;
    }
    seg.src0 = u32be(b, o + 12);
    seg.dst0 = u32be(b, o + 16);
    seg.reassembled = false;
    seg.srcPort = (b[t] << 8) | b[t + 1];
    seg.dstPort = (b[t + 2] << 8) | b[t + 3];
    seg.seq = u32be(b, t + 4);
    seg.ack = u32be(b, t + 8);
    seg.flags = b[t + 13];
    seg.window = (b[t + 14] << 8) | b[t + 15];
    seg.tcpHeaderLen = hl;
    seg.tcpOffset = t;
    seg.payloadLen = transportLen - hl;
    seg.payloadOffset = t + hl;
    seg.payloadCaptured = tEnd - (t + hl) > 0 ? tEnd - (t + hl) : 0;
    seg.setOptions(t + 20, t + hl < tEnd ? t + hl : tEnd);
    seg.bytes = b;
    this.counts.tcp++;
    return true;
  }

  private network(b: Uint8Array, proto: number, o: number, end: number, depth: number): DecodeStatus {
    const seg = this.seg;
    const ip = this.ip;
    if (proto === EtherType.IPV4) ipv4(b, o, end, seg, ip, this.wireEnd);
    else if (proto === EtherType.IPV6) ipv6(b, o, end, seg, ip, this.wireEnd);
    else {
      this.counts.notIp++;
      return DecodeStatus.NotIp;
    }
    if (ip.status === IpStatus.Truncated && ip.transportOffset === 0) {
      this.issues.add('truncated_ip', this.index);
      this.counts.truncated++;
      return DecodeStatus.Truncated;
    }
    if (ip.status === IpStatus.Malformed) {
      this.issues.add(proto === EtherType.IPV4 ? 'bad_ip_header_len' : 'bad_ip_total_len', this.index);
      this.counts.malformed++;
      return DecodeStatus.Malformed;
    }
    if (ip.status === IpStatus.Truncated) {
      this.issues.add('truncated_ip', this.index);
      this.counts.truncated++;
      return DecodeStatus.Truncated;
    }
    const tp = ip.proto;
    // Tunnels opened: IP-in-IP (4), IPv6-in-IP (41), GRE (47) carrying IPv4/IPv6/Ethernet.
    if ((tp === IpProto.IPIP || tp === IpProto.IPV6 || tp === IpProto.GRE) && !ip.isFragment && depth < MAX_TUNNEL_DEPTH) {
      const to = ip.transportOffset;
      const tEnd = ip.capturedEnd;
      if (tp === IpProto.IPIP) return this.inner(b, EtherType.IPV4, to, tEnd, depth);
      if (tp === IpProto.IPV6) return this.inner(b, EtherType.IPV6, to, tEnd, depth);
      return this.gre(b, to, tEnd, depth);
    }
    if (tp !== IpProto.TCP) {
      this.counts.notTcp++;
      return DecodeStatus.NotTcp;
    }
    seg.reassembled = false;
    if (ip.isFragment) return this.fragment(b, ip);
    const st = tcp(b, ip.transportOffset, ip.capturedEnd, ip.transportLen, seg);
    seg.bytes = b;
    if (st === TcpStatus.Ok) {
      this.counts.tcp++;
      return DecodeStatus.Tcp;
    }
    if (st === TcpStatus.BadHeaderLen) {
      this.issues.add('bad_tcp_header_len', this.index);
      this.counts.malformed++;
      return DecodeStatus.Malformed;
    }
    this.issues.add('truncated_tcp', this.index);
    this.counts.truncated++;
    return DecodeStatus.Truncated;
  }

  private inner(b: Uint8Array, proto: number, o: number, end: number, depth: number): DecodeStatus {
    return this.network(b, proto, o, end, depth + 1);
  }

  /** GRE (RFC 2784/2890): flags/version, protocol, optional checksum/key/sequence. */
  private gre(b: Uint8Array, o: number, end: number, depth: number): DecodeStatus {
    if (end - o < 4) {
      this.counts.notTcp++;
      return DecodeStatus.NotTcp;
    }
    const fl = b[o];
    const ver = b[o + 1] & 7;
    const proto = u16be(b, o + 2);
    if (ver !== 0) {
      // PPTP's enhanced GRE (version 1) carries PPP: not opened.
      this.issues.add('tunnel_not_opened', this.index, 'gre-v1');
      this.counts.notTcp++;
      return DecodeStatus.NotTcp;
    }
    let p = o + 4 + (fl & 0x80 ? 4 : 0) + (fl & 0x20 ? 4 : 0) + (fl & 0x10 ? 4 : 0);
    if (proto === EtherType.TEB) {
      const l = this.link;
      l.proto = 0;
      l.truncated = false;
      l.ieee8023 = false;
      ethernet(b, p, end, l);
      if (l.truncated || l.proto === 0) {
        this.counts.notIp++;
        return DecodeStatus.NotIp;
      }
      return this.network(b, l.proto, l.offset, end, depth + 1);
    }
    const l = this.link;
    l.proto = 0;
    followEtherType(b, proto, p, end, l);
    p = l.offset;
    return this.network(b, l.proto, p, end, depth + 1);
  }

  private fragment(b: Uint8Array, ip: IpResult): DecodeStatus {
    const seg = this.seg;
    const len = ip.transportLen;
    const done = this.fragments.add(seg, ip.proto, ip.fragId, ip.fragOffset, ip.moreFragments, b, ip.transportOffset, ip.capturedEnd, len);
    if (done === null) {
      this.counts.notTcp++;
      return DecodeStatus.NotTcp;
    }
    const st = tcp(done.head, 0, done.head.length, done.total, seg);
    seg.bytes = done.head;
    seg.reassembled = true;
    if (st === TcpStatus.BadHeaderLen) {
      this.issues.add('bad_tcp_header_len', this.index);
      this.counts.malformed++;
      return DecodeStatus.Malformed;
    }
    if (st === TcpStatus.Truncated && done.head.length < 14) {
      this.issues.add('truncated_tcp', this.index);
      this.counts.truncated++;
      return DecodeStatus.Truncated;
    }
    this.counts.tcp++;
    return DecodeStatus.Tcp;
  }
}
