/**
 * @module report/arrow
 * Rows as an Apache Arrow IPC file (`--arrow FILE`), so pandas (`pd.read_feather`), polars
 * (`pl.read_ipc`) and DuckDB read flows, series bins and log bins with their types.
 *
 * Column types: times are `timestamp[ns, UTC]` built from the ISO strings of the JSON output
 * digit for digit (a nanosecond capture keeps its 9 digits); counts are `int64`; rates, seconds
 * and nullable numbers are `float64`; names and addresses are `utf8`. Column names are the CSV
 * header's.
 */
import * as fs from 'node:fs';
import { Data, Field, Float64, Int64, makeData, RecordBatchFileWriter, Schema, Table, TimestampNanosecond, tableToIPC, Utf8, Vector } from 'apache-arrow';

/** How one column is typed and where its value comes from in a row. */
export type ArrowColumn<R> =
  | { name: string; type: 'timestamp'; get: (r: R) => string | null }
  | { name: string; type: 'int'; get: (r: R) => number }
  | { name: string; type: 'float'; get: (r: R) => number | null }
  | { name: string; type: 'string'; get: (r: R) => string | null };

const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/**
 * Epoch nanoseconds of an ISO-8601 UTC time, exactly (no float on the way).
 * @example
 * isoToNanos('2022-02-07T11:11:53.123456789Z') //=> 1644232313123456789n
 */
export function isoToNanos(iso: string): bigint {
  const m = ISO.exec(iso);
  if (!m) throw new Error(`not an ISO-8601 UTC time: "${iso}"`);
  return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** A validity bitmap (bit set = value present), or undefined when nothing is null. */
function validity(present: boolean[]): Uint8Array | undefined {
  if (present.every(Boolean)) return undefined;
  const bits = new Uint8Array(Math.ceil(present.length / 8));
  present.forEach((p, i) => { if (p) bits[i >> 3] |= 1 << (i & 7); });
  return bits;
}

const TWO32 = 4294967296;

/**
 * Writes the integer `v` (|v| < 2^53) as a little-endian int64 into 32-bit words `w[2i]`, `w[2i+1]`:
 * no BigInt per value (a flow row has 26 int64 cells; BigInt() for each was a third of the time).
 */
export function putInt64(w: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  w[2 * i] = v - hi * TWO32;
  w[2 * i + 1] = hi >>> 0;
}

/**
 * Writes `sec * 1e9 + ns` (sec < 2^35, ns < 1e9) as a little-endian int64, exactly: the product
 * passes 2^53, so `sec` is split into 16-bit halves whose products with 1e9 each stay exact.
 */
export function putNanos(w: Uint32Array, i: number, sec: number, ns: number): void {
  const ah = Math.floor(sec / 65536), al = sec - ah * 65536;
  const x = ah * 1e9; // the part to shift up by 16 bits
  const y = al * 1e9 + ns;
  const yh = Math.floor(y / TWO32), yl = y - yh * TWO32;
  const xh = Math.floor(x / 65536), xl = x - xh * 65536;
  const lo = xl * 65536 + yl;
  const carry = Math.floor(lo / TWO32);
  w[2 * i] = lo - carry * TWO32;
  w[2 * i + 1] = xh + yh + carry;
}

/** Day starts (epoch s) by `YYYY-MM-DD`: rows of one capture share a few days. */
const dayStart = new Map<string, number>();

/**
 * An ISO-8601 UTC time (`…T13:37:58.123456Z`) as epoch seconds and nanoseconds, exactly, without
 * a regex or Date per value; null when it is not that form (isoToNanos then says why).
 */
export function isoParts(iso: string): [number, number] | null {
  if (iso.length < 20 || iso.charCodeAt(10) !== 84 /* T */ || iso.charCodeAt(iso.length - 1) !== 90 /* Z */) return null;
  const day = iso.slice(0, 10);
  let d = dayStart.get(day);
  if (d === undefined) {
    d = Date.parse(`${day}T00:00:00Z`) / 1000;
    if (!Number.isFinite(d)) return null;
    if (dayStart.size > 4096) dayStart.clear();
    dayStart.set(day, d);
  }
  const dig = (k: number) => iso.charCodeAt(k) - 48;
  const h = dig(11) * 10 + dig(12), m = dig(14) * 10 + dig(15), sc = dig(17) * 10 + dig(18);
  if (!(h >= 0 && h < 24 && m >= 0 && m < 60 && sc >= 0 && sc < 61)) return null;
  let ns = 0;
  if (iso.length > 20) {
    if (iso.charCodeAt(19) !== 46 /* . */) return null;
    const n = iso.length - 21;
    if (n < 1 || n > 9) return null;
    for (let k = 20; k < iso.length - 1; k++) {
      const c = dig(k);
      if (!(c >= 0 && c <= 9)) return null;
      ns = ns * 10 + c;
    }
    ns *= 10 ** (9 - n);
  } else if (iso.length !== 20) return null;
  return [d + h * 3600 + m * 60 + sc, ns];
}

/** UTF-8 text as an Arrow Utf8 vector, written straight into one buffer (vectorFromArray's builder took 160 ms per 163 k flow rows per column). */
export function utf8Vector(values: readonly (string | null)[]): Vector<Utf8> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  let room = 0;
  for (const v of values) if (v !== null) room += v.length * 3;
  const bytes = Buffer.allocUnsafe(Math.max(room, 1));
  const present: boolean[] = new Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    present[i] = v !== null;
    if (v !== null) at += bytes.write(v, at, 'utf8');
    offsets[i + 1] = at;
  }
  const nullBitmap = validity(present);
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, at);
  return new Vector([makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data, nullBitmap, nullCount: nullBitmap ? present.filter((p) => !p).length : 0 })]);
}

