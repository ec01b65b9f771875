/**
 * @module logs/formats
 * The timestamp formats we know, by name, and their detection from a log's first lines.
 *
 * A format is a {@link LineReader} (bytes → {@link Stamp}) plus a cheap `startsEntry` test that
 * tells a line that *should* carry a timestamp (and is `unparsed` when it has none readable) from
 * a continuation line (a stack trace, an indented detail) that belongs to the entry before it.
 */
import { latin1, latin1Bytes } from '../bytes/text';
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
import { SHAPES, type Shape } from './shapes';

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
  /** The timestamp starts this many fields into the line (0 = at its start; see {@link atField}). */
  readonly field?: number;
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

/** A shape of logs/shapes as a format. */
function shapeFormat(sh: Shape): LogFormat {
  return {
    name: sh.name,
    description: sh.description,
    read: sh.read,
    startsEntry: sh.startsWithLetter ? startsWithLetter : startsWithDigit,
    yearless: sh.yearless,
  };
}
const startsWithLetter = (b: Uint8Array, s: number): boolean => {
  const c = (b[s] === 0x5b ? b[s + 1] : b[s]) | 0x20;
  return c >= 0x61 && c <= 0x7a;
};
const SHAPE_FORMATS: LogFormat[] = SHAPES.map(shapeFormat);

/**
 * Every built-in format, in detection order: the hand-written readers, then the shapes, then
 * the key readers (JSON lines, logfmt, journal export), which look for a time key anywhere.
 */
export function builtinFormats(): LogFormat[] {
  return [...DETECT_ORDER.map((n) => BUILTIN[n]), ...SHAPE_FORMATS, ...KEYED];
}

/**
 * The formats a line the detected format cannot read is tried with (a second logger writing into
 * the same file: etcd's `raft2026/12/03 14:04:57 INFO: …` among its own lines): the readers and
 * shapes that carry a year and start at the line start. Epochs and keyed formats are left out: a
 * number or a key in a stack trace is no entry.
 */
export function fallbackFormats(): LogFormat[] {
  return [...DETECT_ORDER.filter((n) => n !== 'epoch').map((n) => BUILTIN[n]), ...SHAPE_FORMATS].filter((f) => !f.yearless);
}

// ---- timestamps under a key: JSON lines, logfmt, journal export -----------------------------------

/**
 * Keys that hold an entry's time, most specific first (the first present in a line is read):
 * Docker and slog `time`, Logstash `@timestamp`, zap and Go kit `ts`, MongoDB `t` (`{"$date": …}`),
 * journald `__REALTIME_TIMESTAMP` (µs as a string), Kubernetes events `eventTime`.
 */
const TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', '__REALTIME_TIMESTAMP', 'eventTime', 'datetime', 'date', 'asctime', 't'];
const KEY_BYTES = TIME_KEYS.map((k) => latin1Bytes(k));

/** A value's reader: ISO-8601 and the shapes, or an epoch (number or digits in a string). */
const VALUE_READERS: LineReader[] = [readIso8601, readEpoch, ...SHAPES.map((x) => x.read)];
function readValue(b: Uint8Array, i: number, e: number, st: Stamp): boolean {
  for (const r of VALUE_READERS) if (r(b, i, e, st)) return true;
  return false;
}

/** Index of `needle` in `b[s, e)`, or -1. */
function find(b: Uint8Array, needle: Uint8Array, s: number, e: number): number {
  const n = needle.length;
  const first = needle[0];
  for (let i = s; i + n <= e; i++) {
    if (b[i] !== first) continue;
    let k = 1;
    while (k < n && b[i + k] === needle[k]) k++;
    if (k === n) return i;
  }
  return -1;
}

const skipSpaces = (b: Uint8Array, i: number, e: number): number => {
  while (i < e && (b[i] === 32 || b[i] === 9)) i++;
  return i;
};

