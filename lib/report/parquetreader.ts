/**
 * @module report/parquetreader
 * Reads back the columns of a Parquet file that report/parquetfile wrote (`created_by`
 * "pcap-alibi": partials, `flows --parquet`), straight into typed arrays: no Arrow table between,
 * and no wasm memory that never shrinks. Analyze reads a day's partials (two ledgers of millions of
 * digests) this way in a fraction of the time and memory parquet-wasm took.
 *
 * It reads exactly what the writer writes — data pages v1; PLAIN, DELTA_BINARY_PACKED and
 * RLE_DICTIONARY values; RLE definition levels; Snappy or no codec; flat schemas — with numbers
 * as doubles (every int we write is below 2^53; a timestamp column in nanoseconds is not, and is
 * refused here). Anything else (another writer's file, a column it cannot give exactly) throws
 * {@link ParquetUnsupported}: the caller reads such a file with a general reader instead.
 */
import { decompress } from '../bytes/snappy';

/** This file is not one this reader reads exactly (the caller falls back to a general reader). */
export class ParquetUnsupported extends Error {}

/** Columns read: numbers as doubles (NaN for null), text as strings (null for null). */
export interface ParquetColumns {
  rows: number;
  numbers: Record<string, Float64Array>;
  strings: Record<string, (string | null)[]>;
}

// parquet.thrift enums (as report/parquetfile writes them)
const INT32 = 1, INT64 = 2, DOUBLE = 5, BYTE_ARRAY = 6;
const OPTIONAL = 1;
const PLAIN = 0, DELTA_BINARY_PACKED = 5, RLE_DICTIONARY = 8, PLAIN_DICTIONARY = 2;
const UNCOMPRESSED = 0, SNAPPY = 1;
const DATA_PAGE = 0, DICTIONARY_PAGE = 2;
const TWO53 = 9007199254740992;

/** A Thrift compact-protocol struct as field id → value (lists as arrays, structs as Maps). */
type TValue = number | boolean | Uint8Array | TValue[] | TStruct;
type TStruct = Map<number, TValue>;

/** Thrift's compact protocol, read (the footer and each page header). */
class ThriftReader {
  constructor(private readonly b: Uint8Array, public at: number) {}
  private byte(): number {
    if (this.at >= this.b.length) throw new ParquetUnsupported('thrift: past the end');
    return this.b[this.at++];
  }
  /** ULEB128 as a double (exact below 2^53). */
  uvarint(): number {
    let v = 0, mul = 1;
    for (;;) {
      const x = this.byte();
      v += (x & 0x7f) * mul;
      if ((x & 0x80) === 0) return v;
      mul *= 128;
      if (mul > 2 ** 63) throw new ParquetUnsupported('thrift: varint too long');
    }
  }
  /** A zigzag ULEB128 int64, exactly (its words), as a double: refused at 2^53 or beyond. */
  zigzag64(): number {
    let lo = 0, hi = 0, shift = 0;
    for (;;) {
      const x = this.byte();
      const bits = x & 0x7f;
      if (shift < 32) {
        lo = (lo | (bits << shift)) >>> 0;
        if (shift > 25) hi = (hi | (bits >>> (32 - shift))) >>> 0;
      } else if (shift < 64) hi = (hi | (bits << (shift - 32))) >>> 0;
      if ((x & 0x80) === 0) break;
      shift += 7;
      if (shift > 63) throw new ParquetUnsupported('thrift: varint too long');
    }
    const neg = lo & 1;
    let vlo = ((lo >>> 1) | (hi << 31)) >>> 0;
    let vhi = hi >>> 1;
    if (neg) {
      vlo = ~vlo >>> 0;
      vhi = ~vhi >>> 0;
    }
    const v = (vhi | 0) * 4294967296 + vlo;
    if (Math.abs(v) >= TWO53) throw new ParquetUnsupported('integer beyond 2^53');
    return v;
  }
  zigzag(): number {
    const v = this.uvarint();
    if (v >= TWO53) throw new ParquetUnsupported('thrift: integer beyond 2^53');
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }
  private value(type: number): TValue {
    switch (type) {
      case 1: return true;
      case 2: return false;
      case 3: { const x = this.byte(); return x > 127 ? x - 256 : x; }
      case 4: case 5: case 6: return this.zigzag();
      case 7: this.at += 8; return 0;
      case 8: { const n = this.uvarint(); const s = this.b.subarray(this.at, this.at + n); this.at += n; return s; }
      case 9: case 10: {
        const h = this.byte();
        const n = (h >> 4) === 15 ? this.uvarint() : h >> 4;
        const et = h & 15;
        const out: TValue[] = [];
        for (let i = 0; i < n; i++) out.push(et === 1 || et === 2 ? this.byte() === 1 : this.value(et));
        return out;
      }
      case 12: return this.struct();
      default: throw new ParquetUnsupported(`thrift: type ${type}`);
    }
  }
  struct(): TStruct {
    const out: TStruct = new Map();
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const type = h & 15;
      const d = h >> 4;
      const id = d === 0 ? this.zigzag() : last + d;
      last = id;
      out.set(id, this.value(type));
    }
  }
}