const fillers = new WeakMap<object, (rows: readonly never[], words: Uint32Array) => void>();
/**
 * A loop of its own for each int column: one loop shared by every column calls 26 different
 * getters from one call site, which V8 then cannot inline (50 ns a cell; a loop per column, made
 * here, gets its own type feedback and inlines its getter).
 */
function intFiller<R>(c: ArrowColumn<R>): (rows: readonly R[], words: Uint32Array) => void {
  let f = fillers.get(c) as ((rows: readonly R[], words: Uint32Array) => void) | undefined;
  if (!f) {
    const get = c.get as (r: R) => number;
    f = (rows, words) => {
      for (let i = 0; i < rows.length; i++) putInt64(words, i, get(rows[i]));
    };
    fillers.set(c, f as (rows: readonly never[], words: Uint32Array) => void);
  }
  return f;
}

/** Nanosecond UTC times as an Arrow vector: `words` as putNanos fills them, `present[i]` false for a null. */
export function timestampVector(words: Uint32Array, present: boolean[]): Vector {
  const n = present.length;
  const nullBitmap = validity(present);
  return new Vector([makeData({ type: new TimestampNanosecond('UTC'), length: n, data: new BigInt64Array(words.buffer, words.byteOffset, n), nullBitmap, nullCount: nullBitmap ? present.filter((p) => !p).length : 0 }) as Data<TimestampNanosecond>]);
}

/**
 * One text `n` times (or `n` nulls) as an Arrow Utf8 vector: encoded once and copied, for the
 * vantage and service columns of partials, whose ledger repeats one name for millions of rows
 * (written value by value it was a fifth of writing the ledger).
 */
export function constUtf8Vector(value: string | null, n: number): Vector<Utf8> {
  const offsets = new Int32Array(n + 1);
  if (value === null) {
    const nullBitmap = n > 0 ? new Uint8Array(Math.ceil(n / 8)) : undefined;
    return new Vector([makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: new Uint8Array(0), nullBitmap, nullCount: n })]);
  }
  const one = Buffer.from(value, 'utf8');
  const len = one.length;
  const data = new Uint8Array(len * n);
  if (n > 0 && len > 0) {
    data.set(one, 0);
    // doubling copies: log2(n) calls, not n
    for (let filled = len; filled < data.length; filled *= 2) data.copyWithin(filled, 0, Math.min(filled, data.length - filled));
  }
  for (let i = 1; i <= n; i++) offsets[i] = i * len;
  return new Vector([makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data })]);
}

/** 64-bit integers as an Arrow vector: `words` as putInt64 fills them. */
export function int64Vector(words: Uint32Array, n: number): Vector {
  return new Vector([makeData({ type: new Int64(), length: n, data: new BigInt64Array(words.buffer, words.byteOffset, n) })]);
}

/** Doubles as an Arrow vector, `present[i]` false for a null (every value present when omitted). */
export function float64Vector(values: Float64Array, present?: boolean[]): Vector {
  if (present === undefined) return new Vector([makeData({ type: new Float64(), length: values.length, data: values, nullCount: 0 })]);
  const nullBitmap = validity(present);
  return new Vector([makeData({ type: new Float64(), length: values.length, data: values, nullBitmap, nullCount: nullBitmap ? present.filter((p) => !p).length : 0 })]);
}