/** JSON line: the first time key's value, `"key": "…"`, `"key": 1700000000.5` or `"key": {"$date": "…"}`. */
const readJson: LineReader = (b, s, e, st) => {
  s = skipSpaces(b, s, e);
  if (s >= e || b[s] !== 0x7b) return false;
  for (const key of KEY_BYTES) {
    for (let at = find(b, key, s, e); at >= 0; at = find(b, key, at + 1, e)) {
      if (b[at - 1] !== 0x22 || b[at + key.length] !== 0x22) continue;
      let i = skipSpaces(b, at + key.length + 1, e);
      if (b[i] !== 0x3a) continue;
      i = skipSpaces(b, i + 1, e);
      if (b[i] === 0x7b) {
        // MongoDB extended JSON: {"$date": "2026-…"} or {"$date": {"$numberLong": "…"}}
        const d = find(b, DATE_KEY, i, Math.min(e, i + 64));
        if (d < 0) continue;
        i = skipSpaces(b, d + DATE_KEY.length, e);
        if (b[i] === 0x3a) i = skipSpaces(b, i + 1, e);
      }
      if (b[i] === 0x22) i++;
      if (readValue(b, i, e, st)) return true;
    }
  }
  return false;
};
const DATE_KEY = latin1Bytes('"$date"');

/** logfmt (`time=2026-… level=info msg=…`): the first time key's value, quoted or not. */
const readLogfmt: LineReader = (b, s, e, st) => {
  for (const key of KEY_BYTES) {
    for (let at = find(b, key, s, e); at >= 0; at = find(b, key, at + 1, e)) {
      if ((at > s && b[at - 1] !== 32 && b[at - 1] !== 9) || b[at + key.length] !== 0x3d) continue;
      let i = at + key.length + 1;
      if (b[i] === 0x22) i++;
      if (readValue(b, i, e, st)) return true;
    }
  }
  return false;
};

/** journalctl -o export: records of KEY=VALUE lines; the record's time is its `__REALTIME_TIMESTAMP=` line. */
const REALTIME = latin1Bytes('__REALTIME_TIMESTAMP=');
const readJournalExport: LineReader = (b, s, e, st) =>
  e - s > REALTIME.length && find(b, REALTIME, s, s + REALTIME.length) === s && readEpoch(b, s + REALTIME.length, e, st);

const KEYED: LogFormat[] = [
  {
    name: 'json',
    description: 'JSON lines with a time key (time, timestamp, @timestamp, ts, t {"$date"}, __REALTIME_TIMESTAMP …): Docker, slog, zap, MongoDB, journalctl -o json',
    read: readJson,
    startsEntry: (b, s) => b[s] === 0x7b,
    yearless: false,
  },
  {
    name: 'logfmt',
    description: 'logfmt with a time key: "time=2026-12-03T13:44:53Z level=info msg=…" (slog text, Go kit, Heroku)',
    read: readLogfmt,
    startsEntry: anyLine,
    yearless: false,
  },
  {
    name: 'journal-export',
    description: 'journalctl -o export: one KEY=VALUE per line, an entry per __REALTIME_TIMESTAMP line',
    read: readJournalExport,
    startsEntry: (b, s, e) => e - s > REALTIME.length && find(b, REALTIME, s, s + REALTIME.length) === s,
    yearless: false,
  },
];

// ---- epochs in a named unit ---------------------------------------------------------------------------

/**
 * An epoch in a unit the user names (`epoch-ms`): digits, an optional fraction. `epoch` tells the
 * unit from the digit count of present-day times; these read any count (a 1990s time in ms).
 */
function epochIn(unit: 's' | 'ms' | 'us' | 'ns'): LogFormat {
  const perUs = { s: 1e6, ms: 1e3, us: 1, ns: 1e-3 }[unit];
  const read: LineReader = (b, s, e, st) => {
    let i = s;
    if (i < e && b[i] === 0x5b) i++;
    let v = 0;
    const d0 = i;
    while (i < e && isDigit(b[i]) && i - d0 < 20) v = v * 10 + (b[i++] - 48);
    if (i === d0 || (i < e && isDigit(b[i]))) return false;
    let frac = 0;
    let scale = 1;
    if (i + 1 < e && (b[i] === 0x2e || b[i] === 0x2c) && isDigit(b[i + 1])) {
      i++;
      while (i < e && isDigit(b[i])) {
        if (scale < 1e9) {
          frac = frac * 10 + (b[i] - 48);
          scale *= 10;
        }
        i++;
      }
    }
    if (i < e && ((b[i] | 0x20) >= 0x61 && (b[i] | 0x20) <= 0x7a)) return false;
    const us = Math.floor((v + frac / scale) * perUs);
    if (!(us >= 0 && us < 7.3e15)) return false; // before year 2200
    st.epochUs = us;
    st.offset = 0;
    st.micros = us % 1e6;
    st.fracDigits = unit === 's' ? Math.min(6, String(scale).length - 1) : unit === 'ms' ? 3 : 6;
    return true;
  };
  return { name: `epoch-${unit}`, description: `epoch ${unit === 'us' ? 'microseconds' : unit === 'ns' ? 'nanoseconds' : unit === 'ms' ? 'milliseconds' : 'seconds'} (any number of digits)`, read, startsEntry: startsWithDigit, yearless: false };
}
const EPOCH_UNITS: LogFormat[] = [epochIn('s'), epochIn('ms'), epochIn('us'), epochIn('ns')];

