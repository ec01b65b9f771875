/**
 * @module config/load
 * A config, from a file or from flags, to one normalized and frozen `AnalyzeInput`: validated
 * against the schema and across fields, every problem reported at once (`ConfigError`, exit 2),
 * paths absolute, globs and folders expanded, hosts in the records' text, the interval in seconds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { crossCheck, vantageOf } from './cross';
import { ConfigError, ConfigIssue, ConfigIssueCode, ConfigOrigin, fieldPath } from './errors';
import { Expansion, expandFile, expandFiles } from './files';
import { parseJsonText } from './json';
import { AnalyzeConfigSchema, KNOWN_KEYS, RawAnalyzeConfig } from './schema';
import { closest, didYouMean } from './suggest';
import { durationSeconds, normalizeHost } from './values';

/** The analysis input: what every consumer of a config reads. Frozen; paths absolute. */
export interface AnalyzeInput {
  /** Bin width, seconds. */
  interval: number;
  /** One entry per vantage; its files (absolute) are one capture in time order. */
  captures: { vantage: string; files: string[]; clockOffset?: number; partials?: string }[];
  /** One entry per log entry of the config (several may share a component). */
  logs: { component: string; files: string[]; timezone?: string; format?: string; match?: string; program?: string; year?: number; timeField?: number; timeRegex?: string }[];
  /** Hosts as flow records print them (IPv6 lower case, compressed). */
  services: { component: string; host: string; port: number }[];
  path?: string[];
  /** A tcpdump expression every capture is read through. */
  filter?: string;
  parallel?: boolean;
  /** The folder relative paths were resolved against. */
  baseDir: string;
}

/** Where the raw config came from: its folder (for relative paths) and how to name it in messages. */
export interface ConfigSource extends ConfigOrigin {
  baseDir: string;
}

type Issue = z.core.$ZodIssue;

/** Keys that belong to another kind of entry: "timezone" in a capture is a log's key. */
function unknownKeyText(key: string, where: (string | number)[]): string {
  const kind = where.length === 0 ? 'config' : (String(where[0]) as 'captures' | 'logs' | 'services');
  const known: readonly string[] = KNOWN_KEYS[kind] ?? [];
  const hint = didYouMean(key, known);
  if (hint) return `unknown key "${key}"${hint}`;
  const others = (['config', 'captures', 'logs', 'services'] as const).filter((k) => k !== kind);
  for (const k of others) {
    const c = KNOWN_KEYS[k].includes(key) ? key : closest(key, KNOWN_KEYS[k]);
    if (c !== undefined) return `unknown key "${key}" (${c === key ? '' : `did you mean "${c}"? `}"${c}" is ${k === 'config' ? 'a top-level key' : `a key of ${k}[] entries`}); known keys here: ${known.join(', ')}`;
  }
  return `unknown key "${key}"; known keys: ${known.join(', ')}`;
}

/** Codes for zod's own issues, by the field they are about. */
function codeOf(iss: Issue): ConfigIssueCode {
  const custom = (iss as { params?: { code?: ConfigIssueCode } }).params?.code;
  if (custom) return custom;
  if (iss.code === 'invalid_type' || iss.code === 'invalid_union') return iss.input === undefined ? 'missing' : 'invalid_type';
  const last = iss.path[iss.path.length - 1];
  if (last === 'port') return 'bad_port';
  if (last === 'clockOffset') return 'bad_clock_offset';
  return 'invalid_value';
}

/** zod issues as config issues: one per unknown key, a union's issues from the branch that fit. */
export function issuesFromZod(issues: readonly Issue[], prefix: (string | number)[] = []): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const iss of issues) {
    const p = [...prefix, ...(iss.path as (string | number)[])];
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys) out.push({ code: 'unknown_key', field: fieldPath(p), message: unknownKeyText(k, p) });
    } else if (iss.code === 'invalid_union') {
      // A branch whose issues are all inside the value had the right type: its issues are the point
      // (["a", 5] as files: element 1 is not a string), not "matched no branch".
      const inner = iss.errors.find((b) => b.length > 0 && b.every((x) => x.path.length > 0));
      if (inner) out.push(...issuesFromZod(inner, p));
      else out.push({ code: codeOf(iss), field: fieldPath(p), message: iss.message });
    } else {
      out.push({ code: codeOf(iss), field: fieldPath(p), message: iss.message });
    }
  }
  return out;
}

