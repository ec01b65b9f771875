/**
 * @module report/parquetfile
 * An Apache Parquet file written as its rows arrive (github.com/apache/parquet-format): batches of
 * Arrow columns in, pages out as soon as they are full, row groups to the sink as soon as they are
 * full, the footer at the end. What is held is one row group's encoded pages (a few MB), never the
 * rows or the file.
 *
 * Per column type of report/schema:
 * - `int` → INT64, REQUIRED, DELTA_BINARY_PACKED (deltas bit-packed in miniblocks of 32: ids,
 *   ports, counters and byte counts take one to three bytes instead of eight, with no codec on top);
 * - `timestamp` → INT64 TIMESTAMP(NANOS, UTC), OPTIONAL, DELTA_BINARY_PACKED (a page with a step
 *   past 2^52 ns falls back to PLAIN);
 * - `float` → DOUBLE, OPTIONAL, PLAIN, Snappy;
 * - `string` → BYTE_ARRAY STRING, OPTIONAL, dictionary-encoded (RLE_DICTIONARY indices, the
 *   dictionary page Snappy-compressed); a column chunk whose dictionary passes 1 MiB goes on in
 *   PLAIN, as parquet-rs and parquet-mr do.
 * Definition levels (OPTIONAL columns) are RLE runs. Data pages are version 1, which every reader
 * reads. No Node module: the sink is a function.
 */
import type { Table } from 'apache-arrow';
import { compress, maxCompressedLength } from '../bytes/snappy';
import { latin1Bytes } from '../bytes/text';

/** A column as report/schema types it. */
export interface ParquetColumn {
  name: string;
  type: 'int' | 'timestamp' | 'float' | 'string';
}

/** Rows per data page, and per row group (DuckDB reads row groups in parallel). */
const PAGE_ROWS = 16384;
const GROUP_ROWS = 131072;
/** A column chunk's dictionary past this many bytes: the chunk goes on in PLAIN. */
const MAX_DICT_BYTES = 1 << 20;

// parquet.thrift enums
const INT64 = 2, DOUBLE = 5, BYTE_ARRAY = 6;
const REQUIRED = 0, OPTIONAL = 1;
const PLAIN = 0, RLE = 3, DELTA_BINARY_PACKED = 5, RLE_DICTIONARY = 8;
const UNCOMPRESSED = 0, SNAPPY = 1;
const DATA_PAGE = 0, DICTIONARY_PAGE = 2;
const UTF8 = 0; // ConvertedType

// ---- bytes ------------------------------------------------------------------------------------

