/**
 * @module logs
 * Application logs on the UTC timeline: read a log in any of the known timestamp formats and
 * zones, count its entries per interval on the shared epoch-aligned grid, and find its silences.
 *
 * - {@link readLog} — async, a path / `-` / stream / bytes, streamed in constant memory (Node).
 * - {@link readLogSet} — a rotated set of files as one log (Node).
 * - {@link parseLogText} — sync, for a log already in memory (logs/text, no Node module).
 * - {@link logsDocument} — the `alibi logs --json` document of a result (logs/text).
 */
import { promises as fsp } from 'node:fs';
import { scanBytes, type LogScanResult } from './ingest';
import { scanLog } from './read';
import { scanLogSet } from './set';
import { scanOptions, yearFix, yearsFixed, type ReadLogOptions } from './text';

export type { LogScanResult, LogEvents } from './ingest';
export type { Silence, SilenceReport } from '../silence/detect';
export { atField, builtinFormats, detectFormat, fieldFormat, formatByName, luxonFormat, regexFormat, type Detected, type LogFormat, type BuiltinFormatName } from './formats';
export { rotationOrder } from './set';
export { classifyLog, type LogClass } from './classify';
export { machineZone, scanOptions, parseLogText, logsDocument, type ReadLogOptions, type LogBin, type SilenceDoc, type LogsDocument } from './text';

/**
 * Reads a log — a path, `-` for stdin, a readable stream, or bytes — in one streamed pass.
 * @example
 * const r = await readLog('stunnel.log', { tz: 'America/New_York', minGap: '10s' });
 * r.format; //=> 'stunnel'
 * r.silence.silences[0]; //=> { start: <epoch s>, end: <epoch s>, duration: 20, kind: 'gap', startLine, endLine }
 */
export async function readLog(
  input: string | Uint8Array | NodeJS.ReadableStream,
  options: ReadLogOptions = {},
): Promise<LogScanResult> {
  const opts = scanOptions(options);
  if (input instanceof Uint8Array) return yearsFixed(scanBytes(input, opts), opts, (o) => scanBytes(input, o));
  if (typeof input !== 'string' || input === '-') return scanLog(input, opts);
  const res = await scanLog(input, opts);
  if (res.assumedYear === undefined || opts.year !== undefined) return res;
  const mtime = opts.mtime ?? (await fsp.stat(input)).mtimeMs / 1000;
  const fixed = yearFix(res, mtime, opts);
  return fixed === null ? res : scanLog(input, { ...opts, mtime, year: fixed });
}

/**
 * Reads a rotated set (`messages`, `messages.1`, `messages.2.gz`) as ONE log in time order,
 * streamed file after file: oldest first by rotation suffix (higher = older, the unsuffixed file
 * newest; `-YYYYMMDD` dates), else by each file's first timestamp. Yearless syslog lines get
 * their years across the set: the newest file's last line takes the year of its modification
 * time, earlier lines walk back across New Year. Counts, bins and silences span the set;
 * warnings name the file and its line.
 * @example
 * const r = await readLogSet(['messages', 'messages.1', 'messages.2.gz'], { program: 'stunnel', tz: 'America/New_York' });
 * r.files; //=> ['messages.2.gz', 'messages.1', 'messages']
 * r.programLines; //=> stunnel's lines; r.otherProgramLines: cron, sshd, kernel …
 */
export async function readLogSet(files: string[], options: ReadLogOptions & { program?: string } = {}): Promise<LogScanResult> {
  return scanLogSet(files, scanOptions(options));
}