const ORDER = ['', '$schema', 'interval', 'captures', 'logs', 'services', 'path', 'filter', 'parallel'];
/** Issues in the order of the config (top-level key, then entry), schema before cross checks within one. */
function documentOrder(issues: ConfigIssue[]): ConfigIssue[] {
  const key = (f: string) => {
    const m = /^([^.[]*)(?:\[(\d+)\])?/.exec(f);
    const top = ORDER.indexOf(m?.[1] ?? '');
    return [top < 0 ? ORDER.length : top, m?.[2] === undefined ? -1 : Number(m[2])];
  };
  return issues
    .map((x, n) => ({ x, n, k: key(x.field) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.n - b.n)
    .map((e) => e.x);
}

/** The files of every entry whose file spec has the right type, and what is wrong on disk. */
function expandEntries(raw: unknown, kind: 'captures' | 'logs', baseDir: string, issues: ConfigIssue[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const list = (raw as Record<string, unknown> | null)?.[kind];
  if (!Array.isArray(list)) return out;
  list.forEach((e: unknown, i) => {
    if (typeof e !== 'object' || e === null) return;
    const { file, files } = e as { file?: unknown; files?: unknown };
    let x: Expansion | null = null;
    let key = 'file';
    if (typeof file === 'string' && file !== '' && files === undefined) x = expandFile(file, baseDir);
    else if (file === undefined && (typeof files === 'string' ? files !== '' : Array.isArray(files) && files.length > 0 && files.every((f) => typeof f === 'string' && f !== ''))) {
      x = expandFiles(files as string | string[], baseDir);
      key = 'files';
    }
    if (!x) return;
    for (const p of x.problems) issues.push({ code: p.code, field: `${kind}[${i}].${key}${p.index === undefined ? '' : `[${p.index}]`}`, message: p.message });
    out.set(i, x.files);
  });
  return out;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** `{...}` without its undefined fields (a normalized object has no `key: undefined`). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A raw config (parsed JSON, or built from flags) to the normalized input, or a `ConfigError`
 * listing every problem: schema, cross-field and files on disk.
 * @example
 * parseConfig({ captures: [{ vantage: 'fw', files: 'fw/*.pcap' }], path: ['fw'] }, { baseDir: '/cases/42' }).captures
 * //=> [{ vantage: 'fw', files: ['/cases/42/fw/a.pcap', '/cases/42/fw/b.pcap'] }]
 * parseConfig({ captures: [{ vantge: 'fw', file: 'a.pcap' }] }, { file: 'alibi.json', baseDir: '.' })
 * //=> throws ConfigError: alibi.json: captures[0]: unknown key "vantge" (did you mean "vantage"?); known keys: vantage, file, files, clockOffset
 */
export function parseConfig(raw: unknown, where: ConfigSource): AnalyzeInput {
  const baseDir = path.resolve(where.baseDir);
  const parsed = AnalyzeConfigSchema.safeParse(raw, { reportInput: true });
  const issues = parsed.success ? [] : issuesFromZod(parsed.error.issues);
  issues.push(...crossCheck(raw));
  const captureFiles = expandEntries(raw, 'captures', baseDir, issues);
  const logFiles = expandEntries(raw, 'logs', baseDir, issues);
  if (issues.length > 0 || !parsed.success) throw new ConfigError(documentOrder(issues), where);
  const cfg: RawAnalyzeConfig = parsed.data;
  const input: AnalyzeInput = {
    interval: cfg.interval === undefined ? 1 : durationSeconds(cfg.interval),
    captures: (cfg.captures ?? []).map((c, i) => defined({ vantage: vantageOf(c, i) as string, files: captureFiles.get(i) ?? [], clockOffset: c.clockOffset, partials: c.partials === undefined ? undefined : path.resolve(baseDir, c.partials) })),
    logs: (cfg.logs ?? []).map((l, i) =>
      defined({ component: l.component, files: logFiles.get(i) ?? [], timezone: l.timezone, format: l.format, match: l.match, program: l.program, year: l.year, timeField: l.timeField, timeRegex: l.timeRegex }),
    ),
    services: (cfg.services ?? []).map((s) => ({ component: s.component, host: normalizeHost(s.host), port: s.port })),
    baseDir,
  };
  if (cfg.path) input.path = [...cfg.path];
  if (cfg.filter !== undefined) input.filter = cfg.filter;
  if (cfg.parallel !== undefined) input.parallel = cfg.parallel;
  return deepFreeze(input);
}

/**
 * Reads, parses and validates a config file; relative paths resolve against its folder.
 * @example loadConfigFile('captures/stunnel-freeze/alibi.json').path //=> ['firewall', 'server']
 */
export function loadConfigFile(file: string): AnalyzeInput {
  const origin = { file };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder (give the config file in it)' : code ?? (e as Error).message;
    throw new ConfigError([{ code: 'unreadable', field: '', message: `cannot read the config: ${why}` }], origin);
  }
  const r = parseJsonText(text);
  if (!r.ok) throw new ConfigError([{ code: 'not_json', field: '', message: `not valid JSON at line ${r.problem.line}, column ${r.problem.column}: ${r.problem.message}` }], origin);
  const dupes: ConfigIssue[] = r.duplicates.map((d) => ({ code: 'duplicate_key', field: fieldPath(d.path), message: `key "${d.key}" appears twice; JSON keeps only the last, remove one` }));
  let issues = dupes;
  let input: AnalyzeInput | undefined;
  try {
    input = parseConfig(r.value, { ...origin, baseDir: path.dirname(path.resolve(file)) });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    issues = [...dupes, ...e.issues];
  }
  if (issues.length > 0 || !input) throw new ConfigError(documentOrder(issues), origin);
  return input;
}

/** An `interval` given beside a config (`--interval`), checked as the config's would be. */
export function intervalSeconds(v: string, origin: ConfigOrigin): number {
  const r = AnalyzeConfigSchema.shape.interval.safeParse(v, { reportInput: true });
  if (!r.success) throw new ConfigError(issuesFromZod(r.error.issues, ['interval']), origin);
  return durationSeconds(v);
}
