/**
 * @module capture/pcap
 * Classic libpcap files: magics a1b2c3d4 (µs) and a1b23c4d (ns) in both byte orders, and the
 * "modified" a1b2cd34 variant (24-byte record headers). Link-type field with FCS bits.
 */
import { u16, u32, u32be, u32le } from '../bytes/cursor';
import { BadLengthError, MalformedRecordError, UnknownFormatError, UnsupportedVersionError } from '../errors';
import { FormatParser, InterfaceInfo, MAX_BLOCK, MAX_PCAP_RECORD } from './format';
import type { PacketRecord } from './record';

const enum Hdr { MAGIC = 0, VMAJ = 4, VMIN = 6, SNAPLEN = 16, NETWORK = 20, LEN = 24 }
const enum Rec { SEC = 0, FRAC = 4, INCL = 8, ORIG = 12 }

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

/** Identifies a classic pcap magic (read as little-endian u32), or null. */
export function sniffPcap(b: Uint8Array, o = 0): { le: boolean; res: number; modified: boolean } | null {
  if (b.length - o < 4) return null;
  const m = u32le(b, o);
  switch (m) {
    case 0xa1b2c3d4: return { le: true, res: 1e6, modified: false };
    case 0xd4c3b2a1: return { le: false, res: 1e6, modified: false };
    case 0xa1b23c4d: return { le: true, res: 1e9, modified: false };
    case 0x4d3cb2a1: return { le: false, res: 1e9, modified: false };
    case 0xa1b2cd34: return { le: true, res: 1e6, modified: true };
    case 0x34cdb2a1: return { le: false, res: 1e6, modified: true };
  }
  return null;
}

export class PcapParser implements FormatParser {
  readonly format = 'pcap' as const;
  byteOrder: 'le' | 'be' = 'le';
  interfaces: InterfaceInfo[] = [];
  need = Hdr.LEN;
  produced = false;
  note: MalformedRecordError | null = null;
  versionMajor = 0;
  versionMinor = 0;
  snaplen = 0;
  private le = true;
  private res = 1e6;
  private recHdr = 16;
  private linkType = 0;
  private fcsLen = 0;
  private headerDone = false;
  private index = 0;

  constructor(private readonly file?: string) {}

  /** Largest acceptable captured length (set with the header). */
  private limit = MAX_PCAP_RECORD;

  /** True once the file header is read: `fastStep` may be used. */
  get ready(): boolean {
    return this.headerDone;
  }

  /** Writes the fields every record of this file shares (before the first `fastStep`). */
  prime(rec: PacketRecord): void {
    rec.tsRes = this.res;
    rec.hasTimestamp = true;
    rec.linkType = this.linkType;
    rec.fcsLen = this.fcsLen;
    rec.ifaceId = 0;
  }

  /**
   * The reader's hot path: one whole, sane record at `pos` → its length, or 0 for anything else
   * (short window, bad length): the caller then takes `step`, which reports it. Never throws.
   */
  fastStep(b: Uint8Array, pos: number, end: number, fileOffset: number, rec: PacketRecord): number {
    const hl = this.recHdr;
    if (end - pos < hl) return 0;
    const le = this.le;
    const incl = le ? u32le(b, pos + Rec.INCL) : u32be(b, pos + Rec.INCL);
    if (incl > this.limit || end - pos < hl + incl) return 0;
    const frac = le ? u32le(b, pos + Rec.FRAC) : u32be(b, pos + Rec.FRAC);
    if (frac >= this.res) return 0; // an impossible time: `step` reports it
    // tsRes, hasTimestamp, linkType, fcsLen and ifaceId are the same for every record of a
    // classic pcap file: `prime` wrote them when the fast path was enabled.
    rec.index = this.index++;
    rec.tsSec = le ? u32le(b, pos + Rec.SEC) : u32be(b, pos + Rec.SEC);
    rec.tsFrac = frac;
    rec.capLen = incl;
    rec.origLen = le ? u32le(b, pos + Rec.ORIG) : u32be(b, pos + Rec.ORIG);
    rec.fileOffset = fileOffset;
    rec.bytes = b;
    rec.offset = pos + hl;
    return hl + incl;
  }

