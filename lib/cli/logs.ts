/**
 * @module cli/logs
 * `alibi logs <log> [--tz ZONE] [--format …] [--match REGEX] [--interval 1s] [--min-gap 30s] [--json]`
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { progressBar, PROGRESS_MIN_BYTES } from './progress';
import { AlibiError, ArgumentError } from '../errors';
import { isoSeconds } from '../time';
import { writeColumnar } from './arrow';
import { LOG_BIN_COLUMNS } from '../report/schema';
import { builtinFormats } from '../logs/formats';
import { logsDocument, machineZone, readLog, type LogScanResult } from '../logs';
import { forTerminal, forTerminalLines } from '../report/escape';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stderr is a TTY (progress bar only then). */
  isTTY?: boolean;
}

export const LOGS_HELP = `Usage: alibi logs <log> [options]

Reads an application log, puts every entry on the UTC timeline, counts entries per interval
and reports where the log went silent. <log> is a path ("-" for stdin); .gz is read transparently.

Options:
  --format F      auto (default: detected from the first lines) or one of:
${builtinFormats().map((f) => `                    ${f.name.padEnd(15)} ${f.description}`).join('\n')}
                    epoch-s, epoch-ms, epoch-us, epoch-ns: an epoch in that unit, any digit count
                  or a luxon format string, e.g. "dd/MM/yyyy HH:mm:ss" (slow path; "'- 'X" reads
                  epoch seconds after a literal). Detection tries every format at the start of
                  each of the first 12 fields; lines another dated format reads are kept too
  --tz ZONE       IANA zone (America/New_York, UTC, UTC+5) of times written without an offset
                  (default: this machine's zone, ${machineZone()}; the report says which was used)
  --time-field N  the time is in field N of each line (1-based; fields split at white space, ",",
                  ";" or "|"), e.g. 2 for "- 1117838570 2005.06.03 …"; read with --format or any
                  built-in format. Without it the first fields are searched (fields before the
                  one most lines have it in are never taken)
  --time-regex RE the time is where RE finds it (its group "time", else its first group), e.g.
                  "at=(\\S+)"; read with --format or any built-in format
  --year YYYY     year of the first line of a syslog (RFC 3164) log, which has none
                  (default: from the file's modification time; the current year for stdin)
  --match REGEX   count only entries whose text matches (JavaScript regex), e.g. "accepted connection"
  --interval D    bin width, epoch-aligned: 250ms, 1s (default), 10s, 5m
  --min-gap D     shortest silence, e.g. 30s (default: adaptive, max(10 s, 4 × the log's
                  99th-percentile gap between entries))
  --json          one JSON document on stdout
  --csv           the bins: a header line (start,lines) and one row per bin
  --arrow FILE    also write the bins as an Apache Arrow IPC file (start as timestamp[ns, UTC],
                  lines as int64) for pandas, polars, DuckDB
  --parquet FILE  also write the bins as a Parquet file (same columns and types)
  -h, --help      this help

Exit codes: 0 report produced (even from a partly damaged log), 1 log unreadable, 2 usage error.
`;

