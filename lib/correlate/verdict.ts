/**
 * @module correlate/verdict
 * From signals to incidents, and from an incident's window to a culprit — reasoning as an
 * engineer with both teams' data would: did demand reach the first vantage point? did packets
 * pass one vantage and not the next? did a component's input keep arriving while it stopped
 * answering (no ServerHello, no HTTP response, no payload) and its log went quiet?
 */
import type { SeriesColumns } from '../metrics/series';
import type { Signal, SignalKind } from './signals';
import type { Timeline } from './timeline';
import type { VantageComparison } from './ledger';

/** A capture as the verdict sees it: columns on the timeline. */
export interface CaptureView {
  vantage: string;
  cover: [number, number];
  all: Record<string, Float64Array>;
  services: Record<string, Record<string, Float64Array>>;
  /** Connections seen per service (0 = this vantage does not see that service). */
  serviceConnections: Record<string, number>;
}

export interface LogView {
  component: string;
  cover: [number, number];
  lines: Float64Array;
  /** Silences on the timeline (bins) with exact float times. */
  silences: { from: number; to: number; start: number; end: number; kind: string }[];
}

export interface ServiceView {
  component: string;
  host: string;
  port: number;
}

export interface VerdictInput {
  timeline: Timeline;
  captures: CaptureView[];
  logs: LogView[];
  services: ServiceView[];
  path: string[];
  comparisons: VantageComparison[];
}

export type CulpritKind = 'application' | 'network' | 'clients' | 'unknown';

export interface Culprit {
  component: string;
  kind: CulpritKind;
  confidence: number;
}

export interface Decision {
  culprit: Culprit;
  evidence: string[];
  /** One sentence for people: who failed and the fact that decided it. */
  summary: string;
}

const PRIMARY: ReadonlySet<SignalKind> = new Set(['throughput-drop', 'syn-unanswered', 'log-silence', 'loss-between-vantages']);

/**
 * Merges overlapping (or nearly adjacent) signals into incident windows. With captures, an
 * incident needs a capture-derived signal; a log going quiet alone is then not an outage.
 */
export function mergeSignals(signals: Signal[], mergeGap: number, haveCaptures: boolean, logSources: Set<string>, minRun = 3): { from: number; to: number; signals: Signal[] }[] {
  const sorted = [...signals].sort((a, b) => a.from - b.from || a.to - b.to);
  const groups: { from: number; to: number; signals: Signal[] }[] = [];
  for (const s of sorted) {
    const g = groups[groups.length - 1];
    if (g && s.from <= g.to + mergeGap) {
      g.to = Math.max(g.to, s.to);
      g.signals.push(s);
    } else groups.push({ from: s.from, to: s.to, signals: [s] });
  }
  return groups.filter((g) => {
    const kinds = new Set(g.signals.map((s) => s.kind));
    const fromCapture = g.signals.some((s) => !logSources.has(s.source));
    if (haveCaptures && !fromCapture) return false;
    // Clients resetting for a sustained stretch (timeouts) is an outage even when throughput holds.
    const sustainedResets = g.signals.some((s) => (s.kind === 'reset-spike' || s.kind === 'retransmission-spike') && s.to - s.from >= minRun);
    return [...kinds].some((k) => PRIMARY.has(k)) || kinds.size >= 2 || sustainedResets;
  });
}

function sumRange(x: Float64Array | undefined, a: number, b: number): number {
  if (!x) return 0;
  let s = 0;
  for (let i = Math.max(0, a); i < Math.min(b, x.length); i++) s += x[i];
  return s;
}

/** Sum and bin count of x over the source coverage minus the excluded windows. */
function baseline(x: Float64Array | undefined, cover: [number, number], exclude: [number, number][]): { sum: number; bins: number } {
  let s = 0, n = 0;
  if (!x) return { sum: 0, bins: 0 };
  for (let i = cover[0]; i < cover[1]; i++) {
    if (exclude.some(([a, b]) => i >= a && i < b)) continue;
    s += x[i];
    n++;
  }
  return { sum: s, bins: n };
}

