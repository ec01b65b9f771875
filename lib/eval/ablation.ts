/**
 * @module eval/ablation
 * Holds the verdict to inputs it was not tuned on. A scenario folder (a lab run: `alibi.json` +
 * `truth.json`) is analysed from every realistic subset of its inputs — each combination of
 * vantage points and of logs — and every answer is scored against the lab's truth:
 *
 * - `right`: the incident over the fault names the true culprit (a network segment as precisely
 *   as the vantages present allow), or a healthy run gives no incident;
 * - `undecided`: the incident over the fault says `unknown`, or no incident was found;
 * - `wrong`: a named culprit that is not the truth, or an incident where nothing broke.
 *
 * "Wrong" is the worst outcome: an honest "unknown" beats a confident guess. Each shape also says
 * whether its inputs *suffice* to decide (see {@link sufficient}): where they do, "undecided" is a
 * miss to fix; where they do not, it is the right answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalyzeConfig, AnalyzeDocument } from '../analyze';

/** One fault of a lab run as the lab measured it (epoch seconds). */
export interface TruthFault {
  kind: string;
  start: number;
  end: number;
  culprit: { component: string; kind: string };
}

/** A lab run's truth, from either lab's truth.json (`captures/<scenario>` or the generator's). */
export interface Truth {
  name: string;
  kind: string;
  faults: TruthFault[];
  /** Seconds the lab added to true time in the committed files (generated runs; 0 elsewhere). */
  skews: { stunnelLog?: number; nginxLog?: number; serverCapture?: number };
}

const t = (iso: string) => Date.parse(iso) / 1000;

/** Reads `truth.json` of a scenario folder in either of the two lab formats. */
export function readTruth(dir: string): Truth {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'));
  if (Array.isArray(raw.faults)) {
    return {
      name: path.basename(dir),
      kind: raw.kind ?? 'generated',
      faults: raw.faults.map((f: { kind: string; start: string; end: string; culprit: TruthFault['culprit'] }) => ({ kind: f.kind, start: t(f.start), end: t(f.end), culprit: f.culprit })),
      skews: raw.skews ?? {},
    };
  }
  return {
    name: path.basename(dir),
    kind: raw.scenario,
    faults: raw.fault && raw.culprit ? [{ kind: raw.scenario, start: t(raw.fault.start), end: t(raw.fault.end), culprit: raw.culprit }] : [],
    skews: raw.skews ?? {},
  };
}

/** Which inputs a shape keeps. */
export interface Shape {
  name: string;
  vantages: string[];
  /** Log selectors: `stunnel`, `backend` (the access log), `backend-error` (the error log). */
  logs: string[];
}

const VANTAGE_SETS: [string, string[]][] = [
  ['all', ['firewall', 'server', 'loopback']],
  ['no-loopback', ['firewall', 'server']],
  ['server', ['server']],
  ['firewall', ['firewall']],
  ['no-capture', []],
];
const LOG_SETS: [string, string[]][] = [
  ['logs', ['stunnel', 'backend']],
  ['logs+error', ['stunnel', 'backend', 'backend-error']],
  ['stunnel-log', ['stunnel']],
  ['backend-log', ['backend']],
  ['no-log', []],
];

/** Every realistic input shape: each vantage set × each log set, but not "nothing at all". */
export function shapes(): Shape[] {
  const out: Shape[] = [];
  for (const [vn, vantages] of VANTAGE_SETS) {
    for (const [ln, logs] of LOG_SETS) {
      if (!vantages.length && !logs.length) continue;
      out.push({ name: `${vn}/${ln}`, vantages, logs });
    }
  }
  return out;
}

/** The error log of a scenario folder, as a second log of the backend. */
function errorLogOf(dir: string, cfg: AnalyzeConfig): NonNullable<AnalyzeConfig['logs']>[number] | null {
  const listed = (cfg.logs ?? []).find((l) => /error/.test(String(l.file ?? l.files ?? '')));
  if (listed) return listed;
  if (!fs.existsSync(path.join(dir, 'error.log'))) return null;
  // The lab's nginx error log is local time without an offset, in nginx's zone.
  let tz: string | undefined;
  try {
    const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'));
    tz = truth.server?.nginxTimezone ?? truth.settings?.nginxTz ?? undefined;
  } catch {
    tz = undefined;
  }
  return { file: 'error.log', component: 'backend', ...(tz ? { timezone: tz } : {}) };
}

/** The scenario's config reduced to a shape. */
export function configFor(dir: string, shape: Shape): AnalyzeConfig {
  const cfg: AnalyzeConfig = JSON.parse(fs.readFileSync(path.join(dir, 'alibi.json'), 'utf8'));
  const captures = (cfg.captures ?? []).filter((c) => shape.vantages.includes(c.vantage ?? ''));
  const main = (cfg.logs ?? []).filter((l) => !/error/.test(String(l.file ?? l.files ?? '')));
  const logs: NonNullable<AnalyzeConfig['logs']> = [];
  for (const sel of shape.logs) {
    if (sel === 'backend-error') {
      const e = errorLogOf(dir, cfg);
      if (e) logs.push(e);
    } else logs.push(...main.filter((l) => l.component === sel));
  }
  const present = new Set(captures.map((c) => c.vantage));
  return {
    ...cfg,
    captures,
    logs,
    // The path lists only vantages that are there (the config refuses one that names nothing).
    ...(cfg.path && cfg.path.some((p) => present.has(p)) ? { path: cfg.path.filter((p) => present.has(p)) } : { path: undefined }),
    baseDir: dir,
  };
}

