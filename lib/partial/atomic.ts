/**
 * @module partial/atomic
 * A Parquet file written under a temporary name and renamed into place only when whole: a scan
 * killed half-way leaves no file a reader could take for complete. Sealing (footer written, file
 * closed) and committing (the rename) are apart, so a file sealed in one thread is committed in
 * the order the part's files must appear (`parts/` last).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Table } from 'apache-arrow';
import { ParquetWriter, type ParquetColumn } from '../report/parquetfile';

/** The temporary name `file` is written under: hidden, beside it, unique to this process. */
export function temporaryName(file: string): string {
  return `${path.dirname(file)}/.${path.basename(file)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A Parquet file written to a temporary name (`tmp`, or one made here) and renamed to `file` on `close`. */
export class AtomicParquet {
  readonly tmp: string;
  private readonly fd: number;
  private readonly w: ParquetWriter;
  private sealed = false;

  constructor(readonly file: string, columns: readonly ParquetColumn[], tmp = temporaryName(file)) {
    this.tmp = tmp;
    this.fd = fs.openSync(this.tmp, 'w');
    this.w = new ParquetWriter(columns, (b) => fs.writeSync(this.fd, b));
  }
  add(t: Table): void {
    this.w.add(t);
  }
  /** Writes the footer and closes the temporary file (not yet in place). */
  seal(): void {
    if (this.sealed) return;
    this.w.close();
    fs.closeSync(this.fd);
    this.sealed = true;
  }
  /** Seals, then renames into place. */
  close(): void {
    this.seal();
    fs.renameSync(this.tmp, this.file);
  }
  abort(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    fs.rmSync(this.tmp, { force: true });
  }
}
