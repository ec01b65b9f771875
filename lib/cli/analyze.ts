/**
 * @module cli/analyze
 * `alibi analyze <config.json> | --capture FILE@VANTAGE… --log FILE@COMPONENT[:TZ]…
 *  [--service COMPONENT=HOST:PORT…] [--path V1,V2,…] [--interval 1s] [--json] [--html report.html]`
 * Flags become a raw config that goes through the same `parseConfig` as a file, so a mistake gets
 * the same message whichever way it was typed.
 */
import { analyze } from '../analyze';
import { ArgumentError } from '../errors';
import * as fs from 'node:fs';
import { AnalyzeInput, ConfigError, ConfigIssue, intervalSeconds, loadConfigFile, parseConfig } from '../config';
import { htmlReport } from '../report/html';
import { textReport, verdictLines } from '../report/text';
import { CliIo, EXIT_OK, json, parse, writePieces } from './common';
import { checkColumnarFlags, writeColumnar } from './arrow';
import { csvHeader, csvRow, timelineRows } from '../report/schema';
import { progressNote } from './progress';
import { forTerminalLines } from '../report/escape';

export const ANALYZE_HELP = `usage: alibi analyze <config.json> [--interval 1s] [--json [--timeline]|--quiet|--csv] [--html report.html]
                     [--arrow FILE] [--parquet FILE]
       alibi analyze --capture FILE@VANTAGE ... --log FILE@COMPONENT[:TZ] ...
                     [--service COMPONENT=HOST:PORT ...] [--path V1,V2,...] [--interval 1s] [--json]
                     [--html report.html]

Reads every capture once (in parallel) and every log once, puts them on one timeline, and says
which component failed — network segment, proxy, backend or the clients — with the evidence.
  --capture FILE@VANTAGE      a capture and the name of where it was taken (repeatable); FILE may be
                              a glob ('fw*.pcap@firewall') or a folder; the same VANTAGE again adds
                              files to that vantage (one capture in time order)
  --log FILE@COMPONENT[:TZ]   a component's log, with its IANA zone if it has no offsets (repeatable;
                              the same COMPONENT again is another log of it)
  --service COMPONENT=HOST:PORT  where a component listens, HOST an IP address, IPv6 in brackets:
                              backend=[2001:db8::1]:8080 (repeatable; inferred when absent)
  --path V1,V2                vantage points from the clients towards the service
  --interval D                bin width (default 1s; with a config file, overrides its "interval")
  --filter EXPR               read every capture through this tcpdump expression (host, net, port,
                              tcp flags, and/or/not): only the packets it keeps count
  --json                      the analysis document on stdout
  --quiet                     the verdict alone: one line per incident, or "no incident …" (for
                              scripts and alerts; no progress line)
  --html FILE                 also write a self-contained HTML report: every source on one zoomable
                              time axis, silences and incidents shaded, verdict and evidence, and
                              each incident's connections (a second read of each capture)
  --csv                       the timeline the verdict read, as rows (start, source, service,
                              metric, value: one per source, metric and bin) instead of the report
  --arrow FILE, --parquet FILE  also write those rows as an Arrow IPC / Parquet file
  --timeline                  with --json: add the timeline ({interval, start, series}) to the document

The config file: every key, each way to name files, and each error with its fix are in
docs/config.md; its JSON Schema is schema/analyze-config.json (put "$schema" in the config for
an editor's checks). A mistake in it or in the flags exits 2 listing every problem.
`;

type FlagValues = Record<string, string[] | string | boolean | undefined>;

/** The raw config flags describe, and what the user typed for each of its entries (for messages). */
export interface FlagConfig {
  raw: Record<string, unknown>;
  /** `captures[0]` → `--capture fw*.pcap@firewall`, … */
  typed: Map<string, string>;
}