// ---- a timestamp some fields into the line ---------------------------------------------------------

/** Bytes between fields: white space, and the `,` `;` `|` of CSV-like lines. */
const isSep = (c: number): boolean => c === 32 || c === 9 || c === 0x2c || c === 0x3b || c === 0x7c;
/** Fields looked at for a timestamp, and bytes of the line (detection and the fall-back). */
const MAX_FIELDS = 12;
const SCAN_BYTES = 512;

/** Start of field `f` (0-based) of `b[s, e)`, or -1 when the line has fewer. */
export function fieldStart(b: Uint8Array, s: number, e: number, f: number): number {
  let i = s;
  const lim = Math.min(e, s + SCAN_BYTES);
  while (i < lim && isSep(b[i])) i++;
  for (let k = 0; k < f; k++) {
    while (i < lim && !isSep(b[i])) i++;
    while (i < lim && isSep(b[i])) i++;
    if (i >= lim) return -1;
  }
  return i < lim ? i : -1;
}

/** Reads at `i`, or just after a `[`, `(` or `"` opening the field. */
function readOpened(r: LineReader, b: Uint8Array, i: number, e: number, st: Stamp): boolean {
  if (r(b, i, e, st)) return true;
  const c = b[i];
  return (c === 0x5b || c === 0x28 || c === 0x22) && i + 1 < e && r(b, i + 1, e, st);
}

/**
 * `fmt` with its timestamp `field` fields into the line (0-based; fields are separated by white
 * space, `,`, `;` or `|`): `- 1117838570 2005.06.03 …` is epoch at field 1. A line whose field
 * there holds no timestamp is tried at the next fields (a host name or a level of varying width
 * before it); fields before it never, so a file name carrying another time is skipped.
 */
export function atField(fmt: LogFormat, field: number): LogFormat {
  if (field === 0) return fmt;
  const r = fmt.read;
  return {
    name: `${fmt.name}@${field + 1}`,
    description: `${fmt.description}, in field ${field + 1}`,
    read: (b, s, e, st) => {
      for (let f = field; f < field + 4; f++) {
        const i = fieldStart(b, s, e, f);
        if (i < 0) return false;
        if (readOpened(r, b, i, e, st)) return true;
      }
      return false;
    },
    startsEntry: anyLine,
    yearless: fmt.yearless,
    field,
  };
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
  const other = [...SHAPE_FORMATS, ...KEYED, ...EPOCH_UNITS].find((f) => f.name === name);
  if (other) return other;
  return luxonFormat(name);
}

/** What detection found: the format, its field, and how many of the sample lines it read. */
export interface Detected {
  format: LogFormat;
  hits: number;
  tried: number;
  /** Field of the line (0-based) the timestamp starts at (0 = the line start). */
  field: number;
}

/**
 * Picks the format that reads the most of the first lines of `sample` (up to `maxLines` non-blank
 * lines that do not start with white space), trying every built-in format at the start of each of
 * the first fields: a timestamp after a host, a level or an epoch field is found too. On equal
 * counts the earlier field wins, then the earlier format. Returns null when none reads any line.
 */