const num = (s: TStruct, id: number, dflt = -1): number => (typeof s.get(id) === 'number' ? (s.get(id) as number) : dflt);
const text = (s: TStruct, id: number): string => new TextDecoder().decode((s.get(id) as Uint8Array | undefined) ?? new Uint8Array(0));

/** Reads `width`-bit values, LSB first, from `b` at byte `at` into `out[o..o+n)` (bit-packed runs). */
function unpack(b: Uint8Array, at: number, width: number, n: number, out: Float64Array | Int32Array, o: number): void {
  if (width === 0) {
    for (let i = 0; i < n; i++) out[o + i] = 0;
    return;
  }
  if (width <= 24) {
    const mask = (1 << width) - 1;
    let acc = 0, bits = 0, p = at;
    for (let i = 0; i < n; i++) {
      while (bits < width) {
        acc |= b[p++] << bits;
        bits += 8;
      }
      out[o + i] = acc & mask;
      acc >>>= width;
      bits -= width;
    }
    return;
  }
  // wide values: bit by byte, in doubles (exact below 2^53; wider ones are refused by the caller)
  let bit = at * 8;
  for (let i = 0; i < n; i++) {
    let v = 0, mul = 1, left = width;
    while (left > 0) {
      const byteAt = bit >> 3, off = bit & 7;
      const take = Math.min(8 - off, left);
      v += ((b[byteAt] >> off) & ((1 << take) - 1)) * mul;
      mul *= 2 ** take;
      bit += take;
      left -= take;
    }
    out[o + i] = v;
  }
}

/** The RLE/bit-packing hybrid at `width` bits: `n` values into `out`; returns the byte after. */
function hybrid(b: Uint8Array, at: number, end: number, width: number, n: number, out: Int32Array): number {
  const bytesPer = Math.ceil(width / 8);
  let k = 0;
  while (k < n && at < end) {
    let h = 0, mul = 1;
    for (;;) {
      const x = b[at++];
      h += (x & 0x7f) * mul;
      if ((x & 0x80) === 0) break;
      mul *= 128;
    }
    if (h % 2 === 1) {
      const count = Math.floor(h / 2) * 8;
      const take = Math.min(count, n - k);
      unpack(b, at, width, take, out, k);
      at += (count * width) / 8;
      k += take;
    } else {
      const count = Math.min(Math.floor(h / 2), n - k);
      let v = 0;
      for (let i = 0; i < bytesPer; i++) v |= b[at + i] << (8 * i);
      at += bytesPer;
      out.fill(v, k, k + count);
      k += count;
    }
  }
  if (k < n) throw new ParquetUnsupported('levels: fewer values than the page says');
  return at;
}

/** DELTA_BINARY_PACKED int64 values (exact in doubles: every value and step below 2^53). */
function deltaValues(b: Uint8Array, at: number, n: number, out: Float64Array, o: number): void {
  const t = new ThriftReader(b, at);
  const block = t.uvarint();
  const minis = t.uvarint();
  const total = t.uvarint();
  let v = t.zigzag64();
  if (total !== n) throw new ParquetUnsupported('delta: value count differs from the page');
  if (!(block > 0 && minis > 0 && block % minis === 0 && (block / minis) % 8 === 0)) throw new ParquetUnsupported('delta: block layout');
  if (n === 0) return;
  out[o] = v;
  const per = block / minis;
  const rel = new Float64Array(per);
  let k = 1;
  while (k < n) {
    const min = t.zigzag();
    const widths = b.subarray(t.at, t.at + minis);
    t.at += minis;
    for (let m = 0; m < minis && k < n; m++) {
      const w = widths[m];
      if (w > 53) throw new ParquetUnsupported('delta: step wider than 53 bits');
      unpack(b, t.at, w, per, rel, 0);
      t.at += (per * w) / 8;
      const take = Math.min(per, n - k);
      for (let i = 0; i < take; i++) {
        v += min + rel[i];
        out[o + k + i] = v;
      }
      k += take;
    }
    if (Math.abs(v) >= TWO53) throw new ParquetUnsupported('delta: value beyond 2^53');
    if (t.at > b.length) throw new ParquetUnsupported('delta: past the page');
  }
}

interface ColumnMeta {
  name: string;
  type: number;
  optional: boolean;
  convertedTimestamp: boolean;
}

