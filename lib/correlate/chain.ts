/**
 * @module correlate/chain
 * The service chain as the data shows it in one incident window: clients → vantage points →
 * each component (host:port) in the order requests reach them. For each component, three
 * questions, each answered from the data or left open (null):
 *
 * 1. Did its input arrive? (seen at a vantage in front of it: SYNs, requests)
 * 2. Did it do its own work — the work only it does? The host kernel's SYN-ACK (or its RST when
 *    nothing listens), a TLS terminator's ServerHello, an HTTP server's response.
 * 3. Did its logs keep writing? Steady logs (traffic-driven) whose silence means something;
 *    sparse logs whose lines are events (errors, restarts, 5xx).
 *
 * No thresholds here decide a culprit: this module measures, `verdict` reasons.
 */
import type { CaptureView, LogView, ServiceView, VerdictInput } from './views';

/** Per-second rates and totals of one column inside a window and outside every incident. */
export interface Window {
  a: number;
  b: number;
  /** Incident windows (padded) that baselines leave out. */
  exclude: [number, number][];
  /** Where baselines are taken (localRange): the hours around the window. */
  near?: [number, number];
}

/**
 * Seconds either side of an incident that its baselines are taken from. On a capture of a day, the
 * usual rate at 03:00 is the night's, not the day's mean (the signals' seasonal levels use the
 * same hour, correlate/signals); a capture shorter than this is its own baseline, as before.
 */
export const LOCAL_BASELINE_SECONDS = 3600;

/** The bins baselines of the window [a, b) are taken from. */
export function localRange(a: number, b: number, interval: number): [number, number] {
  const h = Math.round(LOCAL_BASELINE_SECONDS / interval);
  return [a - h, b + h];
}

export function sumRange(x: ArrayLike<number> | undefined, a: number, b: number): number {
  if (!x) return 0;
  let s = 0;
  for (let i = Math.max(0, a); i < Math.min(b, x.length); i++) s += x[i];
  return s;
}

/** Mean per bin of x over the coverage (within `near`, localRange) minus the excluded windows (0 when nothing is left). */
export function baselinePerBin(x: ArrayLike<number> | undefined, cover: [number, number], exclude: [number, number][], near?: [number, number]): number {
  if (!x) return 0;
  let s = 0, n = 0;
  const lo = near ? Math.max(cover[0], near[0]) : cover[0];
  const hi = near ? Math.min(cover[1], near[1]) : cover[1];
  const skip = exclude.filter(([a, b]) => b > lo && a < hi);
  for (let i = lo; i < hi; i++) {
    if (skip.length && skip.some(([a, b]) => i >= a && i < b)) continue;
    s += x[i];
    n++;
  }
  return n ? s / n : 0;
}

