/**
 * @module analyze
 * The pipeline: every capture read once (in parallel worker threads when there are several),
 * every log read once, all on one epoch-aligned timeline; clock offsets estimated; signals
 * against each source's own baseline; incidents with a culprit and the evidence.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ArgumentError } from './errors';
import { loadConfigFile, parseConfig } from './config';
import type { AnalyzeInput } from './config';
import type { RawAnalyzeConfig } from './config/schema';
import type { Warning } from './errors';
import { readLog, readLogSet } from './logs';
import type { LogScanResult } from './logs';
import { clockOffsetSeconds, compareVantages, VantageComparison } from './correlate/ledger';
import { CaptureScan, ScanRequest, scanCapture, scanCaptureThreaded, ServiceSpec } from './pipeline/scan';
import { THREAD_MIN_BYTES } from './pipeline/passfile';
import { scanInWorkers } from './pipeline/workers';
import { mergeScans, splitRequests } from './correlate/split';
import { partialConnections, readPartialScans, readPartialsThreaded } from './partial/partial';
import { estimateLag } from './correlate/clock';
import { isLoopbackHost } from './correlate/chain';
import { Timeline } from './correlate/timeline';
import { scanIncidentConnections, type IncidentConnections } from './correlate/connections';
import { compileFilter, parseFilter } from './decode/bpf';
import type { CaptureView, LogView, VerdictInput } from './correlate/views';
import { findIncidents } from './correlate/incidents';
import type { AnalyzeDocument, ClockEstimate, SourceDoc, TimelineData } from './correlate/model';
import { nameTable } from './correlate/model';
export type { AnalyzeDocument, ClockEstimate, IncidentDoc, SignalDoc, SourceDoc, TimelineData } from './correlate/model';
export { findIncidents, isSteadyLog, type IncidentSearch } from './correlate/incidents';
import { isoSeconds } from './time';
import { endpoint } from './flow/address';
import { METRIC_KEYS, timelineMetrics } from './metrics/catalog';

/**
 * The analyze configuration as a user writes it (SPEC.md, `schema/analyze-config.json`): captures
 * by `file` or `files` (a list, a glob or a folder), several logs per component, services, path.
 * Relative paths resolve against `baseDir` (the config file's folder). `analyze` validates it
 * (a mistake is a ConfigError naming the field and the fix) and normalizes it to an AnalyzeInput.
 */
export type AnalyzeConfig = RawAnalyzeConfig & {
  /** Folder that relative paths are relative to (the config file's folder). */
  baseDir?: string;
};

/** A config already validated and normalized (`loadConfig`, `parseConfig`): used as it is. */
function isNormalized(c: AnalyzeConfig | AnalyzeInput): c is AnalyzeInput {
  return Object.isFrozen(c) && typeof c.interval === 'number' && typeof c.baseDir === 'string' && ((c.captures ?? []) as { files?: unknown }[]).every((x) => Array.isArray(x.files));
}

/** Validates and normalizes a config object (paths against its `baseDir`, or the working folder). */
export function normalizeConfig(config: AnalyzeConfig | AnalyzeInput): AnalyzeInput {
  if (isNormalized(config)) return config;
  const { baseDir, ...raw } = config as AnalyzeConfig;
  return parseConfig(raw, { baseDir: baseDir ?? process.cwd() });
}



/**
 * Scans every capture once: in worker threads when allowed and there is more than one thread of
 * work — several vantages, or one long rotated set cut into parts for the spare cores.
 */
async function scanAll(reqs: ScanRequest[], parallel: boolean): Promise<CaptureScan[]> {
  if (reqs.length === 0) return [];
  if (!parallel) return reqs.map((r) => scanCapture(r));
  // One vantage (a file or a rotated set): read and decoded by a worker, counted here, as
  // `alibi flows` does: both cores and one flow table. Small inputs stay on this thread (starting
  // a thread costs more than they take).
  if (reqs.length === 1 && cpuCount() >= 2 && inputBytes(reqs[0]) >= THREAD_MIN_BYTES) return [await scanCaptureThreaded(reqs[0])];
  const { runs, parts } = splitRequests(reqs);
  if (runs.length === 1) return runs.map((r) => scanCapture(r));
  const done = await scanInWorkers(runs);
  return parts.map((idx) => mergeScans(idx.map((i) => done[i])));
}

