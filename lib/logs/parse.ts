/**
 * @module logs/parse
 * Hot-path timestamp reading on raw bytes, and local time → UTC.
 *
 * Every built-in format is read here digit by digit from the line's bytes (never decoded to a
 * string, so invalid UTF-8 or NUL bytes cannot hurt), into one reused {@link Stamp}. Luxon is
 * used only for zone offsets, once per local hour (see {@link ZoneResolver}), and for custom
 * `--format` strings (in formats.ts).
 *
 * Time inside the log pipeline is integer epoch **microseconds** held in a `number` (exact up to
 * 2^53 µs, year 2255), so that bin edges and gaps are computed exactly.
 */
import type { Zone } from 'luxon';

/** Scratch result of reading one line's timestamp; one instance is reused for every line. */
export class Stamp {
  /** Calendar year; 0 = the line carries no year (RFC 3164 syslog). */
  year = 0;
  month = 0;
  day = 0;
  hour = 0;
  minute = 0;
  second = 0;
  /** Fraction of the second, in microseconds (digits past the 6th are dropped). */
  micros = 0;
  /** Fraction digits written in the line (0 = whole seconds); sets the printed precision. */
  fracDigits = 0;
  /** UTC offset written in the line, in seconds; NaN = local time, to be read in the zone. */
  offset = NaN;
  /** Absolute epoch microseconds when the line carries one (epoch formats); NaN otherwise. */
  epochUs = NaN;
  // Days since the epoch of the last date seen: consecutive lines share their date.
  private dayKey = -1;
  private dayNum = 0;

  /** The wall-clock time as epoch seconds "as if UTC" (no offset applied); needs `year`. */
  wallSeconds(): number {
    const key = this.year * 512 + this.month * 32 + this.day;
    if (key !== this.dayKey) {
      this.dayKey = key;
      this.dayNum = daysFromCivil(this.year, this.month, this.day);
    }
    return this.dayNum * 86400 + this.hour * 3600 + this.minute * 60 + this.second;
  }
}

// ---- byte helpers ------------------------------------------------------------------------------

const enum Ch {
  TAB = 9,
  SPACE = 32,
  PLUS = 43,
  COMMA = 44,
  MINUS = 45,
  DOT = 46,
  SLASH = 47,
  ZERO = 48,
  COLON = 58,
  LT = 60,
  GT = 62,
  UPPER_T = 84,
  UPPER_Z = 90,
  LBRACKET = 91,
  RBRACKET = 93,
  LOWER_T = 116,
  LOWER_Z = 122,
}

/** Two ASCII digits at `i` as a number, or -1. Callers check that `i + 1 < end` first. */
function d2(b: Uint8Array, i: number): number {
  const a = b[i] - Ch.ZERO;
  const c = b[i + 1] - Ch.ZERO;
  return a >>> 0 < 10 && c >>> 0 < 10 ? a * 10 + c : -1;
}
/** Four ASCII digits at `i`, or -1. */
function d4(b: Uint8Array, i: number): number {
  const hi = d2(b, i);
  const lo = d2(b, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}
export function isDigit(c: number): boolean {
  return (c - Ch.ZERO) >>> 0 < 10;
}

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Range check of the civil fields (Feb 29 only in leap years; second 60 = leap second). */
export function validCivil(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo] || h > 23 || mi > 59 || s > 60) return false;
  if (mo === 2 && d === 29 && y !== 0 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
  return true;
}

