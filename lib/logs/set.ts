/**
 * @module logs/set
 * A rotated log (`messages messages.1 messages.2.gz`, `access.log access.log.1 …`,
 * `messages-20261124.gz messages-20261125`) read as ONE log in time order, streamed file after
 * file through one scanner: counts, bins and silences span the whole set, and a silence across a
 * rotation is one silence.
 *
 * Years of yearless (RFC 3164) lines are inferred across the set: the newest file's last line
 * takes the year of that file's modification time (never more than a day after it), and the
 * lines before it walk back across New Year wherever the month goes backwards.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ArgumentError, InputError, LogFormatError, type Warning } from '../errors';
import { LogScanner, scanBytes, type LogScanResult, type ScanOptions } from './ingest';
import { inflated, pumpPlainFile } from './read';
import { lastLineYear } from './text';

/** A rotated file name: its base, and where it sits in the rotation. */
interface Rotation {
  base: string;
  /** `.N` suffix (higher = older), a `-YYYYMMDD` date (higher = newer), or none (the live file). */
  kind: 'number' | 'date' | 'live';
  n: number;
}

function rotationOf(file: string): Rotation {
  const name = path.basename(file).replace(/\.gz$/, '');
  let m = /^(.*)\.(\d{1,6})$/.exec(name);
  if (m) return { base: m[1], kind: 'number', n: Number(m[2]) };
  m = /^(.*)-(\d{8}(?:\d{2,6})?)$/.exec(name);
  if (m) return { base: m[1], kind: 'date', n: Number(m[2]) };
  return { base: name, kind: 'live', n: 0 };
}

/**
 * The files of a rotated set, oldest first, by their rotation suffixes: null when the names do
 * not tell (different base names, numbers mixed with dates).
 * @example
 * rotationOrder(['messages', 'messages.2.gz', 'messages.1']) //=> ['messages.2.gz', 'messages.1', 'messages']
 */
export function rotationOrder(files: string[]): string[] | null {
  const r = files.map((f) => ({ f, ...rotationOf(f) }));
  if (new Set(r.map((x) => x.base)).size !== 1) return null;
  const kinds = new Set(r.filter((x) => x.kind !== 'live').map((x) => x.kind));
  if (kinds.size > 1 || r.filter((x) => x.kind === 'live').length > 1) return null;
  const rank = (x: Rotation) => (x.kind === 'live' ? Infinity : x.kind === 'number' ? -x.n : x.n);
  return r.sort((a, b) => rank(a) - rank(b)).map((x) => x.f);
}

/** Bytes read from the start of a file to find its first timestamp. */
const HEAD_BYTES = 1 << 16;

/** The first entry time of a file, from its first 64 KiB (yearless logs: as if all in one year). */
async function firstTime(file: string, opts: ScanOptions): Promise<number> {
  const fh = await fsp.open(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const { gunzipSync, constants } = await import('node:zlib');
    try {
      head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return Infinity;
    }
  }
  const cut = head.lastIndexOf(10);
  if (cut < 0) return Infinity;
  try {
    const r = scanBytes(head.subarray(0, cut + 1), { ...opts, year: opts.year ?? 2000, mtime: undefined, program: undefined, file });
    return r.first ?? Infinity;
  } catch {
    return Infinity;
  }
}

/** Oldest first: by rotation suffix when the names tell, else by each file's first entry. */
export async function orderLogFiles(files: string[], opts: ScanOptions): Promise<string[]> {
  const byName = rotationOrder(files);
  if (byName) return byName;
  const t = await Promise.all(files.map((f) => firstTime(f, opts)));
  return files.map((f, i) => ({ f, t: t[i] })).sort((a, b) => a.t - b.t || a.f.localeCompare(b.f, 'en', { numeric: true })).map((x) => x.f);
}

/** Streams the files, oldest first, through one scanner. */
async function scanFiles(files: string[], opts: ScanOptions): Promise<{ res: LogScanResult; scanner: LogScanner }> {
  const scanner = new LogScanner({ ...opts, file: files[0] });
  const damaged: Warning[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    if (i > 0) scanner.nextFile(file);
    let bytes = 0;
    try {
      // Plain files through readLog's double-buffered reads; gzip ones inflated as a stream.
      const plain = await pumpPlainFile(file, scanner);
      if (plain instanceof Error) {
        damaged.push({ file, reason: `read error: ${plain.message}`, code: 'input_damaged' });
      } else if (plain === 'gzip') {
        for await (const chunk of inflated(createReadStream(file, { highWaterMark: 1 << 20 }))) {
          bytes += chunk.length;
          scanner.push(chunk);
        }
      }
    } catch (err) {
      if (err instanceof LogFormatError || err instanceof ArgumentError) throw err;
      if (bytes === 0 && files.length === 1) throw new InputError((err as Error).message, { file }, { cause: err });
      // One damaged member: keep what it gave, the rest of the set is read.
      damaged.push({ file, reason: `input damaged after ${bytes} bytes: ${(err as Error).message}`, code: 'input_damaged' });
    }
  }
  const res = scanner.finish();
  res.warnings.push(...damaged);
  return { res, scanner };
}

/**
 * Scans a rotated set of logs as one log in time order (see the module doc; the user-facing
 * entry is `readLogSet` in logs/index.ts). Returns the whole set's result, `files` oldest first.
 */
export async function scanLogSet(files: string[], opts: ScanOptions): Promise<LogScanResult> {
  if (files.length === 0) throw new ArgumentError('a log set needs at least one file');
  const unique = [...new Set(files)];
  const stats = await Promise.all(
    unique.map(async (f) => {
      try {
        const st = await fsp.stat(f);
        if (st.isDirectory()) throw new InputError('is a directory', { file: f });
        return st;
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw new InputError((err as Error).message, { file: f }, { cause: err });
      }
    }),
  );
  const ordered = await orderLogFiles(unique, opts);
  const newest = ordered[ordered.length - 1];
  const mtime = opts.mtime ?? stats[unique.indexOf(newest)].mtimeMs / 1000;
  let { res, scanner } = await scanFiles(ordered, { ...opts, mtime });
  const years = scanner.yearInfo();
  if (years && opts.year === undefined) {
    // The first pass guessed the first line's year from the mtime; the rule fixes the last one's.
    const want = lastLineYear(years, mtime, opts.zone);
    if (want !== years.last) ({ res } = await scanFiles(ordered, { ...opts, year: years.first + (want - years.last) }));
  }
  res.files = ordered;
  return res;
}
