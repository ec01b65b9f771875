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
import { Data, Field, Float64, Int64, makeData, Schema, Table, TimestampNanosecond, tableToIPC, Utf8, vectorFromArray, Vector } from 'apache-arrow';

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

function column<R>(rows: readonly R[], c: ArrowColumn<R>): Vector {
  const n = rows.length;
  switch (c.type) {
    case 'timestamp': {
      const values = new BigInt64Array(n);
      const present: boolean[] = new Array(n);
      rows.forEach((r, i) => {
        const v = c.get(r);
        present[i] = v !== null;
        if (v !== null) values[i] = isoToNanos(v);
      });
      const nullBitmap = validity(present);
      const type = new TimestampNanosecond('UTC');
      return new Vector([makeData({ type, length: n, data: values, nullBitmap, nullCount: nullBitmap ? present.filter((p) => !p).length : 0 }) as Data<TimestampNanosecond>]);
    }
    case 'int': {
      const values = new BigInt64Array(n);
      rows.forEach((r, i) => { values[i] = BigInt(c.get(r)); });
      return new Vector([makeData({ type: new Int64(), length: n, data: values })]);
    }
    case 'float':
      return vectorFromArray(rows.map((r) => c.get(r)), new Float64());
    case 'string':
      return vectorFromArray(rows.map((r) => c.get(r)), new Utf8());
  }
}

/**
 * Rows → an Arrow table with the given columns (in order).
 * @example
 * const t = arrowTable(bins, [{ name: 'start', type: 'timestamp', get: (b) => b.start }, { name: 'lines', type: 'int', get: (b) => b.lines }]);
 * t.numRows //=> bins.length
 */
export function arrowTable<R>(rows: readonly R[], columns: readonly ArrowColumn<R>[]): Table {
  const vectors = columns.map((c) => column(rows, c));
  const schema = new Schema(columns.map((c, i) => new Field(c.name, vectors[i].type, true)));
  return new Table(schema, Object.fromEntries(columns.map((c, i) => [c.name, vectors[i]])));
}

/** Rows → the bytes of an Arrow IPC *file* (the format with a footer; `.arrow`, Feather v2). */
export function arrowFile<R>(rows: readonly R[], columns: readonly ArrowColumn<R>[]): Uint8Array {
  return tableToIPC(arrowTable(rows, columns), 'file');
}
