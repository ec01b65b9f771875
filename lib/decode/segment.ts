/**
 * @module decode/segment
 * The decoder's output: one reused, flat record of what flow accounting needs from a TCP packet.
 * Plain number fields (no per-packet allocation); addresses as 32-bit words.
 */

export const enum DecodeStatus {
  /** A TCP segment with at least its ports, flags and sequence numbers. */
  Tcp = 0,
  /** IP but not TCP (UDP, ICMP, …), or a later IP fragment: no flow update. */
  NotTcp = 1,
  /** Not IP at all (ARP, LLDP, 802.3 length frames, …). */
  NotIp = 2,
  /** Cut by the snaplen before the fields we need. */
  Truncated = 3,
  /** Impossible lengths or versions. */
  Malformed = 4,
  /** A link type we do not decode. */
  Unsupported = 5,
}

export const enum TcpFlag {
  FIN = 0x01,
  SYN = 0x02,
  RST = 0x04,
  PSH = 0x08,
  ACK = 0x10,
  URG = 0x20,
  ECE = 0x40,
  CWR = 0x80,
}

export class TcpSegment {
  /** 4 or 6. */
  ipVersion = 4;
  /** Source and destination address words (IPv4 uses word 0 only). */
  src0 = 0; src1 = 0; src2 = 0; src3 = 0;
  dst0 = 0; dst1 = 0; dst2 = 0; dst3 = 0;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  /** Raw (unscaled) window field. */
  window = 0;
  /** TCP payload bytes per the IP length (not the captured length). */
  payloadLen = 0;
  tcpHeaderLen = 0;
  /** Options seen on this segment (-1 when absent). */
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  /** Number of SACK blocks on this segment. */
  sackBlocks = 0;
  tsVal = -1;
  tsEcr = -1;
  /** The bytes of the whole packet and where TCP starts (for protocol peeks, e.g. TLS). */
  bytes: Uint8Array = new Uint8Array(0);
  tcpOffset = 0;
  /** First byte of TCP payload in `bytes`, and how many of the payload bytes were captured. */
  payloadOffset = 0;
  payloadCaptured = 0;
  /** True when this segment was rebuilt from IP fragments (counted at the completing frame). */
  reassembled = false;
}