/**
 * The truth's culprit as precisely as the vantages present can name it: a cut between the
 * firewall and the server is `network:before-server` with only the server's capture.
 */
export function expressible(culprit: TruthFault['culprit'], vantages: string[], pathOrder: string[]): string[] {
  const m = /^network:(.+)->(.+)$/.exec(culprit.component);
  if (!m) return [culprit.component];
  const [, up, down] = m;
  const onPath = pathOrder.filter((v) => vantages.includes(v));
  if (onPath.includes(up) && onPath.includes(down)) return [culprit.component];
  if (onPath.includes(down) && onPath[0] === down) return [`network:before-${down}`];
  if (onPath.includes(up) && onPath[onPath.length - 1] === up) return [`network:after-${up}`];
  return [];
}

/**
 * Whether a shape's inputs suffice to name the culprit — the reasoning, per fault family:
 * - the proxy (stunnel) failing: a capture in front of it (firewall or server) shows its input
 *   arriving and its own work (ServerHello) missing; logs alone cannot tell a frozen proxy from
 *   a cut in front of it;
 * - the backend failing: the loopback capture shows its input and its missing answers; answering
 *   502s it answers fast, and only its access or error log shows the failure; for a stop without
 *   the loopback, a capture in front
 *   of the proxy plus the backend's log (the proxy answers handshakes, the answers from behind
 *   it stop, the backend's log is silent) — if that log's clock is right, since nothing on the
 *   wire shows the backend's work to align it to;
 * - a cut between two vantages: both captures (then the loss is measured), or only the one
 *   behind it for a hard cut (nothing arrives there while connections stall: "before the
 *   server" is the precise answer); random or one-way loss seen from one vantage could lie on
 *   either side of it, so that needs both;
 * - the backend slow, not stopped: the loopback capture (answers late); its access log keeps
 *   writing, and the response times in it are not read (yet), so without the loopback it is
 *   not decidable;
 * - clients stopping: any capture (nothing arrives, nothing is stalled);
 * - a healthy run: any input (no incident).
 */
export function sufficient(fault: TruthFault | null, shape: Shape, skews: Truth['skews'] = {}): boolean {
  const v = new Set(shape.vantages);
  const front = v.has('firewall') || v.has('server');
  if (!fault) return true;
  const c = fault.culprit;
  if (c.kind === 'clients') return front;
  if (c.kind === 'network') return v.has('server') && (v.has('firewall') || fault.kind === 'network-drop');
  if (c.component === 'stunnel') return front;
  if (c.component === 'backend') {
    // A backend answering 502s answers fast: only its logs show the status (the wire's HTTP
    // status codes are not read), so the access or error log is needed even with the loopback.
    if (fault.kind === 'backend-502') return shape.logs.includes('backend') || shape.logs.includes('backend-error');
    if (v.has('loopback')) return true;
    // Without the loopback, nothing on the wire shows the backend's work to align its log's clock
    // to: a log whose clock is off then cannot be placed, and its silence says nothing.
    if (fault.kind === 'app-freeze') return front && shape.logs.includes('backend') && !skews.nginxLog;
    return false;
  }
  return false;
}

export type Outcome = 'right' | 'undecided' | 'wrong';

export interface Score {
  scenario: string;
  shape: string;
  outcome: Outcome;
  sufficient: boolean;
  /** What was found, in a line: the culprits of the incidents over each fault, the extra incidents. */
  detail: string;
  /** Per fault: |incident start - fault start| (s), when the fault was found. */
  startErrors: number[];
  /** Confidence of each named culprit, with whether it was right (for calibration). */
  named: { confidence: number; right: boolean }[];
}

/**
 * Scores one analysis against the truth. An incident over a fault must name its culprit; an
 * incident over no fault is wrong (a false alarm) unless it says the clients paused — the lab's
 * own clients do pause — and nothing else; two faults must come out as two incidents.
 */
