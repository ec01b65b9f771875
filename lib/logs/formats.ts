/**
 * @module logs/formats
 * The timestamp formats we know, by name, and their detection from a log's first lines.
 *
 * A format is a {@link LineReader} (bytes → {@link Stamp}) plus a cheap `startsEntry` test that
 * tells a line that *should* carry a timestamp (and is `unparsed` when it has none readable) from
 * a continuation line (a stack trace, an indented detail) that belongs to the entry before it.
 */
import { DateTime, Info, type Zone } from 'luxon';
import { ArgumentError } from '../errors';
import {
  isDigit,
  monthAt,
  readClf,
  readEpoch,
  readIso8601,
  readJournal,
  readNginxError,
  readRfc5424,
  readStunnel,
  readSyslog,
  Stamp,
  type LineReader,
} from './parse';

/** Built-in format names accepted by `--format` (besides `auto` and a luxon format string). */
export type BuiltinFormatName =
  | 'stunnel'
  | 'syslog'
  | 'rfc5424'
  | 'iso8601'
  | 'clf'
  | 'nginx-error'
  | 'epoch'
  | 'journal';

export interface LogFormat {
  /** `stunnel`, `syslog`, …, or `luxon:<format string>`. */
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  /** Reads the timestamp of line `b[s, e)`; never throws. */
  readonly read: LineReader;
  /**
   * Does this line begin an entry (so that a line without a readable timestamp is `unparsed`)?
   * Lines for which this is false are continuations. Lines starting with white space, empty
   * lines and lines starting with a control byte are handled before this is asked.
   */
  readonly startsEntry: (b: Uint8Array, s: number, e: number) => boolean;
  /** Lines carry no year (RFC 3164): the year comes from an option or the file's mtime. */
  readonly yearless: boolean;
}

/** Entries begin with a digit, or `[digit` (ISO, epoch, stunnel, nginx error). */
const startsWithDigit = (b: Uint8Array, s: number, e: number): boolean =>
  isDigit(b[s]) || (b[s] === 0x5b && s + 1 < e && isDigit(b[s + 1]));
/** Entries begin with a month name (syslog), optionally after `<PRI>`. */
const startsWithMonth = (b: Uint8Array, s: number, e: number): boolean =>
  b[s] === 0x3c || (e - s >= 3 && monthAt(b, s) !== 0);
/** Any non-blank line is an entry (CLF writes no continuation lines). */
const anyLine = (): boolean => true;

const BUILTIN: Record<BuiltinFormatName, LogFormat> = {
  stunnel: {
    name: 'stunnel',
    description: 'stunnel: "2026.11.23 15:42:03 LOG5[ui]: …" (local time, read in --tz)',
    read: readStunnel,
    startsEntry: startsWithDigit,
    yearless: false,
  },
  'nginx-error': {
    name: 'nginx-error',
    description: 'nginx error log: "2026/11/23 15:42:03 [error] …" (local time, read in --tz)',
    read: readNginxError,
    startsEntry: startsWithDigit,
    yearless: false,
  },
  rfc5424: {
    name: 'rfc5424',
    description: 'syslog RFC 5424: "<34>1 2026-11-23T15:42:03.123Z host app …"',
    read: readRfc5424,
    startsEntry: (b, s) => b[s] === 0x3c || isDigit(b[s]),
    yearless: false,
  },
  journal: {
    name: 'journal',
    description: 'journalctl -o short-iso: "2026-11-23T15:42:03+0100 host prog[1]: …"',
    read: readJournal,
    startsEntry: startsWithDigit,
    yearless: false,
  },
  iso8601: {
    name: 'iso8601',
    description: 'ISO-8601 at line start, with or without offset and fraction (nginx $time_iso8601, RFC 3339); no offset = --tz',
    read: readIso8601,
    startsEntry: startsWithDigit,
    yearless: false,
  },
  syslog: {
    name: 'syslog',
    description: 'syslog RFC 3164: "Nov 23 15:42:03 host prog[pid]: …" (local time; year from --year or the file time)',
    read: readSyslog,
    startsEntry: startsWithMonth,
    yearless: true,
  },
  clf: {
    name: 'clf',
    description: 'Common/Combined Log Format: "… [23/Nov/2026:15:42:03 -0500] …" (first [ ] field)',
    read: readClf,
    startsEntry: anyLine,
    yearless: false,
  },
  epoch: {
    name: 'epoch',
    description: 'epoch seconds at line start (nginx $msec "1700000000.123"), or 13/16/19-digit ms/µs/ns',
    read: readEpoch,
    startsEntry: startsWithDigit,
    yearless: false,
  },
};

/** Detection order: on a tie, the more specific format wins (journal before iso8601). */
const DETECT_ORDER: BuiltinFormatName[] = [
  'stunnel',
  'nginx-error',
  'rfc5424',
  'journal',
  'iso8601',
  'syslog',
  'clf',
  'epoch',
];

/** Every built-in format, in detection order. */
export function builtinFormats(): LogFormat[] {
  return DETECT_ORDER.map((n) => BUILTIN[n]);
}

