/**
 * @module correlate/incidents
 * The reasoning shared by `analyze` (whole inputs) and `watch` (a rolling window): every detector
 * on every source's view, signals merged into incident windows, a verdict for each.
 */
import { isoSeconds } from '../time';
import { detectDrop, detectLogErrors, detectSlow, detectSpike, detectStalls, detectSynUnanswered, DetectContext, runs, seasonal, Signal, silenceImprobable } from './signals';
import { median } from './stats';
import { decide, mergeSignals, PRIMARY } from './verdict';
import type { CaptureView, LogView, VerdictInput } from './views';
import type { IncidentDoc } from './model';
import { spikeMetrics } from '../metrics/catalog';

/** The metrics whose spike is a signal (metrics/catalog.ts). */
const SPIKES = spikeMetrics();

const ROUND = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The earliest bin, at most a minute before `from`, from which every request sent to the
 * component waited far longer than usual (≥ 1 s and 10× its baseline) or got no answer.
 */
/** Payload came back in bin i or the two after it (an answer to a question asked late in bin i lands in the next). */
function answeredSoon(s2c: ArrayLike<number>, i: number, to: number): boolean {
  for (let j = i; j < Math.min(to, i + 3); j++) if (s2c[j] > 0) return true;
  return false;
}

/** The first bin in [from, to) where a client asked a service something (a SYN or payload at a path vantage) and nothing came back in it or soon after; `from` when none did, or when it is unknown. */
function firstDemand(input: VerdictInput, from: number, to: number): number {
  const views = input.captures.filter((c) => input.path.includes(c.vantage));
  if (!views.length) return from;
  for (let i = from; i < to; i++) {
    for (const c of views) {
      for (const s of input.services) {
        const col = c.services[s.component];
        if ((c.serviceConnections[s.component] ?? 0) > 0 && col && col.synOnly[i] + col.payloadC2S[i] > 0 && !answeredSoon(col.payloadS2C, i, to)) return i;
      }
    }
  }
  return from;
}

function slowOnset(captures: CaptureView[], component: string, from: number, minRun: number): number {
  let best = from;
  for (const c of captures) {
    const col = c.services[component];
    if (!col || !col.reqAnswered || (c.serviceConnections[component] ?? 0) === 0) continue;
    // Baseline: the median of per-bin mean waits (robust: the slow stretch cannot set it).
    const means: number[] = [];
    for (let i = c.cover[0]; i < c.cover[1]; i++) if (col.reqAnswered[i] > 0) means.push(col.reqWait[i] / col.reqAnswered[i]);
    const base = median(means);
    const slow = (i: number) => {
      const asked = col.reqAnswered[i] + col.reqUnanswered[i];
      if (asked === 0) return null;
      const mean = col.reqAnswered[i] > 0 ? col.reqWait[i] / col.reqAnswered[i] : Infinity;
      return col.reqUnanswered[i] / asked >= 0.5 || mean > Math.max(1, 10 * base);
    };
    // The slow stretch must reach into the incident.
    let i = from + minRun;
    let onset = -1;
    while (i >= Math.max(c.cover[0], from - 60)) {
      const v = slow(i);
      if (v === false) break;
      if (v === true) onset = i;
      i--;
    }
    if (onset >= 0 && onset < best) best = onset;
  }
  return best;
}

/**
 * Whether a log follows the traffic: in 10-second buckets of normal operation (inside the log's
 * span, outside the windows where the captures show trouble) a steady log writes in nearly every
 * one; an error log writes in few. Without captures, the log's own longest silence is left out
 * instead (the outage itself).
 */
