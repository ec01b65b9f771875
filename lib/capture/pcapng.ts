/**
 * @module capture/pcapng
 * pcapng (draft-ietf-opsawg-pcapng): sections in either byte order, several per file; IDB with
 * link type, snaplen, if_tsresol (10^-n and 2^-n) and if_tsoffset per interface; EPB, SPB, OPB;
 * ISB drop counts; NRB, DSB, custom and unknown blocks skipped by their length.
 */
import { utf8 } from '../bytes/text';
import { i64, u16, u32, u32be, u32le, u64 } from '../bytes/cursor';
import { BadLengthError, MalformedRecordError, UnknownFormatError, UnsupportedVersionError } from '../errors';
import { FormatParser, InterfaceInfo, MAX_BLOCK } from './format';
import type { PacketRecord } from './record';

export const enum BlockType {
  IDB = 0x00000001,
  OPB = 0x00000002,
  SPB = 0x00000003,
  NRB = 0x00000004,
  ISB = 0x00000005,
  EPB = 0x00000006,
  DSB = 0x0000000a,
  SHB = 0x0a0d0d0a,
}
const BOM = 0x1a2b3c4d;
const KNOWN_BLOCKS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 0xa, 0xb, 0xbad, 0x40000bad, 0x0a0d0d0a]);

/** 9999-12-31T23:59:59Z: the last second an ISO-8601 date with a four-digit year can show. */
export const MAX_TIME_SEC = 253_402_300_799;

/** Is this the start of a pcapng Section Header Block? */
export function sniffPcapng(b: Uint8Array, o = 0): boolean {
  return b.length - o >= 4 && u32le(b, o) === BlockType.SHB;
}

/**
 * Splits a 64-bit timestamp (hi, lo) in units of 1/D s into integer seconds and a remainder,
 * without BigInt and without precision loss, by long division in 16-bit digits (exact for
 * D < 2^37, which covers every resolution up to 10^-11 and 2^-37).
 */
export function splitTimestamp(hi: number, lo: number, D: number, out: { sec: number; frac: number }): void {
  if (D < 137438953472) {
    if (hi < 0x100000) {
      // v < 2^52 (µs timestamps until the year 2112): one division, floor corrected by one
      // where v / D rounded across an integer; s * D and v - s * D stay below 2^53, exact.
      const v = hi * 4294967296 + lo;
      let s = Math.floor(v / D);
      let r = v - s * D;
      if (r < 0) {
        s--;
        r += D;
      } else if (r >= D) {
        s++;
        r -= D;
      }
      out.sec = s;
      out.frac = r;
      return;
    }
    const qh = Math.floor(hi / D);
    const rh = hi - qh * D;
    const a = rh * 65536 + (lo >>> 16);
    const qa = Math.floor(a / D);
    const ra = a - qa * D;
    const c = ra * 65536 + (lo & 0xffff);
    const qc = Math.floor(c / D);
    out.sec = qh * 4294967296 + qa * 65536 + qc;
    out.frac = c - qc * D;
    return;
  }
  const v = (BigInt(hi) << 32n) | BigInt(lo);
  const d = BigInt(D);
  out.sec = Number(v / d);
  out.frac = Number(v % d);
}

export class PcapngParser implements FormatParser {
  readonly format = 'pcapng' as const;
  byteOrder: 'le' | 'be' = 'le';
  /** Every interface of every section, in file order. */
  interfaces: InterfaceInfo[] = [];
  need = 12;
  produced = false;
  /** A record left out (an impossible time): the reader turns it into a warning. */
  note: MalformedRecordError | null = null;
  sections = 0;
  /** Counts of blocks skipped by type (NRB, DSB, custom, unknown). */
  skippedBlocks = new Map<number, number>();
  private le = true;
  private section: InterfaceInfo[] = [];
  private index = 0;
  private lastSec = 0;
  private lastFrac = 0;
  private lastRes = 1e6;
  private readonly ts = { sec: 0, frac: 0 };
  /** The second of the last timestamp split: its 32-bit low-word range and value. */
  private cHi = -1;
  private cD = -1;
  private cLo = 0;
  private cEnd = 0;
  private cSec = 0;

  constructor(private readonly file?: string) {}

  /** True once a section header is read: `fastStep` may be used. */
  get ready(): boolean {
    return this.sections > 0;
  }

  /** Nothing to write ahead: interfaces differ per block. */
  prime(_rec: PacketRecord): void {}

