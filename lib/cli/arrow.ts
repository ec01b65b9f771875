/**
 * @module cli/arrow
 * `--arrow FILE` and `--parquet FILE` for flows, series, logs and analyze. apache-arrow (~150 ms
 * to load) and parquet-wasm are required only when an option asks for them.
 */
import * as fs from 'node:fs';
import { ArgumentError, MemoryLimitError } from '../errors';

/**
 * Most bytes of Arrow columns held for --arrow / --parquet (2 GiB: about 13 M flow rows): past it,
 * a typed error says what to do rather than the machine's memory running out.
 */
export const COLUMNAR_BUDGET = 2 * 2 ** 30;
import type { ArrowColumn } from '../report/arrow';

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
 * columns in batches as they come (report/arrow's ArrowBatcher), so a capture's records are never
 * all held as objects. Parquet is encoded as the batches come (give the pass `idle` between its
 * slots); Arrow's file is written at the end from the held batches, under a budget. `finish()`
 * completes both.
 */
export async function columnarSink<R>(values: { arrow?: string; parquet?: string }, columns: readonly ArrowColumn<R>[], input = '<input>', budget = COLUMNAR_BUDGET): Promise<{ add(r: R): void; idle(): Promise<void> | undefined; finish(): Promise<void> }> {
  const { ArrowBatcher, tableFile } = await import('../report/arrow');
  const { ParquetStreamWriter } = await import('../report/parquet');
  const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
  let parquet: InstanceType<typeof ParquetStreamWriter> | null = null;
  if (values.parquet !== undefined) {
    try {
      parquet = new ParquetStreamWriter(values.parquet);
    } catch (e) {
      throw new ArgumentError(`cannot write --parquet ${values.parquet}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const batcher = new ArrowBatcher(
    columns,
    undefined,
    (bytes, rows) => {
      if (bytes > budget) throw new MemoryLimitError(`${rows.toLocaleString('en-US')} rows held as Arrow columns for --arrow fill ${mib(bytes)} (more than ${mib(budget)}): the file is written when the capture ends; write --csv or --parquet instead (streamed), or read less of the capture (--filter, --port, --host)`, { file: input });
    },
    parquet ? (t) => parquet!.add(t) : undefined,
    values.arrow !== undefined,
  );
  return {
    add: (r) => batcher.add(r),
    idle: () => (parquet && parquet.pending > 0 ? parquet.idle() : undefined),
    async finish() {
      if (values.arrow !== undefined) write('--arrow', values.arrow, tableFile(batcher.table()));
      else batcher.takeBatches(); // the last rows go to the Parquet writer
      if (parquet) {
        const file = values.parquet;
        await parquet.close().catch((e: NodeJS.ErrnoException) => {
          throw new ArgumentError(`cannot write --parquet ${file}: ${e.code ?? e.message}`);
        });
      }
    },
  };
}

/** Usage errors for empty --arrow / --parquet file names. */
export function checkColumnarFlags(values: { arrow?: string; parquet?: string }): void {
  if (values.arrow === '') throw new ArgumentError('--arrow needs a file name');
  if (values.parquet === '') throw new ArgumentError('--parquet needs a file name');
}
