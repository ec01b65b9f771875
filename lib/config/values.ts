/**
 * @module config/values
 * The checks on single values that JSON types cannot say (a zone, an address, a pattern, a
 * name). Each returns the problem, with its fix, or null: the zod schema and the CLI use them alike.
 */
import { isIP } from 'node:net';
import { Info } from 'luxon';
import { parseDuration } from '../time';
import { addressToString, parseAddress } from '../flow/address';
import { formatByName } from '../logs/formats';

/** How a value looks in a message: `"abc"`, `5`, `null`, `an array`, `an object`. */
export function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}

/** Names JavaScript gives meaning to on every object: a lookup by such a name finds the prototype. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Vantage and component names end up as keys, in messages and in `network:A->B`: non-empty,
 * printable, no surrounding spaces, not a JavaScript object's own machinery.
 * @example nameProblem('__proto__') //=> '"__proto__" cannot be a name (JavaScript reserves it on every object); choose another'
 */
export function nameProblem(s: string): string | null {
  if (s.length === 0) return 'is empty; give a name';
  // eslint-disable-next-line no-control-regex
  const ctl = /[\u0000-\u001f\u007f-\u009f]/.exec(s);
  if (ctl) return `${show(s)} contains a control character (U+${ctl[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}); names are printable text`;
  if (s.trim() !== s) return `${show(s)} has leading or trailing spaces; remove them`;
  if (RESERVED.has(s)) return `${show(s)} cannot be a name (JavaScript reserves it on every object); choose another`;
  return null;
}

/** A duration (`250ms`, `1s`, `5m`) or a positive number of seconds. */
export function durationProblem(v: string | number): string | null {
  if (typeof v === 'number') return v > 0 && Number.isFinite(v) ? null : `${show(v)} is not a positive number of seconds`;
  try {
    parseDuration(v);
    return null;
  } catch (e) {
    if (/> 0/.test((e as Error).message)) return `${show(v)} is not a positive duration (use 250ms, 1s, 10s, 5m, or a number of seconds)`;
    return `${show(v)} is not a duration (use 250ms, 1s, 10s, 5m, or a number of seconds)`;
  }
}

/** Seconds of a valid duration (`durationProblem` said null). */
export function durationSeconds(v: string | number): number {
  return parseDuration(v);
}

/** Fixed offsets beyond these do not exist on Earth (UTC-12 … UTC+14). */
const MAX_OFFSET_MIN = 14 * 60;

/**
 * What the log reader accepts (luxon's zone names: IANA names, `UTC`, `UTC+5`, `UTC-03:30`).
 * @example zoneProblem('Mars/Base') //=> '"Mars/Base" is not a time zone (use an IANA name like "Europe/Berlin", or "UTC+5")'
 */
export function zoneProblem(name: string): string | null {
  const bad = `${show(name)} is not a time zone (use an IANA name like "Europe/Berlin", or "UTC+5")`;
  if (name.trim() === '') return bad;
  const z = Info.normalizeZone(name);
  if (!z || !z.isValid) return bad;
  if (z.isUniversal && Math.abs(z.offset(0)) > MAX_OFFSET_MIN) return `${show(name)} is more than 14 hours from UTC; no zone is (use an IANA name like "Europe/Berlin", or "UTC+5")`;
  return null;
}

/**
 * Services are matched against the addresses in the captures, so a host is an IPv4 or IPv6
 * address: a name would need a resolver, and today's answer need not be the capture's.
 */
export function hostProblem(h: string): string | null {
  const kind = isIP(h);
  if (kind === 6 && h.includes('%')) return `${show(h)} has a zone index ("${h.slice(h.indexOf('%'))}"); captures carry none, remove it`;
  if (kind === 0 && /^\[.*\]$/.test(h)) return `${show(h)}: write the IPv6 address without brackets in a config ("${h.slice(1, -1)}")`;
  if (kind === 0 || !parseAddress(h)) {
    return `${show(h)} is not an IP address; give the service's IPv4 or IPv6 address as the captures show it (host names are not supported: captures carry addresses, not names)`;
  }
  return null;
}

/**
 * The address as flow records print it (RFC 5952 for IPv6: lower case, longest zero run
 * compressed), so that a service matches the records' text too.
 * @example normalizeHost('2001:DB8:0:0:0:0:0:1') //=> '2001:db8::1'
 */
export function normalizeHost(h: string): string {
  const a = parseAddress(h);
  return a ? addressToString(...a) : h;
}

/** A pattern that `new RegExp` compiles. */
export function regexProblem(s: string): string | null {
  try {
    new RegExp(s);
    return null;
  } catch (e) {
    return `${show(s)} is not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

/** A log format the reader knows: a built-in name, or a luxon format that reads a date or an hour. */
export function formatProblem(s: string): string | null {
  try {
    formatByName(s);
    return null;
  } catch (e) {
    return `${show(s)} is not a usable format: ${(e as Error).message.replace(/^format \(alibi --format\) "[^"]*" /, '')}`;
  }
}