/** `--format` value → a format, or `null` for `auto`. Throws ArgumentError on a bad luxon string. */
export function formatByName(name: string): LogFormat | null {
  if (name === 'auto' || name === '') return null;
  if (name in BUILTIN) return BUILTIN[name as BuiltinFormatName];
  // Extra spellings people type.
  const alias: Record<string, BuiltinFormatName> = {
    iso: 'iso8601', rfc3339: 'iso8601', nginx: 'iso8601', rfc3164: 'syslog', combined: 'clf',
    common: 'clf', msec: 'epoch', 'short-iso': 'journal', journalctl: 'journal',
  };
  if (name in alias) return BUILTIN[alias[name]];
  return luxonFormat(name);
}

/**
 * Picks the built-in format that reads the most of the first lines of `sample` (up to
 * `maxLines` non-blank lines that do not start with white space). Returns null when none reads
 * any line.
 */
export function detectFormat(sample: Uint8Array, maxLines = 64): { format: LogFormat; hits: number; tried: number } | null {
  const starts: number[] = [];
  const ends: number[] = [];
  let pos = 0;
  // Skip a UTF-8 byte order mark.
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) pos = 3;
  while (pos < sample.length && starts.length < maxLines) {
    let nl = sample.indexOf(10, pos);
    if (nl < 0) nl = sample.length;
    let e = nl;
    if (e > pos && sample[e - 1] === 13) e--;
    if (e > pos && sample[pos] !== 32 && sample[pos] !== 9) {
      starts.push(pos);
      ends.push(Math.min(e, pos + 4096));
    }
    pos = nl + 1;
  }
  const st = new Stamp();
  let best: LogFormat | null = null;
  let bestHits = 0;
  for (const f of builtinFormats()) {
    let hits = 0;
    for (let i = 0; i < starts.length; i++) if (f.read(sample, starts[i], ends[i], st)) hits++;
    if (hits > bestHits) {
      best = f;
      bestHits = hits;
    }
  }
  return best ? { format: best, hits: bestHits, tried: starts.length } : null;
}

// ---- luxon format strings -----------------------------------------------------------------------

/** The regex luxon builds for a format (a private field of its TokenParser; checked at runtime). */
interface TokenParserShape {
  regex?: RegExp;
  isValid?: boolean;
  invalidReason?: string | null;
}

/**
 * A format given as a luxon format string (`"dd/MM/yyyy HH:mm:ss"`, `"MMM d HH:mm:ss"`, `"X"`):
 * the slow path, one luxon parse per line, for logs no built-in format reads. The timestamp must
 * start the line; the longest prefix matching the format is taken. A format with an offset token
 * (`Z`, `ZZ`, `ZZZ`, `z`) uses the line's offset; `X`/`x` are absolute; otherwise the time is
 * local, read in `--tz` with the same DST rules as the built-in formats.
 */
export function luxonFormat(fmt: string): LogFormat {
  if (!/[A-Za-z]/.test(fmt.replace(/'[^']*'/g, ''))) throw new ArgumentError(`--format "${fmt}" has no luxon date tokens`);
  const parser = DateTime.buildFormatParser(fmt, { locale: 'en-US' });
  const shape = parser as unknown as TokenParserShape;
  if (shape.isValid === false || !(shape.regex instanceof RegExp)) {
    throw new ArgumentError(`--format "${fmt}" is not a usable luxon format${shape.invalidReason ? ': ' + shape.invalidReason : ''}`);
  }
  // luxon anchors its regex at both ends (^…$); we want the prefix of the line.
  const src = shape.regex.source.replace(/\$$/, '');
  const prefix = new RegExp(src, shape.regex.flags);
  const unquoted = fmt.replace(/'[^']*'/g, '');
  const hasOffset = /[Zz]/.test(unquoted);
  const absolute = /[Xx]/.test(unquoted);
  const hasYear = /[yG]/.test(unquoted);
  const read: LineReader = (b, s, e, st) => {
    const text = Buffer.from(b.buffer, b.byteOffset + s, Math.min(e - s, 512)).toString('latin1');
    const m = prefix.exec(text);
    if (!m) return false;
    const dt = DateTime.fromFormatParser(m[0], parser, { zone: 'utc', setZone: true, locale: 'en-US' });
    if (!dt.isValid) return false;
    st.epochUs = NaN;
    st.offset = NaN;
    st.micros = dt.millisecond * 1000;
    st.fracDigits = dt.millisecond ? 3 : 0;
    if (absolute) {
      st.epochUs = dt.toMillis() * 1000;
      st.offset = 0;
      return true;
    }
    st.year = hasYear ? dt.year : 0;
    st.month = dt.month;
    st.day = dt.day;
    st.hour = dt.hour;
    st.minute = dt.minute;
    st.second = dt.second;
    if (hasOffset) st.offset = dt.offset * 60;
    return true;
  };
  return {
    name: `luxon:${fmt}`,
    description: `luxon format "${fmt}" (one luxon parse per line)`,
    read,
    startsEntry: anyLine,
    yearless: !hasYear && !absolute,
  };
}

/** Zone for `--tz` (IANA name, `UTC`, `UTC+5`): a luxon Zone, or ArgumentError. */
export function zoneByName(name: string): Zone {
  const z = Info.normalizeZone(name);
  if (!z.isValid) throw new ArgumentError(`--tz "${name}" is not a time zone luxon knows (IANA name like America/New_York, or UTC±h)`);
  return z;
}
