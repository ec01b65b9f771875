/**
 * report/parquetfile, our Parquet writer, read back by two readers that share none of its code:
 * DuckDB (C++) and parquet-wasm (the Rust `parquet` crate). Rows made to reach every path of the
 * writer: several row groups and pages, nulls between pages, ints up to 2^53 - 1 (wide
 * delta-packed miniblocks), timestamps jumping decades (PLAIN fallback), text with few values
 * (dictionary) and with a value per row (a dictionary past 1 MiB: PLAIN fallback), empty and
 * non-ASCII text, runs of one text (a partial's vantage column: looked up once per run) between
 * neighbours of the same length, and signed 53-bit hashes whose deltas do not pack (PLAIN, as a
 * ledger's digests). Every value is compared, not aggregates.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { arrowTable, type ArrowColumn } from '../../lib/report/arrow';
import { ParquetWriter } from '../../lib/report/parquetfile';
import { compress, decompress, maxCompressedLength } from '../../lib/bytes/snappy';
import { ParquetUnsupported, readParquetColumns } from '../../lib/report/parquetreader';

interface Row {
  id: number;
  big: number;
  ts: string | null;
  f: number | null;
  few: string | null;
  many: string;
  runs: string | null;
  hash: number;
}

const N = 300_000;
const BASE = Date.UTC(2026, 11, 3) / 1000;
function iso(sec: number, ns: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19) + '.' + String(ns).padStart(9, '0') + 'Z';
}
/** Deterministic rows (a small LCG: the same file every run). */
function rows(): Row[] {
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const out: Row[] = [];
  for (let i = 0; i < N; i++) {
    const sec = i >= 200_000 && i < 200_050 ? 86_400 * (i % 3) : BASE + Math.floor(i / 10); // 1970 and back: steps of decades
    out.push({
      id: i,
      big: i % 5 === 0 ? Number.MAX_SAFE_INTEGER - Math.floor(rnd() * 1000) : Math.floor(rnd() * 2 ** (i % 53)),
      ts: i % 7 === 3 ? null : iso(sec, Math.floor(rnd() * 1e9)),
      f: i % 11 === 0 ? null : rnd() * 1000 - 500,
      few: i % 13 === 0 ? null : ['SF', 'S0', 'REJ', '', 'überall'][i % 5],
      many: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${i}`,
      runs: i % 17 === 0 ? null : ['server', 'serves', 'firewall'][Math.floor(i / 5000) % 3],
      hash: (rnd() < 0.5 ? -1 : 1) * Math.floor(rnd() * 2 ** 53),
    });
  }
  return out;
}
const COLUMNS: ArrowColumn<Row>[] = [
  { name: 'id', type: 'int', get: (r) => r.id },
  { name: 'big', type: 'int', get: (r) => r.big },
  { name: 'ts', type: 'timestamp', get: (r) => r.ts },
  { name: 'f', type: 'float', get: (r) => r.f },
  { name: 'few', type: 'string', get: (r) => r.few },
  { name: 'many', type: 'string', get: (r) => r.many },
  { name: 'runs', type: 'string', get: (r) => r.runs },
  { name: 'hash', type: 'int', get: (r) => r.hash },
];

let tmp: string;
let file: string;
let data: Row[];
let bytes: Uint8Array;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-pq-'));
  file = path.join(tmp, 'rows.parquet');
  data = rows();
  const parts: Uint8Array[] = [];
  const w = new ParquetWriter(COLUMNS, (b) => parts.push(b.slice()));
  // in uneven batches, as the flow pass hands them over
  for (let i = 0, k = 0; i < N; k++) {
    const n = [8192, 1, 50_000, 777][k % 4];
    w.add(arrowTable(data.slice(i, i + n), COLUMNS));
    i += n;
  }
  w.close();
  bytes = Buffer.concat(parts);
  fs.writeFileSync(file, bytes);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const nanos = (t: string | null): bigint | null => {
  if (t === null) return null;
  const [s, frac] = t.slice(0, -1).split('.');
  return BigInt(Date.parse(s + 'Z')) * 1_000_000n + BigInt(frac);
};

test('DuckDB reads every value back, with the types of the schema', async () => {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const types = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJS().map((r) => [r.column_name, r.column_type]);
  expect(types).toEqual([['id', 'BIGINT'], ['big', 'BIGINT'], ['ts', 'TIMESTAMP WITH TIME ZONE'], ['f', 'DOUBLE'], ['few', 'VARCHAR'], ['many', 'VARCHAR'], ['runs', 'VARCHAR'], ['hash', 'BIGINT']]);
  const got = (await db.runAndReadAll(`SELECT id, big, epoch_ns(ts) AS ts, f, few, many, runs, hash FROM read_parquet('${file}')`)).getRowsJS();
  expect(got).toHaveLength(N);
  let bad = 0;
  for (let i = 0; i < N && bad < 5; i++) {
    const r = data[i];
    // DuckDB's TIMESTAMPTZ holds microseconds: it reads the nanoseconds cut to them
    const us = nanos(r.ts);
    const want = [BigInt(r.id), BigInt(r.big), us === null ? null : (us / 1000n) * 1000n, r.f, r.few, r.many, r.runs, BigInt(r.hash)];
    if (JSON.stringify(got[i], (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(want, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) {
      bad++;
      expect({ i, row: got[i] }).toEqual({ i, row: want });
    }
  }
  expect(bad).toBe(0);
  // The encodings chosen, per column chunk; more than one row group.
  const meta = (await db.runAndReadAll(`SELECT row_group_id AS g, path_in_schema AS c, encodings AS e, compression AS z FROM parquet_metadata('${file}')`)).getRowObjectsJS();
  expect(new Set(meta.map((m) => m.g)).size).toBe(Math.ceil(N / 131072));
  const enc = (c: string) => new Set(meta.filter((m) => m.c === c).flatMap((m) => String(m.e).split(',').map((x) => x.trim())));
  expect(enc('id').has('DELTA_BINARY_PACKED')).toBe(true);
  expect(enc('ts').has('PLAIN')).toBe(true); // the group with the 1970 rows
  expect(enc('ts').has('DELTA_BINARY_PACKED')).toBe(true);
  expect(enc('few').has('RLE_DICTIONARY')).toBe(true);
  expect(enc('many').has('PLAIN')).toBe(true); // a dictionary past 1 MiB
  expect(enc('runs').has('RLE_DICTIONARY')).toBe(true);
  expect(enc('hash').has('PLAIN')).toBe(true); // pages whose deltas do not pack
  expect(meta.filter((m) => m.c === 'f').every((m) => m.z === 'SNAPPY')).toBe(true);
});

test('the Rust parquet crate (parquet-wasm) reads the same values', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pw = require('parquet-wasm/node') as { readParquet(b: Uint8Array): { intoIPCStream(): Uint8Array } };
  const t = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  expect(t.numRows).toBe(N);
  /** A column's int64 values exactly (a Timestamp vector's get() gives float milliseconds), null where null. */
  const int64s = (name: string): (bigint | null)[] => {
    const out: (bigint | null)[] = [];
    for (const d of t.getChild(name)!.data) {
      const v = d.values as unknown as ArrayLike<bigint | number>;
      const stride = v.length === 2 * d.length ? 2 : 1;
      const words = new BigInt64Array((v as unknown as Int32Array).buffer, (v as unknown as Int32Array).byteOffset, d.offset + d.length);
      for (let i = 0; i < d.length; i++) out.push(d.getValid(i) ? words[d.offset + i] : null);
      expect(stride === 1 || stride === 2).toBe(true);
    }
    return out;
  };
  const id = int64s('id'), big = int64s('big'), tsv = int64s('ts'), hash = int64s('hash');
  const f = t.getChild('f')!, few = t.getChild('few')!, many = t.getChild('many')!, runs = t.getChild('runs')!;
  const ts = { get: (i: number) => tsv[i] };
  let bad = 0;
  for (let i = 0; i < N; i++) {
    const r = data[i];
    const ok =
      id[i] === BigInt(r.id) &&
      big[i] === BigInt(r.big) &&
      f.get(i) === r.f &&
      ts.get(i) === nanos(r.ts) &&
      few.get(i) === r.few &&
      many.get(i) === r.many &&
      runs.get(i) === r.runs &&
      hash[i] === BigInt(r.hash);
    if (!ok && bad++ < 3) expect({ i, id: id[i], big: big[i], ts: ts.get(i), f: f.get(i), few: few.get(i), many: many.get(i), runs: runs.get(i), hash: hash[i] }).toEqual({ ...r, id: BigInt(r.id), big: BigInt(r.big), ts: nanos(r.ts), hash: BigInt(r.hash) });
  }
  expect(bad).toBe(0);
});

test('our own reader (report/parquetreader, which analyze reads partials with) gives the same values', () => {
  const r = readParquetColumns(bytes, ['id', 'big', 'f', 'few', 'many', 'runs', 'hash']);
  expect(r.rows).toBe(N);
  let bad = 0;
  for (let i = 0; i < N; i++) {
    const d = data[i];
    const f = r.numbers.f[i];
    const ok = r.numbers.id[i] === d.id && r.numbers.big[i] === d.big && (d.f === null ? Number.isNaN(f) : f === d.f) && r.strings.few[i] === d.few && r.strings.many[i] === d.many && r.strings.runs[i] === d.runs && r.numbers.hash[i] === d.hash;
    if (!ok && bad++ < 3) expect({ i, id: r.numbers.id[i], big: r.numbers.big[i], f, few: r.strings.few[i], many: r.strings.many[i], runs: r.strings.runs[i], hash: r.numbers.hash[i] }).toEqual({ i, ...d, ts: undefined });
  }
  expect(bad).toBe(0);
  // nanosecond timestamps are beyond 2^53: refused, not rounded
  expect(() => readParquetColumns(bytes, ['ts'])).toThrow(ParquetUnsupported);
  expect(() => readParquetColumns(bytes, ['nope'])).toThrow(ParquetUnsupported);
});

test('our own reader refuses what it does not read exactly: another writer\'s file, and cut or damaged bytes', async () => {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const theirs = path.join(tmp, 'duckdb.parquet');
  await db.run(`COPY (SELECT * FROM read_parquet('${file}') LIMIT 1000) TO '${theirs}' (FORMAT parquet)`);
  expect(() => readParquetColumns(fs.readFileSync(theirs), ['id'])).toThrow(ParquetUnsupported);
  // cut anywhere, or bytes flipped in pages: an error (never a hang, never wrong numbers quietly)
  let threw = 0;
  for (const cut of [4, 100, 5000, bytes.length >> 1, bytes.length - 9, bytes.length - 1]) {
    try {
      readParquetColumns(bytes.subarray(0, cut), ['id', 'f', 'few']);
    } catch {
      threw++;
    }
  }
  expect(threw).toBe(6);
  // a flipped byte inside the first page of `f` (snappy or sizes no longer agree) throws; any
  // flip that still decodes must give values of the right count
  let outcomes = 0;
  for (let at = 4; at < 4000; at += 37) {
    const flipped = Uint8Array.from(bytes);
    flipped[at] ^= 0xff;
    try {
      const res = readParquetColumns(flipped, ['id', 'f', 'few']);
      expect(res.numbers.id).toHaveLength(N);
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
    }
    outcomes++;
  }
  expect(outcomes).toBe(108);
});

test('no rows: a file both readers open, with the schema', async () => {
  const parts: Uint8Array[] = [];
  const w = new ParquetWriter(COLUMNS, (b) => parts.push(b.slice()));
  w.add(arrowTable([], COLUMNS));
  w.close();
  const empty = path.join(tmp, 'empty.parquet');
  fs.writeFileSync(empty, Buffer.concat(parts));
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const r = (await db.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${empty}')`)).getRowObjectsJS();
  expect(Number(r[0].n)).toBe(0);
});

