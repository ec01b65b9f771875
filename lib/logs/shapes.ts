/**
 * @module logs/shapes
 * Timestamp shapes beyond the eight hand-written readers of logs/parse: each one a short pattern
 * (`DOW MON D hh:mm:ss.f YYYY`) compiled once into opcodes and matched byte by byte, so a new
 * shape is one line in {@link SHAPES}, not a new reader. Fields may be unpadded where the writers
 * leave them so (`H:m:s`), months may be names, years two digits, clocks 12-hour.
 *
 * Like the readers in logs/parse, a shape never decodes the line and never throws; it fills the
 * shared {@link Stamp} (year 0 for yearless shapes: the scanner gives them their year).
 */
import { abbreviation, isDigit, monthAt, Stamp, validCivil, type LineReader } from './parse';

const enum Op {
  /** Four digits: the year. */
  Y4,
  /** Two digits: the year, 1969–2068 (POSIX `%y`). */
  Y2,
  /** Two digits: month. */
  MO2,
  /** One or two digits: month. */
  MO12,
  /** Three-letter English month name, any case (a longer name is read to its end). */
  MON,
  /** Two digits / one or two digits / a space then one digit (ctime's `Dec  3`): day. */
  D2,
  D12,
  /** Two digits, or one or two: hour, minute, second. A leading space pads a one-digit hour. */
  H2,
  H12,
  MI2,
  MI12,
  S2,
  S12,
  /** Optional fraction: `.` or `,` then digits. */
  FRAC,
  /** Optional fraction that may also follow `:` (HealthApp's `22:15:29:606`). */
  FRAC_COLON,
  /** Optional zone: `Z`, `±hh:mm`, `±hhmm`, `±hh`, or a space and an unambiguous abbreviation (`UTC`, `CET`). */
  ZONE,
  /** ` AM` / ` PM` (any case): a 12-hour clock. `AMPM_OPT`: the same, when present. */
  AMPM,
  AMPM_OPT,
  /** Three letters: a weekday name, skipped. */
  DOW,
  /** One of `IWEFD`: glog's severity letter before its date. */
  GLOG,
  /** One or more spaces. */
  SPACES,
  /** The byte in `arg`. */
  LIT,
}

interface Instr {
  op: Op;
  arg: number;
}

/** A compiled shape: its program and whether it carries a year. */
export interface Shape {
  readonly name: string;
  readonly description: string;
  readonly pattern: string;
  readonly yearless: boolean;
  readonly read: LineReader;
  /** The shape's first byte is a letter (month, weekday, glog level): lines starting otherwise are continuations. */
  readonly startsWithLetter: boolean;
}

/** Pattern tokens, longest first so `MON` is not read as `MO` + `N`. */
const TOKENS: [string, Op][] = [
  ['YYYY', Op.Y4],
  ['AMPM?', Op.AMPM_OPT],
  ['AMPM', Op.AMPM],
  ['FRAC:', Op.FRAC_COLON],
  ['FRAC', Op.FRAC],
  ['ZONE', Op.ZONE],
  ['GLOG', Op.GLOG],
  ['MON', Op.MON],
  ['DOW', Op.DOW],
  ['YY', Op.Y2],
  ['MM', Op.MO2],
  ['M', Op.MO12],
  ['DD', Op.D2],
  ['D', Op.D12],
  ['hh', Op.H2],
  ['h', Op.H12],
  ['mm', Op.MI2],
  ['m', Op.MI12],
  ['ss', Op.S2],
  ['s', Op.S12],
  ['_', Op.SPACES],
];

/** Compiles a pattern: the tokens above, every other byte literal. */
export function compileShape(pattern: string): Instr[] {
  const out: Instr[] = [];
  let i = 0;
  outer: while (i < pattern.length) {
    for (const [tok, op] of TOKENS) {
      if (pattern.startsWith(tok, i)) {
        out.push({ op, arg: 0 });
        i += tok.length;
        continue outer;
      }
    }
    out.push({ op: Op.LIT, arg: pattern.charCodeAt(i) });
    i++;
  }
  return out;
}

function digits(b: Uint8Array, i: number, e: number, min: number, max: number): number {
  let n = 0;
  let v = 0;
  while (n < max && i + n < e && isDigit(b[i + n])) {
    v = v * 10 + (b[i + n] - 48);
    n++;
  }
  return n < min ? -1 : v * 8 + n; // value and count packed (count ≤ 4 fits in 3 bits)
}

const isLetter = (c: number): boolean => (c | 0x20) >= 97 && (c | 0x20) <= 122;