export function detectFormat(sample: Uint8Array, maxLines = 64): Detected | null {
  const starts: number[] = [];
  const ends: number[] = [];
  let pos = 0;
  // Skip a UTF-8 byte order mark.
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) pos = 3;
  const cr = lineBreak(sample) === 13 ? 13 : 10;
  while (pos < sample.length && starts.length < maxLines) {
    let nl = sample.indexOf(cr, pos);
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
  const formats = builtinFormats();
  // hits[f * MAX_FIELDS + field]: lines format f reads first at that field.
  const hits = new Int32Array(formats.length * MAX_FIELDS);
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i];
    const e = ends[i];
    for (let f = 0; f < formats.length; f++) {
      const fmt = formats[f];
      if (fmt.read(sample, s, e, st)) {
        hits[f * MAX_FIELDS]++;
        continue;
      }
      if (f >= DETECT_ORDER.length + SHAPE_FORMATS.length) continue; // keyed formats look everywhere already
      for (let k = 1; k < MAX_FIELDS; k++) {
        const at = fieldStart(sample, s, e, k);
        if (at < 0) break;
        if (readOpened(fmt.read, sample, at, e, st)) {
          hits[f * MAX_FIELDS + k]++;
          break;
        }
      }
    }
  }
  let best = -1;
  let bestHits = 0;
  for (let k = 0; k < MAX_FIELDS; k++) {
    for (let f = 0; f < formats.length; f++) {
      const h = hits[f * MAX_FIELDS + k];
      if (h > bestHits) {
        best = f * MAX_FIELDS + k;
        bestHits = h;
      }
    }
  }
  if (best < 0) return null;
  // A time at the line start is the norm: a format there that reads nearly as many lines (a few
  // damaged prefixes can make a later field read one more) is kept.
  let atStart = -1;
  for (let f = 0; f < formats.length; f++) if (atStart < 0 || hits[f * MAX_FIELDS] > hits[atStart * MAX_FIELDS]) atStart = f;
  if (best % MAX_FIELDS !== 0 && hits[atStart * MAX_FIELDS] >= 0.9 * bestHits) {
    best = atStart * MAX_FIELDS;
    bestHits = hits[best];
  }
  const field = best % MAX_FIELDS;
  const format = formats[Math.floor(best / MAX_FIELDS)];
  return { format: atField(format, field), hits: bestHits, tried: starts.length, field };
}

/**
 * The line break of a log: LF, or CR alone when the sample has CRs and no LF (classic Mac OS
 * and some serial consoles end lines so).
 */
export function lineBreak(sample: Uint8Array): 10 | 13 {
  return sample.indexOf(10) < 0 && sample.indexOf(13) >= 0 ? 13 : 10;
}

// ---- where the user says the time is: a field, or a regex group -----------------------------------------

/**
 * Reads with `inner`, or, when the user named no format, with the first built-in format that
 * reads (the last one that did is tried first: lines of one log share their format).
 */
function innerReader(inner: LogFormat | null): { read: LineReader; name: string; yearless: boolean } {
  if (inner) return { read: inner.read, name: inner.name, yearless: inner.yearless };
  const all = [...DETECT_ORDER.map((n) => BUILTIN[n]), ...SHAPE_FORMATS];
  let last = all[0];
  return {
    name: 'auto',
    // A yearless reading is possible: the scanner then needs a year (--year or the file time).
    yearless: true,
    read: (b, s, e, st) => {
      if (last.read(b, s, e, st)) return true;
      for (const f of all) {
        if (f !== last && f.read(b, s, e, st)) {
          last = f;
          return true;
        }
      }
      return false;
    },
  };
}

/**
 * The time in field `field` (1-based, as `--time-field 2`; fields are separated by white space,
 * `,`, `;` or `|`), read with `inner` or any built-in format. Only that field: a time elsewhere
 * in the line (a file name before it) is not taken.
 */
export function fieldFormat(inner: LogFormat | null, field: number): LogFormat {
  if (!Number.isInteger(field) || field < 1 || field > 64) throw new ArgumentError(`timeField (alibi --time-field) must be a field number from 1 to 64, got ${field}`);
  const r = innerReader(inner);
  return {
    name: `${r.name}@${field}`,
    description: `${inner ? inner.description : 'any known timestamp'} in field ${field}`,
    read: (b, s, e, st) => {
      const i = fieldStart(b, s, e, field - 1);
      return i >= 0 && readOpened(r.read, b, i, e, st);
    },
    startsEntry: anyLine,
    yearless: r.yearless,
    field: field - 1,
  };
}

/**
 * The time where a regex finds it: its group named `time`, else its first group, else the whole
 * match, read with `inner` or any built-in format. The line is matched as Latin-1 text (one
 * character per byte), so the group's indices are byte offsets.
 */