export function isSteadyLog(l: LogView, interval: number, troubled: [number, number][] | null): boolean {
  const per = Math.max(1, Math.round(10 / interval));
  const [c0, c1] = l.cover;
  const buckets: { lines: number; normal: boolean }[] = [];
  for (let i = c0; i < c1; i += per) {
    let n = 0, normal = true;
    for (let j = i; j < Math.min(c1, i + per); j++) {
      n += l.lines[j];
      if (troubled && troubled.some(([a, b]) => j >= a - 2 && j < b + 2)) normal = false;
    }
    buckets.push({ lines: n, normal });
  }
  if (!troubled) {
    let best: [number, number] = [0, 0], start = -1;
    for (let k = 0; k <= buckets.length; k++) {
      if (k < buckets.length && buckets[k].lines === 0) { if (start < 0) start = k; }
      else if (start >= 0) { if (k - start > best[1] - best[0]) best = [start, k]; start = -1; }
    }
    for (let k = best[0]; k < best[1]; k++) buckets[k].normal = false;
  }
  const normal = buckets.filter((x) => x.normal);
  // Too little normal time to judge: keep the old reading (silence counts).
  if (normal.length < 4) return true;
  return normal.filter((x) => x.lines > 0).length / normal.length >= (troubled ? 0.8 : 0.9);
}

/** Signals, incident windows and their verdicts over one timeline. */
export interface IncidentSearch {
  signals: Signal[];
  /** Incident windows, timeline bins [from, to), with their signals (same order as `incidents`). */
  groups: { from: number; to: number; signals: Signal[] }[];
  incidents: IncidentDoc[];
}

/**
 * The reasoning shared by `analyze` (whole inputs) and `watch` (a rolling window): every
 * detector on every source, signals merged into incident windows, a verdict for each.
 * @example
 * findIncidents({ timeline, captures, logs, services, path, comparisons: [] }).incidents[0].culprit
 * //=> { component: 'app', kind: 'application', confidence: 0.92 }
 */