function column<R>(rows: readonly R[], c: ArrowColumn<R>): Vector {
  const n = rows.length;
  switch (c.type) {
    case 'timestamp': {
      const words = new Uint32Array(2 * n);
      const present: boolean[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = c.get(rows[i]);
        present[i] = v !== null;
        if (v === null) continue;
        const parts = isoParts(v);
        if (parts) putNanos(words, i, parts[0], parts[1]);
        else new BigInt64Array(words.buffer, 8 * i, 1)[0] = isoToNanos(v);
      }
      return timestampVector(words, present);
    }
    case 'int': {
      const words = new Uint32Array(2 * n);
      intFiller(c)(rows, words);
      return int64Vector(words, n);
    }
    case 'float': {
      const values = new Float64Array(n);
      const present: boolean[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = c.get(rows[i]);
        present[i] = v !== null;
        values[i] = v ?? 0;
      }
      return float64Vector(values, present);
    }
    case 'string':
      return utf8Vector(rows.map((r) => c.get(r)));
  }
}

/** Typed columns as an Arrow table (names and order of `columns`). */
export function tableOf(columns: readonly { name: string }[], vectors: readonly Vector[]): Table {
  const schema = new Schema(columns.map((c, i) => new Field(c.name, vectors[i].type, true)));
  return new Table(schema, Object.fromEntries(columns.map((c, i) => [c.name, vectors[i]])));
}

/**
 * Rows → an Arrow table with the given columns (in order).
 * @example
 * const t = arrowTable(bins, [{ name: 'start', type: 'timestamp', get: (b) => b.start }, { name: 'lines', type: 'int', get: (b) => b.lines }]);
 * t.numRows //=> bins.length
 */
export function arrowTable<R>(rows: readonly R[], columns: readonly ArrowColumn<R>[]): Table {
  return tableOf(columns, columns.map((c) => column(rows, c)));
}

/** Rows → the bytes of an Arrow IPC *file* (the format with a footer; `.arrow`, Feather v2). */
export function arrowFile<R>(rows: readonly R[], columns: readonly ArrowColumn<R>[]): Uint8Array {
  return tableToIPC(arrowTable(rows, columns), 'file');
}

/**
 * Rows turned into Arrow columns as they come, `batchRows` at a time, each batch handed to
 * `onBatch` (the file writers) and forgotten: neither the rows nor the columns are held.
 */
export class ArrowBatcher<R> {
  private rows: R[] = [];
  constructor(private readonly columns: readonly ArrowColumn<R>[], private readonly onBatch: (t: Table) => void, private readonly batchRows = 8192) {}

  add(r: R): void {
    this.rows.push(r);
    if (this.rows.length >= this.batchRows) this.flush();
  }

  /** Hands over the rows still waiting (the last, short batch). */
  flush(): void {
    if (this.rows.length === 0) return;
    const t = arrowTable(this.rows, this.columns);
    this.rows = [];
    this.onBatch(t);
  }
}

/**
 * An Arrow IPC file written while its rows are still being made: apache-arrow's file writer takes
 * each batch, and its bytes go to the file whenever the event loop turns (`idle()` gives it one);
 * the footer that lists the batches is written by `close()`.
 */
export class ArrowFileStream<R> {
  private readonly writer = new RecordBatchFileWriter();
  private readonly done: Promise<void>;
  private queued = 0;
  private batches = 0;

  constructor(private readonly file: string, private readonly columns: readonly ArrowColumn<R>[]) {
    const fd = fs.openSync(file, 'w');
    // The writer is an async iterable of its bytes: read here and written at once, so a turn of
    // the event loop empties its queue (a pipe into a write stream let fs's own queue grow).
    this.done = (async () => {
      try {
        for await (const chunk of this.writer as unknown as AsyncIterable<Uint8Array>) fs.writeSync(fd, chunk);
      } finally {
        fs.closeSync(fd);
      }
    })();
    this.done.catch(() => undefined); // reported by close()
  }

  add(t: Table): void {
    for (const b of t.batches) this.writer.write(b);
    this.batches++;
    this.queued++;
  }

  /** Batches handed over since the last turn of the event loop. */
  get pending(): number {
    return this.queued;
  }

  /** One turn of the event loop, in which the queued bytes go to the file. */
  idle(): Promise<void> {
    this.queued = 0;
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Gives up (the pass failed): the writer stops and the unfinished file is removed. */
  async abort(reason: unknown): Promise<void> {
    this.writer.abort(reason);
    await this.done.catch(() => undefined);
    fs.rmSync(this.file, { force: true });
  }

  async close(): Promise<void> {
    // No row at all: the writer has no schema to write; the file is the empty table's.
    if (this.batches === 0) this.writer.write(arrowTable([], this.columns));
    this.writer.finish();
    await this.done;
  }
}