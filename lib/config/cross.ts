/**
 * @module config/cross
 * Checks across fields: names that must refer to something (a `path` entry to a capture's
 * vantage, a log's component to a service) and entries that must not repeat. They read the raw
 * config tolerantly (an entry of the wrong shape is skipped: the schema reports it), so that a
 * config with a typo and a dangling name hears about both at once.
 */
import type { ConfigIssue } from './errors';
import { didYouMean } from './suggest';
import { normalizeHost } from './values';
import { endpoint } from '../flow/address';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const entries = (v: unknown): [number, Obj][] => (Array.isArray(v) ? v.flatMap((e, i) => (isObj(e) ? [[i, e] as [number, Obj]] : [])) : []);
const list = (names: Iterable<string>) => [...names].join(', ');
/** What an entry reads, to tell a repeated entry from a clash. */
const filesKey = (e: Obj) => JSON.stringify(e.file ?? e.files ?? null);

/** The vantage name of a capture entry (the default for an entry without one), or null if not a string. */
export function vantageOf(e: Obj, index: number): string | null {
  if (e.vantage === undefined) return `capture${index + 1}`;
  return typeof e.vantage === 'string' ? e.vantage : null;
}

/** Every cross-field problem of a raw config (Maps, not objects: names may be "__proto__"). */
export function crossCheck(raw: unknown): ConfigIssue[] {
  if (!isObj(raw)) return [];
  const issues: ConfigIssue[] = [];
  const captures = entries(raw.captures);
  const logs = entries(raw.logs);
  const services = entries(raw.services);

  const empty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);
  if (empty(raw.captures) && empty(raw.logs)) {
    issues.push({ code: 'nothing_to_analyze', field: '', message: 'nothing to analyze: give at least one capture ("captures") or one log ("logs")' });
  }

  // One entry per vantage: a vantage is one capture (its files are one capture in time order).
  const vantages = new Map<string, [number, Obj]>();
  for (const [i, c] of captures) {
    const v = vantageOf(c, i);
    if (v === null) continue;
    const first = vantages.get(v);
    if (!first) {
      vantages.set(v, [i, c]);
    } else if (filesKey(first[1]) === filesKey(c)) {
      issues.push({ code: 'duplicate_entry', field: `captures[${i}]`, message: `repeats captures[${first[0]}] (vantage "${v}", same file); remove one` });
    } else {
      issues.push({ code: 'duplicate_vantage', field: `captures[${i}].vantage`, message: `"${v}" is already the vantage of captures[${first[0]}]; a vantage is one capture: list all its files in one entry ("files": [...]), or name this vantage differently` });
    }
  }

  if (Array.isArray(raw.path)) {
    if (raw.path.length === 0) issues.push({ code: 'empty_path', field: 'path', message: 'is empty; list the vantages from the clients towards the service, or leave "path" out to take the captures in order' });
    const seen = new Map<string, number>();
    raw.path.forEach((p, k) => {
      if (typeof p !== 'string') return;
      if (!vantages.has(p)) {
        const known = vantages.size ? `vantages: ${list(vantages.keys())}` : 'there are no captures';
        issues.push({ code: 'unknown_vantage', field: `path[${k}]`, message: `"${p}" is not a vantage of any capture${didYouMean(p, vantages.keys())} (${known})` });
      }
      const before = seen.get(p);
      if (before !== undefined) issues.push({ code: 'duplicate_entry', field: `path[${k}]`, message: `"${p}" is already path[${before}]; a path passes each vantage once` });
      else seen.set(p, k);
    });
  }

  // One service per component, one component per address.
  const components = new Map<string, number>();
  const addresses = new Map<string, number>();
  for (const [i, s] of services) {
    if (typeof s.component === 'string') {
      const first = components.get(s.component);
      if (first !== undefined) issues.push({ code: 'duplicate_service', field: `services[${i}].component`, message: `"${s.component}" already has a service (services[${first}]); give one service per component` });
      else components.set(s.component, i);
    }
    if (typeof s.host === 'string' && typeof s.port === 'number') {
      const addr = `${normalizeHost(s.host)}|${s.port}`;
      const first = addresses.get(addr);
      const shown = endpoint(s.host, s.port);
      if (first !== undefined) issues.push({ code: 'duplicate_address', field: `services[${i}]`, message: `${shown} is already services[${first}]; one address and port is one component` });
      else addresses.set(addr, i);
    }
  }

  // A log's component must be a service's, when services are given: else its silences could not
  // be weighed against that service's traffic, and a typo would pass for a component of its own.
  const logSeen = new Map<string, number>();
  for (const [i, l] of logs) {
    if (typeof l.component !== 'string') continue;
    if (components.size > 0 && !components.has(l.component)) {
      issues.push({
        code: 'unknown_component',
        field: `logs[${i}].component`,
        message: `"${l.component}" is not the component of any service${didYouMean(l.component, components.keys())}: add a service for ${l.component} or correct the component name; known services: ${list(components.keys())}`,
      });
    }
    const key = `${l.component}\u0000${filesKey(l)}`;
    const first = logSeen.get(key);
    if (first !== undefined && (l.file ?? l.files) !== undefined) issues.push({ code: 'duplicate_entry', field: `logs[${i}]`, message: `repeats logs[${first}] (component "${l.component}", same file); remove one` });
    else logSeen.set(key, i);
  }
  return issues;
}
