/**
 * @module logs/text
 * A log held in memory (a string or bytes) on the UTC timeline, with no Node module: the options
 * every log read takes, {@link parseLogText}, and {@link logsDocument} (the `alibi logs --json`
 * document of any result). Files, stdin and rotated sets by path are `readLog` and `readLogSet`
 * (logs/index.ts, Node).
 */
import type { Warning } from '../errors';
import { ArgumentError } from '../errors';
import { parseDuration, isoSeconds } from '../time';
import type { Silence } from '../silence/detect';
import { fieldFormat, formatByName, regexFormat, zoneByName, type LogFormat } from './formats';
import { scanBytes, type LogScanResult, type ScanOptions } from './ingest';
import { DateTime, type Zone } from 'luxon';

/** Options of `readLog` / `readLogSet` (Node) and {@link parseLogText}; every one is optional. */
export interface ReadLogOptions {
  /** `auto` (default), a built-in name (`stunnel`, `syslog`, `rfc5424`, `iso8601`, `clf`, `nginx-error`, `epoch`, `journal`), a luxon format string, or a LogFormat. */
  format?: string | LogFormat;
  /** IANA zone (or `UTC`, `UTC+5`) of local times without an offset. Default: the machine's zone. */
  tz?: string;
  /** Count only entries matching this (a string is a JavaScript regex source). */
  match?: string | RegExp;
  /** Bin width: `1s` (default), `250ms`, `5m`, or seconds. */
  interval?: string | number;
  /** Minimum silence: `30s`, or seconds. Default: adaptive (see silence/detect). */
  minGap?: string | number;
  /** Also return the counted entries as columns (`events.time` epoch seconds, `events.line`). */
  keepEvents?: boolean;
  /** Year of the first line of an RFC 3164 syslog (which carries none). */
  year?: number;
  /** Modification time (epoch seconds) to take a syslog's year from; read from the file for paths. */
  mtime?: number;
  /** Name used in warnings for in-memory input. */
  file?: string;
  /** Longest line kept, bytes (default 65536). */
  maxLineBytes?: number;
  /**
   * Keep only this program's lines of a syslog file (`stunnel` in `host stunnel[42]: …`); other
   * programs' lines are skipped (`otherProgramLines`), neither counted nor unparsed. Default:
   * every line.
   */
  program?: string;
  /** `program` is a default (e.g. the component's name in analyze): ignored without a word where lines carry no tag. */
  programDefault?: boolean;
  /**
   * The time is in this field of the line (1-based; fields are separated by white space, `,`, `;`
   * or `|`): `- 1117838570 2005.06.03 …` has it in field 2. Read with `format` when given, else
   * with any built-in format.
   */
  timeField?: number;
  /** The time is where this regex finds it: its group `time`, else its first group, else the match. */
  timeRegex?: string | RegExp;
  /** Bin only inside [start, end] (epoch s); the rest is read, not binned, and bins are never widened. */
  window?: { start: number; end: number };
}

/** The machine's IANA zone (`Intl`), `UTC` when it has none. */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** User options → scanner options; throws ArgumentError on a bad zone, format, regex or duration. */
export function scanOptions(o: ReadLogOptions = {}): ScanOptions {
  const zoneName = o.tz ?? machineZone();
  let match: RegExp | undefined;
  if (o.match !== undefined) {
    try {
      match = typeof o.match === 'string' ? new RegExp(o.match) : o.match;
    } catch (err) {
      throw new ArgumentError(`match (alibi --match): ${(err as Error).message}`);
    }
    // A global/sticky regex keeps lastIndex between lines; we want each line tested afresh.
    if (match.global || match.sticky) match = new RegExp(match.source, match.flags.replace(/[gy]/g, ''));
  }
  let format = typeof o.format === 'object' ? o.format : formatByName(o.format ?? 'auto');
  if (o.timeField !== undefined && o.timeRegex !== undefined) throw new ArgumentError('choose one of timeField and timeRegex (alibi --time-field, --time-regex)');
  if (o.timeField !== undefined) format = fieldFormat(format, o.timeField);
  else if (o.timeRegex !== undefined) format = regexFormat(format, o.timeRegex);
  return {
    format,
    zone: zoneByName(zoneName),
    zoneName,
    zoneSource: o.tz ? 'option' : 'machine',
    interval: parseDuration(o.interval ?? '1s', 'interval'),
    minGap: o.minGap === undefined ? undefined : parseDuration(o.minGap, 'min-gap'),
    match,
    keepEvents: o.keepEvents,
    file: o.file,
    year: o.year,
    mtime: o.mtime,
    maxLineBytes: o.maxLineBytes,
    program: o.program,
    programDefault: o.programDefault,
    window: o.window,
  };
}

/**
 * A yearless log's years, checked at its end: the first pass walked forward from a guess for the
 * first line (one New Year before the file time at most), so a log spanning years ends in the
 * future. The rule is that the last line is not after the file's modification time; returns the
 * first line's year that keeps it, or null when the guess was right.
 */