  /**
   * The reader's hot path: one whole, sane Enhanced Packet Block at `pos` → its length, or 0 for
   * anything else (other blocks, short window, any length or interface problem): the caller then
   * takes `step`, which handles or reports it. Never throws.
   */
  fastStep(b: Uint8Array, pos: number, end: number, fileOffset: number, rec: PacketRecord): number {
    if (end - pos < 32) return 0;
    const le = this.le;
    if ((le ? u32le(b, pos) : u32be(b, pos)) !== BlockType.EPB) return 0;
    const len = le ? u32le(b, pos + 4) : u32be(b, pos + 4);
    if (len < 32 || (len & 3) !== 0 || len > end - pos || len > MAX_BLOCK) return 0;
    if ((le ? u32le(b, pos + len - 4) : u32be(b, pos + len - 4)) !== len) return 0;
    const f = this.section[le ? u32le(b, pos + 8) : u32be(b, pos + 8)];
    if (f === undefined) return 0;
    const capLen = le ? u32le(b, pos + 20) : u32be(b, pos + 20);
    if (capLen > len - 32) return 0;
    // A time no date can show: `step` reports it.
    if (!this.stamp(rec, f, le ? u32le(b, pos + 12) : u32be(b, pos + 12), le ? u32le(b, pos + 16) : u32be(b, pos + 16))) return 0;
    this.fill(rec, f, b, pos + 28, capLen, le ? u32le(b, pos + 24) : u32be(b, pos + 24), fileOffset);
    return len;
  }

  step(b: Uint8Array, pos: number, end: number, fileOffset: number, rec: PacketRecord): number {
    this.produced = false;
    if (end - pos < 12) {
      this.need = 12;
      return 0;
    }
    let type = u32(b, pos, this.le);
    if (u32le(b, pos) === BlockType.SHB) {
      type = BlockType.SHB;
      const bom = u32le(b, pos + 8);
      if (bom === BOM) this.le = true;
      else if (bom === 0x4d3c2b1a) this.le = false;
      else {
        throw new MalformedRecordError(`section header byte-order magic 0x${bom.toString(16)} is neither 1a2b3c4d nor 4d3c2b1a`, this.where(fileOffset));
      }
      this.byteOrder = this.le ? 'le' : 'be';
    } else if (this.sections === 0) {
      const hex = Array.from(b.subarray(pos, pos + 4), (x) => x.toString(16).padStart(2, '0')).join('');
      throw new UnknownFormatError(`not a pcapng file: first block type 0x${hex} is not a section header`, this.where(fileOffset));
    }
    const le = this.le;
    const len = u32(b, pos + 4, le);
    if (len < 12 || len % 4 !== 0) {
      throw new MalformedRecordError(`total block length ${len} is ${len < 12 ? 'less than 12' : 'not a multiple of 4'}`, this.where(fileOffset));
    }
    if (len > MAX_BLOCK) {
      throw new BadLengthError(`total block length ${len} is too large (> ${MAX_BLOCK})`, this.where(fileOffset));
    }
    if (end - pos < len) {
      this.need = len;
      return 0;
    }
    const trailer = u32(b, pos + len - 4, le);
    if (trailer !== len) {
      throw new MalformedRecordError(`total block lengths (first ${len} and second ${trailer}) don't match`, this.where(fileOffset));
    }
    switch (type) {
      case BlockType.EPB: return this.epb(b, pos, len, fileOffset, rec);
      case BlockType.SPB: return this.spb(b, pos, len, fileOffset, rec);
      case BlockType.OPB: return this.opb(b, pos, len, fileOffset, rec);
      case BlockType.IDB: this.idb(b, pos, len, fileOffset); return len;
      case BlockType.SHB: this.shb(b, pos, len, fileOffset); return len;
      case BlockType.ISB: this.isb(b, pos, len, fileOffset); return len;
      default:
        this.skippedBlocks.set(type, (this.skippedBlocks.get(type) ?? 0) + 1);
        return len;
    }
  }

  private where(fileOffset: number) {
    return { file: this.file, offset: fileOffset, packet: this.index };
  }

  private iface(id: number, fileOffset: number): InterfaceInfo {
    const f = this.section[id];
    if (f === undefined) {
      throw new MalformedRecordError(`interface index ${id} is not less than section interface count ${this.section.length}`, this.where(fileOffset));
    }
    return f;
  }

