/**
 * @module cli/scan
 * `alibi scan <capture…> --vantage NAME --out DIR [--config alibi.json | --service C=H:P…]
 *  [--interval 1s] [--filter EXPR] [--clock-offset S] [--queue redis://… [--files-per-job N]]`
 * Scans a capture (or a rotated set) where it lies and writes its partial result (partial/partial)
 * for `analyze` to read elsewhere: `{"vantage": NAME, "partials": DIR}` in the analysis config.
 * With `--queue`, the set is cut into jobs that `alibi worker` processes (distribute/) run.
 */
import * as path from 'node:path';
import { ArgumentError } from '../errors';
import { AnalyzeInput, intervalSeconds, loadConfigFile, parseConfig } from '../config';
import { scanToPartial, type ScanJob, type ScanJobResult } from '../partial/partial';
import { scanJobs } from '../distribute/jobs';
import { CliIo, EXIT_OK, json, parse, warningLines } from './common';
import { rawConfigFromFlags } from './analyze';
import { forTerminal } from '../report/escape';
import { progressNote } from './progress';

export const SCAN_HELP = `usage: alibi scan <capture…> --vantage NAME --out DIR [--config alibi.json]
                  [--service COMPONENT=HOST:PORT …] [--interval 1s] [--filter EXPR]
                  [--clock-offset S] [--part NAME] [--json]
       alibi scan <capture…> --vantage NAME --out DIR --queue redis://HOST:PORT [--files-per-job N] …

Scans a capture where it lies — one file, or a rotated set read as one capture (globs and
folders as in the config) — and writes its partial result into DIR as Parquet: the series per
bin (whole capture and per service), every connection, the packet digests that match packets
between vantages, and the part's facts. \`alibi analyze\` reads it where the config says
{"vantage": NAME, "partials": DIR}, and gives the same document as from the capture. Parts of
one vantage (files scanned on several machines) may share DIR; DuckDB reads it too (alibi sql).
  --vantage NAME        where the capture was taken (the analysis config's vantage)
  --out DIR             the partials folder (created; a part is written atomically)
  --config FILE         take the interval, services, filter and this vantage's clockOffset (and,
                        with no capture given, its files) from the analysis config
  --service C=H:P       a service whose series are counted (repeatable); the analysis must have
                        the same services (the per-service series are counted during the pass)
  --interval D          bin width (default 1s, or the config's): the analysis' interval
  --filter EXPR         read through this tcpdump expression, as analyze --filter
  --clock-offset S      seconds added to every timestamp (the config's clockOffset)
  --part NAME           the part's name in DIR (default: vantage and first file name)
  --queue URL           cut the set into jobs on this Redis (BullMQ), run by \`alibi worker\`
                        processes on any machine that sees the files; waits for them
  --files-per-job N     files per job with --queue (default 4)
  --queue-timeout S     give up waiting for the workers after S seconds (default a day)
  --one-thread          read and count on one thread (default: two on a machine with two cores
                        or more): for several scans at once on one machine
  --json                print what was written as JSON
`;

