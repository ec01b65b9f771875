/**
 * @module correlate/verdict
 * From signals to incidents, and from an incident's window to a culprit — reasoning as an
 * engineer with both teams' data would: did demand reach the first vantage point? did packets
 * pass one vantage and not the next? did a component's input keep arriving while it stopped
 * answering (no ServerHello, no HTTP response, no payload) and its log went quiet?
 */
import type { SeriesColumns } from '../metrics/series';
import type { Signal, SignalKind } from './signals';
import { clockOffsetSeconds } from './ledger';
import type { VantageComparison } from './ledger';
import { baselinePerBin, ComponentFacts, componentFacts, localRange, sumRange, Window } from './chain';

export type { CaptureView, LogView, ServiceView, VerdictInput } from './views';
import type { CaptureView, VerdictInput } from './views';
import { endpoint } from '../flow/address';
import { EvidenceItem, fmt, name, NOTHING, num, prefixed, say, time } from './evidence';

export type { EvidenceItem } from './evidence';

export type CulpritKind = 'application' | 'network' | 'clients' | 'unknown';

export interface Culprit {
  component: string;
  kind: CulpritKind;
  confidence: number;
  /** With kind `unknown`: who could have failed, most likely first, and what would decide. */
  suspects?: { component: string; why: string }[];
}

export interface Decision {
  culprit: Culprit;
  /** What decided it, each line with its measured values (`{text, facts}`). */
  evidence: EvidenceItem[];
  /** One sentence for people: who failed and the fact that decided it. */
  summary: string;
}

/** Kinds that say something stopped; the rest (spikes) are traffic unless they last. */
export const PRIMARY: ReadonlySet<SignalKind> = new Set(['throughput-drop', 'syn-unanswered', 'log-silence', 'loss-between-vantages', 'log-errors', 'slow-answers']);

/**
 * Merges overlapping (or nearly adjacent) signals into incident windows. With captures, an
 * incident needs a capture-derived signal; a log going quiet alone is then not an outage.
 */
export function mergeSignals(signals: Signal[], mergeGap: number, haveCaptures: boolean, logSources: Set<string>, minRun = 3, recovery = 4 * mergeGap): { from: number; to: number; signals: Signal[] }[] {
  const sorted = [...signals].sort((a, b) => a.from - b.from || a.to - b.to);
  const groups: { from: number; to: number; signals: Signal[] }[] = [];
  for (const s of sorted) {
    const g = groups[groups.length - 1];
    if (g && s.from <= g.to + mergeGap) {
      g.to = Math.max(g.to, s.to);
      g.signals.push(s);
    } else groups.push({ from: s.from, to: s.to, signals: [s] });
  }
  const primary = (g: { signals: Signal[] }) => g.signals.some((s) => !s.edge && PRIMARY.has(s.kind));
  const kept: { from: number; to: number; signals: Signal[] }[] = [];
  for (const g of groups) {
    const real = g.signals.filter((s) => !s.edge);
    const kinds = new Set(real.map((s) => s.kind));
    // A capture signal counts when it is a primary kind or lasts: a one-second burst of
    // retransmissions as connections close is no outage, even beside a quiet log.
    const fromCapture = real.some((s) => !logSources.has(s.source) && (PRIMARY.has(s.kind) || s.to - s.from >= minRun));
    // A log filling with errors is an outage the captures may not show (fast 502s keep traffic up).
    if (haveCaptures && !fromCapture && !kinds.has('log-errors') && !real.some((s) => s.alone)) continue;
    // Without captures, one log writing less for a few seconds (still writing: alive) is a lull
    // in demand as often as an outage, and nothing else can tell them apart (holdout 2048: a 12 s
    // dip in stunnel's log before any fault).
    const lull = real.every((s) => s.kind === 'log-silence' && s.detail === 'low-rate' && s.source === real[0].source);
    if (!haveCaptures && lull && g.to - g.from < 4 * minRun) continue;
    // Clients resetting for a sustained stretch (timeouts) is an outage even when throughput holds.
    const sustainedResets = real.some((s) => (s.kind === 'reset-spike' || s.kind === 'retransmission-spike') && s.to - s.from >= minRun);
    // Spikes alone are traffic (a burst of new connections, of retransmissions) unless clients
    // keep resetting or retransmitting for a while: something stopped, or it is no outage.
    if (!([...kinds].some((k) => PRIMARY.has(k)) || sustainedResets)) continue;
    // Spikes with nothing stopped, right after an outage, are its recovery (the reconnection
    // burst, the resets of connections that died waiting): part of that incident, not a new one.
    const prev = kept[kept.length - 1];
    if (prev && !primary(g) && primary(prev) && g.from - prev.to <= recovery) {
      prev.to = Math.max(prev.to, g.to);
      prev.signals.push(...g.signals);
      continue;
    }
    kept.push(g);
  }
  return kept;
}