export function regexFormat(inner: LogFormat | null, re: string | RegExp): LogFormat {
  let rx: RegExp;
  try {
    rx = new RegExp(typeof re === 'string' ? re : re.source, (typeof re === 'string' ? '' : re.flags.replace(/[gyd]/g, '')) + 'd');
  } catch (err) {
    throw new ArgumentError(`timeRegex (alibi --time-regex): ${(err as Error).message}`);
  }
  const r = innerReader(inner);
  const read: LineReader = (b, s, e, st) => {
    const text = latin1(b, s, s + Math.min(e - s, 4096));
    const m = rx.exec(text);
    if (!m || !m.indices) return false;
    const span = m.indices.groups?.time ?? m.indices[1] ?? m.indices[0];
    if (!span) return false;
    return r.read(b, s + span[0], s + span[1], st);
  };
  return {
    name: `${r.name}~/${rx.source}/`,
    description: `${inner ? inner.description : 'any known timestamp'} where /${rx.source}/ finds it`,
    read,
    startsEntry: anyLine,
    yearless: r.yearless,
  };
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
  const unquotedText = fmt.replace(/'[^']*'/g, '');
  if (!/[A-Za-z]/.test(unquotedText)) throw new ArgumentError(`format (alibi --format) "${fmt}" has no luxon date tokens`);
  // luxon 3 parses no `X`/`x` (epoch seconds/ms): read them ourselves, after a quoted prefix.
  const epochOnly = /^\s*(X|x)\s*$/.exec(unquotedText);
  if (epochOnly) return epochAfterLiteral(fmt, epochOnly[1] === 'X' ? 's' : 'ms');
  const parser = DateTime.buildFormatParser(fmt, { locale: 'en-US' });
  const shape = parser as unknown as TokenParserShape;
  if (shape.isValid === false || !(shape.regex instanceof RegExp)) {
    throw new ArgumentError(`format (alibi --format) "${fmt}" is not a usable luxon format${shape.invalidReason ? ': ' + shape.invalidReason : ''}`);
  }
  // A format must read a date or an hour: "bogus" is luxon's ordinal, fraction and second tokens
  // around literals, which matches nothing a log writes.
  const units = (shape as { units?: { literal?: boolean; token?: { val?: string } }[] }).units ?? [];
  const tokens = units.filter((u) => !u.literal).map((u) => u.token?.val ?? '');
  if (!tokens.some((t) => /^(y+|M+|L+|d+|H+|h+|k+|E{3,}|c{3,}|D+|t+|T+|f+)$/.test(t))) {
    throw new ArgumentError(
      `format (alibi --format) "${fmt}" reads no date or hour (luxon tokens: ${tokens.join(' ') || 'none'}); write one like "yyyy-MM-dd HH:mm:ss", or name a built-in format (${DETECT_ORDER.join(', ')}, ${SHAPES.map((x) => x.name).join(', ')}, json, logfmt, epoch-ms …)`,
    );
  }
  // luxon anchors its regex at both ends (^…$); we want the prefix of the line.
  const src = shape.regex.source.replace(/\$$/, '');
  const prefix = new RegExp(src, shape.regex.flags);
  const unquoted = fmt.replace(/'[^']*'/g, '');
  const hasOffset = /[Zz]/.test(unquoted);
  const absolute = /[Xx]/.test(unquoted);
  const hasYear = /[yG]/.test(unquoted);
  const read: LineReader = (b, s, e, st) => {
    const text = latin1(b, s, s + Math.min(e - s, 512));
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

/** `'- 'X`: the quoted literal, then an epoch. */
function epochAfterLiteral(fmt: string, unit: 's' | 'ms'): LogFormat {
  const prefix = latin1Bytes([...fmt.matchAll(/'([^']*)'/g)].map((m) => m[1]).join(''));
  const inner = epochIn(unit);
  const read: LineReader = (b, s, e, st) => {
    if (e - s < prefix.length) return false;
    for (let k = 0; k < prefix.length; k++) if (b[s + k] !== prefix[k]) return false;
    return inner.read(b, s + prefix.length, e, st);
  };
  return { name: `luxon:${fmt}`, description: `epoch ${unit === 's' ? 'seconds' : 'milliseconds'} after "${latin1(prefix)}"`, read, startsEntry: anyLine, yearless: false };
}

/** Zone for `--tz` (IANA name, `UTC`, `UTC+5`): a luxon Zone, or ArgumentError. */
export function zoneByName(name: string): Zone {
  const z = Info.normalizeZone(name);
  if (!z.isValid) throw new ArgumentError(`time zone (tz, alibi --tz) "${name}" is not a time zone luxon knows (IANA name like America/New_York, or UTC±h)`);
  return z;
}