/** Runs `alibi logs`; returns the exit code. */
export async function logsCommand(argv: string[], io: CommandIo): Promise<number> {
  // Messages quote what the user gave (a zone, a pattern, a file name): shown, never obeyed.
  const say = (t: string) => io.stderr(forTerminalLines(t));
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        tz: { type: 'string' },
        format: { type: 'string' },
        match: { type: 'string' },
        interval: { type: 'string' },
        'min-gap': { type: 'string' },
        year: { type: 'string' },
        'time-field': { type: 'string' },
        'time-regex': { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        arrow: { type: 'string' },
        parquet: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    say(`alibi logs: ${(err as Error).message}\n\n${LOGS_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(LOGS_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    say(`alibi logs: expected one log file (or -), got ${positionals.length}\n\n${LOGS_HELP}`);
    return 2;
  }
  if (values.json && values.csv) {
    say(`alibi logs: choose one of --json and --csv\n`);
    return 2;
  }
  for (const flag of ['arrow', 'parquet'] as const) {
    if (values[flag] === '') {
      say(`alibi logs: --${flag} needs a file name\n`);
      return 2;
    }
  }
  const input = positionals[0];
  let year: number | undefined;
  if (values.year !== undefined) {
    year = Number(values.year);
    if (!Number.isInteger(year) || year < 1970 || year > 2200) {
      say(`alibi logs: --year must be a year like 2026, got "${values.year}"\n`);
      return 2;
    }
  }
  let timeField: number | undefined;
  if (values['time-field'] !== undefined) {
    timeField = Number(values['time-field']);
    if (!Number.isInteger(timeField) || timeField < 1) {
      say(`alibi logs: --time-field must be a field number (1 = the first), got "${values['time-field']}"\n`);
      return 2;
    }
  }
  let result: LogScanResult;
  const progress = logProgress(input, io, values.json === true || values.csv === true);
  try {
    result = await readLog(progress.input, {
      tz: values.tz as string | undefined,
      format: values.format as string | undefined,
      match: values.match as string | undefined,
      interval: values.interval as string | undefined,
      minGap: values['min-gap'] as string | undefined,
      year,
      timeField,
      timeRegex: values['time-regex'] as string | undefined,
      // stdin has no modification time: a yearless syslog read from it is taken as this year's.
      mtime: input === '-' ? Date.now() / 1000 : progress.mtime,
      file: typeof progress.input === 'string' ? undefined : input,
    });
  } catch (err) {
    if (err instanceof ArgumentError) {
      say(`alibi logs: ${err.message}\n`);
      return 2;
    }
    say(`alibi logs: ${err instanceof AlibiError ? err.describe() : (err as Error).message}\n`);
    return 1;
  } finally {
    progress.end();
  }
  const matchUsed = values.match !== undefined;
  const doc = logsDocument(result, matchUsed);
  if (typeof values.arrow === 'string' || typeof values.parquet === 'string') {
    try {
      await writeColumnar({ arrow: values.arrow as string | undefined, parquet: values.parquet as string | undefined }, doc.bins, LOG_BIN_COLUMNS);
    } catch (err) {
      say(`alibi logs: ${(err as Error).message}\n`);
      return 1;
    }
  }
  if (values.json) {
    io.stdout(JSON.stringify(doc) + '\n');
  } else if (values.csv) {
    io.stdout('start,lines\n' + doc.bins.map((b) => `${b.start},${b.lines}\n`).join(''));
    for (const w of result.warnings) io.stderr(forTerminal(`warning: ${input}: ${w.line ? `line ${w.line}: ` : ''}${w.reason}`) + '\n');
  } else {
    io.stdout(forTerminalLines(humanText(input === '-' ? '<stdin>' : input, result, matchUsed, values.match as string | undefined, year !== undefined)));
  }
  return 0;
}

/**
 * On a TTY, a large log file is read as a stream whose bytes are counted for a progress bar
 * (gzip is still recognised by its magic); otherwise the path goes to readLog untouched.
 */
function logProgress(input: string, io: CommandIo, quiet: boolean): { input: string | NodeJS.ReadableStream; mtime?: number; end(): void } {
  const plain = { input, end() {} };
  if (!io.isTTY || quiet || input === '-') return plain;
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch {
    return plain; // readLog reports it
  }
  if (!st.isFile() || st.size < PROGRESS_MIN_BYTES) return plain;
  const bar = progressBar(io, input, st.size);
  const source = fs.createReadStream(input, { highWaterMark: 1 << 20 });
  let n = 0;
  const counted = Readable.from((async function* () {
    for await (const chunk of source) {
      n += (chunk as Buffer).length;
      bar.update(n);
      yield chunk as Buffer;
    }
  })());
  return { input: counted, mtime: st.mtimeMs / 1000, end: () => bar.end() };
}


/** The default human report. */
export function humanText(name: string, r: LogScanResult, matchUsed: boolean, match?: string, yearGiven = false): string {
  const out: string[] = [];
  const iso = (t: number) => isoSeconds(t, r.fracDigits);
  const zone =
    r.zoneSource === 'option' ? `${r.timezone} (--tz)`
    : r.zoneSource === 'machine' ? `${r.timezone} (this machine's zone; set --tz if the log was written elsewhere)`
    : r.zoneSource === 'log' ? `the offsets written in the lines (first: ${r.timezone})`
    : 'UTC (epoch times)';
  out.push(`${name}: format ${r.format}${r.detected ? ' (detected)' : ''}; times read in ${zone}`);
  out.push(
    `  ${r.lines} lines: ${r.parsed} with a timestamp, ${r.unparsed} unparsed, ${r.continuation} continuation` +
      (r.backwards ? `; ${r.backwards} going back in time` : ''),
  );
  if (r.dstGap || r.dstAmbiguous) {
    out.push(`  DST: ${r.dstGap} local times in a spring-forward gap, ${r.dstAmbiguous} in a repeated fall-back hour (see warnings)`);
  }
  if (matchUsed) out.push(`  --match ${JSON.stringify(match)}: ${r.counted} entries match`);
  if (r.assumedYear !== undefined) {
    out.push(
      yearGiven
        ? `  the lines carry no year: the first is read as ${r.assumedYear}'s (--year)`
        : `  the lines carry no year: the first is taken as ${r.assumedYear}'s (so that the last line is not after the file's modification time; --year sets it)`,
    );
  }
  if (r.outliers) out.push(`  ${r.outliers} outlier time${r.outliers > 1 ? 's' : ''} skipped (far from the lines around them: see warnings)`);
  if (r.first !== null && r.last !== null) {
    out.push(`  from ${iso(r.first)} to ${iso(r.last)} (${fmtSec(r.last - r.first)})`);
    out.push(`  ${r.counts.length} bins of ${fmtSec(r.interval)}; median ${r.silence.baseline} entries per bin`);
  }
  const sil = r.silence.silences;
  out.push(`  silences (shortest ${fmtSec(r.silence.minGap)}: ${r.silence.minGapRule}): ${sil.length ? '' : 'none'}`);
  for (const s of sil) {
    const d = s.kind === 'gap' ? r.fracDigits : Number.isInteger(s.start) && Number.isInteger(s.end) ? 0 : 3;
    const what =
      s.kind === 'gap'
        ? `no entry between lines ${s.startLine} and ${s.endLine}`
        : `${s.lines} entries, below ${r.silence.lowRateThreshold} per bin (10% of the median)`;
    out.push(`    ${isoSeconds(s.start, d)} → ${isoSeconds(s.end, d)}  ${fmtSec(s.duration)}  ${s.kind}: ${what}`);
  }
  if (r.warnings.length) {
    out.push(`  warnings:`);
    for (const w of r.warnings) out.push(`    ${w.line ? `line ${w.line}: ` : ''}${w.reason}`);
  }
  return out.join('\n') + '\n';
}

function fmtSec(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${Math.round(s * 1000) / 1000} s`;
  if (s < 7200) return `${Math.round(s / 6) / 10} min`;
  return `${Math.round(s / 360) / 10} h`;
}