/** What the data says one component did in the window. */
type Judgement =
  /** It failed at its own work while its input arrived (or its own log shows the failure). */
  | { state: 'failed'; how: 'stopped' | 'refused' | 'slow' | 'errors' | 'restarted' | 'quiet'; confidence: number; lines: EvidenceItem[]; summary: string; workSeen?: boolean }
  /** It did its own work (its answers were seen, or its steady log kept writing). */
  | { state: 'working'; byWire: boolean; lines: EvidenceItem[] }
  /** Its input did not arrive: whatever it did, the cause is in front of it. */
  | { state: 'starved'; lines: EvidenceItem[] }
  /** Asked at a vantage in front of its host, and nothing at all came back from that host. */
  | { state: 'dark'; lines: EvidenceItem[] }
  /** Nothing shows whether its input arrived or whether it worked. */
  | { state: 'unseen'; quietLog: boolean; lines: EvidenceItem[] };

function judge(f: ComponentFacts, frontClearedByWire: boolean, iv: number, secs: number): Judgement {
  const s = f.service;
  const where = endpoint(s.host, s.port);
  const comp = name('component', s.component);
  const svc = name('service', where);
  const lines: EvidenceItem[] = [];
  const L = f.log;
  // Log facts first: they are stated whatever the wire says.
  let logQuiet = false, logWriting = false;
  if (L) {
    if (L.steady.length && L.silentFrac !== null) {
      logQuiet = L.silentFrac >= 0.5;
      logWriting = L.silentFrac < 0.2 && (L.base ?? 0) > 0 && (L.rate ?? 0) >= 0.3 * (L.base ?? 0);
      if (L.longestSilence && L.silentFrac > 0) lines.push(say`${comp} log silent ${time('from', L.longestSilence.start)}–${time('to', L.longestSilence.end)} (${num('silent_seconds', L.longestSilence.end - L.longestSilence.start, 0)} s); usually ${num('baseline_lines_per_s', L.base ?? 0, 2)} lines/s`);
      else {
        // The words follow the numbers: "kept writing" only at 30% of its usual rate or more.
        const rate = L.rate ?? 0, base = L.base ?? 0;
        if (rate > 0 && rate >= 0.3 * base) lines.push(say`${comp} log kept writing: ${num('lines_per_s', rate, 2)} lines/s during the incident (usually ${num('baseline_lines_per_s', base, 2)} lines/s)`);
        else if (rate > 0) lines.push(say`${comp} log wrote less but did not stop: ${num('lines_per_s', rate, 2)} lines/s during the incident (usually ${num('baseline_lines_per_s', base, 2)} lines/s)`);
        else lines.push(say`${comp} log wrote no line during the incident (usually ${num('baseline_lines_per_s', base, 2)} lines/s)`);
      }
    }
  }
  const errorRate = L ? L.errors / secs : 0;
  // Errors while the component kept writing are its work failing (502s); errors in the burst
  // after its own silence are the aftermath of a stop (resets of connections that died waiting).
  const errorSpike = L !== null && L.errors >= 5 && errorRate > Math.max(3 * L.errorBase, 0.05) && (L.errorShare === null || L.errorShare >= 0.3) && (L.silentFrac ?? 0) < 0.5;
  if (L && L.errors > 0) lines.push(say`${comp} logs: ${num('error_lines', L.errors, 0)} error lines during the incident (${num('error_lines_per_s', errorRate, 2)}/s; usually ${num('baseline_error_lines_per_s', L.errorBase, 3)}/s${L.errorShare !== null ? say`; ${num('error_percent_of_lines', 100 * L.errorShare, 0)}% of its lines` : NOTHING})`);
  const restarted = L !== null && L.restarts > 0 && (L.silentFrac ?? 0) >= 0.3;
  if (L && L.restarts > 0) lines.push(say`${comp} logs show ${num('startup_lines', L.restarts, 0)} startup line${L.restarts === 1 ? '' : 's'} at the end of the incident: the process was started again`);

  const W = f.wire;
  // The wire's facts lead when they decide; the log's follow them.
  const nLog = lines.length;
  const wireFirst = () => lines.splice(0, lines.length, ...lines.slice(nLog), ...lines.slice(0, nLog));
  if (W) {
    // Input arrived: new connections, or client payload at 30% of its usual rate or more — and
    // payload where none usually came is more than usual, never "its input stopped".
    const offered = W.syn >= 3 || (W.c2sBase > 0 && W.c2sRate >= 0.3 * W.c2sBase) || (W.c2sBase === 0 && W.c2sRate > 0) || W.synUnansweredSignal;
    const hostSpoke = W.synAck > 0 || W.serverResets > 0 || W.s2cRate > 0;
    const at = name('vantage', W.vantage);
    lines.push(say`${at} saw ${num('syn', W.syn, 0)} client SYNs to ${svc} (retransmissions included; ${num('syn_ack', W.synAck, 0)} answered with SYN-ACK${W.serverResets ? say`, ${num('server_resets', W.serverResets, 0)} resets from the server side` : NOTHING}${W.synUnansweredSignal ? '; for a stretch none were answered: the accept queue was full' : ''}) and ${num('client_payload_bytes_per_s', W.c2sRate, 0)} client payload bytes/s (usually ${num('baseline_client_payload_bytes_per_s', W.c2sBase, 0)}/s)`);
    // A zero window: a receiver's buffer was full (it stopped reading). Stated with who advertised
    // it: the service (its process stopped reading its sockets) or its clients.
    if (W.zeroWindows >= 3 && W.zeroWindows / secs > 3 * W.zeroWindowBase) {
      const who = W.zeroWindowsByClient === 0 ? say`all from ${svc}: it stopped reading` : W.zeroWindowsByServer === 0 ? say`all from clients: they stopped reading` : say`${num('zero_windows_by_server', W.zeroWindowsByServer, 0)} from ${svc}, ${num('zero_windows_by_client', W.zeroWindowsByClient, 0)} from clients: receivers stopped reading`;
      lines.push(say`${num('zero_windows', W.zeroWindows, 0)} zero-window advertisements on connections to ${svc} at ${at} (usually ${num('baseline_zero_windows_per_s', W.zeroWindowBase, 3)}/s), ${who}`);
    }
    if (!offered) {
      const pct = Math.max(W.synBase > 0 ? W.synRate / W.synBase : 0, W.c2sBase > 0 ? W.c2sRate / W.c2sBase : 0);
      lines.push(say`its input stopped: ${num('percent_of_usual', pct * 100, 0)}% of the usual connections and requests reached ${svc}, so a quiet ${comp} is explained in front of it`);
      return { state: 'starved', lines };
    }
    // Nothing listens: the kernel resets every SYN (a crashed process).
    if (W.serverResets >= 3 && W.syn >= 3 && W.synAck <= 0.2 * W.syn) {
      wireFirst();
      lines.unshift(say`${at}: ${num('server_resets', W.serverResets, 0)} resets from ${svc} answered ${num('syn', W.syn, 0)} SYNs, with ${num('syn_ack', W.synAck, 0)} SYN-ACKs: nothing listened on the port — the host was up, ${comp} was not`);
      return { state: 'failed', how: 'refused', confidence: restarted ? 0.93 : 0.88, lines, summary: `${s.component} was down: its host answered every connection attempt with a reset (nothing listened on ${where})${restarted ? ', and its log shows it starting again' : ''}.` };
    }
    if (!hostSpoke && !W.atHost) {
      lines.push(say`nothing came back from ${name('host', s.host)} at ${at}: no SYN-ACK, no reset, no payload for ${num('syn', W.syn, 0)} SYNs`);
      return { state: 'dark', lines };
    }
    const tls = W.clientHello >= 3 || W.clientHelloBase > 0;
    const http = W.requests >= 3 || W.requestsBase > 0;
    let failure: Judgement | null = null;
    let workSeen = false;
    if (tls && W.clientHello >= 3) {
      const ratio = W.serverHello / W.clientHello;
      lines.push(say`${num('client_hellos', W.clientHello, 0)} TLS ClientHellos reached ${svc} and ${num('server_hellos', W.serverHello, 0)} ServerHellos came back${W.quietSeconds >= 3 * iv ? say` (no payload from it for ${num('quiet_seconds', W.quietSeconds, 0)} s while it was asked)` : NOTHING}`);
      if (ratio < 0.3) {
        failure = { state: 'failed', how: 'stopped', confidence: 0.9, lines, summary: `${s.component} stopped answering: TLS handshakes reached it (its host's kernel still took the connections) and it sent no ServerHello.` };
      } else if (ratio >= 0.7) workSeen = true;
    }
    if (!failure && http && W.requests >= 3) {
      const ratio = W.responses / W.requests;
      lines.push(say`${num('http_requests', W.requests, 0)} HTTP requests reached ${svc} and ${num('http_responses', W.responses, 0)} responses came back`);
      const slow = W.answered >= 3 && W.latency !== null && W.latency > Math.max(1, 10 * (W.latencyBase ?? 0));
      const gaveUp = W.unanswered >= 3 && W.unanswered >= 0.3 * W.requests;
      if (W.latency !== null && W.latencyBase !== null) lines.push(say`answers took ${num('response_seconds', W.latency, 2)} s on average (usually ${num('baseline_response_seconds', W.latencyBase, 3)} s)`);
      if (gaveUp) lines.push(say`${num('unanswered_connections', W.unanswered, 0)} connections to ${svc} closed with a request still unanswered (the clients gave up)`);
      if (ratio < 0.5) failure = { state: 'failed', how: 'stopped', confidence: 0.9, lines, summary: `${s.component} stopped answering: requests reached it and no responses came back.` };
      else if (slow || gaveUp) failure = { state: 'failed', how: 'slow', confidence: 0.85, lines, summary: `${s.component} answered too slowly: requests kept arriving, responses took ${fmt(W.latency ?? 0, 1)} s on average, and clients gave up.` };
      else workSeen = true;
    }
    if (!failure && !tls && !http && W.s2cBase > 0) {
      if (W.s2cRate < 0.2 * W.s2cBase) {
        lines.push(say`payload from ${svc} fell to ${num('server_payload_bytes_per_s', W.s2cRate, 0)} bytes/s (usually ${num('baseline_server_payload_bytes_per_s', W.s2cBase, 0)}/s) while its input kept arriving`);
        failure = { state: 'failed', how: 'stopped', confidence: 0.7, lines, summary: `${s.component} stopped sending while its input kept arriving.` };
      } else workSeen = true;
    }
    if (failure) {
      if (failure.state === 'failed' && logQuiet) failure.confidence = Math.min(0.97, failure.confidence + 0.05);
      wireFirst();
      return failure;
    }
    // It answered on the wire; its own logs may still show it failing (a backend answering 502s).
    if (errorSpike) return { state: 'failed', how: 'errors', confidence: 0.85, lines, summary: `${s.component} failed its requests: its input arrived and it answered, but its logs filled with errors.`, workSeen };
    if (workSeen || hostSpoke) return { state: 'working', byWire: workSeen, lines };
  }
  // No capture of it: its logs alone. Errors name it only while it kept working at its usual
  // pace (every request answered, with an error: 502s); errors as its connections die (resets,
  // timeouts: a network cut, clients gone) come with its pace falling, and point elsewhere.
  const keptPace = L !== null && L.base !== null && L.base > 0 && (L.rate ?? 0) >= 0.5 * L.base;
  if (errorSpike && keptPace) return { state: 'failed', how: 'errors', confidence: 0.8, lines, summary: `${s.component}'s logs show it failing: ${fmt(L!.errors, 0)} error lines in the incident.` };
  if (restarted) return { state: 'failed', how: 'restarted', confidence: 0.75, lines, summary: `${s.component} went silent and then logged its own start: the process died and was started again.` };
  if (logQuiet && frontClearedByWire) {
    return { state: 'failed', how: 'quiet', confidence: 0.7, lines: [...lines, say`the component in front of ${comp} kept doing its own work, and ${s.component} (no capture sees its port) went silent`], summary: `${s.component} went silent while the component in front of it kept working: no capture sees its port, so this rests on its log.` };
  }
  if (logWriting) return { state: 'working', byWire: false, lines };
  return { state: 'unseen', quietLog: logQuiet, lines };
}