export function findIncidents(input: VerdictInput): IncidentSearch {
  const { timeline, captures: captureViews, logs: logViews, services, comparisons } = input;
  const interval = timeline.interval;
  const minRun = Math.max(3, Math.ceil(5 / interval));
  const signals: Signal[] = [];
  for (const c of captureViews) {
    const ctx: DetectContext = { interval, from: c.cover[0], to: c.cover[1], minRun };
    // Service traffic where this vantage sees services, else all of it.
    const seen = services.filter((s) => c.serviceConnections[s.component] > 0);
    const subject = (k: string) => {
      if (!seen.length) return c.all[k];
      const out = new Float64Array(timeline.length);
      for (const s of seen) { const x = c.services[s.component][k]; for (let i = 0; i < out.length; i++) out[i] += x[i]; }
      return out;
    };
    // Goodput, not raw bytes: retransmitted SYNs and resets keep raw bytes up in an outage.
    // A drop that runs into the start or the end of the capture is an edge (the load began or
    // ended with it), not an outage, unless another signal says something broke.
    for (const d of detectDrop(seen.length ? subject('payloadS2C') : subject('payload'), ctx, c.vantage, 'throughput-drop', 0.25, 1)) {
      const atGap = (c.gaps ?? []).some(([g0, g1]) => d.from <= g1 + 1 && d.to >= g0 - 1);
      signals.push(d.from <= c.cover[0] + 1 || (!input.live && d.to >= c.cover[1] - 1) || atGap ? { ...d, edge: true } : d);
    }
    // A spike needs a baseline: traffic in most bins. A capture of a few sporadic connections (one
    // download, then nothing) has none, and its one burst is not an outage.
    let active = 0;
    for (let i = c.cover[0]; i < c.cover[1]; i++) if (c.all.packets[i] > 0) active++;
    if (active >= 0.5 * (c.cover[1] - c.cover[0])) {
      for (const m of SPIKES) signals.push(...detectSpike(subject(m.key), ctx, c.vantage, m.kind, m.minTotal, c.all.packets));
    }
    for (const s of seen) {
      const col = c.services[s.component];
      signals.push(...detectSynUnanswered(col.synOnly, col.synAck, ctx, `${c.vantage}:${s.component}`));
      const asked = new Float64Array(timeline.length);
      for (let i = 0; i < asked.length; i++) asked[i] = col.payloadC2S[i] + col.synOnly[i];
      signals.push(...detectStalls(col.payloadS2C, asked, ctx, c.vantage));
      signals.push(...detectSlow(col.reqAnswered, col.reqWait, col.reqUnanswered, ctx, `${c.vantage}:${s.component}`));
    }
  }
  for (const cmp of comparisons) {
    const n = timeline.length;
    const found = runs(n, (i) => {
      const m = cmp.missingPerBin.get(i) ?? 0;
      const s = cmp.seenPerBin.get(i) ?? 0;
      return m >= 2 && s > 0 && m / s >= 0.2;
    }, 2, 2);
    for (const [a, b] of found) {
      let m = 0, s = 0;
      for (let i = a; i < b; i++) { m += cmp.missingPerBin.get(i) ?? 0; s += cmp.seenPerBin.get(i) ?? 0; }
      signals.push({ source: `${cmp.upstream}->${cmp.downstream}`, kind: 'loss-between-vantages', from: a, to: b, baseline: 0, observed: s ? m / s : 0, detail: `${m} of ${s} packets missing` });
    }
  }
  // Which logs follow the traffic: judged where the captures show normal operation.
  const mergeGap = Math.max(2, Math.ceil(10 / interval));
  // Error stretches in any log mark trouble too (a backend answering 502s keeps the traffic up).
  const errorSignals: Signal[] = [];
  for (const l of logViews) {
    if (!l.errors) continue;
    const ctx: DetectContext = { interval, from: l.cover[0], to: l.cover[1], minRun };
    errorSignals.push(...detectLogErrors(l.errors, l.lines, ctx, `${l.component} log`));
  }
  const troubled = [...mergeSignals(signals, mergeGap, true, new Set(), minRun), ...errorSignals].map((g) => [g.from, g.to] as [number, number]);
  for (const l of logViews) if (l.steady === undefined) l.steady = isSteadyLog(l, interval, captureViews.length || errorSignals.length ? troubled : null);
  signals.push(...errorSignals);
  const logSourceNames = new Set<string>();
  for (const l of logViews) {
    const name = `${l.component} log`;
    logSourceNames.add(name);
    // A sparse log (an error log) is silent most of the time: its silence means nothing.
    if (l.steady === false) continue;
    const bl = l.lines.slice(l.cover[0], l.cover[1]);
    const baseRate = bl.length ? bl.reduce((x, y) => x + y, 0) / (bl.length * interval) : 0;
    for (const si of l.silences) {
      let obs = 0, before = 0, after = 0;
      for (let i = si.from; i < si.to && i < l.lines.length; i++) obs += l.lines[i];
      for (let i = l.cover[0]; i < si.from; i++) before += l.lines[i];
      for (let i = si.to; i < l.cover[1]; i++) after += l.lines[i];
      // A silence followed only by a shutdown line or two (or preceded only by a start banner) is
      // the log's edge: the program stopped or started, not an outage on its own.
      // With captures, a silence where no capture ran cannot be checked against its input.
      const uncovered = captureViews.length > 0 && !captureViews.some((c) => si.from < c.cover[1] && si.to > c.cover[0]);
      const edge = after <= 3 || before <= 3 || uncovered;
      const alone = !edge && silenceImprobable(l.lines, l.cover, si.from, si.to, interval);
      signals.push({ source: name, kind: 'log-silence', from: si.from, to: si.to, baseline: baseRate, observed: obs / Math.max(interval, si.end - si.start), detail: si.kind, ...(edge ? { edge: true } : {}), ...(alone ? { alone: true } : {}) });
    }
  }

  // Incidents.
  let groups = mergeSignals(signals, mergeGap, captureViews.length > 0, logSourceNames, minRun);
  const judge = (g: { from: number; to: number; signals: Signal[] }, windows: [number, number][]) => {
    // Decide on the core of the incident (where the primary signals hold), not on the recovery
    // burst that follows it.
    const prim = g.signals.filter((x) => PRIMARY.has(x.kind) && !x.edge);
    const core: [number, number] = prim.length ? [Math.min(...prim.map((x) => x.from)), Math.max(...prim.map((x) => x.to))] : [g.from, g.to];
    const drops = g.signals.filter((x) => x.kind === 'throughput-drop');
    const demand: [number, number] | undefined = drops.length ? [Math.min(...drops.map((x) => x.from)), Math.max(...drops.map((x) => x.to))] : undefined;
    const d = decide(input, core[0], core[1], windows, g.signals, demand);
    // A slow component's symptom starts when the first slow request was sent, before clients
    // time out and reset: move the start back to it.
    if (d.culprit.kind === 'application') {
      const onset = slowOnset(input.captures, d.culprit.component, g.from, minRun);
      if (onset < g.from) g.from = onset;
    }
    return d;
  };
  let windows = groups.map((g) => [g.from, g.to] as [number, number]);
  let decisions = groups.map((g) => judge(g, windows));
  // One fault whose signals come and go (a slow backend, a proxy that stalls and resumes) is one
  // incident: neighbours less than 30 s apart (or overlapping once a slow onset moved a start back)
  // with the same culprit are merged and judged again as one. Different culprits stay apart.
  const join = Math.max(2, Math.ceil(30 / interval));
  for (let merged = true; merged; ) {
    merged = false;
    for (let k = 0; k >= 0 && k + 1 < groups.length; k++) {
      const x = decisions[k].culprit, y = decisions[k + 1].culprit;
      if (x.kind === 'unknown' || x.component !== y.component || x.kind !== y.kind || groups[k + 1].from - groups[k].to > join) continue;
      const g = { from: Math.min(groups[k].from, groups[k + 1].from), to: Math.max(groups[k].to, groups[k + 1].to), signals: [...groups[k].signals, ...groups[k + 1].signals] };
      groups = [...groups.slice(0, k), g, ...groups.slice(k + 2)];
      windows = groups.map((x) => [x.from, x.to] as [number, number]);
      // Only the merged incident is judged again: the others' baselines barely move.
      decisions = [...decisions.slice(0, k), judge(g, windows), ...decisions.slice(k + 2)];
      merged = true;
      k--;
    }
  }
  // On a long capture, a fault at a quiet hour shows only when the next client asks: where the
  // answers stopped (a throughput drop, SYNs unanswered), the bins from the last answer to the first unanswered
  // question say nothing, and the incident starts at that question (a night's few clients a
  // second left the start up to 15 s early otherwise).
  if (seasonal(timeline.length, interval)) {
    groups.forEach((g, k) => {
      const kind = decisions[k].culprit.kind;
      // Not for the network: a drop one way leaves the other side's answers (and their
      // retransmissions) flowing for a minute (held-out day, seed 20: a start 66 s late).
      if (kind !== 'application' || !g.signals.some((x) => (x.kind === 'throughput-drop' || x.kind === 'syn-unanswered') && !x.edge)) return;
      // Only where the wire shows the culprit's answers: a component behind an encrypted proxy
      // (no capture of its port) has its answers hidden in the proxy's, whose handshakes go on.
      const c = decisions[k].culprit.component;
      if (!input.captures.some((v) => input.path.includes(v.vantage) && (v.serviceConnections[c] ?? 0) > 0)) return;
      g.from = firstDemand(input, g.from, g.to);
    });
  }
  const incidents: IncidentDoc[] = groups.map((g, k) => {
    const d = decisions[k];
    const start = timeline.startOf(g.from);
    const end = timeline.startOf(g.to);
    return {
      start: isoSeconds(start, interval % 1 ? 3 : 0),
      end: isoSeconds(end, interval % 1 ? 3 : 0),
      duration: ROUND(end - start, 3),
      culprit: d.culprit,
      summary: d.summary,
      evidence: d.evidence,
      signals: g.signals.map((s) => ({ source: s.source, kind: s.kind, start: timeline.iso(s.from), end: timeline.iso(s.to), baseline: ROUND(s.baseline, 3), observed: ROUND(s.observed, 3), ...(s.detail ? { detail: s.detail } : {}) })),
    };
  });

  return { signals, groups, incidents };
}
