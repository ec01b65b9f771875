/**
 * @module capture/record
 * The packet record the readers hand out: one reused instance per reader.
 */
import type { ExactTime } from '../time';

/**
 * One captured packet. **The reader reuses this object and the bytes it points into: it is
 * valid until the next iteration; copy what you keep** (`record.snapshot()`), as gopacket's
 * ZeroCopyReadPacketData.
 *
 * Time is exact: integer epoch seconds `tsSec` + integer fraction `tsFrac` in units of
 * 1/`tsRes` second (1e6 for µs pcap, 1e9 for ns, 2^n for pcapng if_tsresol 2^-n).
 */
export class PacketRecord implements ExactTime {
  /** 0-based index of the packet in the capture (all interfaces, all sections). */
  index = -1;
  tsSec = 0;
  tsFrac = 0;
  tsRes = 1e6;
  /** False for pcapng Simple Packet Blocks, which carry no time: they get the previous packet's. */
  hasTimestamp = true;
  /** Bytes captured (≤ snaplen). */
  capLen = 0;
  /** Bytes on the wire (pcap orig_len): what Wireshark's frame.len and conversation bytes count. */
  origLen = 0;
  /** LINKTYPE_* number of the packet's interface. */
  linkType = 0;
  /** FCS bytes at the end of each frame per the link-type field / if_fcslen (usually 0). */
  fcsLen = 0;
  /** pcapng interface id (0 for classic pcap). */
  ifaceId = 0;
  /** Byte offset in the input of the record (pcap record header / pcapng block). */
  fileOffset = 0;
  /** The buffer the packet bytes live in, and where they start: `bytes[offset .. offset+capLen)`. */
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;

  get sec(): number { return this.tsSec; }
  get frac(): number { return this.tsFrac; }
  get res(): number { return this.tsRes; }

  /** Time in float seconds (µs-exact for present-day epochs). */
  get time(): number {
    return this.tsSec + this.tsFrac / this.tsRes;
  }
  /** Nanoseconds within the second (exact for 10^-k resolutions with k ≤ 9). */
  get tsNs(): number {
    const r = this.tsRes;
    if (r === 1e6) return this.tsFrac * 1000;
    if (r === 1e9) return this.tsFrac;
    return r <= 1e9 && 1e9 % r === 0 ? this.tsFrac * (1e9 / r) : Math.floor((this.tsFrac * 1e9) / r);
  }
  /** A zero-copy view of the captured bytes (allocates a view object: not for the hot path). */
  get data(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + this.capLen);
  }
  /** A plain, immutable copy that outlives the iteration. */
  snapshot(): PacketSnapshot {
    return Object.freeze({
      index: this.index,
      tsSec: this.tsSec,
      tsFrac: this.tsFrac,
      tsRes: this.tsRes,
      hasTimestamp: this.hasTimestamp,
      capLen: this.capLen,
      origLen: this.origLen,
      linkType: this.linkType,
      ifaceId: this.ifaceId,
      fileOffset: this.fileOffset,
      data: this.data.slice(),
    });
  }
}

/** An owned copy of a packet record. */
export interface PacketSnapshot {
  readonly index: number;
  readonly tsSec: number;
  readonly tsFrac: number;
  readonly tsRes: number;
  readonly hasTimestamp: boolean;
  readonly capLen: number;
  readonly origLen: number;
  readonly linkType: number;
  readonly ifaceId: number;
  readonly fileOffset: number;
  readonly data: Uint8Array;
}