/** Month number of a 3-letter English abbreviation at `i` (any case), or 0. */
export function monthAt(b: Uint8Array, i: number): number {
  const k = ((b[i] | 0x20) << 16) | ((b[i + 1] | 0x20) << 8) | (b[i + 2] | 0x20);
  switch (k) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

/**
 * `YYYY<sep>MM<sep>DD<T or space>HH:MM:SS` at `i` (19 bytes). Fills the civil fields and clears
 * fraction/offset. Returns the index after the seconds, or -1.
 */
function ymdHms(b: Uint8Array, i: number, end: number, sep: number, st: Stamp): number {
  if (end - i < 19) return -1;
  if (b[i + 4] !== sep || b[i + 7] !== sep || b[i + 13] !== Ch.COLON || b[i + 16] !== Ch.COLON) return -1;
  const t = b[i + 10];
  if (t !== Ch.SPACE && t !== Ch.UPPER_T && t !== Ch.LOWER_T) return -1;
  const y = d4(b, i);
  const mo = d2(b, i + 5);
  const d = d2(b, i + 8);
  const h = d2(b, i + 11);
  const mi = d2(b, i + 14);
  const s = d2(b, i + 17);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return -1;
  if (!validCivil(y, mo, d, h, mi, s)) return -1;
  st.year = y;
  st.month = mo;
  st.day = d;
  st.hour = h;
  st.minute = mi;
  st.second = s;
  st.micros = 0;
  st.fracDigits = 0;
  st.offset = NaN;
  st.epochUs = NaN;
  return i + 19;
}

/** `HH:MM:SS` at `i` (8 bytes) into the stamp; returns the index after it, or -1. */
function hms(b: Uint8Array, i: number, end: number, st: Stamp): number {
  if (end - i < 8 || b[i + 2] !== Ch.COLON || b[i + 5] !== Ch.COLON) return -1;
  const h = d2(b, i);
  const mi = d2(b, i + 3);
  const s = d2(b, i + 6);
  if (h < 0 || mi < 0 || s < 0 || h > 23 || mi > 59 || s > 60) return -1;
  st.hour = h;
  st.minute = mi;
  st.second = s;
  return i + 8;
}

/** Optional `.ffffff` (or `,fff`) at `i`: sets micros/fracDigits, returns the index after it. */
function fraction(b: Uint8Array, i: number, end: number, st: Stamp): number {
  st.micros = 0;
  st.fracDigits = 0;
  if (i >= end || (b[i] !== Ch.DOT && b[i] !== Ch.COMMA) || i + 1 >= end || !isDigit(b[i + 1])) return i;
  let j = i + 1;
  let us = 0;
  let n = 0;
  while (j < end && isDigit(b[j])) {
    if (n < 6) us = us * 10 + (b[j] - Ch.ZERO);
    n++;
    j++;
  }
  for (let k = n; k < 6; k++) us *= 10;
  st.micros = us;
  st.fracDigits = n > 6 ? 6 : n; // we keep µs; more digits are not carried
  return j;
}

/**
 * Optional zone designator at `i`: `Z`, `±HH:MM`, `±HHMM`, `±HH`. Sets `st.offset` (seconds;
 * NaN if absent). `colon`: 1 = require `±HH:MM`, -1 = require `±HHMM`, 0 = either.
 * Returns the index after it, or -1 when a designator is present but malformed.
 */
function zoneDesignator(b: Uint8Array, i: number, end: number, st: Stamp, colon = 0): number {
  st.offset = NaN;
  if (i >= end) return i;
  const c = b[i];
  if (c === Ch.UPPER_Z || c === Ch.LOWER_Z) {
    if (colon !== 0) return -1;
    st.offset = 0;
    return i + 1;
  }
  if (c !== Ch.PLUS && c !== Ch.MINUS) return i;
  if (end - i < 3) return -1;
  const hh = d2(b, i + 1);
  if (hh < 0 || hh > 18) return -1;
  let mm = 0;
  let j = i + 3;
  if (j < end && b[j] === Ch.COLON) {
    if (colon < 0 || end - j < 3) return -1;
    mm = d2(b, j + 1);
    j += 3;
  } else if (end - j >= 2 && isDigit(b[j])) {
    if (colon > 0) return -1;
    mm = d2(b, j);
    j += 2;
  } else if (colon !== 0) return -1;
  if (mm < 0 || mm > 59) return -1;
  st.offset = (c === Ch.MINUS ? -1 : 1) * (hh * 3600 + mm * 60);
  return j;
}

// ---- the line readers: (bytes, lineStart, lineEnd, stamp) → true when a timestamp was read -------

/** A line reader: reads the timestamp of the line `b[s, e)` into `st`. Never throws. */
export type LineReader = (b: Uint8Array, s: number, e: number, st: Stamp) => boolean;

/** stunnel: `2026.11.23 15:42:03 LOG5[ui]: …` — local time, 1-second resolution. */
export const readStunnel: LineReader = (b, s, e, st) => {
  const j = ymdHms(b, s, e, Ch.DOT, st);
  return j >= 0 && b[s + 10] === Ch.SPACE;
};

/**
 * nginx error log: `2026/11/23 15:42:03 [error] 1234#1234: …` — local time. Go's `log` writes the
 * same date, with a fraction under `Lmicroseconds` (`2026/12/03 13:55:46.184363 …`).
 */
export const readNginxError: LineReader = (b, s, e, st) => {
  const j = ymdHms(b, s, e, Ch.SLASH, st);
  if (j < 0 || b[s + 10] !== Ch.SPACE) return false;
  fraction(b, j, e, st);
  return true;
};

/** Skips a leading `[` (bracketed timestamps). */
function skipBracket(b: Uint8Array, s: number, e: number): number {
  return s < e && b[s] === Ch.LBRACKET ? s + 1 : s;
}

/**
 * Zone abbreviations read as offsets: only those with one meaning in practice (`CST`, `IST`,
 * `BST` name two or three zones each and are left to `--tz`).
 */
const ABBREVIATIONS: Record<string, number> = {
  UTC: 0, GMT: 0, UT: 0, Z: 0,
  WET: 0, WEST: 3600, CET: 3600, CEST: 7200, MET: 3600, MEST: 7200, EET: 7200, EEST: 10800, MSK: 10800,
  EST: -18000, EDT: -14400, CDT: -18000, MST: -25200, MDT: -21600, PST: -28800, PDT: -25200,
  AKST: -32400, AKDT: -28800, HST: -36000, JST: 32400, KST: 32400, AEST: 36000, AEDT: 39600, NZST: 43200, NZDT: 46800,
};

const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const isLetter = (c: number): boolean => (c | 0x20) >= 97 && (c | 0x20) <= 122;

/**
 * A space and an upper-case zone abbreviation from {@link ABBREVIATIONS} that ends there:
 * PostgreSQL's `%m` writes `2026-12-03 14:44:53.123 CET`. Sets the offset; returns the index
 * after it, or `i` (nothing read) for any other word.
 */
export function abbreviation(b: Uint8Array, i: number, e: number, st: Stamp): number {
  let j = i + 1;
  while (j < e && j - i <= 5 && isUpper(b[j])) j++;
  const n = j - i - 1;
  if (n < 2 || n > 4 || (j < e && (isLetter(b[j]) || isDigit(b[j])))) return i;
  let key = '';
  for (let k = i + 1; k < j; k++) key += String.fromCharCode(b[k]);
  const off = ABBREVIATIONS[key];
  if (off === undefined) return i;
  st.offset = off;
  return j;
}

/** ISO-8601 / RFC 3339 at `i`: date, `T` or space, time, optional fraction and zone. */
function iso(b: Uint8Array, i: number, e: number, st: Stamp): number {
  let j = ymdHms(b, i, e, Ch.MINUS, st);
  if (j < 0) return -1;
  j = fraction(b, j, e, st);
  j = zoneDesignator(b, j, e, st);
  if (j < 0) return -1;
  if (j < e && b[j] === Ch.SPACE && st.offset !== st.offset && j + 1 < e && isUpper(b[j + 1])) j = abbreviation(b, j, e, st);
  // The timestamp must end here: `2026-11-23T15:42:03abc` is not one.
  if (j < e && (isDigit(b[j]) || ((b[j] | 0x20) >= 0x61 && (b[j] | 0x20) <= 0x7a))) return -1;
  return j;
}

/** ISO-8601 at the line start (optionally in `[ ]`): nginx `$time_iso8601`, RFC 3339, Java logs. */
export const readIso8601: LineReader = (b, s, e, st) => iso(b, skipBracket(b, s, e), e, st) >= 0;

/**
 * journalctl `-o short-iso`: `2026-11-23T15:42:03+0100 host prog[1]: …` — like ISO-8601 but the
 * offset is `±HHMM` without a colon (and `short-iso-precise` adds a µs fraction).
 */
export const readJournal: LineReader = (b, s, e, st) => {
  let j = ymdHms(b, s, e, Ch.MINUS, st);
  if (j < 0 || b[s + 10] !== Ch.UPPER_T) return false;
  j = fraction(b, j, e, st);
  j = zoneDesignator(b, j, e, st, -1);
  return j >= 0 && !Number.isNaN(st.offset) && (j === e || b[j] === Ch.SPACE);
};

/** RFC 5424: `<165>1 2026-11-23T15:42:03.123Z host app procid msgid [sd] msg` (the PRI optional). */
export const readRfc5424: LineReader = (b, s, e, st) => {
  let i = s;
  if (i < e && b[i] === Ch.LT) {
    i++;
    const p0 = i;
    while (i < e && i - p0 < 3 && isDigit(b[i])) i++;
    if (i === p0 || i >= e || b[i] !== Ch.GT) return false;
    i++;
  }
  // VERSION: 1–2 digits, not 0, then a space
  const v0 = i;
  while (i < e && i - v0 < 2 && isDigit(b[i])) i++;
  if (i === v0 || b[v0] === Ch.ZERO || i >= e || b[i] !== Ch.SPACE) return false;
  const j = iso(b, i + 1, e, st);
  return j >= 0 && b[i + 11] === Ch.UPPER_T;
};

/**
 * RFC 3164 / BSD syslog: `Nov 23 15:42:03 host prog[pid]: …` (day space-padded: `Nov  3`),
 * optionally with a fraction (`15:42:03.123`) and a leading `<PRI>`. No year: `st.year = 0`,
 * filled in by a {@link SyslogYear}.
 */
export const readSyslog: LineReader = (b, s, e, st) => {
  let i = s;
  if (i < e && b[i] === Ch.LT) {
    const p0 = i;
    while (i < e && i - p0 < 5 && b[i] !== Ch.GT) i++;
    if (i >= e || b[i] !== Ch.GT) return false;
    i++;
  }
  if (e - i < 15) return false;
  const mo = monthAt(b, i);
  if (mo === 0 || b[i + 3] !== Ch.SPACE) return false;
  let j = i + 4;
  let d: number;
  if (b[j] === Ch.SPACE && isDigit(b[j + 1])) {
    d = b[j + 1] - Ch.ZERO;
    j += 2;
  } else if (isDigit(b[j]) && isDigit(b[j + 1])) {
    d = d2(b, j);
    j += 2;
  } else if (isDigit(b[j])) {
    d = b[j] - Ch.ZERO;
    j += 1;
  } else return false;
  if (j >= e || b[j] !== Ch.SPACE) return false;
  j = hms(b, j + 1, e, st);
  if (j < 0 || d < 1 || d > DAYS_IN_MONTH[mo]) return false;
  st.year = 0;
  st.month = mo;
  st.day = d;
  st.offset = NaN;
  st.epochUs = NaN;
  j = fraction(b, j, e, st);
  return j === e || b[j] === Ch.SPACE;
};

/**
 * Common / Combined Log Format: the first `[` … `]` field holds `23/Nov/2026:15:42:03 -0500`
 * (Apache, nginx `$time_local`) — or an ISO-8601 time when `$time_iso8601` replaced it.
 */
export const readClf: LineReader = (b, s, e, st) => {
  const lim = e - s > 1024 ? s + 1024 : e;
  let i = s;
  while (i < lim && b[i] !== Ch.LBRACKET) i++;
  if (i >= lim) return false;
  i++;
  if (e - i >= 26 && b[i + 2] === Ch.SLASH) {
    const d = d2(b, i);
    const mo = monthAt(b, i + 3);
    const y = d4(b, i + 7);
    if (d < 0 || mo === 0 || y < 0 || b[i + 6] !== Ch.SLASH || b[i + 11] !== Ch.COLON) return false;
    const j = hms(b, i + 12, e, st);
    if (j < 0) return false;
    st.year = y;
    st.month = mo;
    st.day = d;
    if (!validCivil(y, mo, d, st.hour, st.minute, st.second)) return false;
    st.epochUs = NaN;
    let k = fraction(b, j, e, st);
    if (k >= e || b[k] !== Ch.SPACE) return false;
    k = zoneDesignator(b, k + 1, e, st, -1);
    return k >= 0 && k < e && b[k] === Ch.RBRACKET;
  }
  const j = iso(b, i, e, st);
  return j >= 0 && j < e && b[j] === Ch.RBRACKET;
};

/**
 * Epoch time at the line start (optionally in `[ ]`): seconds (nginx `$msec`: `1700000000.123`,
 * squid), or integer milliseconds / microseconds / nanoseconds told apart by their digit count
 * (10 / 13 / 16 / 19 digits for present-day times).
 */
export const readEpoch: LineReader = (b, s, e, st) => {
  const i = skipBracket(b, s, e);
  let j = i;
  let intPart = 0;
  while (j < e && isDigit(b[j]) && j - i < 16) {
    intPart = intPart * 10 + (b[j] - Ch.ZERO);
    j++;
  }
  let n = j - i;
  // 19-digit ns: keep the first 16 digits (µs) and skip the rest.
  while (j < e && isDigit(b[j]) && n < 20) {
    j++;
    n++;
  }
  if (n < 9 || n > 19) return false;
  let us: number;
  if (n <= 11) {
    j = fraction(b, j, e, st);
    us = intPart * 1e6 + st.micros;
  } else {
    st.fracDigits = n <= 14 ? 3 : 6;
    us = n <= 14 ? intPart * 1000 : intPart; // ms → µs; µs and ns (truncated above) as is
    if (j < e && b[j] === Ch.DOT) while (++j < e && isDigit(b[j]));
  }
  if (j < e) {
    const c = b[j] | 0x20;
    if (c >= 0x61 && c <= 0x7a) return false; // `1700000000abc` is not a time
  }
  // 1973-03-03 … 2286-11-20: a plausible log time, not a pid or a byte count.
  if (!(us >= 1e14 && us < 1e16)) return false;
  st.epochUs = us;
  st.offset = 0;
  return true;
};

// ---- calendar arithmetic ----------------------------------------------------------------------

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}