/** The longest run [from, to) of bins with x == 0 inside [a, b). */
export function zeroStretch(x: ArrayLike<number> | undefined, a: number, b: number): [number, number] {
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

/** What one vantage saw of one component's service in the window. */
export interface WireFacts {
  vantage: string;
  /** The vantage is on the component's own host (its loopback), not in front of a network hop. */
  atHost: boolean;
  syn: number;
  synAck: number;
  /** Resets sent by the server side (RST/ACK to SYNs when nothing listens). */
  serverResets: number;
  clientResets: number;
  c2sRate: number;
  c2sBase: number;
  s2cRate: number;
  s2cBase: number;
  synRate: number;
  synBase: number;
  /** ClientHellos and ServerHellos in the stretch with no payload from the service (or the window). */
  clientHello: number;
  serverHello: number;
  clientHelloBase: number;
  /** HTTP requests, responses (same stretch), their baselines. */
  requests: number;
  responses: number;
  requestsBase: number;
  /** Mean wait of answered requests in the window and outside, seconds (null: none answered). */
  latency: number | null;
  latencyBase: number | null;
  /** Connections closed with a request still unanswered. */
  unanswered: number;
  answered: number;
  /** Seconds of the longest stretch with no payload from the service while it was asked. */
  quietSeconds: number;
  retransmissions: number;
  retransBase: number;
  zeroWindows: number;
  /** Of them, advertised by the service (it stopped reading) and by its clients. */
  zeroWindowsByServer: number;
  zeroWindowsByClient: number;
  zeroWindowBase: number;
  /** The syn-unanswered signal held at this vantage for this service. */
  synUnansweredSignal: boolean;
}

/** What one component's logs said in the window. */
export interface LogFacts {
  steady: LogView[];
  sparse: LogView[];
  /** Share of the window covered by silences of every steady log (the least silent one). */
  silentFrac: number | null;
  /** Lines/s of the steady logs in the window and outside it. */
  rate: number | null;
  base: number | null;
  /** Error/event lines in the window (all logs) and the usual per-second rate. */
  errors: number;
  errorBase: number;
  /** Error share of the steady logs' lines in the window (5xx in an access log). */
  errorShare: number | null;
  /** Restart banners from the window's start to shortly after its end. */
  restarts: number;
  longestSilence: { start: number; end: number } | null;
}

export interface ComponentFacts {
  service: ServiceView;
  /** The best view of its wire (the vantage nearest to it), null when no capture sees it. */
  wire: WireFacts | null;
  log: LogFacts | null;
}

function bestView(captures: CaptureView[], s: ServiceView, path: string[]): CaptureView | null {
  const seeing = captures.filter((c) => (c.serviceConnections[s.component] ?? 0) > 0);
  seeing.sort((x, y) => {
    // Nearest to the component: off-path vantages (the host's loopback) first, then the path's last.
    const px = path.indexOf(x.vantage), py = path.indexOf(y.vantage);
    const rx = px < 0 ? 1e9 : px, ry = py < 0 ? 1e9 : py;
    if (rx !== ry) return ry - rx;
    return (y.serviceConnections[s.component] ?? 0) - (x.serviceConnections[s.component] ?? 0);
  });
  return seeing[0] ?? null;
}

/** A host of 127.0.0.0/8 or ::1: only a capture on that host's loopback can see it. */
export function isLoopbackHost(host: string): boolean {
  return /^127\./.test(host) || host === '::1';
}

export function wireFacts(input: VerdictInput, v: CaptureView, s: ServiceView, w: Window, signals: { kind: string; source: string; from: number; to: number }[]): WireFacts {
  const iv = input.timeline.interval;
  const { a, b, exclude } = w;
  const secs = Math.max(iv, (b - a) * iv);
  const col = v.services[s.component];
  const rate = (x: ArrayLike<number> | undefined) => sumRange(x, a, b) / secs;
  const skip = v.gaps ? [...exclude, ...v.gaps] : exclude;
  const base = (x: ArrayLike<number> | undefined) => baselinePerBin(x, v.cover, skip, w.near) / iv;
  const [qa, qb] = zeroStretch(col.payloadS2C, a, b);
  const stopped = qb - qa >= Math.max(5, (b - a) / 4);
  const [pa, pb] = stopped ? [qa, qb] : [a, b];
  // Protocol facts are counted where the service sent nothing while asked: the one long stop, or
  // the short stops of a service that stalls and resumes (their answers come after each stop).
  let asked = 0, stalled = 0;
  for (let i = a; i < b; i++) {
    if ((col.payloadC2S[i] ?? 0) > 0 || (col.synOnly[i] ?? 0) > 0) {
      asked++;
      if ((col.payloadS2C[i] ?? 0) === 0) stalled++;
    }
  }
  const stalls = !stopped && stalled >= 4 && stalled >= 0.3 * asked;
  const inStalls = (x: ArrayLike<number> | undefined) => {
    if (!stalls) return sumRange(x, pa, pb);
    let t = 0;
    for (let i = a; i < b; i++) if ((col.payloadS2C[i] ?? 0) === 0 && ((col.payloadC2S[i] ?? 0) > 0 || (col.synOnly[i] ?? 0) > 0)) t += x?.[i] ?? 0;
    return t;
  };
  const nW = sumRange(col.answered, a, b), tW = sumRange(col.responseTime, a, b);
  let nB = 0, tB = 0;
  for (let i = v.cover[0]; i < v.cover[1]; i++) {
    if (skip.some(([x, y]) => i >= x && i < y)) continue;
    nB += col.answered?.[i] ?? 0;
    tB += col.responseTime?.[i] ?? 0;
  }
  // The longest stretch with nothing from the service while clients kept asking.
  let quiet = 0, run = 0;
  for (let i = a; i < b; i++) {
    if ((col.payloadS2C[i] ?? 0) === 0 && ((col.payloadC2S[i] ?? 0) > 0 || (col.synOnly[i] ?? 0) > 0 || run > 0)) quiet = Math.max(quiet, ++run);
    else run = 0;
  }
  return {
    vantage: v.vantage,
    atHost: isLoopbackHost(s.host) || !input.path.includes(v.vantage),
    syn: sumRange(col.synOnly, a, b),
    synAck: sumRange(col.synAck, a, b),
    serverResets: sumRange(col.resetsByServer, a, b),
    clientResets: sumRange(col.resetsByClient, a, b),
    c2sRate: rate(col.payloadC2S),
    c2sBase: base(col.payloadC2S),
    s2cRate: rate(col.payloadS2C),
    s2cBase: base(col.payloadS2C),
    synRate: rate(col.synOnly),
    synBase: base(col.synOnly),
    clientHello: inStalls(col.clientHello),
    serverHello: inStalls(col.serverHello),
    clientHelloBase: base(col.clientHello),
    requests: inStalls(col.httpRequests),
    responses: inStalls(col.httpResponses),
    requestsBase: base(col.httpRequests),
    latency: nW > 0 ? tW / nW : null,
    latencyBase: nB > 0 ? tB / nB : null,
    unanswered: sumRange(col.unanswered, a, b),
    answered: nW,
    quietSeconds: quiet * iv,
    retransmissions: sumRange(col.retransmissions, a, b),
    retransBase: base(col.retransmissions),
    zeroWindows: sumRange(col.zeroWindows, a, b),
    zeroWindowsByServer: sumRange(col.zeroWindowsByServer, a, b),
    zeroWindowsByClient: sumRange(col.zeroWindowsByClient, a, b),
    zeroWindowBase: base(col.zeroWindows),
    synUnansweredSignal: signals.some((g) => g.kind === 'syn-unanswered' && g.source === `${v.vantage}:${s.component}` && g.to > a && g.from < b),
  };
}

export function logFacts(logs: LogView[], component: string, w: Window, iv: number): LogFacts | null {
  const mine = logs.filter((l) => l.component === component);
  if (!mine.length) return null;
  const { a, b, exclude } = w;
  const secs = Math.max(iv, (b - a) * iv);
  const steady = mine.filter((l) => l.steady !== false);
  const sparse = mine.filter((l) => l.steady === false);
  let silentFrac: number | null = null;
  let rate: number | null = null, base: number | null = null;
  let longest: LogFacts['longestSilence'] = null;
  let errShareNum = 0, errShareDen = 0;
  for (const l of steady) {
    // A log that covers only part of the window (it starts or ends inside it) says nothing there.
    let covered = 0;
    for (const si of l.silences) {
      covered += Math.max(0, Math.min(b, si.to) - Math.max(a, si.from));
      if (si.to > a && si.from < b && (!longest || si.end - si.start > longest.end - longest.start)) longest = { start: si.start, end: si.end };
    }
    const frac = covered / Math.max(1, b - a);
    silentFrac = silentFrac === null ? frac : Math.min(silentFrac, frac);
    rate = (rate ?? 0) + sumRange(l.lines, a, b) / secs;
    base = (base ?? 0) + baselinePerBin(l.lines, l.cover, exclude, w.near) / iv;
    if (l.errors) {
      errShareNum += sumRange(l.errors, a, b);
      errShareDen += sumRange(l.lines, a, b);
    }
  }
  let errors = 0, errorBase = 0, restarts = 0;
  for (const l of mine) {
    errors += sumRange(l.errors, a, b);
    errorBase += baselinePerBin(l.errors, l.cover, exclude, w.near) / iv;
    // A restart shows when the process comes back: up to 30 s after the window. The banner in a
    // log's first 30 s is its first start, not a restart.
    restarts += sumRange(l.restarts, Math.max(a, l.cover[0] + Math.ceil(30 / iv)), b + Math.ceil(30 / iv));
  }
  return {
    steady, sparse, silentFrac, rate, base, errors, errorBase,
    errorShare: errShareDen > 0 ? errShareNum / errShareDen : null,
    restarts, longestSilence: longest,
  };
}

/**
 * The chain's components front to back: services as configured, with the ones only their own
 * host's loopback can see (127.0.0.0/8, ::1) behind the ones clients reach.
 */
export function chainOrder(services: ServiceView[]): ServiceView[] {
  return services.map((s, i) => ({ s, i })).sort((x, y) => Number(isLoopbackHost(x.s.host)) - Number(isLoopbackHost(y.s.host)) || x.i - y.i).map(({ s }) => s);
}

export function componentFacts(input: VerdictInput, w: Window, signals: { kind: string; source: string; from: number; to: number }[]): ComponentFacts[] {
  return chainOrder(input.services).map((s) => {
    const v = bestView(input.captures, s, input.path);
    return { service: s, wire: v ? wireFacts(input, v, s, w, signals) : null, log: logFacts(input.logs, s.component, w, input.timeline.interval) };
  });
}