function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  const r = Math.abs(n) >= 100 ? Math.round(n) : Number(n.toFixed(digits));
  return r.toLocaleString('en-US');
}

function hms(t: number): string {
  return new Date(Math.round(t * 1000)).toISOString().slice(11, 19);
}

/** The longest run [from, to) of bins with x == 0 inside [a, b). */
function zeroStretch(x: Float64Array | undefined, a: number, b: number): [number, number] {
  if (!x) return [a, a];
  let best: [number, number] = [a, a];
  let start = -1;
  for (let i = a; i <= b; i++) {
    if (i < b && x[i] === 0) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start > best[1] - best[0]) best = [start, i];
      start = -1;
    }
  }
  return best;
}

/** Longest run of bins with x == 0 inside [a, b). */
function longestZero(x: Float64Array | undefined, a: number, b: number): number {
  if (!x) return 0;
  let best = 0, cur = 0;
  for (let i = a; i < b; i++) {
    if (x[i] === 0) best = Math.max(best, ++cur);
    else cur = 0;
  }
  return best;
}

interface ComponentFacts {
  component: string;
  vantage: string | null;
  inputArrives: boolean | null;
  stuck: boolean | null;
  logSilentFrac: number | null;
  logRate: number | null;
  logBase: number | null;
  evidence: string[];
  protocolFact: boolean;
  /** Mean response time (s) when the component answered, but slowly. */
  slow?: number;
}

