/**
 * @module time
 * Plain-number time: seconds (float) for binning, and exact (seconds, fraction, resolution)
 * triples for printing. No Luxon here and no wall clock.
 */
import { ArgumentError } from './errors';

/** An exact timestamp: integer epoch seconds + an integer fraction in units of 1/`res` s. */
export interface ExactTime {
  sec: number;
  frac: number;
  /** Units per second of `frac`: 1e6 (µs), 1e9 (ns), 2**n, … */
  res: number;
}

/** Parses `250ms`, `1s`, `10s`, `5m`, `1h` (or a bare number of seconds) into seconds. */
export function parseDuration(text: string | number, what = 'interval'): number {
  if (typeof text === 'number') {
    if (!(text > 0) || !Number.isFinite(text)) throw new ArgumentError(`${what} must be > 0, got ${text}`);
    return text;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new ArgumentError(`${what}: expected e.g. 250ms, 1s, 10s, 5m; got "${text}"`);
  const v = Number(m[1]);
  const unit = m[2] ?? 's';
  const sec = unit === 'ms' ? v / 1000 : unit === 'm' ? v * 60 : unit === 'h' ? v * 3600 : v;
  if (!(sec > 0)) throw new ArgumentError(`${what} must be > 0, got "${text}"`);
  return sec;
}

/** Number of decimal digits to print for a resolution: 1e6 → 6, 1e9 → 9, 2^n → 9. */
export function digitsFor(res: number): number {
  let d = 0;
  let r = res;
  while (r > 1 && r % 10 === 0) {
    r /= 10;
    d++;
  }
  return r === 1 ? d : 9;
}

function pad(n: number, w: number): string {
  let s = String(n);
  while (s.length < w) s = '0' + s;
  return s;
}

/** The last second formatted: flow records and bins come in time order, so most calls repeat it. */
let lastSec = NaN;
let lastBase = '';

/** ISO-8601 UTC of integer epoch seconds plus a fraction string (may be ''). */
export function isoFromSeconds(sec: number, fracDigits = ''): string {
  if (sec !== lastSec) {
    const d = new Date(sec * 1000);
    lastBase =
      pad(d.getUTCFullYear(), 4) + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2) +
      'T' + pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2);
    lastSec = sec;
  }
  return lastBase + (fracDigits ? '.' + fracDigits : '') + 'Z';
}

/**
 * ISO-8601 UTC with the full precision of the resolution.
 * @example isoExact({ sec: 1644232313, frac: 123456, res: 1e6 }) //=> '2022-02-07T11:11:53.123456Z'
 */
export function isoExact(t: ExactTime): string {
  return isoOfParts(t.sec, t.frac, t.res);
}

/** `isoExact` of the three parts (no object to build: flow records call it twice each). */
export function isoOfParts(sec: number, fracIn: number, res: number): string {
  const digits = digitsFor(res);
  let frac = fracIn;
  if (res !== 10 ** digits) frac = Math.round((fracIn / res) * 1e9); // 2^-n: nearest ns
  if (frac >= 10 ** digits) { sec += 1; frac -= 10 ** digits; }
  return isoFromSeconds(sec, digits ? pad(frac, digits) : '');
}

/**
 * The nanoseconds of a fraction `fracIn / res` as `isoOfParts` prints it (its digits read as
 * nanoseconds; 1e9 or more when it rounds up into the next second). Finer than 1 ns: truncated.
 */
export function fracNanos(fracIn: number, res: number): number {
  const digits = digitsFor(res);
  if (res !== 10 ** digits) return Math.round((fracIn / res) * 1e9);
  return digits <= 9 ? fracIn * 10 ** (9 - digits) : Math.floor(fracIn / 10 ** (digits - 9));
}

/**
 * ISO-8601 UTC of a float seconds value, printed to `digits` decimals (default ms when the value
 * has a fraction, none when it is whole). Used for bin edges and derived times.
 */
export function isoSeconds(t: number, digits?: number): string {
  let sec = Math.floor(t);
  let fracPart = t - sec;
  const dg = digits ?? (fracPart === 0 ? 0 : 6);
  if (dg === 0) return isoFromSeconds(sec);
  let f = Math.round(fracPart * 10 ** dg);
  if (f >= 10 ** dg) { sec += 1; f -= 10 ** dg; }
  return isoFromSeconds(sec, pad(f, dg));
}

/** Half-open interval [start, end) in seconds. */
export interface Window {
  start: number;
  end: number;
}

/** Seconds (float) of an exact time; exact enough for binning (µs at 2^53). */
export function toSeconds(t: ExactTime): number {
  return t.sec + t.frac / t.res;
}