/** What every step of `decide` reads: the window, the bins its baselines leave out, the vantages, and the evidence so far. */
interface Step {
  input: VerdictInput;
  a: number;
  b: number;
  /** Bin width and the window's length (s). */
  iv: number;
  secs: number;
  exclude: [number, number][];
  byName: Map<string, CaptureView>;
  /** The path's vantages that have a capture, upstream first, and the first of them (or the first capture not on a loopback). */
  onPath: string[];
  front: CaptureView | undefined;
  signals: Signal[];
  /** Evidence lines in the order the reports print them. */
  evidence: EvidenceItem[];
  /** Adds each steady log's pace in the window, against its usual. */
  logLines: () => void;
}

/**
 * Decides the culprit of one incident window [a, b), in the order an engineer would ask: did the
 * clients stop, did packets vanish between vantages, which component along the chain stopped
 * while its input arrived, and else what was lost or what would decide. `incidents` are all
 * windows (baselines leave them out).
 */
export function decide(input: VerdictInput, a: number, b: number, incidents: [number, number][], signals: Signal[], demandRange?: [number, number]): Decision {
  const { timeline, captures, logs, path } = input;
  const iv = timeline.interval;
  const secs = Math.max(iv, (b - a) * iv);
  const evidence: EvidenceItem[] = [];
  const exclude = incidents.map(([x, y]) => [x - 2, y + 2] as [number, number]);
  const byName = new Map(captures.map((c) => [c.vantage, c]));
  const onPath = path.filter((p) => byName.has(p));
  const front = (onPath.length ? byName.get(onPath[0]) : undefined) ?? captures.find((c) => !/loop|(^|[^a-z])lo$/i.test(c.vantage)) ?? captures[0];
  const logLines = () => {
    for (const l of logs) {
      if (l.steady === false) continue;
      evidence.push(say`${name('component', l.component)} log: ${num('lines_per_s', sumRange(l.lines, a, b) / secs, 2)} lines/s during the incident (usually ${num('baseline_lines_per_s', baselinePerBin(l.lines, l.cover, exclude, localRange(a, b, iv)) / iv, 2)}/s)`);
    }
  };
  const st: Step = { input, a, b, iv, secs, exclude, byName, onPath, front, signals, evidence, logLines };
  const stopped = demandStopped(st, demandRange);
  if (stopped) return stopped;
  const { lost, noLossLines } = lossBetweenVantages(st);
  if (lost) return lost;
  const chain = alongTheChain(st, noLossLines);
  if ('decision' in chain) return chain.decision;
  return lossOrUndecided(st, chain.facts, chain.suspects, noLossLines);
}

