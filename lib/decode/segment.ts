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
  /**
   * Where the TCP options are in `bytes`: [optStart, optEnd), cut to the captured bytes. They are
   * parsed on the first read of an option getter, not per packet: flow accounting never reads
   * them, and eagerly decoding a timestamp option on every segment cost ~5% of a flows pass.
   */
  optStart = 0;
  optEnd = 0;
  private optPending = false;
  private _mss = -1;
  private _windowScale = -1;
  private _sackPermitted = false;
  private _sackBlocks = 0;
  private _tsVal = -1;
  private _tsEcr = -1;
  /** Options seen on this segment (-1 when absent). */
  get mss(): number { if (this.optPending) this.parseOptions(); return this._mss; }
  get windowScale(): number { if (this.optPending) this.parseOptions(); return this._windowScale; }
  get sackPermitted(): boolean { if (this.optPending) this.parseOptions(); return this._sackPermitted; }
  /** Number of SACK blocks on this segment. */
  get sackBlocks(): number { if (this.optPending) this.parseOptions(); return this._sackBlocks; }
  get tsVal(): number { if (this.optPending) this.parseOptions(); return this._tsVal; }
  get tsEcr(): number { if (this.optPending) this.parseOptions(); return this._tsEcr; }

  /** Marks the options at [start, end) of `bytes` as this segment's (parsed when read). */
  setOptions(start: number, end: number): void {
    this.optStart = start;
    this.optEnd = end;
    this.optPending = true;
  }

  private parseOptions(): void {
    this.optPending = false;
    this._mss = -1;
    this._windowScale = -1;
    this._sackPermitted = false;
    this._sackBlocks = 0;
    this._tsVal = -1;
    this._tsEcr = -1;
    const b = this.bytes;
    const end = this.optEnd;
    let p = this.optStart;
    while (p < end) {
      const kind = b[p];
      if (kind === 0) return;
      if (kind === 1) {
        p++;
        continue;
      }
      if (p + 1 >= end) return;
      const len = b[p + 1];
      if (len < 2 || p + len > end) return;
      switch (kind) {
        case 2: if (len === 4) this._mss = (b[p + 2] << 8) | b[p + 3]; break;
        case 3: if (len === 3) this._windowScale = b[p + 2]; break;
        case 4: this._sackPermitted = true; break;
        case 5: this._sackBlocks = (len - 2) >> 3; break;
        case 8:
          if (len === 10) {
            this._tsVal = ((b[p + 2] << 24) | (b[p + 3] << 16) | (b[p + 4] << 8) | b[p + 5]) >>> 0;
            this._tsEcr = ((b[p + 6] << 24) | (b[p + 7] << 16) | (b[p + 8] << 8) | b[p + 9]) >>> 0;
          }
          break;
      }
      p += len;
    }
  }
  /** The bytes of the whole packet and where TCP starts (for protocol peeks, e.g. TLS). */
  bytes: Uint8Array = new Uint8Array(0);
  tcpOffset = 0;
  /** First byte of TCP payload in `bytes`, and how many of the payload bytes were captured. */
  payloadOffset = 0;
  payloadCaptured = 0;
  /** True when this segment was rebuilt from IP fragments (counted at the completing frame). */
  reassembled = false;
}
