/**
 * @module report/parquet
 * Rows as an Apache Parquet file (`--parquet FILE`): what DuckDB, Spark, ClickHouse, Trino and
 * BigQuery read without an extension. The rows become the same Arrow batches `--arrow` writes (one
 * schema, report/schema), and report/parquetfile encodes them as they come: timestamps stay
 * nanoseconds UTC, counts int64 (delta-packed), text dictionary-encoded, Snappy where it pays.
 *
 * Our own writer, not a library's: parquet-wasm (the Rust crate in WebAssembly, used before) held
 * 35-42 MiB of WebAssembly heap plus its code whatever the row-group size, which kept
 * `flows --parquet` on the benchmark capture near 300 MiB; the pure-JS hyparquet-writer needs all
 * rows as JS arrays first and is ES-module-only (this CommonJS package cannot require it).
 */
import * as fs from 'node:fs';
import type { Table } from 'apache-arrow';
import { concatBytes } from '../bytes/concat';
import { arrowTable, type ArrowColumn } from './arrow';
import { ParquetWriter, type ParquetColumn } from './parquetfile';

/** Rows → the bytes of a Parquet file with the given typed columns (in order). */
export function parquetFile<R>(rows: readonly R[], columns: readonly ArrowColumn<R>[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  const w = new ParquetWriter(columns, (b) => {
    parts.push(b);
    n += b.length;
  });
  w.add(arrowTable(rows, columns));
  w.close();
  return concatBytes(parts, n);
}

/** File writes are gathered into pieces of this size (a page header alone is a few bytes). */
const WRITE_BYTES = 1 << 20;

/**
 * A Parquet file written while its rows are still being made: each Arrow batch given to `add` is
 * encoded at once into pages, and a row group's pages go to the file when it is full. So what is
 * held is one row group's encoded pages, not the rows or the file.
 */
export class ParquetStreamWriter {
  private readonly fd: number;
  private readonly writer: ParquetWriter;
  private buf = new Uint8Array(WRITE_BYTES);
  private n = 0;

  /** `columns`: the file's schema. Throws (the caller words it) when the file cannot be opened. */
  constructor(private readonly file: string, columns: readonly ParquetColumn[]) {
    this.fd = fs.openSync(file, 'w');
    this.writer = new ParquetWriter(columns, (b) => this.write(b));
  }

  private write(b: Uint8Array): void {
    if (this.n + b.length > this.buf.length) this.flush();
    if (b.length >= this.buf.length) fs.writeSync(this.fd, b);
    else {
      this.buf.set(b, this.n);
      this.n += b.length;
    }
  }

  private flush(): void {
    if (this.n > 0) fs.writeSync(this.fd, this.buf, 0, this.n);
    this.n = 0;
  }

  /** Encodes one batch. */
  add(batch: Table): void {
    this.writer.add(batch);
  }

  /** Nothing waits: batches are encoded when added. */
  get pending(): number {
    return 0;
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }

  /** Gives up (the pass failed): the unfinished file is removed. */
  async abort(_reason: unknown): Promise<void> {
    fs.closeSync(this.fd);
    fs.rmSync(this.file, { force: true });
  }

  /** Ends the file: the last row group and the footer. */
  async close(): Promise<void> {
    try {
      this.writer.close();
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}