export function yearFix(res: LogScanResult, mtime: number, opts: ScanOptions): number | null {
  if (res.assumedYear === undefined || res.last === null) return null;
  const d = DateTime.fromSeconds(res.last, { zone: opts.zone });
  const want = lastLineYear({ month: d.month, day: d.day, secOfDay: d.hour * 3600 + d.minute * 60 + d.second }, mtime, opts.zone);
  return want === d.year ? null : res.assumedYear + (want - d.year);
}

export function yearsFixed(res: LogScanResult, opts: ScanOptions, again: (o: ScanOptions) => LogScanResult): LogScanResult {
  if (opts.year !== undefined || opts.mtime === undefined) return res;
  const fixed = yearFix(res, opts.mtime, opts);
  return fixed === null ? res : again({ ...opts, year: fixed });
}

/**
 * The year of a yearless log's last line: the year of `mtime` in the log's zone, or the one
 * before when that would put the line after the mtime. A day of slack: a logger's clock a little
 * ahead of the file system's must not move its last line back a whole year.
 */
export function lastLineYear(last: { month: number; day: number; secOfDay: number }, mtime: number, zone: Zone): number {
  const m = DateTime.fromSeconds(mtime, { zone });
  const mtimeWall = Date.UTC(m.year, m.month - 1, m.day, m.hour, m.minute, m.second) / 1000;
  const wall = Date.UTC(m.year, last.month - 1, last.day) / 1000 + last.secOfDay;
  return wall > mtimeWall + 86400 ? m.year - 1 : m.year;
}

/**
 * Reads a log held in memory (sync).
 * @example
 * parseLogText('2026.11.23 15:42:03 LOG5[ui]: hi\n', { tz: 'UTC' }).first; //=> 1795448523
 */
export function parseLogText(text: string | Uint8Array, options: ReadLogOptions = {}): LogScanResult {
  const opts = scanOptions(options);
  return yearsFixed(scanBytes(text, opts), opts, (o) => scanBytes(text, o));
}

/** The SPEC `alibi logs --json` bin. */
export interface LogBin {
  start: string;
  lines: number;
}

/** A silence in the document: ISO times, seconds. */
export interface SilenceDoc {
  start: string;
  end: string;
  duration: number;
  kind: Silence['kind'];
}

/**
 * The `alibi logs --json` document (SPEC.md): `{format, timezone, lines, parsed, unparsed, first,
 * last, bins, silences, warnings}`, followed by the extra counters (continuation, backwards,
 * matched, DST) and the silence rule used.
 */
export interface LogsDocument {
  format: string;
  timezone: string;
  lines: number;
  parsed: number;
  unparsed: number;
  first: string | null;
  last: string | null;
  bins: LogBin[];
  silences: SilenceDoc[];
  warnings: Warning[];
  continuation: number;
  backwards: number;
  matched: number | null;
  dst: { gap: number; repeatedHour: number };
  interval: number;
  minGap: number;
  minGapRule: string;
  baseline: number;
  /** Year taken for the first line of a log whose lines carry none (the last line is not after the file time). */
  assumedYear?: number;
  /** The bins were widened from this interval (s): the log spans more than 2^20 of the asked ones. */
  intervalWidened?: number;
  /** Times far from the lines around them, skipped (see the `time_outlier` warnings). */
  outliers: number;
}

/**
 * The SPEC JSON of a result. Times are ISO-8601 UTC with the log's own precision (none for
 * stunnel, ms for `$msec`, µs for RFC 5424); durations are seconds.
 * @example
 * logsDocument(parseLogText('2026.11.23 15:42:03 LOG5[ui]: hi\n', { tz: 'UTC' })).bins
 * //=> [{ start: '2026-11-23T15:42:03Z', lines: 1 }]
 */
export function logsDocument(r: LogScanResult, matchUsed = false): LogsDocument {
  const iso = (t: number | null) => (t === null ? null : isoSeconds(t, r.fracDigits));
  const bins: LogBin[] = new Array(r.counts.length);
  for (let i = 0; i < r.counts.length; i++) bins[i] = { start: r.grid!.isoStartOf(i), lines: r.counts[i] };
  // Gap ends are entry times (the log's precision); low-rate ends are bin edges (whole ms).
  const digits = (s: Silence) =>
    s.kind === 'gap' ? r.fracDigits : Number.isInteger(s.start) && Number.isInteger(s.end) ? 0 : 3;
  return {
    format: r.format,
    timezone: r.timezone,
    lines: r.lines,
    parsed: r.parsed,
    unparsed: r.unparsed,
    first: iso(r.first),
    last: iso(r.last),
    bins,
    silences: r.silence.silences.map((s) => ({
      start: isoSeconds(s.start, digits(s)),
      end: isoSeconds(s.end, digits(s)),
      duration: round6(s.duration),
      kind: s.kind,
    })),
    warnings: r.warnings,
    continuation: r.continuation,
    backwards: r.backwards,
    matched: matchUsed ? r.counted : null,
    dst: { gap: r.dstGap, repeatedHour: r.dstAmbiguous },
    interval: r.interval,
    minGap: r.silence.minGap,
    minGapRule: r.silence.minGapRule,
    baseline: r.silence.baseline,
    ...(r.assumedYear !== undefined ? { assumedYear: r.assumedYear } : {}),
    ...(r.intervalWidened !== undefined ? { intervalWidened: r.intervalWidened } : {}),
    outliers: r.outliers,
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