test('a text column that is null in every row of a row group: all three readers open it (a scan whose service saw no packets)', async () => {
  const parts: Uint8Array[] = [];
  const w = new ParquetWriter(COLUMNS, (b) => parts.push(b.slice()));
  const nulls = data.slice(0, 5000).map((r) => ({ ...r, few: null }));
  w.add(arrowTable(nulls, COLUMNS));
  w.close();
  const b = Buffer.concat(parts);
  const f = path.join(tmp, 'nulls.parquet');
  fs.writeFileSync(f, b);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const r = (await db.runAndReadAll(`SELECT count(*) AS n, count(few) AS few, min(many) AS m FROM read_parquet('${f}')`)).getRowObjectsJS();
  expect([Number(r[0].n), Number(r[0].few), r[0].m]).toEqual([5000, 0, nulls.map((x) => x.many).sort()[0]]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pw = require('parquet-wasm/node') as { readParquet(b: Uint8Array): { intoIPCStream(): Uint8Array } };
  const t = tableFromIPC(pw.readParquet(b).intoIPCStream());
  expect(t.numRows).toBe(5000);
  expect(t.getChild('few')!.nullCount).toBe(5000);
  const own = readParquetColumns(b, ['id', 'few']);
  expect(own.rows).toBe(5000);
  expect(own.strings.few.every((x) => x === null || x === undefined)).toBe(true);
  expect(Array.from(own.numbers.id.subarray(0, 3))).toEqual(nulls.slice(0, 3).map((x) => x.id));
});

test('snappy: compress then decompress gives the bytes back, on text, numbers, runs and noise', () => {
  const inputs = [
    new Uint8Array(0),
    new TextEncoder().encode('a'),
    new TextEncoder().encode('2026-12-03 stunnel LOG5[1]: Service [https] accepted connection\n'.repeat(3000)),
    Uint8Array.from({ length: 200_000 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff),
    new Uint8Array(new Float64Array(Array.from({ length: 30_000 }, (_, i) => i % 100)).buffer),
    new Uint8Array(150_000).fill(7),
  ];
  for (const src of inputs) {
    const out = new Uint8Array(maxCompressedLength(src.length));
    const n = compress(src, out, 0);
    expect(n).toBeLessThanOrEqual(maxCompressedLength(src.length));
    expect(Buffer.from(decompress(out.subarray(0, n))).equals(Buffer.from(src))).toBe(true);
    // into a reused buffer: a view of it when it is large enough (stale bytes past the end left alone), else a new array
    const room = new Uint8Array(src.length + 5).fill(0xee);
    const inRoom = decompress(out.subarray(0, n), room);
    expect(inRoom.buffer).toBe(room.buffer);
    expect(Buffer.from(inRoom).equals(Buffer.from(src))).toBe(true);
    expect(Array.from(room.subarray(src.length))).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]);
    const small = new Uint8Array(Math.max(0, src.length - 1));
    const grown = decompress(out.subarray(0, n), small);
    if (src.length > 0) expect(grown.buffer).not.toBe(small.buffer);
    expect(Buffer.from(grown).equals(Buffer.from(src))).toBe(true);
  }
});