  step(b: Uint8Array, pos: number, end: number, fileOffset: number, rec: PacketRecord): number {
    this.produced = false;
    if (!this.headerDone) return this.header(b, pos, end, fileOffset);
    const hl = this.recHdr;
    if (end - pos < hl) {
      this.need = hl;
      return 0;
    }
    const le = this.le;
    const incl = u32(b, pos + Rec.INCL, le);
    const orig = u32(b, pos + Rec.ORIG, le);
    // Wireshark's limit is 256 KiB unless the header's snaplen says more; never trust a length
    // beyond the block ceiling, whatever the snaplen claims (no allocation from a bad field).
    const limit = this.limit;
    if (incl > limit) {
      throw new BadLengthError(
        `record captured length ${incl} exceeds the maximum of ${limit}`,
        { file: this.file, offset: fileOffset, packet: this.index },
      );
    }
    if (end - pos < hl + incl) {
      this.need = hl + incl;
      return 0;
    }
    const frac = u32(b, pos + Rec.FRAC, le);
    if (frac >= this.res) {
      // A fraction of a second of a second or more (a flipped bit): the time cannot be right, so
      // the record is left out with a warning rather than printed as `…21.4293967295Z`.
      this.note = new MalformedRecordError(
        `record timestamp fraction ${frac} is not below one second (${this.res} per second): record left out`,
        { file: this.file, offset: fileOffset, packet: this.index },
      );
      this.index++;
      return hl + incl;
    }
    rec.index = this.index++;
    rec.tsSec = u32(b, pos + Rec.SEC, le);
    rec.tsFrac = frac;
    rec.tsRes = this.res;
    rec.hasTimestamp = true;
    rec.capLen = incl;
    rec.origLen = orig;
    rec.linkType = this.linkType;
    rec.fcsLen = this.fcsLen;
    rec.ifaceId = 0;
    rec.fileOffset = fileOffset;
    rec.bytes = b;
    rec.offset = pos + hl;
    this.produced = true;
    return hl + incl;
  }

  private header(b: Uint8Array, pos: number, end: number, fileOffset: number): number {
    if (end - pos < Hdr.LEN) {
      if (end - pos >= 4 && !sniffPcap(b, pos)) throw this.badMagic(b, pos, fileOffset);
      this.need = Hdr.LEN;
      return 0;
    }
    const m = sniffPcap(b, pos);
    if (!m) throw this.badMagic(b, pos, fileOffset);
    this.le = m.le;
    this.byteOrder = m.le ? 'le' : 'be';
    this.res = m.res;
    this.recHdr = m.modified ? 24 : 16;
    this.versionMajor = u16(b, pos + Hdr.VMAJ, m.le);
    this.versionMinor = u16(b, pos + Hdr.VMIN, m.le);
    if (this.versionMajor !== 2) {
      throw new UnsupportedVersionError(
        `pcap major version ${this.versionMajor} unsupported (expected 2)`,
        { file: this.file, offset: fileOffset + Hdr.VMAJ, packet: 0 },
      );
    }
    this.snaplen = u32(b, pos + Hdr.SNAPLEN, m.le);
    this.limit = Math.max(MAX_PCAP_RECORD, Math.min(this.snaplen, MAX_BLOCK));
    const net = u32(b, pos + Hdr.NETWORK, m.le);
    // LINKTYPE field: bits 0-15 link type, 16-25 reserved (must be 0), 26-27 FCS length in
    // 16-bit words when bit 28 is set (pcap-linktype(7)).
    if ((net & 0x03ff0000) !== 0) {
      throw new MalformedRecordError(
        `network type reserved field not zero (0x${(net & 0x03ff0000).toString(16).padStart(8, '0')})`,
        { file: this.file, offset: fileOffset + Hdr.NETWORK, packet: 0 },
      );
    }
    this.linkType = net & 0xffff;
    this.fcsLen = net & 0x10000000 ? ((net >>> 26) & 3) * 2 : 0;
    this.interfaces = [
      { id: 0, linkType: this.linkType, snaplen: this.snaplen, tsRes: this.res, tsOffset: 0, fcsLen: this.fcsLen, section: 0 },
    ];
    this.headerDone = true;
    return Hdr.LEN;
  }

  private badMagic(b: Uint8Array, pos: number, fileOffset: number): UnknownFormatError {
    const hex = Array.from(b.subarray(pos, pos + 4), (x) => x.toString(16).padStart(2, '0')).join('');
    return new UnknownFormatError(`not a pcap file: magic 0x${hex}`, { file: this.file, offset: fileOffset, packet: 0 });
  }

  /** A plausible record header: lengths in range, incl ≤ orig, fraction < resolution. */
  resync(b: Uint8Array, from: number, end: number): number {
    const le = this.le;
    const hl = this.recHdr;
    const maxLen = Math.max(MAX_PCAP_RECORD, this.snaplen);
    for (let p = from; p + hl <= end; p++) {
      const frac = u32(b, p + Rec.FRAC, le);
      if (frac >= this.res) continue;
      const incl = u32(b, p + Rec.INCL, le);
      const orig = u32(b, p + Rec.ORIG, le);
      if (incl === 0 || incl > maxLen || incl > orig || orig > 0x40000) continue;
      if (this.snaplen && incl > this.snaplen) continue;
      // Accept when the next header (if within the window) is plausible too, or at the end.
      const next = p + hl + incl;
      if (next === end) return p;
      if (next + hl > end) continue;
      const incl2 = u32(b, next + Rec.INCL, le);
      const orig2 = u32(b, next + Rec.ORIG, le);
      const frac2 = u32(b, next + Rec.FRAC, le);
      const sec = u32(b, p + Rec.SEC, le);
      const sec2 = u32(b, next + Rec.SEC, le);
      if (frac2 < this.res && incl2 <= maxLen && incl2 <= orig2 && Math.abs(sec2 - sec) < 86400) return p;
    }
    return -1;
  }
}