/** 1. Demand at the first vantage point: did the clients keep asking? A decision when they stopped, or the path before the first vantage was cut. */
function demandStopped({ input: { timeline }, a, b, iv, exclude, onPath, front, signals, evidence, logLines }: Step, demandRange?: [number, number]): Decision | null {
  if (front) {
    const [da, db] = demandRange ?? [a, b];
    // Demand is measured inside the stretch, not in its first and last two bins: clients that
    // stop close their idle connections in a burst there, and come back in one.
    const [ra, rb] = db - da >= 8 ? [da + 2, db - 2] : [da, db];
    const dsecs = Math.max(iv, (rb - ra) * iv);
    const rateD = (x: Float64Array | undefined) => sumRange(x, ra, rb) / dsecs;
    const base = (x: Float64Array | undefined) => baselinePerBin(x, front.cover, front.gaps ? [...exclude, ...front.gaps] : exclude, localRange(a, b, iv)) / iv;
    const synW = rateD(front.all.synOnly), synB = base(front.all.synOnly);
    const c2sW = rateD(front.all.payloadC2S), c2sB = base(front.all.payloadC2S);
    const pktW = rateD(front.all.packets), pktB = base(front.all.packets);
    const synN = sumRange(front.all.synOnly, da, db), synAckN = sumRange(front.all.synAck, da, db);
    // SYNs that reached the vantage and went unanswered are demand the service failed, not demand that stopped.
    const unanswered = signals.some((g) => g.kind === 'syn-unanswered' && g.source.startsWith(`${front.vantage}:`) && g.to > da && g.from < db) || (synN >= 3 && synAckN < 0.5 * synN);
    const demandGone = !unanswered && (synB === 0 || synW < 0.1 * synB) && (c2sB === 0 || c2sW < 0.1 * c2sB) && pktW < 0.2 * pktB;
    if (demandGone && pktB > 0) {
      // Stalled connections retransmit through the quiet stretch, with backoff: counted inside it
      // (not in its first and last two bins, where connections close and reopen — a client that
      // stops closes its idle connections in a burst, retransmitted FINs included) and in at
      // least three different bins.
      const ia = Math.min(db, da + 2), ib = Math.max(ia, db - 2);
      let stallBins = 0;
      for (let i = ia; i < ib; i++) if (front.all.retransmissions[i] > 0) stallBins++;
      const retx = stallBins >= 3 ? sumRange(front.all.retransmissions, ia, ib) : 0;
      const rstS = sumRange(front.all.resetsByServer, da, db);
      const fv = name('vantage', front.vantage);
      const line = say`${fv} saw ${num('connection_attempts_per_s', synW, 2)} new connection attempts/s and ${num('packets_per_s', pktW, 2)} packets/s during ${time('from', timeline.startOf(da))}–${time('to', timeline.startOf(db))} (usually ${num('baseline_connection_attempts_per_s', synB, 2)} and ${num('baseline_packets_per_s', pktB, 1)}/s)`;
      if (retx >= 3) {
        evidence.push(say`${line}: traffic stopped before ${front.vantage}`, say`but ${num('retransmissions', retx, 0)} retransmissions (and ${num('server_resets', rstS, 0)} server resets) at ${fv}: connections were open and stalled, so the path upstream of ${front.vantage} was cut`);
        logLines();
        return { culprit: { component: `network:before-${front.vantage}`, kind: 'network', confidence: 0.7 }, evidence, summary: `Traffic stopped reaching ${front.vantage} while connections were still open and stalled: the network upstream of ${front.vantage} failed.` };
      }
      evidence.push(say`${line}: demand stopped before the first vantage point`, say`no retransmissions, no stalled connections, no unanswered SYNs at ${fv} (${num('retransmissions', retx, 0)} retransmissions): the clients themselves stopped`);
      logLines();
      // With a vantage behind the first one, "before the first vantage" is where the clients are.
      const conf = onPath.length >= 2 ? 0.85 : 0.7;
      return { culprit: { component: 'clients', kind: 'clients', confidence: conf }, evidence, summary: `The clients stopped: nothing arrived at ${front.vantage}, and nothing was left stalled or retransmitting there; every component was idle, not broken.` };
    }
  }
  return null;
}