export async function scanCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    vantage: { type: 'string' },
    out: { type: 'string' },
    config: { type: 'string' },
    service: { type: 'string', multiple: true },
    interval: { type: 'string' },
    filter: { type: 'string' },
    'clock-offset': { type: 'string' },
    part: { type: 'string' },
    queue: { type: 'string' },
    'files-per-job': { type: 'string' },
    'queue-timeout': { type: 'string' },
    'one-thread': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout(SCAN_HELP);
    return EXIT_OK;
  }
  const vantage = values.vantage as string | undefined;
  const out = values.out as string | undefined;
  if (!vantage) throw new ArgumentError('scan needs --vantage NAME (where the capture was taken, as the analysis config names it)');
  if (!out) throw new ArgumentError('scan needs --out DIR (the partials folder to write)');
  const job = scanJobFrom(values, positionals, vantage, out);
  const note = progressNote(io, `alibi: scanning ${job.files.length} file${job.files.length === 1 ? '' : 's'} of ${forTerminal(vantage)}…`, { quiet: values.json === true });
  let results: ScanJobResult[];
  try {
    if (values.queue !== undefined) {
      const per = values['files-per-job'] === undefined ? 4 : Number(values['files-per-job']);
      if (!Number.isInteger(per) || per < 1) throw new ArgumentError(`--files-per-job must be a whole number of files ≥ 1, got "${values['files-per-job']}"`);
      const { distributeScan } = await import('../distribute/queue'); // loads bullmq only when used
      const { files, ...rest } = job;
      const timeout = values['queue-timeout'] === undefined ? 24 * 3600 : Number(values['queue-timeout']);
      if (!(timeout > 0)) throw new ArgumentError(`--queue-timeout must be seconds > 0, got "${values['queue-timeout']}"`);
      // Jobs done so far on stderr (a TTY): with no worker running, the count stays at 0.
      const onProgress = io.isTTY && !values.json ? (done: number, total: number) => io.stderr(`\ralibi: ${done} of ${total} scan jobs done\x1b[K`) : undefined;
      results = await distributeScan({ queue: values.queue, jobs: scanJobs(files, { ...rest, filesPerJob: per }), timeoutMs: timeout * 1000, onProgress });
    } else results = [await scanToPartial(job)];
  } finally {
    note.end();
  }
  // Damaged input: what was decoded before the damage is in the part; the damage is said here.
  const warnings = results.flatMap((r) => r.warnings ?? []);
  if (warnings.length && !values.json) io.stderr(warningLines(warnings));
  if (values.json) io.stdout(json({ out: path.resolve(out), vantage, parts: results }));
  else {
    const packets = results.reduce((n, r) => n + r.packets, 0);
    io.stdout(`${packets} packets of ${forTerminal(vantage)} (${results.reduce((n, r) => n + r.files.length, 0)} files) scanned into ${forTerminal(path.resolve(out))}: ${results.map((r) => forTerminal(r.part)).join(', ')}\n`);
  }
  return EXIT_OK;
}

/** The job the flags describe, checked as the analysis config is (same messages). */
export function scanJobFrom(values: Record<string, unknown>, positionals: string[], vantage: string, out: string): ScanJob {
  let cfg: AnalyzeInput | null = null;
  if (typeof values.config === 'string') cfg = loadConfigFile(values.config);
  // The capture files (positionals: globs, folders) and --service, checked as a config's entries are.
  let files: string[];
  let services = cfg?.services.map((s) => ({ ...s })) ?? [];
  const flagServices = values.service !== undefined ? (rawConfigFromFlags({ service: values.service as string[] }).raw.services as unknown[]) : undefined;
  if (positionals.length > 0 || flagServices) {
    const raw: Record<string, unknown> = { captures: [{ vantage, files: positionals.length > 0 ? positionals : ['-'] }], ...(flagServices ? { services: flagServices } : {}) };
    const parsed = parseConfig(raw, { baseDir: process.cwd(), label: (f) => (f.startsWith('services') ? '--service' : 'command line') });
    if (flagServices) services = parsed.services.map((s) => ({ ...s }));
    files = parsed.captures[0].files;
  } else files = [];
  if (positionals.length === 0) {
    const c = cfg?.captures.find((x) => x.vantage === vantage);
    if (!cfg) throw new ArgumentError('scan needs capture files (or --config naming them for --vantage)');
    if (!c || c.files.length === 0) throw new ArgumentError(`${values.config}: no capture files for vantage "${vantage}" (vantages: ${cfg.captures.map((x) => x.vantage).join(', ') || 'none'}); give the files`);
    files = c.files;
  }
  if (services.length === 0) throw new ArgumentError('scan needs the services (--config with "services", or --service COMPONENT=HOST:PORT): their series are counted during the pass, and the analysis must name the same ones (`alibi endpoints` shows the busiest servers)');
  const interval = typeof values.interval === 'string' ? intervalSeconds(values.interval, { label: () => `--interval ${values.interval}` }) : (cfg?.interval ?? 1);
  const filter = typeof values.filter === 'string' ? values.filter : cfg?.filter;
  let clockOffset = cfg?.captures.find((x) => x.vantage === vantage)?.clockOffset;
  if (typeof values['clock-offset'] === 'string') {
    clockOffset = Number(values['clock-offset']);
    if (!Number.isFinite(clockOffset) || Math.abs(clockOffset) > 86400) throw new ArgumentError(`--clock-offset must be seconds (|x| ≤ 86400), got "${values['clock-offset']}"`);
  }
  // one thread: several scans at once on one machine (each thread of a two-thread scan waits on the other)
  const threads = values['one-thread'] === true || cfg?.parallel === false ? { threads: false } : {};
  return { files, vantage, out, interval, services, ...threads, ...(filter !== undefined ? { filter } : {}), ...(clockOffset !== undefined ? { clockOffset } : {}), ...(typeof values.part === 'string' ? { part: values.part } : {}) };
}