/**
 * The named columns of a Parquet file written by report/parquetfile, whole.
 * @throws ParquetUnsupported when the file is not one this reader reads exactly.
 */
export function readParquetColumns(bytes: Uint8Array, names: readonly string[]): ParquetColumns {
  const len = bytes.length;
  const magic = (at: number) => bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 && bytes[at + 3] === 0x31;
  if (len < 12 || !magic(0) || !magic(len - 4)) throw new ParquetUnsupported('not a Parquet file');
  const footLen = bytes[len - 8] | (bytes[len - 7] << 8) | (bytes[len - 6] << 16) | (bytes[len - 5] << 24);
  if (footLen <= 0 || footLen > len - 12) throw new ParquetUnsupported('footer length');
  const meta = new ThriftReader(bytes, len - 8 - footLen).struct();
  if (text(meta, 6) !== 'pcap-alibi') throw new ParquetUnsupported('written by another writer');
  const schema = (meta.get(2) as TStruct[] | undefined) ?? [];
  const cols: ColumnMeta[] = schema.slice(1).map((s) => {
    const logical = s.get(10) as TStruct | undefined;
    return { name: text(s, 4), type: num(s, 1), optional: num(s, 3) === OPTIONAL, convertedTimestamp: logical?.has(8) ?? false };
  });
  if (cols.some((c) => c.type === -1)) throw new ParquetUnsupported('nested schema');
  const rows = num(meta, 3, 0);
  const out: ParquetColumns = { rows, numbers: {}, strings: {} };
  const want = names.map((n) => {
    const i = cols.findIndex((c) => c.name === n);
    if (i < 0) throw new ParquetUnsupported(`no column "${n}"`);
    const c = cols[i];
    if (c.convertedTimestamp) throw new ParquetUnsupported(`"${n}" is a timestamp (nanoseconds beyond 2^53)`);
    if (c.type === BYTE_ARRAY) out.strings[n] = new Array<string | null>(rows).fill(null);
    else if (c.type === INT64 || c.type === DOUBLE || c.type === INT32) out.numbers[n] = new Float64Array(rows);
    else throw new ParquetUnsupported(`column type ${c.type}`);
    return i;
  });
  let rowAt = 0;
  for (const g of (meta.get(4) as TStruct[] | undefined) ?? []) {
    const groupRows = num(g, 3, 0);
    const chunks = (g.get(1) as TStruct[] | undefined) ?? [];
    for (const i of want) {
      const md = chunks[i]?.get(3) as TStruct | undefined;
      if (!md) throw new ParquetUnsupported('column chunk without metadata');
      readChunk(bytes, md, cols[i], groupRows, rowAt, out);
    }
    rowAt += groupRows;
  }
  if (rowAt !== rows) throw new ParquetUnsupported('row groups do not add up to the rows');
  return out;
}

/**
 * Buffers reused from page to page (a page's bytes are done with before the next is read): the
 * inflated page, and an aligned copy of its numbers. Fresh memory for each page cost a day's
 * partials ~130 MB of page faults per read.
 */
let pageBuffer = new Uint8Array(0);
let alignedBuffer = new ArrayBuffer(0);
function pageRoom(n: number): Uint8Array {
  if (pageBuffer.length < n) pageBuffer = new Uint8Array(Math.max(n, pageBuffer.length * 2));
  return pageBuffer;
}
/** `bytes[from, from + n)` where a Float64Array or Int32Array may view them (a copy when misaligned). */
function alignedBytes(bytes: Uint8Array, from: number, n: number): { buffer: ArrayBuffer; byteOffset: number } {
  const at = bytes.byteOffset + from;
  if (at % 8 === 0) return { buffer: bytes.buffer as ArrayBuffer, byteOffset: at };
  if (alignedBuffer.byteLength < n) alignedBuffer = new ArrayBuffer(Math.max(n, alignedBuffer.byteLength * 2));
  new Uint8Array(alignedBuffer, 0, n).set(bytes.subarray(from, from + n));
  return { buffer: alignedBuffer, byteOffset: 0 };
}