/** Counts of a comparison over a sample of the packets say so (a long capture's ledger, metrics/ledger). */
function sampleLine(c: VantageComparison): EvidenceItem {
  return say`packets between ${name('upstream', c.upstream)} and ${name('downstream', c.downstream)} were compared in a sample of 1 in ${num('sample_every', Math.round(1 / c.sample), 0)} (chosen by each packet's digest, the same packets at both): the ledger keeps at most 5 M packets a vantage`;
}

/** 2. Packets that passed one vantage and not the next: a network decision when enough vanished, else each pair's "agree packet for packet" line. */
function lossBetweenVantages({ input: { timeline, comparisons }, a, b, byName, evidence, logLines }: Step): { lost: Decision | null; noLossLines: EvidenceItem[] } {
  let worst: { c: VantageComparison; missing: number; seen: number } | null = null;
  const noLossLines: EvidenceItem[] = [];
  for (const c of comparisons) {
    let missing = 0, seen = 0, mBase = 0, sBase = 0;
    for (const [bin, n] of c.missingPerBin) if (bin >= a && bin < b) missing += n; else mBase += n;
    for (const [bin, n] of c.seenPerBin) if (bin >= a && bin < b) seen += n; else sBase += n;
    const frac = seen > 0 ? missing / seen : 0;
    const baseFrac = sBase > 0 ? mBase / sBase : 0;
    if (missing >= 5 && frac >= 0.05 && frac > 3 * baseFrac && (!worst || frac > worst.missing / worst.seen)) worst = { c, missing, seen };
    else noLossLines.push(say`${name('upstream', c.upstream)} and ${name('downstream', c.downstream)} captures agree packet for packet: ${num('missing_packets', missing, 0)} of ${num('packets', seen, 0)} packets to/from the services missing between them during the incident (${num('matched_packets', c.matched, 0)} matched packets give ${c.downstream} a clock offset of ${num('clock_offset_seconds', clockOffsetSeconds(c.offset), 6)} s, as under Clocks)`);
    if (c.sample < 1 && worst?.c !== c) noLossLines.push(sampleLine(c));
  }
  if (worst) {
    const { c, missing, seen } = worst;
    const pct = (100 * missing) / seen;
    evidence.push(say`${num('missing_packets', missing, 0)} of ${num('packets', seen, 0)} packets to/from the services (${num('missing_percent', pct, 1)}%) passed ${name('upstream', c.upstream)} and never reached ${name('downstream', c.downstream)} (or the reverse) during ${time('from', timeline.startOf(a))}–${time('to', timeline.startOf(b))}; outside the incident ${num('missing_packets_outside', c.missingDownstream + c.missingUpstream - missing, 0)} were missing`);
    if (c.sample < 1) evidence.push(sampleLine(c));
    const up = byName.get(c.upstream);
    if (up) {
      const syn = sumRange(up.all.synOnly, a, b), sa = sumRange(up.all.synAck, a, b), retx = sumRange(up.all.retransmissions, a, b);
      evidence.push(say`${name('vantage', c.upstream)} saw ${num('syn', syn, 0)} SYNs (${num('syn_ack', sa, 0)} SYN-ACKs back) and ${num('retransmissions', retx, 0)} retransmissions in that window: the clients kept trying`);
    }
    logLines();
    const lost: Decision = { culprit: { component: `network:${c.upstream}->${c.downstream}`, kind: 'network', confidence: pct >= 90 ? 0.92 : 0.85 }, evidence, summary: `${fmt(pct, 1)}% of the packets that passed ${c.upstream} never reached ${c.downstream}: the network between them lost them.` };
    return { lost, noLossLines };
  }
  return { lost: null, noLossLines };
}