function cpuCount(): number {
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** Bytes of a request's files on disk (0 for what cannot be read: its scan reports it). */
function inputBytes(r: ScanRequest): number {
  let n = 0;
  for (const f of r.files && r.files.length ? r.files : [r.file]) {
    try {
      n += fs.statSync(f).size;
    } catch {
      // the scan says why
    }
  }
  return n;
}

/**
 * Reads one log entry of the config: one file, or a rotated set read as one log in time order.
 * In a syslog file the component's own lines are picked by program tag — `program`, or by
 * default the component's name; when no line carries that tag, every line is read and a warning
 * says to set `program`.
 */
async function readComponentLog(l: AnalyzeInput['logs'][number], interval: number, warnings: Warning[], window?: { start: number; end: number }): Promise<LogScanResult> {
  const opts = { tz: l.timezone, format: l.format, match: l.match, interval, year: l.year, timeField: l.timeField, timeRegex: l.timeRegex, window };
  const read = (program: string | undefined, programDefault: boolean) =>
    l.files.length > 1 || program !== undefined
      ? readLogSet(l.files, { ...opts, program, programDefault, file: l.files.length === 1 ? l.files[0] : undefined })
      : readLog(l.files[0], { ...opts, file: l.files[0] });
  const res = await read(l.program ?? l.component, l.program === undefined);
  if (l.program === undefined && res.program !== null && res.programLines === 0 && res.otherProgramLines > 0) {
    warnings.push({ file: l.files[0], line: 0, code: 'program_not_found', reason: `no line of ${l.files.length > 1 ? 'these files' : 'this syslog file'} is tagged "${l.component}" (${res.otherProgramLines} lines of other programs): every line is read as ${l.component}'s; set "program" to the tag its lines carry` });
    return read(undefined, false);
  }
  return res;
}


/**
 * Loads and validates a config file; relative paths resolve against its folder. A mistake (an
 * unknown key, a path entry that names no vantage, a zone that does not exist…) is a ConfigError
 * (exit 2) listing every problem with its field and fix.
 */
export function loadConfig(file: string): AnalyzeInput {
  return loadConfigFile(file);
}

const ROUND = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The per-service series the HTML report charts beside the whole-capture ones (TLS handshakes,
 * HTTP requests and answers, answer times): the verdict reads them per service, so its evidence
 * is drawn from the same numbers. A series with nothing in it is left out.
 */
function serviceSeries(views: CaptureView[]): TimelineData['series'] {
  const out: TimelineData['series'] = [];
  for (const c of views) {
    for (const [service, cols] of Object.entries(c.services)) {
      if (!(c.serviceConnections[service] > 0)) continue;
      for (const m of timelineMetrics('service')) {
        const v = cols[m];
        if (v && v.some((x) => x !== 0)) out.push({ source: c.vantage, service, metric: m, values: Array.from(v) });
      }
    }
  }
  return out;
}

/** A sparse bin → count map as a dense column of `length` bins. */
function binCounts(m: Map<number, number>, length: number): number[] {
  const out = new Array<number>(length).fill(0);
  for (const [bin, n] of m) if (bin >= 0 && bin < length) out[bin] += n;
  return out;
}

/** What `analyze` adds beyond the document SPEC describes. */
export interface AnalyzeOptions {
  /**
   * List each incident's connections per vantage (`doc.connections`; the HTML report's tables):
   * one more read of each capture once the incidents are known, only when there are incidents.
   */
  connections?: boolean;
  /**
   * A tcpdump expression every capture is read through (`--filter`): only the packets it keeps
   * count, as if each capture had been cut with `tcpdump -r IN -w OUT EXPR` first.
   */
  filter?: string;
}

/** A log as the analysis reads it: its config entry, named by its first file. */
type LogInput = AnalyzeInput['logs'][number] & { file: string };

/** Everything read, with the services known, and what was inferred or warned on the way. */
interface Inputs {
  interval: number;
  captures: { file: string; files: string[]; vantage: string; clockOffset?: number; partials?: string }[];
  services: ServiceSpec[];
  /** The vantages on the path, upstream first. */
  pathNames: string[];
  /** The tcpdump expression every capture is read through, if any. */
  filter: string | undefined;
  scans: CaptureScan[];
  logs: { cfg: LogInput; res: LogScanResult }[];
  inferred: string[];
  warnings: Warning[];
}

/** Where each source's series sit on the timeline and how their clocks were matched. */
interface Placed {
  clocks: ClockEstimate[];
  comparisons: VantageComparison[];
  /** Bins each capture's series move to reach the reference clock. */
  shiftOf: Map<string, number>;
  captureViews: CaptureView[];
  logViews: LogView[];
}

/**
 * Runs the whole analysis and returns the document `alibi analyze --json` prints: the inputs read
 * (captures in worker threads while the logs are read here), one timeline over them, clocks
 * matched, the verdict from the views, and the document.
 * @example
 * const doc = await analyze(loadConfig('captures/stunnel-freeze/alibi.json'));
 * doc.incidents[0].culprit //=> { component: 'stunnel', kind: 'application', confidence: 0.92 }
 */
export async function analyze(config: AnalyzeConfig | AnalyzeInput, options: AnalyzeOptions = {}): Promise<AnalyzeDocument> {
  const inp = await readInputs(normalizeConfig(config), options);
  const timeline = spanTimeline(inp);
  const placed = placeSources(inp, timeline);
  warnDisjointLogs(inp);

  // Signals and incidents (the same helper `alibi watch` runs on its rolling window).
  const verdictInput: VerdictInput = { timeline, captures: placed.captureViews, logs: placed.logViews, services: inp.services.map((s) => ({ ...s })), path: inp.pathNames, comparisons: placed.comparisons };
  const found = findIncidents(verdictInput);
  const missing = missingInputs(inp);
  // The incidents' connections: a second read of each capture, now that the windows are known.
  let connections: IncidentConnections[] | undefined;
  if (options.connections && found.incidents.length > 0 && inp.captures.length > 0) {
    const windows = found.groups.map((g) => [timeline.startOf(g.from), timeline.startOf(g.to)] as [number, number]);
    connections = [];
    for (const c of inp.captures) {
      if (c.partials !== undefined) {
        connections.push(...partialConnections(c.partials, c.vantage, inp.services, windows, (placed.shiftOf.get(c.vantage) ?? 0) * inp.interval));
        continue;
      }
      const listed = await scanIncidentConnections({
        files: c.files, vantage: c.vantage, services: inp.services, windows, clockOffset: c.clockOffset, filter: inp.filter,
        shift: (placed.shiftOf.get(c.vantage) ?? 0) * inp.interval,
      });
      connections.push(...listed.connections);
    }
    connections.sort((a, b) => a.incident - b.incident);
  }
  return analysisDocument(inp, timeline, placed, found, missing, connections);
}

/**
 * Reads every input once: the captures (in worker threads when there are several; again with the
 * service known when it had to be inferred from the busiest server) while the logs are read on
 * this thread; a log spanning far more than the captures is read again around them.
 */
async function readInputs(cfg: AnalyzeInput, options: AnalyzeOptions): Promise<Inputs> {
  const interval = cfg.interval;
  const captures = cfg.captures.map((c) => ({ file: c.files[0] ?? '', files: c.files, vantage: c.vantage, clockOffset: c.clockOffset, partials: c.partials }));
  const logsCfg: LogInput[] = cfg.logs.map((l) => ({ ...l, file: l.files[0] ?? '' }));
  if (captures.length === 0 && logsCfg.length === 0) throw new ArgumentError('nothing to analyze: give at least one capture or one log');
  const inferred: string[] = [];
  const warnings: Warning[] = [];
  let services: ServiceSpec[] = cfg.services.map((s) => ({ component: s.component, host: s.host, port: s.port }));
  const pathNames = cfg.path ?? captures.filter((c) => !/loop|lo$/i.test(c.vantage)).map((c) => c.vantage);
  if (!cfg.path && captures.length > 1) inferred.push(`path: ${pathNames.join(' -> ')} (captures in the order given; set "path" to say otherwise)`);

  // Logs are read on this thread while worker threads read the captures.
  const logsStarted = Promise.all(logsCfg.map((l) => readComponentLog(l, interval, warnings)));
  logsStarted.catch(() => undefined);
  // Captures: one read each, in parallel when there are several.
  // The flag's expression over the config's; a mistake is a usage error before any read.
  const expr = options.filter ?? cfg.filter;
  if (expr !== undefined) compileFilter(expr);
  const filter = expr !== undefined && parseFilter(expr) !== null ? expr : undefined;
  const reqs: ScanRequest[] = captures.map((c) => ({ file: c.file, files: c.files, vantage: c.vantage, interval, services, ledger: pathNames.includes(c.vantage), clockOffset: c.clockOffset, filter }));
  // A vantage given as partials (`alibi scan` elsewhere) is read from them, not scanned.
  const partialDir = (i: number) => cfg.captures[i].partials;
  const readScans = async (rs: ScanRequest[], checkServices = true): Promise<CaptureScan[]> => {
    const parallel = cfg.parallel !== false;
    const partialReads = rs.flatMap((r, i) => {
      const dir = partialDir(i);
      return dir === undefined ? [] : [{ dir, want: { vantage: r.vantage, interval, services: r.services, filter: r.filter, clockOffset: r.clockOffset, ledger: r.ledger, checkServices } }];
    });
    // Partials are read in worker threads too (while the logs are read here), after the captures.
    const fromFiles = await scanAll(rs.filter((_, i) => partialDir(i) === undefined), parallel);
    const fromPartials = parallel
      ? await readPartialsThreaded(partialReads)
      : partialReads.map(({ dir, want }) => mergeScans(readPartialScans(dir, want)));
    return rs.map((_, i) => (partialDir(i) === undefined ? fromFiles.shift()! : fromPartials.shift()!));
  };
  let scans: CaptureScan[] = [];
  if (reqs.length > 0) {
    scans = await readScans(reqs, services.length > 0);
  }
  if (services.length === 0 && scans.length > 0) {
    const top = scans.flatMap((s) => s.flows.topServers).sort((x, y) => y.connections - x.connections)[0];
    if (top) {
      const component = logsCfg[0]?.component ?? 'service';
      services = [{ component, host: top.host, port: top.port }];
      inferred.push(`service: ${component} = ${endpoint(top.host, top.port)} (the busiest server in the captures, ${top.connections} connections)`);
      // The per-service series need the service during the pass: read again with it known.
      scans = await readScans(reqs.map((r) => ({ ...r, services })));
    }
  }
  for (const s of scans) warnings.push(...s.warnings);

  // Logs (already being read while the workers scanned the captures).
  const logs: Inputs['logs'] = [];
  const logReads = await logsStarted;
  // A log kept for weeks spans more bins than its reader keeps at this interval and came back
  // with wider ones: read it again binned only around the captures (an hour either side, room
  // for clock offsets and a baseline), at the timeline's own interval.
  const capFirst = Math.min(...scans.map((s) => s.first ?? Infinity));
  const capLast = Math.max(...scans.map((s) => s.last ?? -Infinity));
  if (capFirst <= capLast) {
    const window = { start: capFirst - 3600, end: capLast + 3600 };
    for (const [k, l] of logsCfg.entries()) {
      if (logReads[k].intervalWidened === undefined) continue;
      const before = warnings.length;
      logReads[k] = await readComponentLog(l, interval, warnings, window);
      warnings.splice(before); // the first read already said them
    }
  }
  for (const [k, l] of logsCfg.entries()) {
    const res = logReads[k];
    if (!l.timezone && res.zoneSource === 'machine') inferred.push(`${l.component} log read in ${res.timezone} (this machine's zone; set "timezone" if it was written elsewhere)`);
    warnings.push(...res.warnings);
    logs.push({ cfg: l, res });
  }
  return { interval, captures, services, pathNames, filter, scans, logs, inferred, warnings };
}

/**
 * The timeline spans every source — unless that is absurdly long (sources years apart, or one
 * bogus timestamp): then it spans the captures (or, without captures, the logs) and the rest is
 * clipped with a warning; a span still too long at this interval is a usage error.
 */
function spanTimeline({ interval, scans, logs, warnings }: Inputs): Timeline {
  const MAX_BINS = 1_000_000;
  const capTimes = scans.flatMap((s) => [s.first, s.last]);
  const logTimes = logs.flatMap(({ res }) => [res.first, res.last]);
  let timeline = Timeline.spanning(interval, [...capTimes, ...logTimes]);
  if (timeline.length > MAX_BINS) {
    timeline = Timeline.spanning(interval, scans.length ? capTimes : logTimes);
    warnings.push({ file: null, offset: null, packet: null, reason: `the sources span ${Math.round(((timeline.length) * interval) / 86400)}+ days together: the timeline covers the ${scans.length ? 'captures' : 'logs'} only; sources outside it are clipped (check time zones and clocks)`, code: 'sources_far_apart' });
  }
  if (timeline.length > MAX_BINS) {
    throw new ArgumentError(`the ${scans.length ? 'captures' : 'logs'} span ${Math.round((timeline.length * interval) / 86400)} days: more than ${MAX_BINS.toLocaleString('en-US')} bins of ${interval} s; use a larger interval (alibi --interval; at least ${Math.ceil((timeline.length * interval) / MAX_BINS)} s)`);
  }
  return timeline;
}

/**
 * Every source on the timeline, each on one reference clock: captures along the path matched
 * packet for packet, a capture off the path by its connections against the proxy's, each log by
 * its lines against its component's work on the wire.
 */
function placeSources(inp: Inputs, timeline: Timeline): Placed {
  const { clocks, comparisons, shiftOf } = pathClocks(inp, timeline);
  const captureViews = inp.scans.map((s) => captureView(inp, timeline, s, shiftOf.get(s.vantage) ?? 0));
  offPathClocks(inp, timeline, captureViews, shiftOf, clocks);
  const logViews = inp.logs.map(({ cfg, res }) => logView(inp, timeline, cfg, res, captureViews, clocks));
  return { clocks, comparisons, shiftOf, captureViews, logViews };
}

/** Captures against each other along the path (matched packets): the clock of each and what went missing between them. */
function pathClocks({ interval, scans, pathNames }: Inputs, timeline: Timeline): Pick<Placed, 'clocks' | 'comparisons' | 'shiftOf'> {
  const clocks: ClockEstimate[] = [];
  const comparisons: VantageComparison[] = [];
  const shiftOf = new Map<string, number>();
  for (let i = 0; i + 1 < pathNames.length; i++) {
    const up = scans.find((s) => s.vantage === pathNames[i]);
    const down = scans.find((s) => s.vantage === pathNames[i + 1]);
    if (!up?.ledger || !down?.ledger) continue;
    const c = compareVantages(up.ledger, down.ledger, [up.vantage, down.vantage], (t) => timeline.binOf(t));
    comparisons.push(c);
    const conf = c.matched >= 50 && c.offsetMad !== null ? Math.min(0.99, 0.5 + Math.min(0.49, c.matched / 2000)) * (c.offsetMad < 0.01 ? 1 : 0.5) : 0;
    // The comparison itself always uses the estimate; the series are shifted only for
    // configured offsets (clockOffset), since a sub-bin offset would not move a bin.
    // A clock off by half a bin or more moves the downstream capture's series onto the upstream's
    // clock (the path's first capture is the reference); a smaller one only matches packets.
    const move = c.offset !== null && conf >= 0.8 ? Math.round(c.offset / interval) : 0;
    shiftOf.set(down.vantage, (shiftOf.get(up.vantage) ?? 0) - move);
    clocks.push({ between: [up.vantage, down.vantage], offset: c.offset === null ? null : clockOffsetSeconds(c.offset), confidence: ROUND(conf, 2), method: `${c.matched} packets seen at both (median difference, MAD ${ROUND((c.offsetMad ?? 0) * 1000, 3)} ms); used to match packets between them${move ? `; ${down.vantage}'s series moved by ${ROUND(-move * interval, 3)} s` : ''}`, applied: c.offset !== null && conf >= 0.8 });
  }
  return { clocks, comparisons, shiftOf };
}

/** One capture's series, whole and per service, on the timeline, moved by `sh` bins. */
function captureView({ interval, services }: Inputs, timeline: Timeline, s: CaptureScan, sh: number): CaptureView {
  const all: Record<string, Float64Array> = nameTable();
  for (const k of METRIC_KEYS) all[k] = timeline.place(s.all, k, sh);
  const svc: Record<string, Record<string, Float64Array>> = nameTable();
  const conns: Record<string, number> = nameTable();
  for (const sv of services) {
    const cols = s.services[sv.component];
    svc[sv.component] = nameTable();
    if (cols) for (const k of METRIC_KEYS) svc[sv.component][k] = timeline.place(cols, k, sh);
    conns[sv.component] = s.flows.perService[sv.component]?.connections ?? 0;
  }
  const d = sh * interval;
  const gaps = s.gaps.map((g) => [timeline.binOf(g.start + d) + 1, timeline.binOf(g.end + d)] as [number, number]).filter(([a, b]) => b > a);
  return { vantage: s.vantage, cover: timeline.coverage(s.first === null ? null : s.first + d, s.last === null ? null : s.last + d), all, services: svc, serviceConnections: conns, ...(gaps.length ? { gaps } : {}) };
}

/**
 * A capture off the path (a host's loopback) shares no packet with the others: its clock is
 * found from the proxy's work — each connection the proxy accepts (seen on the path) opens one
 * to the component behind it (seen on the loopback). Replaces such a capture's view when moved.
 */
function offPathClocks(inp: Inputs, timeline: Timeline, captureViews: CaptureView[], shiftOf: Map<string, number>, clocks: ClockEstimate[]): void {
  const { interval, services, pathNames, scans } = inp;
  const pathViews = captureViews.filter((v) => pathNames.includes(v.vantage));
  captureViews.forEach((v, idx) => {
    if (pathNames.includes(v.vantage)) return;
    const behind = services.find((sv) => v.serviceConnections[sv.component] > 0);
    if (!behind) return;
    for (const p of [...pathViews].reverse()) {
      const front = services.find((sv) => sv !== behind && p.serviceConnections[sv.component] > 0);
      if (!front) continue;
      const col = p.services[front.component];
      const ref = new Float64Array(timeline.length);
      for (let i = 0; i < ref.length; i++) ref[i] = col.synAck[i] + col.serverHello[i];
      const est = estimateLag(ref, p.cover, v.services[behind.component].synOnly, interval, 900);
      clocks.push({
        between: [p.vantage, v.vantage], offset: est.r >= 0.5 ? ROUND(est.lag * interval, 3) : null, confidence: ROUND(Math.max(0, est.r), 2),
        method: `connections to ${endpoint(behind.host, behind.port)} at ${v.vantage} against connections ${front.component} accepted at ${p.vantage}, lags ±900 s (r at 0: ${ROUND(est.r0, 2)}; best r ${ROUND(est.r, 2)} at ${ROUND(est.lag * interval, 3)} s; best 10 s or more away ${ROUND(est.runnerUp, 2)})`,
        applied: est.confident,
      });
      if (est.confident) {
        shiftOf.set(v.vantage, (shiftOf.get(v.vantage) ?? 0) + est.lag);
        captureViews[idx] = captureView(inp, timeline, scans[idx], shiftOf.get(v.vantage) ?? 0);
      }
      return;
    }
  });
}

/** One log on the timeline: its lines, silences, errors and restarts, moved onto the captures' clock when that is clear. */
function logView({ interval, services }: Inputs, timeline: Timeline, cfg: LogInput, res: LogScanResult, captureViews: CaptureView[], clocks: ClockEstimate[]): LogView {
  const firstAbs = res.grid ? Math.round(res.grid.origin / interval) : 0;
  let lines = res.grid ? timeline.placeCounts(res.counts, firstAbs) : new Float64Array(timeline.length);
  let shift = 0;
  // Log vs capture clock: the log's lines against its component's own work on the wire
  // (ServerHellos, HTTP responses, accepted connections): a component logs when it works, so
  // both fall silent together in an outage and burst together after it. Requests would not:
  // they pile up while the log is silent and make a wrong lag look right.
  const svc = services.find((s) => s.component === cfg.component);
  const view = svc ? captureViews.filter((c) => c.serviceConnections[svc.component] > 0).sort((x, y) => y.serviceConnections[svc.component] - x.serviceConnections[svc.component])[0] : undefined;
  if (view && svc && res.grid) {
    const col = view.services[svc.component];
    const ref = new Float64Array(timeline.length);
    for (let i = 0; i < ref.length; i++) ref[i] = col.serverHello[i] + col.httpResponses[i] + col.synAck[i];
    const est = estimateLag(ref, view.cover, lines, interval, 900);
    clocks.push({
      // An estimate is only given where the match is strong; otherwise what was tried is in `method`.
      between: [view.vantage, `${cfg.component} log`], offset: est.r >= 0.5 ? ROUND(est.lag * interval, 3) : null, confidence: ROUND(Math.max(0, est.r), 2),
      method: `log lines per ${interval} s against accepted connections, ServerHellos and HTTP responses from ${endpoint(svc.host, svc.port)} at ${view.vantage}, lags ±900 s coarse to fine (r at 0: ${ROUND(est.r0, 2)}; best r ${ROUND(est.r, 2)} at ${ROUND(est.lag * interval, 3)} s; best 10 s or more away ${ROUND(est.runnerUp, 2)})`,
      applied: est.confident,
    });
    // Applied only when the match is strong, clearly better than no shift and alone: an outage
    // itself (SYN bursts while the log is silent) can make a wrong lag look attractive.
    if (est.confident) {
      shift = est.lag;
      lines = timeline.placeCounts(res.counts, firstAbs, shift);
    }
  }
  const d = shift * interval;
  const silences = res.silence.silences.map((si) => ({ from: timeline.binOf(si.start + d), to: timeline.binOf(si.end + d) + 1, start: si.start + d, end: si.end + d, kind: si.kind }));
  const cover = timeline.coverage(res.first === null ? null : res.first + d, res.last === null ? null : res.last + d);
  // Error and startup lines, where the log reader counts them, on the same (shifted) bins.
  const extra = res as LogScanResult & { errorCounts?: Uint32Array; restartCounts?: Uint32Array };
  const errors = extra.errorCounts && res.grid ? timeline.placeCounts(extra.errorCounts, firstAbs, shift) : undefined;
  const restarts = extra.restartCounts && res.grid ? timeline.placeCounts(extra.restartCounts, firstAbs, shift) : undefined;
  return { component: cfg.component, file: cfg.file, cover, lines, silences, ...(errors ? { errors } : {}), ...(restarts ? { restarts } : {}) };
}

/** A log that does not overlap the captures at all is most likely read in the wrong zone: say so. */
function warnDisjointLogs({ scans, logs, warnings }: Inputs): void {
  if (!scans.length || !logs.length) return;
  const capSpan = [Math.min(...scans.map((s) => s.first ?? Infinity)), Math.max(...scans.map((s) => s.last ?? -Infinity))];
  for (const { cfg, res } of logs) {
    if (res.first !== null && res.last !== null && (res.last < capSpan[0] || res.first > capSpan[1])) {
      const h = Math.round(((res.first + res.last) / 2 - (capSpan[0] + capSpan[1]) / 2) / 3600);
      warnings.push({ file: cfg.file, line: 0, reason: `the ${cfg.component} log does not overlap the captures in time (about ${h} h apart): check its time zone ("timezone" / --tz)`, code: 'no_overlap' });
    }
  }
}

/** What the inputs cannot show (the document's `missing`), with a warning where a service was likely misnamed. */
function missingInputs({ services, scans, logs, pathNames, warnings }: Inputs): string[] {
  const missing: string[] = [];
  for (const s of services) {
    if (!scans.length || scans.some((sc) => (sc.flows.perService[s.component]?.connections ?? 0) > 0)) continue;
    missing.push(`no capture saw ${s.component}'s service ${endpoint(s.host, s.port)}: its input cannot be checked`);
    // A loopback service is only seen by a loopback capture; elsewhere no packet at all is a mistake to check.
    const busiest = scans.flatMap((sc) => sc.flows.topServers).sort((x, y) => y.connections - x.connections)[0];
    if (!isLoopbackHost(s.host) || scans.some((sc) => !pathNames.includes(sc.vantage))) {
      warnings.push({ file: null, offset: null, packet: null, code: 'service_unseen', reason: `no packet in any capture matches ${s.component}'s service ${endpoint(s.host, s.port)}${busiest ? ` (the busiest server in the captures is ${endpoint(busiest.host, busiest.port)}, ${busiest.connections} connections)` : ''}: check "services" — without it, ${s.component}'s input and answers cannot be seen` });
    }
  }
  for (const s of services) if (!logs.some((l) => l.cfg.component === s.component)) missing.push(`no log for ${s.component}`);
  if (!scans.length) missing.push('no capture: whether input still reached a quiet component cannot be told');
  if (!logs.length) missing.push('no log: silences cannot be seen, only packets');
  if (scans.length === 1) missing.push('one vantage point: loss between vantage points cannot be measured');
  for (const s of scans) for (const g of s.gaps) missing.push(`${s.vantage}: no capture from ${isoSeconds(g.start, 3)} to ${isoSeconds(g.end, 3)} (${ROUND(g.end - g.start, 1)} s between ${path.basename(g.after)} and ${path.basename(g.before)}): a gap in coverage, not an outage`);
  return missing;
}

/** The document SPEC describes, from what was read, placed and found. */
function analysisDocument(inp: Inputs, timeline: Timeline, placed: Placed, found: ReturnType<typeof findIncidents>, missing: string[], connections: IncidentConnections[] | undefined): AnalyzeDocument {
  const { interval, scans, logs } = inp;
  const { captureViews, logViews, comparisons } = placed;
  const { groups, incidents, signals: allSignals } = found;
  const edges = allSignals
    .filter((g) => g.edge && !groups.some((x) => x.signals.includes(g)))
    .map((g) => {
      const c = captureViews.find((v) => v.vantage === g.source);
      const where = c && g.from <= c.cover[0] + 1 ? 'starts with the beginning of its capture' : c && g.to >= c.cover[1] - 1 ? 'runs into the end of its capture' : 'meets a gap between its files';
      return { source: g.source, start: timeline.iso(g.from), end: timeline.iso(g.to), note: `traffic from the services fell under a quarter of its median and ${where}: the load began or ended, or the capture did — no incident on its own` };
    });
  const sources: SourceDoc[] = [
    ...scans.map((s) => ({
      type: 'capture' as const, name: s.vantage, file: s.file, packets: s.packets,
      first: s.first === null ? null : isoSeconds(s.first, 6), last: s.last === null ? null : isoSeconds(s.last, 6),
      connections: s.flows.total, states: s.flows.byState, services: s.flows.perService,
      ...(s.files.length > 1 ? { files: s.files } : {}),
      ...(s.gaps.length ? { coverageGaps: s.gaps.map((g) => ({ start: isoSeconds(g.start, 6), end: isoSeconds(g.end, 6), after: g.after, before: g.before })) } : {}),
    })),
    ...logs.map(({ cfg, res }, k) => ({
      type: 'log' as const, name: cfg.component, file: cfg.file, format: res.format, timezone: res.timezone, lines: res.lines, parsed: res.parsed,
      ...(cfg.files.length > 1 ? { files: cfg.files } : {}),
      ...(res.assumedYear ? { assumedYear: res.assumedYear } : {}),
      ...(res.program ? { program: res.program, programLines: res.programLines, otherProgramLines: res.otherProgramLines } : {}),
      class: logViews[k].steady === false ? 'sparse' : 'steady',
      classWhy: logViews[k].steady === false
        ? 'writes in few 10-second stretches of normal operation: its silence means nothing, its lines are events'
        : 'writes in nearly every 10 seconds of normal operation: its silence counts',
      first: res.first === null ? null : isoSeconds(res.first, res.fracDigits), last: res.last === null ? null : isoSeconds(res.last, res.fracDigits),
      silences: res.silence.silences.map((si) => ({ start: isoSeconds(si.start, res.fracDigits), end: isoSeconds(si.end, res.fracDigits), duration: ROUND(si.duration, 3) })),
    })),
  ];
  const tl: TimelineData = {
    interval,
    start: Array.from({ length: timeline.length }, (_, i) => timeline.startOf(i)),
    series: [
      ...captureViews.flatMap((c) => timelineMetrics('vantage').map((m) => ({ source: c.vantage, metric: m, values: Array.from(c.all[m]) }))),
      ...logViews.map((l) => ({ source: `${l.component} log`, metric: 'lines', values: Array.from(l.lines) })),
      ...serviceSeries(captureViews),
      ...comparisons.map((c) => ({ source: `${c.upstream}->${c.downstream}`, metric: 'missing', values: binCounts(c.missingPerBin, timeline.length) })),
    ],
    silences: logViews.flatMap((l) => l.silences.map((s) => ({ source: `${l.component} log`, start: s.start, end: s.end }))),
    incidents: incidents.map((inc, i) => ({ start: timeline.startOf(groups[i].from), end: timeline.startOf(groups[i].to), culprit: inc.culprit.component })),
  };
  return {
    window: { start: timeline.length ? timeline.iso(0) : null, end: timeline.length ? timeline.iso(timeline.length) : null },
    interval,
    sources,
    incidents,
    clocks: placed.clocks,
    inferred: inp.inferred,
    missing,
    edges,
    warnings: inp.warnings,
    timeline: tl,
    ...(connections ? { connections } : {}),
  };
}