  private fill(rec: PacketRecord, f: InterfaceInfo, b: Uint8Array, dataOff: number, capLen: number, origLen: number, fileOffset: number) {
    rec.index = this.index++;
    rec.capLen = capLen;
    rec.origLen = origLen;
    rec.linkType = f.linkType;
    rec.fcsLen = f.fcsLen;
    rec.ifaceId = f.id;
    rec.fileOffset = fileOffset;
    rec.bytes = b;
    rec.offset = dataOff;
    this.produced = true;
  }

  /**
   * A record whose time is before 1970 or past 9999 (a damaged timestamp, or an if_tsresol /
   * if_tsoffset that cannot be right): left out with a warning, as no date can show it.
   */
  private impossibleTime(rec: PacketRecord, len: number, fileOffset: number): number {
    this.note = new MalformedRecordError(
      `record time ${rec.tsSec} s since 1970 is outside the years 1970-9999 (a damaged timestamp, or an interface's if_tsresol or if_tsoffset): record left out`,
      this.where(fileOffset),
    );
    this.index++;
    return len;
  }

  /** Writes the record's time; false (nothing else changed) when it is outside 1970-9999. */
  private stamp(rec: PacketRecord, f: InterfaceInfo, hi: number, lo: number): boolean {
    const D = f.tsRes;
    // Packets of the same second (most of them) share its start: no division for them.
    if (hi === this.cHi && D === this.cD && lo >= this.cLo && lo < this.cEnd) {
      rec.tsSec = this.cSec + f.tsOffset;
      rec.tsFrac = lo - this.cLo;
    } else {
      splitTimestamp(hi, lo, D, this.ts);
      rec.tsSec = this.ts.sec + f.tsOffset;
      rec.tsFrac = this.ts.frac;
      const start = lo - this.ts.frac;
      if (start >= 0 && start + D <= 4294967296) {
        this.cHi = hi;
        this.cD = D;
        this.cLo = start;
        this.cEnd = start + D;
        this.cSec = this.ts.sec;
      } else this.cD = -1;
    }
    rec.tsRes = f.tsRes;
    if (!(rec.tsSec >= 0 && rec.tsSec <= MAX_TIME_SEC)) return false;
    rec.hasTimestamp = true;
    this.lastSec = rec.tsSec;
    this.lastFrac = rec.tsFrac;
    this.lastRes = rec.tsRes;
    return true;
  }

  private epb(b: Uint8Array, pos: number, len: number, fileOffset: number, rec: PacketRecord): number {
    const le = this.le;
    if (len < 32) throw new MalformedRecordError(`total block length ${len} of an EPB is less than the minimum of 32`, this.where(fileOffset));
    const f = this.iface(u32(b, pos + 8, le), fileOffset);
    const capLen = u32(b, pos + 20, le);
    if (capLen > len - 32) {
      throw new BadLengthError(`total block length ${len} of an EPB is too small for ${capLen} bytes of packet data`, this.where(fileOffset));
    }
    if (!this.stamp(rec, f, u32(b, pos + 12, le), u32(b, pos + 16, le))) return this.impossibleTime(rec, len, fileOffset);
    this.fill(rec, f, b, pos + 28, capLen, u32(b, pos + 24, le), fileOffset);
    return len;
  }

  private opb(b: Uint8Array, pos: number, len: number, fileOffset: number, rec: PacketRecord): number {
    const le = this.le;
    if (len < 32) throw new MalformedRecordError(`total block length ${len} of a packet block is less than the minimum of 32`, this.where(fileOffset));
    const f = this.iface(u16(b, pos + 8, le), fileOffset);
    const capLen = u32(b, pos + 20, le);
    if (capLen > len - 32) {
      throw new BadLengthError(`total block length ${len} of a packet block is too small for ${capLen} bytes of packet data`, this.where(fileOffset));
    }
    if (!this.stamp(rec, f, u32(b, pos + 12, le), u32(b, pos + 16, le))) return this.impossibleTime(rec, len, fileOffset);
    this.fill(rec, f, b, pos + 28, capLen, u32(b, pos + 24, le), fileOffset);
    return len;
  }