const many = (v: FlagValues[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

/** `FILE@NAME` split at the last `@` (a file name may hold one; a name may not). */
function splitAt(spec: string): [string, string] | null {
  const i = spec.lastIndexOf('@');
  return i <= 0 || i === spec.length - 1 ? null : [spec.slice(0, i), spec.slice(i + 1)];
}

/**
 * The raw config of `--capture`, `--log`, `--service`, `--path` and `--interval`, before
 * validation; flag syntax mistakes (no `@`, no port) are a `ConfigError` listing each.
 * @example rawConfigFromFlags({ capture: ['a.pcap@fw', 'b.pcap@fw'] }).raw //=> { captures: [{ vantage: 'fw', files: ['a.pcap', 'b.pcap'] }] }
 */
export function rawConfigFromFlags(v: FlagValues): FlagConfig {
  const bad: ConfigIssue[] = [];
  const typed = new Map<string, string>();
  const raw: Record<string, unknown> = {};

  // Captures: one entry per vantage, in the order vantages first appear.
  const byVantage = new Map<string, { vantage: string; files: string[]; flags: string[] }>();
  for (const spec of many(v.capture)) {
    const at = splitAt(spec);
    if (!at) {
      bad.push({ code: 'bad_flag', field: '--capture', message: `"${spec}" is not FILE@VANTAGE (e.g. fw.pcap@firewall, 'fw*.pcap@firewall')` });
      continue;
    }
    const e = byVantage.get(at[1]) ?? { vantage: at[1], files: [], flags: [] };
    e.files.push(at[0]);
    e.flags.push(`--capture ${spec}`);
    byVantage.set(at[1], e);
  }
  if (byVantage.size) {
    raw.captures = [...byVantage.values()].map((e, i) => {
      typed.set(`captures[${i}]`, e.flags.join(' '));
      return { vantage: e.vantage, files: e.files };
    });
  }

  // Logs: one entry per flag (the same component twice is two logs of it); FILE may be a glob.
  const logs: Record<string, unknown>[] = [];
  for (const spec of many(v.log)) {
    const at = splitAt(spec);
    if (!at) {
      bad.push({ code: 'bad_flag', field: '--log', message: `"${spec}" is not FILE@COMPONENT[:TZ] (e.g. stunnel.log@stunnel:America/New_York)` });
      continue;
    }
    const k = at[1].indexOf(':');
    const entry: Record<string, unknown> = k < 0 ? { component: at[1] } : { component: at[1].slice(0, k), timezone: at[1].slice(k + 1) };
    entry.files = at[0];
    typed.set(`logs[${logs.length}]`, `--log ${spec}`);
    logs.push(entry);
  }
  if (logs.length) raw.logs = logs;

  // Services: COMPONENT=HOST:PORT, an IPv6 host in brackets (its colons would hide the port).
  const services: Record<string, unknown>[] = [];
  for (const spec of many(v.service)) {
    const m = /^([^=]*)=(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(spec);
    if (!m) {
      const v6 = /^[^=]*=[0-9a-fA-F:]*::?[0-9a-fA-F:]*$/.test(spec);
      bad.push({ code: 'bad_flag', field: '--service', message: `"${spec}" is not COMPONENT=HOST:PORT (e.g. backend=10.0.2.2:8080${v6 ? '; an IPv6 address goes in brackets: backend=[2001:db8::1]:8080' : ', backend=[2001:db8::1]:8080'})` });
      continue;
    }
    typed.set(`services[${services.length}]`, `--service ${spec}`);
    services.push({ component: m[1], host: m[2] ?? m[3], port: Number(m[4]) });
  }
  if (services.length) raw.services = services;

  if (typeof v.path === 'string') {
    raw.path = v.path.split(',').map((x) => x.trim());
    typed.set('path', `--path ${v.path}`);
  }
  if (typeof v.interval === 'string') {
    raw.interval = v.interval;
    typed.set('interval', `--interval ${v.interval}`);
  }
  if (bad.length) throw new ConfigError(bad, { label: (f) => f });
  return { raw, typed };
}

/** What the user typed for a config field: the flag of its entry (`captures[0].files[1]` → that capture's flags). */
function flagLabel(typed: Map<string, string>): (field: string) => string {
  return (field) => {
    const entry = /^[a-z]+(\[\d+\])?/i.exec(field)?.[0] ?? '';
    return typed.get(entry) ?? typed.get(entry.replace(/\[\d+\]$/, '')) ?? 'command line';
  };
}

/**
 * Builds the analysis input from flags (paths relative to `cwd`), checked as a config file is.
 * @example configFromFlags({ capture: ['fw.pcap@firewall'], log: ['app.log@app:UTC'] }).logs[0].timezone //=> 'UTC'
 */
export function configFromFlags(v: FlagValues, cwd = process.cwd()): AnalyzeInput {
  const { raw, typed } = rawConfigFromFlags(v);
  return parseConfig(raw, { baseDir: cwd, label: flagLabel(typed) });
}

const INPUT_FLAGS = ['capture', 'log', 'service', 'path'] as const;

export async function analyzeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    capture: { type: 'string', multiple: true },
    log: { type: 'string', multiple: true },
    service: { type: 'string', multiple: true },
    path: { type: 'string' },
    interval: { type: 'string' },
    html: { type: 'string' },
    csv: { type: 'boolean' },
    arrow: { type: 'string' },
    parquet: { type: 'string' },
    timeline: { type: 'boolean' },
    filter: { type: 'string' },
  });
  if (values.help) {
    io.stdout(ANALYZE_HELP);
    return EXIT_OK;
  }
  let input: AnalyzeInput;
  if (positionals.length === 1) {
    const mixed = INPUT_FLAGS.filter((f) => values[f] !== undefined);
    if (mixed.length) throw new ArgumentError(`give a config file or --capture/--log/--service/--path flags, not both (got ${positionals[0]} and --${mixed.join(', --')})`);
    input = loadConfigFile(positionals[0]);
    if (values.interval !== undefined) input = Object.freeze({ ...input, interval: intervalSeconds(values.interval, { label: () => `--interval ${values.interval}` }) });
  } else if (positionals.length === 0) {
    if (!INPUT_FLAGS.some((f) => values[f] !== undefined)) throw new ArgumentError('analyze needs a config file, or --capture/--log flags');
    input = configFromFlags(values);
  } else throw new ArgumentError(`analyze takes one config file, got ${positionals.length}: ${positionals.join(' ')}`);
  if (values.html === '') throw new ArgumentError('--html needs a file name');
  if ([values.json, values.quiet, values.csv].filter(Boolean).length > 1) throw new ArgumentError(`choose one of --json, --quiet and --csv`);
  if (values.timeline && !values.json) throw new ArgumentError('--timeline adds the timeline to --json: give --json too');
  checkColumnarFlags(values);
  const nCap = input.captures.length;
  const nLog = input.logs.length;
  const note = progressNote(io, `alibi: reading ${nCap} capture${nCap === 1 ? '' : 's'}${nCap > 1 ? ' in parallel' : ''} and ${nLog} log${nLog === 1 ? '' : 's'}…`, { quiet: values.json || values.quiet || values.csv });
  let doc;
  try {
    doc = await analyze(input, { connections: values.html !== undefined, filter: values.filter });
  } finally {
    note.end();
  }
  if (values.html !== undefined) {
    try {
      fs.writeFileSync(values.html, htmlReport(doc));
    } catch (e) {
      throw new ArgumentError(`cannot write --html ${values.html}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const { timeline, connections, ...printed } = doc;
  void connections;
  // The series and log counts the verdict reasoned on, as rows of the one schema.
  if (timeline && (values.csv || values.arrow !== undefined || values.parquet !== undefined)) {
    const { rows, columns } = timelineRows(timeline);
    await writeColumnar(values, rows, columns);
    if (values.csv) {
      await writePieces(io, (function* () {
        yield csvHeader(columns) + '\n';
        for (const k of rows) yield csvRow(k, columns) + '\n';
      })());
      return EXIT_OK;
    }
  }
  if (values.json && values.timeline && timeline) {
    const { interval, start, series } = timeline;
    io.stdout(json({ ...printed, timeline: { interval, start, series } }));
    return EXIT_OK;
  }
  // Names, file names and log text come from the input: shown, never obeyed, by a terminal.
  io.stdout(values.json ? json(printed) : forTerminalLines(values.quiet ? verdictLines(doc) : textReport(doc)));
  return EXIT_OK;
}