/**
 * 3. Along the chain, front to back: the front-most component whose input arrived while its own
 * work stopped. One behind a stopped component is starved, never the culprit. Without one: the
 * components' facts and who remains suspected.
 */
function alongTheChain({ input, a, b, iv, secs, exclude, signals, evidence }: Step, noLossLines: EvidenceItem[]): { decision: Decision } | { facts: ComponentFacts[]; suspects: { component: string; why: string }[] } {
  const w: Window = { a, b, exclude, near: localRange(a, b, iv) };
  const facts = componentFacts(input, w, signals);
  const suspects: { component: string; why: string }[] = [];
  let clearedByWire = false;
  const before: EvidenceItem[] = [];
  for (let k = 0; k < facts.length; k++) {
    const f = facts[k];
    const j = judge(f, clearedByWire, iv, secs);
    // A component whose logs fill with errors may be complaining about the one behind it (a proxy
    // that cannot reach its backend): look behind first. A component behind it that failed on the
    // wire, or went quiet while this one was seen doing its own work, is the culprit; one that went
    // quiet with nothing to clear this one leaves both as suspects.
    if (j.state === 'failed' && j.how === 'errors') {
      let deferred: Decision | null = null;
      for (let m = k + 1; m < facts.length && !deferred; m++) {
        const g = facts[m];
        const gj = judge(g, j.workSeen === true, iv, secs);
        if (gj.state === 'failed' && gj.how !== 'errors') {
          evidence.push(...gj.lines, ...[...before, ...j.lines].map((l) => prefixed('in front: ', l)), say`${name('component', f.service.component)}'s errors are about ${name('failed', g.service.component)} behind it, which failed`);
          evidence.push(...noLossLines);
          deferred = { culprit: { component: g.service.component, kind: 'application', confidence: Math.round(Math.min(0.97, gj.confidence + (noLossLines.length ? 0.02 : 0)) * 100) / 100 }, evidence, summary: gj.summary };
        } else if (gj.state === 'unseen' && gj.quietLog) {
          evidence.push(...before, ...j.lines, ...gj.lines);
          deferred = { culprit: { component: 'unknown', kind: 'unknown', confidence: 0.2, suspects: [
            { component: g.service.component, why: `its log went silent while ${f.service.component} logged errors, maybe about reaching it; a capture of ${endpoint(g.service.host, g.service.port)} would decide` },
            { component: f.service.component, why: 'its logs filled with errors' },
          ] }, evidence, summary: `${f.service.component} logged errors and ${g.service.component} behind it went quiet: a capture of ${endpoint(g.service.host, g.service.port)} would tell which failed.` };
        } else if (gj.state === 'unseen') {
          // What its errors are about is not seen: the component behind it may be the one failing.
          evidence.push(...before, ...j.lines, ...gj.lines);
          deferred = { culprit: { component: 'unknown', kind: 'unknown', confidence: 0.2, suspects: [
            { component: g.service.component, why: `${f.service.component}${j.workSeen ? ' answered its own handshakes while its' : `'s`} logs filled with errors, maybe about reaching ${g.service.component}, which nothing here shows working: its log or a capture of ${endpoint(g.service.host, g.service.port)} would decide` },
            { component: f.service.component, why: 'its logs filled with errors' },
          ] }, evidence, summary: `${f.service.component} logged errors and ${g.service.component} behind it is not seen working: its log or a capture of its port would tell which failed.` };
        } else if (gj.state !== 'working') break;
      }
      if (deferred) return { decision: deferred };
    }
    if (j.state === 'failed') {
      evidence.push(...j.lines, ...before.map((l) => prefixed('in front: ', l)));
      for (const g of facts.slice(k + 1)) {
        const gj = judge(g, false, iv, secs);
        evidence.push(...gj.lines.map((l) => prefixed('behind: ', l)));
      }
      evidence.push(...noLossLines);
      const conf = Math.min(0.97, j.confidence + (noLossLines.length ? 0.02 : 0));
      return { decision: { culprit: { component: f.service.component, kind: 'application', confidence: Math.round(conf * 100) / 100 }, evidence, summary: j.summary + (noLossLines.length ? ' The network delivered every packet between the vantage points.' : '') } };
    }
    if (j.state === 'working') {
      before.push(...j.lines);
      clearedByWire = j.byWire;
      continue;
    }
    evidence.push(...before, ...j.lines);
    before.length = 0;
    if (j.state === 'starved') {
      suspects.push({ component: `in front of ${f.service.component}`, why: `${f.service.component}'s input stopped arriving at ${f.wire?.vantage}; a capture further towards the clients would show where it was lost` });
      break;
    }
    if (j.state === 'dark') {
      const v = f.wire!.vantage;
      suspects.push(
        { component: `network:after-${v}`, why: `${v} saw the requests leave towards ${f.service.host} and nothing come back; a capture at ${f.service.host} would show whether they arrived` },
        { component: f.service.component, why: `its host ${f.service.host} answered nothing at ${v} (down, or not reached)` },
      );
      break;
    }
    // Unseen: nothing shows whether its input arrived.
    suspects.push({ component: f.service.component, why: j.quietLog ? `its log went silent, but no capture shows whether its input still arrived (a capture in front of ${endpoint(f.service.host, f.service.port)} would decide)` : `no capture of ${endpoint(f.service.host, f.service.port)} and no log that shows its work` });
    if (j.quietLog) break;
    clearedByWire = false;
  }
  evidence.push(...before);
  return { facts, suspects };
}

/** 4. Every component seen answering: packets lost on the way? Else undecided, with the suspects and what would decide. */
function lossOrUndecided({ input: { captures, comparisons }, a, b, iv, secs, exclude, onPath, front, signals, evidence }: Step, facts: ComponentFacts[], suspects: { component: string; why: string }[], noLossLines: EvidenceItem[]): Decision {
  // Loss: at least 20 retransmissions, 5% of the packets, three times the usual rate (a healthy
  // run's closing handshakes retransmit a few; 20% loss in the lab retransmitted 12% of packets).
  const lossy = captures
    .map((c) => ({ v: c.vantage, n: sumRange(c.all.retransmissions, a, b), pk: sumRange(c.all.packets, a, b), base: baselinePerBin(c.all.retransmissions, c.cover, exclude, localRange(a, b, iv)) / iv }))
    .filter((r) => r.n >= 20 && r.n >= 0.05 * r.pk && r.n / secs > 3 * r.base);
  for (const r of lossy) evidence.push(say`${name('vantage', r.v)}: ${num('retransmissions', r.n, 0)} retransmissions (${num('retransmissions_per_s', r.n / secs, 2)}/s, usually ${num('baseline_retransmissions_per_s', r.base, 2)}/s): packets are being lost`);
  const allWorking = suspects.length === 0;
  if (front && allWorking && lossy.some((r) => r.v === front.vantage)) {
    if (onPath.length >= 2 && comparisons.length) {
      evidence.unshift(say`every component kept answering while ${name('vantage', front.vantage)} saw retransmissions far above usual, and no packet was lost between the vantage points: packets were lost before ${front.vantage}`);
      evidence.push(...noLossLines);
      return { culprit: { component: `network:before-${front.vantage}`, kind: 'network', confidence: 0.7 }, evidence, summary: `Packets were lost on the way to ${front.vantage} (retransmissions spiked while every component kept answering).` };
    }
    suspects.push(
      { component: `network:before-${front.vantage}`, why: `retransmissions spiked at ${front.vantage} while every component answered; with one vantage point the loss may be on either side of it` },
      { component: `network:after-${front.vantage}`, why: `the same retransmissions fit a loss between ${front.vantage} and the service; a second capture (at the service's host) would tell which side` },
    );
  }
  evidence.push(...noLossLines);
  const kinds = [...new Set(signals.filter((s) => s.to > a && s.from < b).map((s) => `${s.kind} at ${s.source}`))];
  evidence.push(say`signals without a decisive pattern: ${kinds.join(', ') || 'none'}`);
  if (!captures.length) evidence.push(say`no capture was given: without packets it cannot be told whether the input of a quiet component still arrived`);
  if (!suspects.length) {
    const last = facts[facts.length - 1];
    if (last) {
      evidence.push(say`${name('component', last.service.component)} kept doing its own work and its input kept arriving; if answers fell, the cause is behind ${last.service.component}, where no capture or log was given`);
      suspects.push({ component: `behind ${last.service.component}`, why: `${last.service.component} was seen working; what it forwards to is not in the configuration (add it as a service, with its log or a capture of its port)` });
    } else suspects.push({ component: 'unknown', why: 'no service was identified: name the services (host:port) so their inputs and answers can be checked' });
  }
  return { culprit: { component: 'unknown', kind: 'unknown', confidence: 0.2, suspects }, evidence, summary: `The data does not single out one component. Suspects: ${suspects.map((s) => s.component).join(', ')}.` };
}

export type { SeriesColumns };