// ---- syslog year --------------------------------------------------------------------------------

/**
 * Supplies the missing year of RFC 3164 lines, line by line.
 *
 * - The first line's year is `year` when given; otherwise it comes from the file's modification
 *   time (≈ the time of its last line): the mtime's year, or the year before when the first line's
 *   month is later in the year than the mtime's month (a file begun in December, written to in
 *   January).
 * - A month that falls by more than 6 (Dec → Jan) starts the next year.
 * - A month that rises by more than 6 (Jan → a late Dec line) is a straggler of the previous year;
 *   it does not move the current year.
 */
export class SyslogYear {
  private current = 0;
  private prevMonth = 0;
  /** Set `mtimeYear`/`mtimeMonth` (in the log's zone) when the start year is not known. */
  constructor(
    private readonly startYear: number | undefined,
    private readonly mtimeYear = 0,
    private readonly mtimeMonth = 0,
  ) {}

  yearFor(month: number): number {
    if (this.prevMonth === 0) {
      this.current = this.startYear ?? (month > this.mtimeMonth ? this.mtimeYear - 1 : this.mtimeYear);
      this.prevMonth = month;
      return this.current;
    }
    if (month < this.prevMonth - 6) {
      this.current++;
      this.prevMonth = month;
    } else if (month > this.prevMonth + 6) {
      return this.current - 1;
    } else if (month > this.prevMonth) this.prevMonth = month;
    return this.current;
  }
}