export function score(doc: AnalyzeDocument, truth: Truth, shape: Shape, pathOrder: string[]): Score {
  const notes: string[] = [];
  const named: Score['named'] = [];
  const startErrors: number[] = [];
  let outcome: Outcome = 'right';
  const worse = (o: Outcome) => {
    if (o === 'wrong' || (o === 'undecided' && outcome === 'right')) outcome = o;
  };
  const used = new Set<number>();
  let allSufficient = true;
  // Without a capture the only clock is the logs': a fault is where their clock put it.
  // The analysis runs on the clock of its reference: the path's first capture present (the
  // firewall's is true time; the server's and its loopback's carry the server's skew), or without
  // captures the logs' own clocks.
  const logSkews = shape.vantages.includes('firewall')
    ? [0]
    : shape.vantages.length
    ? [truth.skews.serverCapture ?? 0]
    : [...new Set(shape.logs.map((l) => (l === 'stunnel' ? truth.skews.stunnelLog : truth.skews.nginxLog) ?? 0))];
  for (const f of truth.faults) {
    allSufficient &&= sufficient(f, shape, truth.skews);
    const ok = expressible(f.culprit, shape.vantages, pathOrder);
    // Logs with different clocks put the fault at either of their times.
    const at = (inc: AnalyzeDocument['incidents'][number]) => logSkews.some((k) => t(inc.start) < f.end + k + 5 && t(inc.end) > f.start + k - 5);
    const over = doc.incidents.map((inc, i) => ({ inc, i })).filter(({ inc }) => at(inc));
    if (!over.length) {
      notes.push(`${f.kind}: missed`);
      worse('undecided');
      continue;
    }
    // The incident that overlaps the fault most is its answer; others over it must not accuse.
    const overlap = (inc: AnalyzeDocument['incidents'][number]) => Math.max(...logSkews.map((k) => Math.min(t(inc.end), f.end + k) - Math.max(t(inc.start), f.start + k)));
    over.sort((x, y) => overlap(y.inc) - overlap(x.inc));
    for (const { inc, i } of over) {
      used.add(i);
      const c = inc.culprit;
      if (c.kind === 'unknown') {
        notes.push(`${f.kind}: unknown`);
        if (inc === over[0].inc) worse('undecided');
        continue;
      }
      const right = ok.includes(c.component) && (c.kind === f.culprit.kind);
      named.push({ confidence: c.confidence, right });
      notes.push(`${f.kind}: ${c.component} ${Math.round(c.confidence * 100)}%${right ? '' : ' WRONG'}`);
      if (!right) worse('wrong');
      else if (inc === over[0].inc) startErrors.push(Math.min(...logSkews.map((k) => Math.abs(t(inc.start) - f.start - k))));
    }
  }
  doc.incidents.forEach((inc, i) => {
    if (used.has(i)) return;
    const c = inc.culprit;
    // A pause of the lab's own clients is a real event, and "clients" names it rightly.
    if (c.kind === 'clients') {
      notes.push(`extra: clients ${inc.start.slice(11, 19)}`);
      return;
    }
    named.push({ confidence: c.confidence, right: false });
    notes.push(`false incident ${inc.start.slice(11, 19)}-${inc.end.slice(11, 19)}: ${c.component}`);
    worse('wrong');
  });
  if (!truth.faults.length && !notes.length) notes.push('no incident');
  return { scenario: truth.name, shape: shape.name, outcome, sufficient: allSufficient, detail: notes.join('; '), startErrors, named };
}

/** Scenario folders (with `alibi.json` and `truth.json`) directly under `root`. */
export function scenarioDirs(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'truth.json')) && fs.existsSync(path.join(root, d.name, 'alibi.json')))
    .map((d) => path.join(root, d.name))
    .sort();
}

/** Counts per shape (rows) of right / undecided / wrong, and of undecided where the inputs sufficed. */
export function table(scores: Score[]): string {
  const by = new Map<string, { right: number; undecided: number; wrong: number; miss: number }>();
  for (const s of scores) {
    const r = by.get(s.shape) ?? { right: 0, undecided: 0, wrong: 0, miss: 0 };
    r[s.outcome]++;
    if (s.outcome === 'undecided' && s.sufficient) r.miss++;
    by.set(s.shape, r);
  }
  const rows = [...by.entries()].map(([k, r]) => `| ${k} | ${r.right} | ${r.undecided} (${r.miss} where the inputs sufficed) | ${r.wrong} |`);
  const tot = scores.reduce((a, s) => ({ ...a, [s.outcome]: a[s.outcome] + 1 }), { right: 0, undecided: 0, wrong: 0 } as Record<Outcome, number>);
  return ['| shape | right | undecided | wrong |', '|---|---|---|---|', ...rows, `| **all ${scores.length}** | ${tot.right} | ${tot.undecided} | ${tot.wrong} |`].join('\n');
}

/**
 * Calibration: named culprits binned by confidence, with the share that was right. Verdicts above
 * 0.8 must be right at least 95% of the time.
 */
export function calibration(scores: Score[]): { band: string; named: number; right: number }[] {
  const bands: [number, number][] = [[0, 0.5], [0.5, 0.65], [0.65, 0.8], [0.8, 0.9], [0.9, 1.01]];
  return bands.map(([lo, hi]) => {
    const xs = scores.flatMap((s) => s.named).filter((n) => n.confidence >= lo && n.confidence < hi);
    return { band: `${lo.toFixed(2)}–${Math.min(1, hi).toFixed(2)}`, named: xs.length, right: xs.filter((x) => x.right).length };
  });
}