/** Runs a shape at `i`; fills `st` and returns true when the whole shape matched and ended there. */
function run(prog: Instr[], b: Uint8Array, i: number, e: number, st: Stamp): boolean {
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  let pm = -1;
  st.micros = 0;
  st.fracDigits = 0;
  st.offset = NaN;
  st.epochUs = NaN;
  for (let k = 0; k < prog.length; k++) {
    const { op, arg } = prog[k];
    let r: number;
    switch (op) {
      case Op.LIT:
        if (i >= e || b[i] !== arg) return false;
        i++;
        continue;
      case Op.SPACES:
        if (i >= e || b[i] !== 32) return false;
        while (i < e && b[i] === 32) i++;
        continue;
      case Op.Y4:
        if ((r = digits(b, i, e, 4, 4)) < 0) return false;
        y = r >> 3;
        i += 4;
        continue;
      case Op.Y2:
        if ((r = digits(b, i, e, 2, 2)) < 0) return false;
        y = r >> 3;
        y += y < 69 ? 2000 : 1900;
        i += 2;
        continue;
      case Op.MO2:
      case Op.MO12:
        if ((r = digits(b, i, e, op === Op.MO2 ? 2 : 1, 2)) < 0) return false;
        mo = r >> 3;
        i += r & 7;
        continue;
      case Op.MON:
        if (e - i < 3 || (mo = monthAt(b, i)) === 0) return false;
        i += 3;
        while (i < e && isLetter(b[i])) i++; // "December"
        continue;
      case Op.DOW:
        if (e - i < 3 || !isLetter(b[i]) || !isLetter(b[i + 1]) || !isLetter(b[i + 2])) return false;
        i += 3;
        while (i < e && isLetter(b[i])) i++; // "Thursday"
        continue;
      case Op.D2:
      case Op.D12:
        if ((r = digits(b, i, e, op === Op.D2 ? 2 : 1, 2)) < 0) return false;
        d = r >> 3;
        i += r & 7;
        continue;
      case Op.H2:
      case Op.H12:
        if (op === Op.H12 && i < e && b[i] === 32 && i + 1 < e && isDigit(b[i + 1])) i++;
        if ((r = digits(b, i, e, op === Op.H2 ? 2 : 1, 2)) < 0) return false;
        h = r >> 3;
        i += r & 7;
        continue;
      case Op.MI2:
      case Op.MI12:
        if ((r = digits(b, i, e, op === Op.MI2 ? 2 : 1, 2)) < 0) return false;
        mi = r >> 3;
        i += r & 7;
        continue;
      case Op.S2:
      case Op.S12:
        if ((r = digits(b, i, e, op === Op.S2 ? 2 : 1, 2)) < 0) return false;
        s = r >> 3;
        i += r & 7;
        continue;
      case Op.FRAC:
      case Op.FRAC_COLON: {
        const c = i < e ? b[i] : 0;
        if ((c === 46 || c === 44 || (c === 58 && op === Op.FRAC_COLON)) && i + 1 < e && isDigit(b[i + 1])) {
          let j = i + 1;
          let us = 0;
          let n = 0;
          while (j < e && isDigit(b[j])) {
            if (n < 6) us = us * 10 + (b[j] - 48);
            n++;
            j++;
          }
          // An unpadded `:6` after seconds is 6 ms as its writer meant it (HealthApp prints
          // milliseconds without padding), not 0.6 s.
          if (c === 58) {
            if (n > 3) return false;
            us *= 1000;
            n = 3;
          } else for (let q = n; q < 6; q++) us *= 10;
          st.micros = us;
          st.fracDigits = n > 6 ? 6 : n;
          i = j;
        }
        continue;
      }
      case Op.ZONE:
        i = zone(b, i, e, st);
        continue;
      case Op.AMPM:
      case Op.AMPM_OPT: {
        const ok = e - i >= 3 && b[i] === 32 && ((b[i + 1] | 0x20) === 97 || (b[i + 1] | 0x20) === 112) && (b[i + 2] | 0x20) === 109;
        if (!ok) {
          if (op === Op.AMPM) return false;
          continue;
        }
        pm = (b[i + 1] | 0x20) === 112 ? 1 : 0;
        i += 3;
        continue;
      }
      case Op.GLOG: {
        const c = i < e ? b[i] : 0;
        if (c !== 73 && c !== 87 && c !== 69 && c !== 70 && c !== 68) return false;
        i++;
        continue;
      }
    }
  }
  // The timestamp ends here: `081109 2036151` is not `yyMMdd HHmmss`.
  if (i < e && isDigit(b[i])) return false;
  if (pm >= 0) {
    if (h < 1 || h > 12) return false;
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (!validCivil(y, mo, d, h, mi, s)) return false;
  st.year = y;
  st.month = mo;
  st.day = d;
  st.hour = h;
  st.minute = mi;
  st.second = s;
  return true;
}

/** Optional zone at `i` (see Op.ZONE); returns the index after it (or `i` when there is none). */
function zone(b: Uint8Array, i: number, e: number, st: Stamp): number {
  st.offset = NaN;
  if (i >= e) return i;
  const c = b[i];
  if (c === 90 || c === 122) {
    // `Z` alone (not the start of a word)
    if (i + 1 < e && isLetter(b[i + 1])) return i;
    st.offset = 0;
    return i + 1;
  }
  if (c === 43 || c === 45) {
    if (e - i < 3 || !isDigit(b[i + 1]) || !isDigit(b[i + 2])) return i;
    const hh = (b[i + 1] - 48) * 10 + (b[i + 2] - 48);
    let j = i + 3;
    let mm = 0;
    if (j + 2 < e && b[j] === 58 && isDigit(b[j + 1]) && isDigit(b[j + 2])) {
      mm = (b[j + 1] - 48) * 10 + (b[j + 2] - 48);
      j += 3;
    } else if (j + 1 < e && isDigit(b[j]) && isDigit(b[j + 1])) {
      mm = (b[j] - 48) * 10 + (b[j + 1] - 48);
      j += 2;
    }
    if (hh > 18 || mm > 59) return i;
    st.offset = (c === 45 ? -1 : 1) * (hh * 3600 + mm * 60);
    return j;
  }
  if (c === 32) return abbreviation(b, i, e, st);
  return i;
}

/** Builds a shape from its pattern. */
export function shape(name: string, pattern: string, description: string): Shape {
  const prog = compileShape(pattern);
  const yearless = !prog.some((x) => x.op === Op.Y4 || x.op === Op.Y2);
  const first = prog[0].op;
  return {
    name,
    description,
    pattern,
    yearless,
    startsWithLetter: first === Op.MON || first === Op.DOW || first === Op.GLOG,
    read: (b, s, e, st) => {
      // `[Thu Dec 03 13:44:53 2026]`, `(…)`: an opening bracket belongs to no shape.
      if (!run(prog, b, s, e, st) && !((b[s] === 0x5b || b[s] === 0x28) && run(prog, b, s + 1, e, st))) return false;
      if (yearless) st.year = 0;
      return true;
    },
  };
}

/**
 * The shapes real systems write, in detection order (on equal hits, the earlier one wins).
 * Every one has a fixture in test/logs/wild written by the system or to its documented format.
 */
export const SHAPES: readonly Shape[] = [
  shape('datetime', 'YYYY-MM-DD_hh:mm:ssFRACZONE', 'date and time with a space: "2026-12-03 13:44:53,123" (Python, log4j, PostgreSQL "… UTC", MariaDB, Windows CBS)'),
  shape('datetime-slash', 'YYYY/MM/DD_hh:mm:ssFRACZONE', 'slashed date: "2026/12/03 13:44:53.123456" (Go log with Lmicroseconds, squid cache.log)'),
  shape('ctime', 'DOW_MON_D_hh:mm:ssFRAC_YYYY', 'ctime: "Thu Dec  3 13:44:53 2026" (Apache error log, dmesg -T), with an optional fraction'),
  shape('rfc2822', 'DOW,_D_MON_YYYY_hh:mm:ssZONE', 'RFC 2822 / HTTP date: "Thu, 03 Dec 2026 13:44:53 +0000"'),
  shape('day-month-name', 'D_MON_YYYY_hh:mm:ssFRAC', 'day, month name, year: "03 Dec 2026 13:44:53.123" (Redis)'),
  shape('dmy-dash', 'DD-MON-YYYY_hh:mm:ssFRAC', 'dd-MMM-yyyy: "03-Dec-2026 13:44:53.123" (Tomcat/Catalina, BIND)'),
  shape('clf-local', 'DD/MON/YYYY:hh:mm:ssFRAC', 'CLF date without a zone: "[03/Dec/2026:13:44:53.123]" (HAProxy)'),
  shape('java-util', 'MON_D,_YYYY_h:mm:ssAMPM', 'java.util.logging: "Dec 03, 2026 1:44:53 PM" (12-hour clock)'),
  shape('us-date', 'M/D/YYYY_h:mm:ssAMPM?', 'US date: "12/3/2026 1:44:53 PM" (Windows event exports)'),
  shape('log4j-yy', 'YY/MM/DD_hh:mm:ssFRAC', 'yy/MM/dd: "17/06/09 20:10:40" (log4j in Spark and Hadoop tools)'),
  shape('yymmdd-colon', 'YYMMDD_h:mm:ss', 'yyMMdd H:mm:ss: "161203  3:44:53" (MySQL 5.5 and older)'),
  shape('yymmdd-compact', 'YYMMDD_hhmmss', 'yyMMdd HHmmss: "081109 203615" (HDFS)'),
  shape('ymd-compact', 'YYYYMMDD-h:m:sFRAC:', 'yyyyMMdd-H:m:s:SSS, fields unpadded: "20171223-22:15:2:6" (HealthApp)'),
  shape('ymd-dots', 'YYYY-MM-DD-hh.mm.ssFRAC', 'yyyy-MM-dd-HH.mm.ss.SSSSSS: "2005-06-03-15.42.50.675872" (IBM BlueGene/L)'),
  shape('glog', 'GLOGMMDD_hh:mm:ssFRAC', 'glog/klog: "I1203 13:44:53.123456" (Kubernetes components; no year)'),
  shape('logcat', 'MM-DD_hh:mm:ssFRAC', 'Android logcat threadtime: "12-03 13:44:53.123" (no year)'),
  shape('month-dot-day', 'MM.DD_hh:mm:ss', 'MM.dd HH:mm:ss: "[10.30 16:49:06]" (Proxifier; no year)'),
];