/**
 * A yearless log's years as its lines are read: each line's year from a {@link SyslogYear}, and
 * the first and last line's (as assumed) with the last line's date, to check the assumption
 * against the file's time.
 */
export class YearWalk {
  first = 0;
  last = 0;
  private month = 0;
  private day = 0;
  private secOfDay = 0;

  constructor(private readonly years: SyslogYear) {}

  /** Gives the stamp of a yearless line its year. */
  assign(st: Stamp): void {
    st.year = this.years.yearFor(st.month);
    if (this.first === 0) this.first = st.year;
    this.last = st.year;
    this.month = st.month;
    this.day = st.day;
    this.secOfDay = st.hour * 3600 + st.minute * 60 + st.second;
  }

  /** Null before a line was given a year. */
  info(): { first: number; last: number; month: number; day: number; secOfDay: number } | null {
    if (this.first === 0) return null;
    return { first: this.first, last: this.last, month: this.month, day: this.day, secOfDay: this.secOfDay };
  }
}

// ---- zones --------------------------------------------------------------------------------------

/** How the last local time given to {@link ZoneResolver.toUtc} was resolved. */
export const enum Resolution {
  /** Exactly one instant has this local time. */
  UNIQUE = 0,
  /** The local time does not exist (spring-forward gap); placed by the gap rule. */
  GAP = 1,
  /** Repeated hour (fall-back), first pass: the earlier instant (the offset before the change). */
  AMBIGUOUS_EARLIER = 2,
  /** Repeated hour, second pass: the later instant. */
  AMBIGUOUS_LATER = 3,
}