  /** SPB: no interface id (always 0), no timestamp: we give it the previous packet's time. */
  private spb(b: Uint8Array, pos: number, len: number, fileOffset: number, rec: PacketRecord): number {
    if (len < 16) throw new MalformedRecordError(`total block length ${len} of an SPB is less than the minimum of 16`, this.where(fileOffset));
    const f = this.iface(0, fileOffset);
    const origLen = u32(b, pos + 8, this.le);
    let capLen = Math.min(origLen, len - 16);
    if (f.snaplen > 0 && capLen > f.snaplen) capLen = f.snaplen;
    rec.tsSec = this.lastSec;
    rec.tsFrac = this.lastFrac;
    rec.tsRes = this.lastRes;
    rec.hasTimestamp = false;
    this.fill(rec, f, b, pos + 12, capLen, origLen, fileOffset);
    return len;
  }

  private shb(b: Uint8Array, pos: number, len: number, fileOffset: number) {
    const le = this.le;
    if (len < 28) throw new MalformedRecordError(`total block length ${len} of an SHB is less than the minimum of 28`, this.where(fileOffset));
    const major = u16(b, pos + 12, le);
    const minor = u16(b, pos + 14, le);
    if (major !== 1) {
      throw new UnsupportedVersionError(`unknown SHB version ${major}.${minor}`, { file: this.file, offset: fileOffset + 12, packet: this.index });
    }
    this.options(b, pos + 24, pos + len - 4, fileOffset, () => undefined);
    this.sections++;
    this.section = [];
  }

  private idb(b: Uint8Array, pos: number, len: number, fileOffset: number) {
    const le = this.le;
    if (len < 20) throw new MalformedRecordError(`total block length ${len} of an IDB is less than the minimum of 20`, this.where(fileOffset));
    const f: InterfaceInfo = {
      id: this.interfaces.length,
      linkType: u16(b, pos + 8, le),
      snaplen: u32(b, pos + 12, le),
      tsRes: 1e6,
      tsOffset: 0,
      fcsLen: 0,
      section: this.sections - 1,
    };
    this.options(b, pos + 16, pos + len - 4, fileOffset, (code, o, l) => {
      if (code === 9 && l >= 1) {
        const v = b[o];
        f.tsRes = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
      } else if (code === 14 && l >= 8) f.tsOffset = i64(b, o, le);
      else if (code === 13 && l >= 1) f.fcsLen = b[o];
      else if (code === 2) f.name = utf8(b, o, o + l);
    });
    this.interfaces.push(f);
    this.section.push(f);
  }

  private isb(b: Uint8Array, pos: number, len: number, fileOffset: number) {
    if (len < 24) throw new MalformedRecordError(`total block length ${len} of an ISB is less than the minimum of 24`, this.where(fileOffset));
    const le = this.le;
    const f = this.iface(u32(b, pos + 8, le), fileOffset);
    this.options(b, pos + 20, pos + len - 4, fileOffset, (code, o, l) => {
      if (code === 5 && l >= 8) f.ifDrop = u64(b, o, le);
      else if (code === 7 && l >= 8) f.osDrop = u64(b, o, le);
    });
  }

  /** Walks TLV options in [o, end), checking each length against the block. */
  private options(b: Uint8Array, o: number, end: number, fileOffset: number, on: (code: number, at: number, len: number) => void) {
    const le = this.le;
    while (o + 4 <= end) {
      const code = u16(b, o, le);
      const l = u16(b, o + 2, le);
      if (code === 0) return; // opt_endofopt
      if (o + 4 + l > end) {
        throw new MalformedRecordError(`Not enough data to handle option of length ${l}`, { file: this.file, offset: fileOffset, packet: this.index });
      }
      on(code, o + 4, l);
      o += 4 + ((l + 3) & ~3);
    }
  }

  /**
   * The next offset that looks like a block: known type, sane length, matching trailer. Every
   * offset is tried, not only multiples of 4: `b` may start anywhere in the file (a streamed
   * window), and bytes lost in transfer shift the blocks after them.
   */
  resync(b: Uint8Array, from: number, end: number): number {
    const le = this.le;
    for (let p = from; p + 12 <= end; p++) {
      const type = u32(b, p, le);
      if (!KNOWN_BLOCKS.has(type)) continue;
      const len = type === BlockType.SHB ? Math.max(u32le(b, p + 4), 0) : u32(b, p + 4, le);
      const lenShb = type === BlockType.SHB ? [u32le(b, p + 4), u32(b, p + 4, false)] : [len];
      for (const l of lenShb) {
        if (l < 12 || l % 4 !== 0 || l > MAX_BLOCK || p + l > end) continue;
        if (u32(b, p + l - 4, type === BlockType.SHB ? l === lenShb[0] : le) === l) return p;
      }
    }
    return -1;
  }
}