/** A growable byte buffer. */
class Bytes {
  buf: Uint8Array;
  n = 0;
  constructor(size = 1024) {
    this.buf = new Uint8Array(size);
  }
  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  byte(v: number): void {
    this.room(1);
    this.buf[this.n++] = v;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  /** ULEB128 of a non-negative integer below 2^53. */
  uvarint(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.n++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.n++] = v;
  }
  /** Zigzag ULEB128 of an integer of magnitude below 2^52. */
  zigzag(v: number): void {
    this.uvarint(v >= 0 ? 2 * v : -2 * v - 1);
  }
  /** Zigzag ULEB128 of the int64 whose words are `lo` (unsigned) and `hi` (signed). */
  zigzag64(lo: number, hi: number): void {
    const s = hi >> 31; // 0 or -1
    let zl = ((lo << 1) ^ s) >>> 0;
    let zh = (((hi << 1) | (lo >>> 31)) ^ s) >>> 0;
    this.room(10);
    while (zh !== 0 || zl >= 0x80) {
      this.buf[this.n++] = (zl & 0x7f) | 0x80;
      zl = ((zl >>> 7) | (zh << 25)) >>> 0;
      zh >>>= 7;
    }
    this.buf[this.n++] = zl;
  }
  u32le(v: number): void {
    this.room(4);
    this.buf[this.n++] = v & 0xff;
    this.buf[this.n++] = (v >>> 8) & 0xff;
    this.buf[this.n++] = (v >>> 16) & 0xff;
    this.buf[this.n++] = (v >>> 24) & 0xff;
  }
  take(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

/** Thrift's compact protocol, the encoding of every Parquet header and of the footer. */
class Thrift {
  readonly out = new Bytes(256);
  private last: number[] = [0];

  private field(id: number, type: number): void {
    const d = id - this.last[this.last.length - 1];
    if (d > 0 && d <= 15) this.out.byte((d << 4) | type);
    else {
      this.out.byte(type);
      this.out.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): this {
    this.field(id, 5);
    this.out.zigzag(v);
    return this;
  }
  i64(id: number, v: number): this {
    this.field(id, 6);
    this.out.zigzag(v);
    return this;
  }
  bool(id: number, v: boolean): this {
    this.field(id, v ? 1 : 2);
    return this;
  }
  i8(id: number, v: number): this {
    this.field(id, 3);
    this.out.byte(v & 0xff);
    return this;
  }
  binary(id: number, b: Uint8Array): this {
    this.field(id, 8);
    this.out.uvarint(b.length);
    this.out.bytes(b);
    return this;
  }
  string(id: number, s: string): this {
    return this.binary(id, new TextEncoder().encode(s));
  }
  struct(id: number, body: (t: this) => void): this {
    this.field(id, 12);
    return this.inner(body);
  }
  /** A list of `items`, each written by `each` (structs: `t.inner`). */
  list<T>(id: number, elem: number, items: readonly T[], each: (t: this, x: T) => void): this {
    this.field(id, 9);
    if (items.length < 15) this.out.byte((items.length << 4) | elem);
    else {
      this.out.byte(0xf0 | elem);
      this.out.uvarint(items.length);
    }
    for (const x of items) each(this, x);
    return this;
  }
  /** A struct's fields and its stop byte (a list element, or the top-level struct). */
  inner(body: (t: this) => void): this {
    this.last.push(0);
    body(this);
    this.out.byte(0);
    this.last.pop();
    return this;
  }
}
const T_I32 = 5, T_BINARY = 8, T_STRUCT = 12;

// ---- encodings --------------------------------------------------------------------------------

/** Number of bits of `v` (0 ≤ v < 2^53). */
function bitLength(v: number): number {
  if (v < 0x100000000) return 32 - Math.clz32(v);
  return 32 + bitLength(Math.floor(v / 0x100000000));
}

/** `count` values of `v[from..]` bit-packed LSB first at `width` bits (v < 2^width). */
function bitPack(out: Bytes, v: Float64Array | Int32Array, from: number, count: number, width: number): void {
  out.room(Math.ceil((count * width) / 8) + 8);
  const b = out.buf;
  let o = out.n;
  if (width <= 24) {
    let acc = 0;
    let bits = 0;
    for (let i = from; i < from + count; i++) {
      acc |= v[i] << bits;
      bits += width;
      while (bits >= 8) {
        b[o++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) b[o++] = acc & 0xff;
  } else {
    let acc = 0; // below 2^(width + 8) ≤ 2^61: exact as long as width ≤ 45 … so split wide values
    let bits = 0;
    for (let i = from; i < from + count; i++) {
      let x = v[i];
      let w = width;
      // feed 16 bits at a time so acc stays below 2^24
      while (w > 0) {
        const k = Math.min(16, w);
        const part = x % 65536 % (1 << k);
        x = Math.floor(x / (1 << k));
        acc |= part << bits;
        bits += k;
        w -= k;
        while (bits >= 8) {
          b[o++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
    }
    if (bits > 0) b[o++] = acc & 0xff;
  }
  out.n = o;
}

/** RLE/bit-packing hybrid of `count` values of `v[from..]`, at `width` bits: runs of 8+ equal values as RLE, the rest bit-packed. */
function hybrid(out: Bytes, v: Int32Array, from: number, count: number, width: number): void {
  const bytesPer = Math.ceil(width / 8);
  const end = from + count;
  let i = from;
  let packFrom = i; // start of values waiting to be bit-packed (a multiple of 8 from the last run)
  const flushPacked = (to: number) => {
    // whole groups of 8 from packFrom to `to` (the caller keeps it a multiple of 8 unless at the end)
    const n = to - packFrom;
    if (n <= 0) return;
    const groups = Math.ceil(n / 8);
    out.uvarint((groups << 1) | 1);
    const padded = groups * 8;
    if (padded === n) bitPack(out, v, packFrom, n, width);
    else {
      const tmp = new Int32Array(padded);
      tmp.set(v.subarray(packFrom, to));
      bitPack(out, tmp, 0, padded, width);
    }
    packFrom = to;
  };
  while (i < end) {
    let j = i + 1;
    while (j < end && v[j] === v[i]) j++;
    // a run worth RLE: at least 8 long, starting where the packed values make whole groups
    if (j - i >= 8 + ((8 - ((i - packFrom) % 8)) % 8)) {
      const start = i + ((8 - ((i - packFrom) % 8)) % 8);
      flushPacked(start);
      out.uvarint((j - start) * 2);
      const x = v[i];
      for (let k = 0; k < bytesPer; k++) out.byte((x >>> (8 * k)) & 0xff);
      packFrom = j;
    }
    i = j;
  }
  flushPacked(end);
}

const DELTA_BLOCK = 128;
const MINIBLOCKS = 4;
const MINI = DELTA_BLOCK / MINIBLOCKS;
/** Steps of a delta block (reused). */
const steps = new Float64Array(DELTA_BLOCK);

/**
 * DELTA_BINARY_PACKED of `count` int64 values given as words: value k's low word (unsigned) is
 * `lo[w]` and its high word (signed) `hi[w]`, with w = `idx[k]`, or 2 (`first` + k) without `idx`
 * (no nulls: the values in a row); false (nothing written) when a step between two values is not
 * exact in a double (beyond ±2^52): the caller writes PLAIN.
 */
function deltaPacked(out: Bytes, lo: Uint32Array, hi: Int32Array, idx: Int32Array | null, first: number, count: number): boolean {
  const start = out.n;
  out.uvarint(DELTA_BLOCK);
  out.uvarint(MINIBLOCKS);
  out.uvarint(count);
  if (count === 0) {
    out.zigzag64(0, 0);
    return true;
  }
  const w0 = idx === null ? 2 * first : idx[0];
  out.zigzag64(lo[w0], hi[w0]);
  const widths = new Uint8Array(MINIBLOCKS);
  const rel = new Float64Array(DELTA_BLOCK);
  for (let b = 1; b < count; b += DELTA_BLOCK) {
    const n = Math.min(DELTA_BLOCK, count - b);
    let min = Infinity;
    for (let k = 0; k < n; k++) {
      const a = idx === null ? 2 * (first + b + k - 1) : idx[b + k - 1];
      const c = idx === null ? a + 2 : idx[b + k];
      const dh = hi[c] - hi[a];
      if (dh > 0xfffff || dh < -0xfffff) {
        out.n = start;
        return false;
      }
      const d = dh * 0x100000000 + (lo[c] - lo[a]);
      steps[k] = d;
      if (d < min) min = d;
    }
    out.zigzag(min);
    const wAt = out.n;
    out.room(MINIBLOCKS);
    out.n += MINIBLOCKS;
    for (let m = 0; m < MINIBLOCKS; m++) {
      const s = m * MINI;
      if (s >= n) {
        widths[m] = 0;
        continue;
      }
      let max = 0;
      for (let k = 0; k < MINI; k++) {
        const r = s + k < n ? steps[s + k] - min : 0;
        rel[s + k] = r;
        if (r > max) max = r;
      }
      const width = bitLength(max);
      widths[m] = width;
      if (width > 0) bitPack(out, rel, s, MINI, width);
    }
    out.buf.set(widths, wAt);
  }
  return true;
}

// ---- columns ----------------------------------------------------------------------------------

interface Page {
  header: Uint8Array;
  body: Uint8Array;
  values: number;
  uncompressed: number;
}

/** One column of the row group being written: its pages so far, its dictionary. */
class ColumnChunk {
  pages: Page[] = [];
  encodings = new Set<number>();
  values = 0;
  // dictionary (string columns): open addressing on FNV-1a of the bytes
  private dictBytes = new Bytes(4096);
  private dictStarts: number[] = [];
  private slots = new Int32Array(1 << 12).fill(-1);
  private dictOff = false;

  constructor(readonly col: ParquetColumn, private readonly codec: number) {}

  get compressed(): boolean {
    return this.codec === SNAPPY;
  }

  reset(): void {
    this.pages = [];
    this.encodings = new Set();
    this.values = 0;
    this.dictBytes = new Bytes(4096);
    this.dictStarts = [];
    this.slots = new Int32Array(1 << 12).fill(-1);
    this.dictOff = false;
  }

  get hasDictionary(): boolean {
    return this.dictStarts.length > 0;
  }

  /** The index of `b[s, e)` in the dictionary, added when new; -1 when the dictionary is full. */
  private dictIndex(b: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const mask = this.slots.length - 1;
    const d = this.dictBytes.buf;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = this.slots[slot];
      if (k < 0) break;
      const ks = this.dictStarts[k] + 4;
      const klen = d[ks - 4] | (d[ks - 3] << 8) | (d[ks - 2] << 16) | (d[ks - 1] << 24);
      if (klen === e - s) {
        let same = true;
        for (let i = 0; i < klen; i++) if (d[ks + i] !== b[s + i]) { same = false; break; }
        if (same) return k;
      }
    }
    if (this.dictBytes.n + e - s > MAX_DICT_BYTES) return -1;
    const k = this.dictStarts.length;
    this.dictStarts.push(this.dictBytes.n);
    this.dictBytes.u32le(e - s);
    this.dictBytes.bytes(b.subarray(s, e));
    if ((k + 1) * 2 > this.slots.length) this.rehash();
    let slot = h & (this.slots.length - 1);
    while (this.slots[slot] >= 0) slot = (slot + 1) & (this.slots.length - 1);
    this.slots[slot] = k;
    return k;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    const d = this.dictBytes.buf;
    for (let k = 0; k < this.dictStarts.length; k++) {
      const ks = this.dictStarts[k] + 4;
      const len = d[ks - 4] | (d[ks - 3] << 8) | (d[ks - 2] << 16) | (d[ks - 1] << 24);
      let h = 0x811c9dc5;
      for (let i = ks; i < ks + len; i++) h = Math.imul(h ^ d[i], 0x01000193);
      let slot = h & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = k;
    }
    this.slots = slots;
  }

  /** The dictionary page, or null. */
  dictionaryPage(): Page | null {
    if (!this.hasDictionary) return null;
    const body = this.dictBytes.buf.subarray(0, this.dictBytes.n);
    return this.page(body, (t) => t.i32(1, DICTIONARY_PAGE), (t, size, csize) =>
      t.i32(2, size).i32(3, csize).struct(7, (s) => s.i32(1, this.dictStarts.length).i32(2, PLAIN)), this.dictStarts.length);
  }

  /** Adds one data page of `rows` rows from the Arrow data `d` starting at its row `from`. */
  addPage(d: ArrowData, from: number, rows: number): void {
    const body = new Bytes(rows * 4 + 64);
    const present = validRows(d, from, rows);
    const optional = this.col.type !== 'int';
    if (!optional && present.length !== rows) throw new Error(`column ${this.col.name}: null in an int column`);
    if (optional) {
      // definition levels: RLE runs, after a 4-byte length
      const lenAt = body.n;
      body.u32le(0);
      const levels = new Int32Array(rows);
      for (const r of present) levels[r - from] = 1;
      hybrid(body, levels, 0, rows, 1);
      const len = body.n - lenAt - 4;
      body.buf[lenAt] = len & 0xff;
      body.buf[lenAt + 1] = (len >>> 8) & 0xff;
      body.buf[lenAt + 2] = (len >>> 16) & 0xff;
      body.buf[lenAt + 3] = len >>> 24;
    }
    let encoding = PLAIN;
    const t = this.col.type;
    if (t === 'int' || t === 'timestamp') {
      const words = d.values as unknown as { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
      const lo = new Uint32Array(words.buffer, words.byteOffset, words.byteLength >> 2);
      // deltaPacked reads value k's words at lo[w] and hi[w]: the high words as a view one word on
      const hiShift = new Int32Array(words.buffer, words.byteOffset + 4, (words.byteLength >> 2) - 1);
      const all = present.length === rows;
      let idx: Int32Array | null = null;
      if (!all) {
        idx = new Int32Array(present.length);
        for (let k = 0; k < present.length; k++) idx[k] = (d.offset + present[k]) * 2;
      }
      if (deltaPacked(body, lo, hiShift, idx, d.offset + from, present.length)) encoding = DELTA_BINARY_PACKED;
      else {
        body.room(present.length * 8);
        for (let k = 0; k < present.length; k++) {
          const w = idx === null ? 2 * (d.offset + from + k) : idx[k];
          body.u32le(lo[w]);
          body.u32le(hiShift[w]);
        }
      }
    } else if (t === 'float') {
      const v = d.values as Float64Array;
      const dv = new Float64Array(present.length);
      for (let k = 0; k < present.length; k++) dv[k] = v[d.offset + present[k]];
      body.bytes(new Uint8Array(dv.buffer));
    } else {
      const offsets = d.valueOffsets!;
      const bytes = d.values as Uint8Array;
      const ids = new Int32Array(present.length);
      // A page of nulls alone goes PLAIN (no values): as dictionary indices it would leave a chunk
      // with no dictionary page when all its pages are null, which readers refuse (DuckDB, arrow-rs).
      let dict = !this.dictOff && present.length > 0;
      if (dict) {
        // a run of one value (a vantage's name on every row of a ledger) is looked up once
        let ps = 0, pe = -1, pid = -1;
        for (let k = 0; k < present.length; k++) {
          const r = d.offset + present[k];
          const s = offsets[r], e = offsets[r + 1];
          if (pid >= 0 && e - s === pe - ps) {
            let i = 0;
            while (i < e - s && bytes[s + i] === bytes[ps + i]) i++;
            if (i === e - s) {
              ids[k] = pid;
              ps = s;
              pe = e;
              continue;
            }
          }
          const id = this.dictIndex(bytes, s, e);
          if (id < 0) {
            dict = false;
            this.dictOff = true;
            break;
          }
          ids[k] = pid = id;
          ps = s;
          pe = e;
        }
      }
      if (dict) {
        encoding = RLE_DICTIONARY;
        const width = Math.max(1, bitLength(Math.max(0, this.dictStarts.length - 1)));
        body.byte(width);
        hybrid(body, ids, 0, present.length, width);
      } else {
        for (let k = 0; k < present.length; k++) {
          const r = d.offset + present[k];
          body.u32le(offsets[r + 1] - offsets[r]);
          body.bytes(bytes.subarray(offsets[r], offsets[r + 1]));
        }
      }
    }
    this.encodings.add(encoding);
    if (optional) this.encodings.add(RLE);
    const b = body.buf.subarray(0, body.n);
    this.pages.push(this.page(b, (h) => h.i32(1, DATA_PAGE), (h, size, csize) =>
      h.i32(2, size).i32(3, csize).struct(5, (s) => s.i32(1, rows).i32(2, encoding).i32(3, RLE).i32(4, RLE)), rows));
    this.values += rows;
  }

  private page(body: Uint8Array, head: (t: Thrift) => void, sizes: (t: Thrift, size: number, csize: number) => void, values: number): Page {
    let stored: Uint8Array;
    if (this.codec === SNAPPY) {
      const out = new Uint8Array(maxCompressedLength(body.length));
      stored = out.slice(0, compress(body, out, 0));
    } else stored = body.slice(); // the body's buffer is reused or larger than it
    const t = new Thrift();
    t.inner((x) => {
      head(x);
      sizes(x, body.length, stored.length);
    });
    const header = t.out.take();
    return { header, body: stored, values, uncompressed: header.length + body.length };
  }
}

/** The Arrow data of one column chunk as read here. */
interface ArrowData {
  length: number;
  offset: number;
  nullCount: number;
  nullBitmap?: Uint8Array | null;
  values: ArrayLike<unknown>;
  valueOffsets?: Int32Array;
}

/** Rows of `d` in [from, from + rows) holding a value (not null), as row numbers of `d`. */
function validRows(d: ArrowData, from: number, rows: number): Int32Array {
  const bm = d.nullBitmap;
  if (!bm || bm.length === 0 || d.nullCount === 0) {
    const all = new Int32Array(rows);
    for (let k = 0; k < rows; k++) all[k] = from + k;
    return all;
  }
  const out = new Int32Array(rows);
  let n = 0;
  for (let r = from; r < from + rows; r++) {
    const bit = d.offset + r;
    if (bm[bit >> 3] & (1 << (bit & 7))) out[n++] = r;
  }
  return out.subarray(0, n);
}

// ---- the file ---------------------------------------------------------------------------------

interface ChunkMeta {
  col: ParquetColumn;
  encodings: number[];
  codec: number;
  values: number;
  uncompressed: number;
  compressed: number;
  dataOffset: number;
  dictOffset: number;
}

/**
 * Writes a Parquet file to `sink` as Arrow batches come: {@link add} each, then {@link close}.
 * `sink` gets the file's bytes in order (the magic, row groups, the footer).
 */
export class ParquetWriter {
  private readonly chunks: ColumnChunk[];
  private offset = 0;
  private groupRows = 0;
  private rows = 0;
  private readonly groups: { rows: number; bytes: number; columns: ChunkMeta[] }[] = [];
  private closed = false;

  constructor(private readonly columns: readonly ParquetColumn[], private readonly sink: (bytes: Uint8Array) => void) {
    // Snappy where it pays: floats' mantissas and dictionaries of text. Delta-packed ints are dense already.
    this.chunks = columns.map((c) => new ColumnChunk(c, c.type === 'float' || c.type === 'string' ? SNAPPY : UNCOMPRESSED));
    this.write(latin1Bytes('PAR1'));
  }

  private write(b: Uint8Array): void {
    this.sink(b);
    this.offset += b.length;
  }

  /** One batch of rows, its columns in the writer's order (an Arrow table of the same schema). */
  add(t: Table): void {
    if (this.closed) throw new Error('parquet: add after close');
    if (t.numCols !== this.columns.length) throw new Error(`parquet: batch has ${t.numCols} columns, the file ${this.columns.length}`);
    const datas = this.columns.map((_, i) => t.getChildAt(i)!.data as unknown as ArrowData[]);
    // walk the batch's chunks row-aligned (every column of one batch from report/arrow has one chunk)
    const parts = datas[0].length;
    for (let p = 0; p < parts; p++) {
      const n = datas[0][p].length;
      for (let from = 0; from < n; ) {
        const rows = Math.min(n - from, PAGE_ROWS, GROUP_ROWS - this.groupRows);
        for (let c = 0; c < this.chunks.length; c++) this.chunks[c].addPage(datas[c][p], from, rows);
        from += rows;
        this.groupRows += rows;
        this.rows += rows;
        if (this.groupRows >= GROUP_ROWS) this.flushGroup();
      }
    }
  }

  private flushGroup(): void {
    if (this.groupRows === 0) return;
    const metas: ChunkMeta[] = [];
    let bytes = 0;
    for (const ch of this.chunks) {
      const dict = ch.dictionaryPage();
      const dictOffset = dict ? this.offset : -1;
      let uncompressed = 0;
      let compressed = 0;
      const pages = dict ? [dict, ...ch.pages] : ch.pages;
      let dataOffset = -1;
      for (const pg of pages) {
        if (pg !== dict && dataOffset < 0) dataOffset = this.offset;
        this.write(pg.header);
        this.write(pg.body);
        uncompressed += pg.uncompressed;
        compressed += pg.header.length + pg.body.length;
      }
      const encodings = [...ch.encodings];
      if (dict) encodings.push(PLAIN);
      metas.push({ col: ch.col, encodings: [...new Set(encodings)].sort((a, b) => a - b), codec: ch.compressed ? SNAPPY : UNCOMPRESSED, values: ch.values, uncompressed, compressed, dataOffset, dictOffset });
      bytes += uncompressed;
      ch.reset();
    }
    this.groups.push({ rows: this.groupRows, bytes, columns: metas });
    this.groupRows = 0;
  }

  /** Writes the last row group and the footer. */
  close(): void {
    if (this.closed) return;
    this.flushGroup();
    this.closed = true;
    const t = new Thrift();
    t.inner((f) => {
      f.i32(1, 1);
      f.list(2, T_STRUCT, [null, ...this.columns], (l, c) =>
        l.inner((s) => {
          if (c === null) {
            s.string(4, 'schema').i32(5, this.columns.length);
            return;
          }
          s.i32(1, c.type === 'float' ? DOUBLE : c.type === 'string' ? BYTE_ARRAY : INT64);
          s.i32(3, c.type === 'int' ? REQUIRED : OPTIONAL);
          s.string(4, c.name);
          if (c.type === 'string') s.i32(6, UTF8).struct(10, (lt) => lt.struct(1, () => undefined));
          if (c.type === 'timestamp') s.struct(10, (lt) => lt.struct(8, (ts) => ts.bool(1, true).struct(2, (u) => u.struct(3, () => undefined))));
          if (c.type === 'int') s.struct(10, (lt) => lt.struct(10, (it) => it.i8(1, 64).bool(2, true)));
        }),
      );
      f.i64(3, this.rows);
      f.list(4, T_STRUCT, this.groups, (l, g) =>
        l.inner((rg) => {
          rg.list(1, T_STRUCT, g.columns, (cl, m) =>
            cl.inner((cc) => {
              cc.i64(2, m.dictOffset >= 0 ? m.dictOffset : m.dataOffset);
              cc.struct(3, (md) => {
                md.i32(1, m.col.type === 'float' ? DOUBLE : m.col.type === 'string' ? BYTE_ARRAY : INT64);
                md.list(2, T_I32, m.encodings, (el, e) => el.out.zigzag(e));
                md.list(3, T_BINARY, [m.col.name], (el, name) => {
                  const b = new TextEncoder().encode(name);
                  el.out.uvarint(b.length);
                  el.out.bytes(b);
                });
                md.i32(4, m.codec).i64(5, m.values).i64(6, m.uncompressed).i64(7, m.compressed).i64(9, m.dataOffset);
                if (m.dictOffset >= 0) md.i64(11, m.dictOffset);
              });
            }),
          );
          rg.i64(2, g.bytes).i64(3, g.rows);
        }),
      );
      f.string(6, 'pcap-alibi');
    });
    const footer = t.out.take();
    this.write(footer);
    const tail = new Bytes(8);
    tail.u32le(footer.length);
    tail.bytes(latin1Bytes('PAR1'));
    this.write(tail.take());
  }
}