const HOUR = 3600;
const DAY = 86400;

/**
 * Local wall time → UTC in one zone, with the zone's offset computed by luxon once per local
 * hour and cached (a plain number per hour; a log spanning a year uses 8,760 entries).
 *
 * DST rules (README "Time zones and DST"):
 * - **Gap** (spring forward: 02:30 does not exist in New York on 2026-03-08): the time is read
 *   with the offset in force *before* the change, i.e. moved forward by the length of the gap
 *   (02:30 EST = 07:30Z = 03:30 EDT), as luxon and `date` do; the line is counted and warned about.
 * - **Repeated hour** (fall back: 01:30 happens twice on 2026-11-01): lines take the earlier
 *   offset (EDT) until, within that repeated hour, a time goes backwards by more than
 *   `repeatTolerance` seconds (default 300) from the latest time seen in it; from then on they take
 *   the later offset (EST). The state belongs to one transition: an ambiguous time more than two
 *   hours from the first ambiguous time seen starts over.
 */
export class ZoneResolver {
  /** How the last call resolved; see {@link Resolution}. */
  resolution: Resolution = Resolution.UNIQUE;
  private readonly hours = new Map<number, number>();
  private lastKey = NaN;
  /** Offset (seconds) of the cached hour, or NaN when that hour holds a transition. */
  private lastOffset = NaN;
  // repeated-hour state
  private ambAnchor = NaN;
  private ambMax = -Infinity;
  private ambLater = false;
  // candidates of the last slow-path call, reused for lines in the same second
  private slowWall = NaN;
  private slowKind: Resolution = Resolution.UNIQUE;
  private slowEarlier = 0;
  private slowLater = 0;