/** One column chunk of a row group into `out`, from row `rowAt`. */
function readChunk(bytes: Uint8Array, md: TStruct, c: ColumnMeta, groupRows: number, rowAt: number, out: ParquetColumns): void {
  const codec = num(md, 4);
  if (codec !== UNCOMPRESSED && codec !== SNAPPY) throw new ParquetUnsupported(`codec ${codec}`);
  const dictAt = num(md, 11);
  let at = dictAt >= 0 ? dictAt : num(md, 9);
  let dict: string[] | null = null;
  let row = 0;
  const dec = new TextDecoder();
  while (row < groupRows) {
    const t = new ThriftReader(bytes, at);
    const h = t.struct();
    const type = num(h, 1), size = num(h, 2), csize = num(h, 3);
    const stored = bytes.subarray(t.at, t.at + csize);
    at = t.at + csize;
    if (stored.length !== csize) throw new ParquetUnsupported('page past the end of the file');
    // Snappy inflates at most ~21 times (a 64-byte copy in 3 bytes): a larger claim is damage
    if (codec === SNAPPY && !(size >= 0 && size <= csize * 32 + 64)) throw new ParquetUnsupported('page size');
    const body = codec === SNAPPY ? decompress(stored, pageRoom(size)) : stored;
    if (body.length !== size) throw new ParquetUnsupported('page size');
    if (type === DICTIONARY_PAGE) {
      const dh = h.get(7) as TStruct;
      const n = num(dh, 1, 0);
      dict = new Array<string>(n);
      let p = 0;
      for (let k = 0; k < n; k++) {
        const l = body[p] | (body[p + 1] << 8) | (body[p + 2] << 16) | (body[p + 3] << 24);
        dict[k] = dec.decode(body.subarray(p + 4, p + 4 + l));
        p += 4 + l;
      }
      continue;
    }
    if (type !== DATA_PAGE) throw new ParquetUnsupported(`page type ${type}`);
    const ph = h.get(5) as TStruct;
    const n = num(ph, 1, 0), enc = num(ph, 2);
    if (!(n > 0) || row + n > groupRows) throw new ParquetUnsupported('page rows');
    // definition levels: which of the page's rows hold a value
    let p = 0;
    let present: Int32Array | null = null;
    let values = n;
    if (c.optional) {
      const l = body[0] | (body[1] << 8) | (body[2] << 16) | (body[3] << 24);
      present = new Int32Array(n);
      hybrid(body, 4, 4 + l, 1, n, present);
      p = 4 + l;
      values = 0;
      for (let k = 0; k < n; k++) values += present[k];
    }
    const base = rowAt + row;
    if (c.type === BYTE_ARRAY) {
      const col = out.strings[c.name];
      const put = (k: number, s: string) => { col[base + k] = s; };
      let idx: Int32Array | null = null;
      let texts: string[] | null = null;
      if (enc === RLE_DICTIONARY || enc === PLAIN_DICTIONARY) {
        if (dict === null) throw new ParquetUnsupported('dictionary indices without a dictionary');
        idx = new Int32Array(values);
        hybrid(body, p + 1, body.length, body[p], values, idx);
      } else if (enc === PLAIN) {
        texts = new Array<string>(values);
        for (let k = 0; k < values; k++) {
          const l = body[p] | (body[p + 1] << 8) | (body[p + 2] << 16) | (body[p + 3] << 24);
          texts[k] = dec.decode(body.subarray(p + 4, p + 4 + l));
          p += 4 + l;
        }
      } else throw new ParquetUnsupported(`string encoding ${enc}`);
      for (let k = 0, v = 0; k < n; k++) {
        if (present !== null && present[k] === 0) continue;
        const s = idx !== null ? dict![idx[v]] : texts![v];
        if (s === undefined) throw new ParquetUnsupported('dictionary index out of range');
        put(k, s);
        v++;
      }
    } else {
      const col = out.numbers[c.name];
      // a page with no null (a ledger's times, every metric of a series) goes straight into place
      if (present !== null && values === n) present = null;
      const vals = present === null ? col : new Float64Array(values);
      const o = present === null ? base : 0;
      if (enc === DELTA_BINARY_PACKED && c.type === INT64) deltaValues(body, p, values, vals, o);
      else if (enc === PLAIN) {
        if (p + values * (c.type === INT32 ? 4 : 8) > body.length) throw new ParquetUnsupported('values past the page');
        // doubles: one copy into aligned memory, then taken as they are
        if (c.type === DOUBLE) {
          const a = alignedBytes(body, p, values * 8);
          vals.set(new Float64Array(a.buffer, a.byteOffset, values), o);
        } else if (c.type === INT64) {
          // aligned words (a DataView call per word took twice as long)
          const a = alignedBytes(body, p, values * 8);
          const w = new Int32Array(a.buffer, a.byteOffset, values * 2);
          for (let k = 0; k < values; k++) {
            const x = w[2 * k + 1] * 4294967296 + (w[2 * k] >>> 0);
            if (x >= TWO53 || x <= -TWO53) throw new ParquetUnsupported('int64 beyond 2^53');
            vals[o + k] = x;
          }
        } else {
          const dv = new DataView(body.buffer, body.byteOffset + p);
          for (let k = 0; k < values; k++) vals[o + k] = dv.getInt32(k * 4, true);
        }
      } else throw new ParquetUnsupported(`number encoding ${enc}`);
      if (present !== null) for (let k = 0, v = 0; k < n; k++) col[base + k] = present[k] ? vals[v++] : NaN;
    }
    row += n;
  }
}
