/**
 * @module cli/arrow
 * `--arrow FILE` for flows, series and logs. apache-arrow (~150 ms to load) is required only
 * when the option is given.
 */
import * as fs from 'node:fs';
import { ArgumentError } from '../errors';
import type { ArrowColumn } from '../report/arrow';

/** Writes rows as an Arrow IPC file with the given typed columns. */
export async function writeArrowFile<R>(file: string, rows: readonly R[], columns: readonly ArrowColumn<R>[]): Promise<void> {
  const { arrowFile } = await import('../report/arrow');
  const bytes = arrowFile(rows, columns);
  try {
    fs.writeFileSync(file, bytes);
  } catch (e) {
    throw new ArgumentError(`cannot write --arrow ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