  constructor(readonly zone: Zone, readonly repeatTolerance = 300) {}

  /** UTC epoch seconds of local wall time `wall` (epoch seconds of the wall clock read as UTC). */
  toUtc(wall: number): number {
    const key = Math.floor(wall / HOUR);
    if (key !== this.lastKey) {
      let off = this.hours.get(key);
      if (off === undefined) {
        off = this.classifyHour(key * HOUR);
        if (this.hours.size > 100_000) this.hours.clear();
        this.hours.set(key, off);
      }
      this.lastKey = key;
      this.lastOffset = off;
    }
    if (this.lastOffset === this.lastOffset) {
      this.resolution = Resolution.UNIQUE;
      return wall - this.lastOffset;
    }
    return this.slow(wall);
  }

  /** Zone offset in seconds at a UTC instant (seconds). */
  offsetAt(utc: number): number {
    return this.zone.offset(utc * 1000) * 60;
  }

  /** The hour's single offset, or NaN when a transition falls inside it. */
  private classifyHour(start: number): number {
    this.candidates(start);
    if (this.slowKind !== Resolution.UNIQUE) return NaN;
    const a = start - this.slowEarlier;
    this.candidates(start + HOUR - 1);
    if (this.slowKind !== Resolution.UNIQUE) return NaN;
    const b = start + HOUR - 1 - this.slowEarlier;
    this.slowWall = NaN;
    return a === b ? a : NaN;
  }

  /**
   * The instants whose local time is `wall`, from the offsets a day before and a day after
   * (transitions are months apart, so at most one lies between): sets slowKind/Earlier/Later.
   */
  private candidates(wall: number): void {
    const oA = this.offsetAt(wall - DAY);
    const oB = this.offsetAt(wall + DAY);
    const uA = wall - oA;
    const uB = wall - oB;
    const okA = this.offsetAt(uA) === oA;
    const okB = oA !== oB && this.offsetAt(uB) === oB;
    this.slowWall = wall;
    if (oA === oB || (okA && !okB)) {
      this.slowKind = Resolution.UNIQUE;
      this.slowEarlier = this.slowLater = uA;
    } else if (okB && !okA) {
      this.slowKind = Resolution.UNIQUE;
      this.slowEarlier = this.slowLater = uB;
    } else if (okA && okB) {
      this.slowKind = Resolution.AMBIGUOUS_EARLIER;
      this.slowEarlier = Math.min(uA, uB);
      this.slowLater = Math.max(uA, uB);
    } else {
      // In the gap: the offset before the change moves it forward by the gap's length.
      this.slowKind = Resolution.GAP;
      this.slowEarlier = this.slowLater = uA;
    }
  }

  private slow(wall: number): number {
    if (wall !== this.slowWall) this.candidates(wall);
    if (this.slowKind !== Resolution.AMBIGUOUS_EARLIER) {
      this.resolution = this.slowKind;
      return this.slowEarlier;
    }
    if (!(Math.abs(wall - this.ambAnchor) <= 2 * HOUR)) {
      this.ambAnchor = wall;
      this.ambMax = wall;
      this.ambLater = false;
    }
    if (!this.ambLater) {
      if (wall < this.ambMax - this.repeatTolerance) this.ambLater = true;
      else if (wall > this.ambMax) this.ambMax = wall;
    }
    this.resolution = this.ambLater ? Resolution.AMBIGUOUS_LATER : Resolution.AMBIGUOUS_EARLIER;
    return this.ambLater ? this.slowLater : this.slowEarlier;
  }
}
