/**
 * @module cli/arrow
 * `--arrow FILE` and `--parquet FILE` for flows, series, logs and analyze. apache-arrow (~150 ms
 * to load) and the Parquet writer are required only when an option asks for them.
 */
import * as fs from 'node:fs';
import { ArgumentError } from '../errors';
import type { ArrowColumn } from '../report/arrow';
import type { Table } from 'apache-arrow';

function write(flag: string, file: string, bytes: Uint8Array): void {
  try {
    fs.writeFileSync(file, bytes);
  } catch (e) {
    throw new ArgumentError(`cannot write ${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Writes rows as an Arrow IPC file with the given typed columns. */
export async function writeArrowFile<R>(file: string, rows: readonly R[], columns: readonly ArrowColumn<R>[]): Promise<void> {
  const { arrowFile } = await import('../report/arrow');
  write('--arrow', file, arrowFile(rows, columns));
}

/** Writes rows as a Parquet file with the given typed columns. */
export async function writeParquetFile<R>(file: string, rows: readonly R[], columns: readonly ArrowColumn<R>[]): Promise<void> {
  const { parquetFile } = await import('../report/parquet');
  write('--parquet', file, parquetFile(rows, columns));
}

/** The --arrow / --parquet files a command was asked for, written from the same rows. */
export async function writeColumnar<R>(values: { arrow?: string; parquet?: string }, rows: readonly R[], columns: readonly ArrowColumn<R>[]): Promise<void> {
  if (values.arrow !== undefined) await writeArrowFile(values.arrow, rows, columns);
  if (values.parquet !== undefined) await writeParquetFile(values.parquet, rows, columns);
}

/**
 * The --arrow / --parquet files from rows that arrive one at a time: they are turned into Arrow
 * columns in batches as they come (report/arrow's ArrowBatcher), and each batch goes to the file
 * writers at once — Arrow's IPC file writer and report/parquet's stream writer (row groups of 128 k
 * rows) — which write when the event loop turns (give the pass `idle` between its slots). So
 * neither the records nor the columns of a capture are held. `finish()` completes both files.
 */
export async function columnarSink<R>(values: { arrow?: string; parquet?: string }, columns: readonly ArrowColumn<R>[]): Promise<{ add(r: R): void; addBatch(t: Table): void; idle(): Promise<void> | undefined; finish(): Promise<void>; abort(reason: unknown): Promise<void> }> {
  const { ArrowBatcher, ArrowFileStream, arrowTable } = await import('../report/arrow');
  const { ParquetStreamWriter } = await import('../report/parquet');
  const open = <W>(flag: string, file: string | undefined, make: (f: string) => W): W | null => {
    if (file === undefined) return null;
    try {
      return make(file);
    } catch (e) {
      throw new ArgumentError(`cannot write ${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const arrow = open('--arrow', values.arrow, (f) => new ArrowFileStream(f, columns));
  const parquet = open('--parquet', values.parquet, (f) => new ParquetStreamWriter(f, columns));
  const batcher = new ArrowBatcher(columns, (t) => { arrow?.add(t); parquet?.add(t); });
  const closing = async (flag: string, file: string | undefined, w: { close(): Promise<void> } | null) => {
    await w?.close().catch((e: NodeJS.ErrnoException) => {
      throw new ArgumentError(`cannot write ${flag} ${file}: ${e.code ?? e.message}`);
    });
  };
  let rows = 0;
  return {
    add: (r) => { rows++; batcher.add(r); },
    /** A batch made elsewhere with the same columns (report/flowcolumns). */
    addBatch: (t) => {
      rows += t.numRows;
      arrow?.add(t);
      parquet?.add(t);
    },
    idle: () => ((arrow?.pending ?? 0) + (parquet?.pending ?? 0) > 0 ? Promise.all([arrow?.idle(), parquet?.idle()]).then(() => undefined) : undefined),
    /** The pass failed: no half-written file is left behind. */
    async abort(reason) {
      await arrow?.abort(reason);
      await parquet?.abort(reason);
    },
    async finish() {
      batcher.flush(); // the last rows go to the writers
      // No row at all: Parquet's stream writer needs a batch for the schema (an empty one).
      if (rows === 0) parquet?.add(arrowTable([], columns));
      await closing('--arrow', values.arrow, arrow);
      await closing('--parquet', values.parquet, parquet);
    },
  };
}

/** Usage errors for empty --arrow / --parquet file names. */
export function checkColumnarFlags(values: { arrow?: string; parquet?: string }): void {
  if (values.arrow === '') throw new ArgumentError('--arrow needs a file name');
  if (values.parquet === '') throw new ArgumentError('--parquet needs a file name');
}
