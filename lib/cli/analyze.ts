/**
 * @module cli/analyze
 * `alibi analyze <config.json> | --capture FILE@VANTAGE… --log FILE@COMPONENT[:TZ]…
 *  [--service COMPONENT=HOST:PORT…] [--path V1,V2,…] [--interval 1s] [--json] [--html report.html]`
 */
import { analyze, AnalyzeConfig, loadConfig } from '../analyze';
import { ArgumentError } from '../errors';
import * as fs from 'node:fs';
import { htmlReport } from '../report/html';
import { textReport } from '../report/text';
import { CliIo, EXIT_OK, json, parse } from './common';
import { progressNote } from './progress';

export const ANALYZE_HELP = `usage: alibi analyze <config.json> [--json] [--html report.html]
       alibi analyze --capture FILE@VANTAGE ... --log FILE@COMPONENT[:TZ] ...
                     [--service COMPONENT=HOST:PORT ...] [--path V1,V2,...] [--interval 1s] [--json]
                     [--html report.html]

Reads every capture once (in parallel) and every log once, puts them on one timeline, and says
which component failed — network segment, proxy, backend or the clients — with the evidence.
  --capture FILE@VANTAGE      a capture and the name of where it was taken (repeatable)
  --log FILE@COMPONENT[:TZ]   a component's log, with its IANA zone if it has no offsets (repeatable)
  --service COMPONENT=HOST:PORT  where a component listens (repeatable; inferred when absent)
  --path V1,V2                vantage points from the clients towards the service
  --interval D                bin width (default 1s)
  --json                      the analysis document on stdout
  --html FILE                 also write a self-contained HTML report: every source on one zoomable
                              time axis, silences and incidents shaded, verdict and evidence
`;

function splitAt(spec: string, what: string): [string, string] {
  const i = spec.lastIndexOf('@');
  if (i <= 0 || i === spec.length - 1) throw new ArgumentError(`${what} must be FILE@NAME, got "${spec}"`);
  return [spec.slice(0, i), spec.slice(i + 1)];
}

/** Builds a config from flags (paths relative to the current directory). */
export function configFromFlags(v: Record<string, string[] | string | boolean | undefined>): AnalyzeConfig {
  const captures = ((v.capture as string[] | undefined) ?? []).map((c) => {
    const [file, vantage] = splitAt(c, '--capture');
    return { file, vantage };
  });
  const logs = ((v.log as string[] | undefined) ?? []).map((l) => {
    const [file, rest] = splitAt(l, '--log');
    const k = rest.indexOf(':');
    return k > 0 ? { file, component: rest.slice(0, k), timezone: rest.slice(k + 1) } : { file, component: rest };
  });
  const services = ((v.service as string[] | undefined) ?? []).map((s) => {
    const m = /^([^=]+)=(.+):(\d+)$/.exec(s);
    if (!m) throw new ArgumentError(`--service must be COMPONENT=HOST:PORT, got "${s}"`);
    return { component: m[1], host: m[2].replace(/^\[|\]$/g, ''), port: Number(m[3]) };
  });
  const cfg: AnalyzeConfig = { captures, logs, services, baseDir: process.cwd() };
  if (typeof v.path === 'string') cfg.path = v.path.split(',').map((x) => x.trim()).filter(Boolean);
  if (typeof v.interval === 'string') cfg.interval = v.interval;
  return cfg;
}

export async function analyzeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    capture: { type: 'string', multiple: true },
    log: { type: 'string', multiple: true },
    service: { type: 'string', multiple: true },
    path: { type: 'string' },
    interval: { type: 'string' },
    html: { type: 'string' },
  });
  if (values.help) {
    io.stdout(ANALYZE_HELP);
    return EXIT_OK;
  }
  let cfg: AnalyzeConfig;
  if (positionals.length === 1) {
    cfg = loadConfig(positionals[0]);
    if (values.interval) cfg.interval = values.interval;
  } else if (positionals.length === 0) {
    cfg = configFromFlags(values);
  } else throw new ArgumentError('analyze takes one config file, or --capture/--log flags');
  if (values.html === '') throw new ArgumentError('--html needs a file name');
  const nCap = cfg.captures?.length ?? 0;
  const nLog = cfg.logs?.length ?? 0;
  const note = progressNote(io, `alibi: reading ${nCap} capture${nCap === 1 ? '' : 's'}${nCap > 1 ? ' in parallel' : ''} and ${nLog} log${nLog === 1 ? '' : 's'}…`, { quiet: values.json });
  let doc;
  try {
    doc = await analyze(cfg);
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
  const { timeline, ...printed } = doc;
  void timeline;
  io.stdout(values.json ? json(printed) : textReport(doc));
  return EXIT_OK;
}