/** Decides the culprit of one incident window [a, b). `incidents` are all windows (baseline excludes them). */
export function decide(input: VerdictInput, a: number, b: number, incidents: [number, number][], signals: Signal[], demandRange?: [number, number]): Decision {
  const { timeline, captures, logs, services, path, comparisons } = input;
  const iv = timeline.interval;
  const secs = (b - a) * iv;
  const evidence: string[] = [];
  const t0 = timeline.startOf(a);
  const t1 = timeline.startOf(b);
  const exclude = incidents.map(([x, y]) => [x - 2, y + 2] as [number, number]);
  const rateIn = (x: Float64Array | undefined) => sumRange(x, a, b) / secs;
  const rateBase = (x: Float64Array | undefined, cover: [number, number]) => {
    const bl = baseline(x, cover, exclude);
    return bl.bins > 0 ? bl.sum / (bl.bins * iv) : 0;
  };
  const byName = new Map(captures.map((c) => [c.vantage, c]));

  // 1. Demand at the first vantage point.
  const front = (path.length ? byName.get(path[0]) : undefined) ?? captures[0];
  if (front) {
    // Demand is judged where throughput dropped (if it did), not over the recovery after it.
    const [da, db] = demandRange ?? [a, b];
    const dsecs = (db - da) * iv;
    const rateD = (x: Float64Array | undefined) => sumRange(x, da, db) / dsecs;
    const synW = rateD(front.all.synOnly), synB = rateBase(front.all.synOnly, front.cover);
    const c2sW = rateD(front.all.payloadC2S), c2sB = rateBase(front.all.payloadC2S, front.cover);
    const pktW = rateD(front.all.packets), pktB = rateBase(front.all.packets, front.cover);
    const demandGone = (synB === 0 || synW < 0.1 * synB) && (c2sB === 0 || c2sW < 0.1 * c2sB) && pktW < 0.2 * pktB;
    if (demandGone && pktB > 0) {
      const retx = sumRange(front.all.retransmissions, da, db);
      const rstS = sumRange(front.all.resetsByServer, da, db);
      const line = `${front.vantage} saw ${fmt(synW, 2)} new connection attempts/s and ${fmt(pktW, 2)} packets/s during ${hms(timeline.startOf(da))}–${hms(timeline.startOf(db))} (baseline ${fmt(synB, 2)} and ${fmt(pktB, 1)}/s): demand stopped before the first vantage point`;
      if (retx >= 3) {
        evidence.push(line, `but ${fmt(retx, 0)} retransmissions (and ${fmt(rstS, 0)} server resets) at ${front.vantage}: connections were open and stalled, so the path upstream of ${front.vantage} was cut`);
        addLogLines(evidence, logs, a, b, timeline, exclude, rateBase);
        return { culprit: { component: `network:before-${front.vantage}`, kind: 'network', confidence: 0.7 }, evidence, summary: `Traffic stopped reaching ${front.vantage} while connections were still open and stalled: the network upstream of ${front.vantage} failed.` };
      }
      evidence.push(line, `no retransmissions, no stalled connections at ${front.vantage} (${fmt(retx, 0)} retransmissions): the clients themselves stopped`);
      addLogLines(evidence, logs, a, b, timeline, exclude, rateBase);
      return { culprit: { component: 'clients', kind: 'clients', confidence: logs.length ? 0.85 : 0.75 }, evidence, summary: `The clients stopped: nothing arrived at ${front.vantage}, and nothing was left stalled or retransmitting there; every component was idle, not broken.` };
    }
  }

  // 2. Packets that passed one vantage and not the next.
  let worst: { c: VantageComparison; missing: number; seen: number } | null = null;
  for (const c of comparisons) {
    let missing = 0, seen = 0, mBase = 0, sBase = 0;
    for (const [bin, n] of c.missingPerBin) if (bin >= a && bin < b) missing += n; else mBase += n;
    for (const [bin, n] of c.seenPerBin) if (bin >= a && bin < b) seen += n; else sBase += n;
    const frac = seen > 0 ? missing / seen : 0;
    const baseFrac = sBase > 0 ? mBase / sBase : 0;
    if (missing >= 5 && frac >= 0.05 && frac > 3 * baseFrac && (!worst || frac > worst.missing / worst.seen)) worst = { c, missing, seen };
  }
  const noLossLines: string[] = [];
  for (const c of comparisons) {
    if (worst && c === worst.c) continue;
    let missing = 0, seen = 0;
    for (const [bin, n] of c.missingPerBin) if (bin >= a && bin < b) missing += n;
    for (const [bin, n] of c.seenPerBin) if (bin >= a && bin < b) seen += n;
    noLossLines.push(`${c.upstream} and ${c.downstream} captures agree packet for packet: ${fmt(missing, 0)} of ${fmt(seen, 0)} packets to/from the services missing between them during the incident (${fmt(c.matched, 0)} matched packets give a clock offset of ${fmt((c.offset ?? 0) * 1000, 3)} ms)`);
  }
  if (worst) {
    const { c, missing, seen } = worst;
    const pct = (100 * missing) / seen;
    evidence.push(`${fmt(missing, 0)} of ${fmt(seen, 0)} packets to/from the services (${fmt(pct, 1)}%) passed ${c.upstream} and never reached ${c.downstream} (or the reverse) during ${hms(t0)}–${hms(t1)}; outside the incident ${fmt(c.missingDownstream + c.missingUpstream - missing, 0)} were missing`);
    const up = byName.get(c.upstream);
    if (up) {
      const syn = sumRange(up.all.synOnly, a, b), sa = sumRange(up.all.synAck, a, b), retx = sumRange(up.all.retransmissions, a, b);
      evidence.push(`${c.upstream} saw ${fmt(syn, 0)} SYNs (${fmt(sa, 0)} SYN-ACKs back) and ${fmt(retx, 0)} retransmissions in that window: the clients kept trying`);
    }
    addLogLines(evidence, logs, a, b, timeline, exclude, rateBase);
    const total = pct >= 90 ? 0.92 : 0.8;
    return { culprit: { component: `network:${c.upstream}->${c.downstream}`, kind: 'network', confidence: total }, evidence, summary: `${fmt(pct, 1)}% of the packets that passed ${c.upstream} never reached ${c.downstream}: the network between them lost them.` };
  }

  // 3. Components, front to back: input arriving, output stopped, log quiet.
  const facts: ComponentFacts[] = [];
  for (const s of services) {
    const f: ComponentFacts = { component: s.component, vantage: null, inputArrives: null, stuck: null, logSilentFrac: null, logRate: null, logBase: null, evidence: [], protocolFact: false };
    const log = logs.find((l) => l.component === s.component);
    if (log) {
      let covered = 0;
      for (const si of log.silences) covered += Math.max(0, Math.min(b, si.to) - Math.max(a, si.from));
      f.logSilentFrac = covered / (b - a);
      f.logRate = rateIn(log.lines);
      f.logBase = rateBase(log.lines, log.cover);
      const sil = log.silences.filter((si) => si.to > a && si.from < b);
      if (sil.length) {
        const si = sil.reduce((x, y) => (y.end - y.start > x.end - x.start ? y : x));
        f.evidence.push(`${s.component} log silent ${hms(si.start)}–${hms(si.end)} (${fmt(si.end - si.start, 0)} s); baseline ${fmt(f.logBase, 2)} lines/s`);
      } else {
        f.evidence.push(`${s.component} log kept writing: ${fmt(f.logRate, 2)} lines/s during the incident (baseline ${fmt(f.logBase, 2)} lines/s)`);
      }
    }
    // The vantage that sees this service best (most connections), preferring the path's last.
    const seeing = captures.filter((c) => (c.serviceConnections[s.component] ?? 0) > 0).sort((x, y) => {
      const px = path.indexOf(x.vantage), py = path.indexOf(y.vantage);
      if (px !== py) return py - px;
      return (y.serviceConnections[s.component] ?? 0) - (x.serviceConnections[s.component] ?? 0);
    });
    const v = seeing[0];
    if (v) {
      const col = v.services[s.component];
      f.vantage = v.vantage;
      const synW = rateIn(col.synOnly), synB = rateBase(col.synOnly, v.cover);
      const c2sW = rateIn(col.payloadC2S), c2sB = rateBase(col.payloadC2S, v.cover);
      const s2cW = rateIn(col.payloadS2C), s2cB = rateBase(col.payloadS2C, v.cover);
      const synAckW = sumRange(col.synAck, a, b);
      const unanswered = signals.some((g) => g.kind === 'syn-unanswered' && g.source === `${v.vantage}:${s.component}` && g.to > a && g.from < b);
      const inRatio = Math.max(synB > 0 ? synW / synB : 0, c2sB > 0 ? c2sW / c2sB : 0);
      f.inputArrives = inRatio >= 0.3 || unanswered;
      // Protocol facts are counted over the stretch with no payload from the service when there
      // is one (the fault itself), not over the recovery burst that follows.
      const [qa, qb] = zeroStretch(col.payloadS2C, a, b);
      // A stop is a long silence from the service (≥ 5 bins and a quarter of the window); short
      // gaps happen in a slow service too.
      const stopped = qb - qa >= Math.max(5, (b - a) / 4);
      const [pa, pb] = stopped ? [qa, qb] : [a, b];
      const ch = sumRange(col.clientHello, pa, pb), sh = sumRange(col.serverHello, pa, pb);
      const rq = sumRange(col.httpRequests, pa, pb), rs = sumRange(col.httpResponses, pa, pb);
      const during = stopped ? `in the ${fmt((qb - qa) * iv, 0)} s with no payload from the service, ` : '';
      const chB = rateBase(col.clientHello, v.cover), shB = rateBase(col.serverHello, v.cover);
      const rqB = rateBase(col.httpRequests, v.cover), rsB = rateBase(col.httpResponses, v.cover);
      const where = `${s.host}:${s.port}`;
      let stuck = false;
      const synTotal = sumRange(col.synOnly, a, b);
      f.evidence.push(`${v.vantage} saw ${fmt(synTotal, 0)} client SYNs to ${where}, retransmissions included (${fmt(synAckW, 0)} answered with SYN-ACK by the host's kernel${unanswered ? '; for a stretch none were answered: the accept queue was full' : ''}) and ${fmt(c2sW, 0)} client payload bytes/s (baseline ${fmt(c2sB, 0)}/s)`);
      if (ch >= 3 || chB > 0) {
        f.protocolFact = true;
        const ans = ch > 0 ? sh / ch : 1;
        f.evidence.push(`${during}${fmt(ch, 0)} TLS ClientHellos reached ${where} and ${fmt(sh, 0)} ServerHellos came back (baseline ${fmt(chB, 2)} and ${fmt(shB, 2)}/s)`);
        if (ch >= 3 && ans < 0.3) stuck = true;
      } else if (rq >= 3 || rqB > 0) {
        f.protocolFact = true;
        const ans = rq > 0 ? rs / rq : 1;
        f.evidence.push(`${during}${fmt(rq, 0)} HTTP requests reached ${where} and ${fmt(rs, 0)} responses came back (baseline ${fmt(rqB, 2)} and ${fmt(rsB, 2)}/s)`);
        if (rq >= 3 && ans < 0.5) stuck = true;
        // Slow, not stopped: responses take far longer than usual, or never come before the
        // connection closes (the client gave up).
        const nW = sumRange(col.answered, a, b), tW = sumRange(col.responseTime, a, b);
        const bN = baseline(col.answered, v.cover, exclude), bT = baseline(col.responseTime, v.cover, exclude);
        const latW = nW > 0 ? tW / nW : 0, latB = bN.sum > 0 ? bT.sum / bN.sum : 0;
        const unW = sumRange(col.unanswered, a, b);
        if (nW >= 3 && latW > Math.max(1, 10 * latB)) {
          stuck = true;
          if (!stopped) f.slow = latW;
          f.evidence.push(stopped
            ? `when ${s.component} resumed, the requests queued during the stop were answered after ${fmt(latW, 2)} s on average (baseline ${fmt(latB, 3)} s)`
            : `HTTP responses from ${where} took ${fmt(latW, 2)} s on average during the incident (baseline ${fmt(latB, 3)} s): slow, not stopped`);
        }
        if (unW >= 3 && unW >= 0.3 * Math.max(rq, 1)) {
          stuck = true;
          f.evidence.push(`${fmt(unW, 0)} connections to ${where} closed with a request still unanswered (the clients gave up)`);
        }
      } else if (s2cB > 0 && s2cW < 0.2 * s2cB) stuck = true;
      const quiet = longestZero(col.payloadS2C, a, b) * iv;
      if (quiet >= 3 * iv) f.evidence.push(`no payload from ${where} for ${fmt(quiet, 0)} s (baseline ${fmt(s2cB, 0)} bytes/s)`);
      f.stuck = Boolean(f.inputArrives) && (stuck || (unanswered && (f.logSilentFrac ?? 0) > 0.5));
      if (!f.inputArrives) f.evidence.push(`its input stopped: ${fmt(inRatio * 100, 0)}% of the usual connections and requests reached ${where}, so a quiet ${s.component} is explained upstream`);
    } else if (log) {
      // No capture of this service: the log alone speaks, and cannot say whether input arrived.
      f.stuck = (f.logSilentFrac ?? 0) >= 0.5;
    }
    facts.push(f);
  }
  // The deepest component that was stuck while its input kept arriving.
  let culprit: ComponentFacts | undefined;
  for (const f of facts) if (f.stuck && f.inputArrives !== false) culprit = f;
  if (culprit) {
    for (const f of facts) {
      if (f === culprit) continue;
      if (facts.indexOf(f) < facts.indexOf(culprit)) evidence.push(...f.evidence.map((l) => `in front: ${l}`));
    }
    evidence.unshift(...culprit.evidence);
    for (const f of facts.slice(facts.indexOf(culprit) + 1)) evidence.push(...f.evidence.map((l) => `behind: ${l}`));
    evidence.push(...noLossLines);
    let conf = 0.55;
    if (culprit.inputArrives) conf += 0.15;
    if ((culprit.logSilentFrac ?? 0) >= 0.5) conf += 0.12;
    if (culprit.protocolFact) conf += 0.1;
    if (noLossLines.length) conf += 0.05;
    if (culprit.vantage === null) conf -= 0.25;
    const netOk = noLossLines.length ? ' The network delivered every packet between the vantage points.' : '';
    const logPart = (culprit.logSilentFrac ?? 0) >= 0.5 ? ' and its log went silent' : '';
    const summary = culprit.slow !== undefined
      ? `${culprit.component} answered too slowly: requests kept arriving at ${culprit.vantage}, responses took ${fmt(culprit.slow, 1)} s on average, and clients gave up and reset.${netOk}`
      : culprit.vantage
      ? `${culprit.component} stopped answering: its input kept arriving at ${culprit.vantage}, the host's kernel still took connections, but ${culprit.component} sent no answers${logPart}.${netOk}`
      : `${culprit.component}'s log went silent; no capture shows whether its input still arrived.${netOk}`;
    return { culprit: { component: culprit.component, kind: 'application', confidence: Math.round(Math.min(0.97, Math.max(0.05, conf)) * 100) / 100 }, evidence, summary };
  }
  // 4. Nothing decisive.
  for (const f of facts) evidence.push(...f.evidence);
  const alive = facts.filter((f) => f.inputArrives && !f.stuck);
  const last = alive[alive.length - 1];
  if (last && facts.indexOf(last) === facts.length - 1) {
    evidence.push(`${last.component} kept accepting${last.logRate !== null ? ' and logging' : ''} and its input kept arriving; if its output fell, the cause is behind ${last.component}, where no capture or log was given`);
  }
  const retx = captures.map((c) => ({ v: c.vantage, n: sumRange(c.all.retransmissions, a, b), base: rateBase(c.all.retransmissions, c.cover) }));
  const lossy = retx.filter((r) => r.n >= 5 && r.n / secs > 3 * r.base);
  for (const r of lossy) evidence.push(`${r.v}: ${fmt(r.n, 0)} retransmissions (${fmt(r.n / secs, 2)}/s, baseline ${fmt(r.base, 2)}/s): packets are being lost`);
  // Every component answered, demand held, yet segments are retransmitted at the first vantage
  // point and no loss was found between vantage points: the loss is upstream of the first one.
  if (front && lossy.some((r) => r.v === front.vantage) && facts.every((f) => !f.stuck)) {
    evidence.unshift(`every component kept answering while ${front.vantage} saw retransmissions far above its baseline${comparisons.length ? ', and no packet was lost between the vantage points' : ''}: packets were lost before ${front.vantage}${comparisons.length ? '' : ' (with one vantage point, "before" is as precise as it gets)'}`);
    return { culprit: { component: `network:before-${front.vantage}`, kind: 'network', confidence: 0.6 }, evidence, summary: `Packets were lost on the way to ${front.vantage} (retransmissions spiked while every component kept answering).` };
  }
  evidence.push(...noLossLines);
  const kinds = [...new Set(signals.filter((s) => s.to > a && s.from < b).map((s) => `${s.kind} at ${s.source}`))];
  evidence.push(`signals without a decisive pattern: ${kinds.join(', ') || 'none'}`);
  if (!captures.length) evidence.push('no capture was given: without packets it cannot be told whether the input of a quiet component still arrived');
  return { culprit: { component: 'unknown', kind: 'unknown', confidence: 0.2 }, evidence, summary: 'The data does not single out one component: see the evidence for what was found and what is missing.' };
}

function addLogLines(evidence: string[], logs: LogView[], a: number, b: number, timeline: Timeline, exclude: [number, number][], rateBase: (x: Float64Array | undefined, c: [number, number]) => number) {
  const secs = (b - a) * timeline.interval;
  for (const l of logs) {
    const w = sumRange(l.lines, a, b) / secs;
    evidence.push(`${l.component} log: ${fmt(w, 2)} lines/s during the incident (baseline ${fmt(rateBase(l.lines, l.cover), 2)}/s)`);
  }
  void exclude;
}

export type { SeriesColumns };
