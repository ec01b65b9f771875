/**
 * @module correlate/signals
 * Signals: stretches of bins where a source departs from its own robust baseline.
 * Every detector is a pure function of a column and the grid; thresholds are stated in the
 * README and each signal carries the baseline and the observed value that decided it.
 */
import { SlidingSorted, sortedMad, sortedMedian } from './stats';
import type { SpikeKind } from '../metrics/catalog';

export type SignalKind =
  | SpikeKind | 'log-silence' | 'throughput-drop' | 'syn-unanswered' | 'loss-between-vantages' | 'log-errors' | 'slow-answers';

/** A signal on the shared timeline: bins [from, to) of the timeline. */
export interface Signal {
  source: string;
  kind: SignalKind;
  from: number;
  to: number;
  /** Baseline per second and observed per second (mean over the stretch). */
  baseline: number;
  observed: number;
  detail?: string;
  /**
   * The stretch touches the start or the end of its source's data: traffic that stops with the
   * end of a capture (or starts with it) is an edge, not an outage, unless other signals agree.
   */
  edge?: boolean;
  /**
   * A log silence that stands as an incident without a capture signal (a day-long capture only):
   * the log went quiet far beyond its own noise at that hour while the traffic went on — a
   * component behind an encrypted hop, where no capture sees its answers.
   */
  alone?: boolean;
}

/**
 * Whether a steady log's silence over bins [from, to) is far outside its own noise at that hour:
 * on a span long enough for seasonal levels, so few lines there happen less than once in 10^7
 * given the hours around it (improbablyFew). Shorter spans: never (one level, as before).
 */
export function silenceImprobable(lines: ArrayLike<number>, cover: [number, number], from: number, to: number, interval: number): boolean {
  const n = cover[1] - cover[0];
  if (!seasonal(n, interval)) return false;
  // the bins strictly inside: the first holds the last line before, the last the first line after (a burst, at the end of a stall)
  const a = Math.max(0, from + 1 - cover[0]), b = Math.min(n, to - 1 - cover[0]);
  // Two minutes at least: a shorter silence of a log no capture can check (a component behind an
  // encrypted hop) is not told from a lull in its clients by anything else.
  if (b - a < Math.ceil(120 / interval)) return false;
  // a view, not a copy: a night's log has hundreds of short silences
  const seg = ArrayBuffer.isView(lines) ? (lines as unknown as Float64Array).subarray(cover[0], cover[1]) : (Array.prototype.slice.call(lines, cover[0], cover[1]) as number[]);
  return improbablyFew(seg, a, b, interval);
}

/**
 * Whether bins [a, b) of `seg` hold far fewer events than the hours around them make likely: the
 * sums of stretches of the same length within a half-window either side (SEASONAL) give their
 * level (the nearest) and their variance, and the stretch's sum must be below what a Poisson count scaled by
 * that variance-to-mean ratio reaches once in 10^7 (a quasi-Poisson test). Scaling by the ratio
 * at the stretch's own length counts clumps as they come: a session's bytes, a request's log
 * lines, the quiet between sessions at night — which at 1-s bins looked like thousands of
 * missing events.
 */
export function improbablyFew(seg: ArrayLike<number>, a: number, b: number, interval: number): boolean {
  const len = b - a;
  if (len <= 0) return false;
  const half = Math.ceil(SEASONAL.halfWindow / interval);
  const sum = (from: number) => {
    let x = 0;
    for (let i = from; i < from + len; i++) x += seg[i];
    return x;
  };
  // Sums of the stretches before and after, each side in time order.
  const before: number[] = [], after: number[] = [];
  for (let k = a - len; k >= Math.max(0, a - half); k -= len) before.unshift(sum(k));
  for (let k = b; k + len <= Math.min(seg.length, b + half); k += len) after.push(sum(k));
  const sums = [...before, ...after];
  if (sums.length < 4) return false;
  // Their variance from differences of neighbours (half the mean squared difference): the
  // evening's ramp between them is not noise. The largest tenth is left out: a burst (another
  // incident's recovery) does not set the noise either.
  const diffs: number[] = [];
  for (const side of [before, after]) for (let k = 1; k < side.length; k++) diffs.push((side[k] - side[k - 1]) ** 2 / 2);
  // The level expected there: the nearest stretches, ten minutes or three stretches each side
  // (at the span's end the hour before alone would overstate a ramping-down evening), their
  // largest tenth left out.
  const k = Math.max(3, Math.ceil(600 / interval / len));
  const near = [...before.slice(-k), ...after.slice(0, k)].sort((x, y) => x - y);
  const kept = near.slice(0, Math.max(1, Math.ceil(near.length * 0.9)));
  const m = kept.reduce((x, y) => x + y, 0) / kept.length;
  if (!(m > 0)) return false;
  diffs.sort((x, y) => x - y);
  const dk = diffs.slice(0, Math.max(1, Math.floor(diffs.length * 0.9)));
  const v = dk.length ? dk.reduce((x, y) => x + y, 0) / dk.length : m;
  const d = Math.max(1, v / m);
  let seen = 0;
  for (let i = a; i < b; i++) seen += seg[i];
  return poissonAtMost(Math.floor(seen / d), m / d) < 1e-7;
}

/** Runs of bins where `pred` holds, allowing `tolerance` non-matching bins inside a run. */
export function runs(n: number, pred: (i: number) => boolean, minLen: number, tolerance = 1): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  let lastHit = -1;
  for (let i = 0; i < n; i++) {
    if (pred(i)) {
      if (start < 0) start = i;
      lastHit = i;
    } else if (start >= 0 && i - lastHit > tolerance) {
      if (lastHit + 1 - start >= minLen) out.push([start, lastHit + 1]);
      start = -1;
    }
  }
  if (start >= 0 && lastHit + 1 - start >= minLen) out.push([start, lastHit + 1]);
  return out;
}

function mean(x: ArrayLike<number>, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i];
  return b > a ? s / (b - a) : 0;
}

export interface DetectContext {
  /** Bin width, seconds. */
  interval: number;
  /** Bins where the source has data (captures and logs may cover less than the timeline). */
  from: number;
  to: number;
  /** Shortest stretch that counts as a drop (bins). */
  minRun: number;
}

/**
 * The usual level of a column, robust to an outage that covers most of it: the median of the
 * bins at or above a quarter of its 90th percentile. An outage shorter than half the capture
 * cannot move a plain median; one that covers 80 % of it (a ten-minute freeze in a twelve-minute
 * capture) would make the median zero and hide itself. Needs traffic in at least a tenth of the
 * bins.
 */
export function usualLevel(seg: ArrayLike<number>): number {
  return sortedUsualLevel(Float64Array.from(seg as ArrayLike<number>).sort());
}

/** `usualLevel` of values already sorted ascending. */
function sortedUsualLevel(xs: Float64Array): number {
  if (!xs.length) return 0;
  const p90 = xs[Math.min(xs.length - 1, Math.floor(0.9 * xs.length))];
  let lo = 0;
  while (lo < xs.length && xs[lo] < 0.25 * p90) lo++;
  return sortedMedian(xs.subarray(lo));
}

/**
 * Seasonality (#20): over a day of traffic a bin is judged against the hours around it, not the
 * whole span, so the evening ramp-down is not a drop and the morning ramp-up not a spike, while a
 * ten-minute freeze at night still is one. A span shorter than two half-windows (every capture of
 * a lab run or of an outage's minutes) has one level over all of it, as before.
 */
export const SEASONAL = {
  /** Half-width of the window a bin's usual level is taken over, seconds. */
  halfWindow: 3600,
  /** Bins share one level per block of this many seconds. */
  block: 600,
} as const;

/** The mean of `xs` without its top 1 % (a burst does not raise the noise it is judged against). */
function trimmedMean(xs: number[]): number {
  return sortedTrimmedMean(Float64Array.from(xs).sort());
}

/** `trimmedMean` of values already sorted ascending. */
function sortedTrimmedMean(a: Float64Array): number {
  if (!a.length) return 0;
  const n = Math.max(1, Math.floor(a.length * 0.99));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i];
  return sum / n;
}

/** P(X ≤ k) for X ~ Poisson(m): summed in log space, a normal tail past a mean of 1000. */
export function poissonAtMost(k: number, m: number): number {
  if (!(m > 0)) return 1;
  if (m > 1000) {
    const z = (k + 0.5 - m) / Math.sqrt(m);
    return z > 0 ? 1 : 0.5 * Math.exp(-0.5 * z * z) * Math.min(1, 0.8 / Math.max(-z, 0.8)); // a bound on the normal tail
  }
  let logPmf = -m;
  let sum = Math.exp(logPmf);
  for (let i = 1; i <= k; i++) {
    logPmf += Math.log(m) - Math.log(i);
    sum += Math.exp(logPmf);
  }
  return Math.min(1, sum);
}

/** Is a span of `n` bins long enough for seasonal levels (two half-windows)? */
export function seasonal(n: number, interval: number): boolean {
  return n >= 2 * Math.ceil(SEASONAL.halfWindow / interval);
}

/**
 * The smallest count k with P(X > k) < p for X ~ Poisson(m): what noise around a mean of m
 * exceeds that rarely. Summed in log space (no underflow at large m).
 */
export function poissonUpper(m: number, p: number): number {
  if (!(m > 0)) return 0;
  let logPmf = -m; // k = 0
  let cdf = Math.exp(logPmf);
  let k = 0;
  while (1 - cdf >= p && k < m + 100 * Math.sqrt(m) + 100) {
    k++;
    logPmf += Math.log(m) - Math.log(k);
    cdf += Math.exp(logPmf);
  }
  return k;
}

/**
 * Each of `levels` (window) for each bin of `seg` (bins of `interval` s): of the whole span when it
 * is shorter than two half-windows, else of the bins within a half-window of the bin's block.
 * `keep` picks the bins a window is made of (all when absent). A level gets the window's values
 * sorted ascending: one sorted window for all levels, where each sorting its own copy cost a
 * day's analysis seconds (a day has 144 windows of two hours), each made from the last one
 * (stats' SlidingSorted).
 */
export function seasonalLevels(seg: ArrayLike<number>, interval: number, levels: ((sorted: Float64Array) => number)[], keep?: (i: number) => boolean): Float64Array[] {
  const n = seg.length;
  const out = levels.map(() => new Float64Array(n));
  const windows = new SlidingSorted(seg, keep);
  const sortedOf = (a: number, b: number): Float64Array => windows.window(a, b);
  const fill = (sorted: Float64Array, b0: number, b1: number) => levels.forEach((level, j) => out[j].fill(level(sorted), b0, b1));
  const half = Math.ceil(SEASONAL.halfWindow / interval);
  if (!seasonal(n, interval)) {
    fill(sortedOf(0, n), 0, n);
    return out;
  }
  const block = Math.max(1, Math.round(SEASONAL.block / interval));
  for (let b0 = 0; b0 < n; b0 += block) {
    const b1 = Math.min(n, b0 + block);
    let a = Math.max(0, b0 - half);
    let b = Math.min(n, b1 + half);
    if (b - a < 2 * half + block) {
      if (a === 0) b = Math.min(n, 2 * half + block);
      else a = Math.max(0, n - 2 * half - block);
    }
    fill(sortedOf(a, b), b0, b1);
  }
  return out;
}

/** `level` of each block's own bins (see {@link SEASONAL}), for every bin of the block. */
function blockLevels(seg: ArrayLike<number>, interval: number, level: (xs: number[]) => number, keep?: (i: number) => boolean): Float64Array {
  const out = new Float64Array(seg.length);
  const block = Math.max(1, Math.round(SEASONAL.block / interval));
  for (let b0 = 0; b0 < seg.length; b0 += block) {
    const b1 = Math.min(seg.length, b0 + block);
    const xs: number[] = [];
    for (let i = b0; i < b1; i++) if (!keep || keep(i)) xs.push(seg[i]);
    out.fill(level(xs), b0, b1);
  }
  return out;
}

/**
 * A drop: at least `minRun` bins under `fraction` of the usual level (default 25 %), where that
 * level is meaningful (≥ `minMedian` per bin); the level is seasonal (see {@link SEASONAL}).
 */
export function detectDrop(x: ArrayLike<number>, ctx: DetectContext, source: string, kind: SignalKind, fraction = 0.25, minMedian = 1): Signal[] {
  const seg = Array.prototype.slice.call(x, ctx.from, ctx.to) as number[];
  const [lv] = seasonalLevels(seg, ctx.interval, [sortedUsualLevel]);
  let found = runs(ctx.to - ctx.from, (i) => lv[i] >= minMedian && x[ctx.from + i] < lv[i] * fraction, ctx.minRun, 1);
  if (seasonal(seg.length, ctx.interval)) {
    // Over a long span a quiet night's few events per second leave 5-s holes by chance somewhere:
    // a stretch must hold fewer events than Poisson noise at the window's mean rate gives less
    // than once in 10^7 (the usual level, taken over the busier bins, overstates a quiet night).
    // Events come in clumps (a response is many bytes at once, a session many requests), so a
    // stretch is judged by the variance of sums of its own length around it (improbablyFew).
    found = found.filter(([a, b]) => improbablyFew(seg, a, b, ctx.interval));
  }
  return found.map(([a, b]) => ({
    source, kind, from: ctx.from + a, to: ctx.from + b,
    baseline: lv[a] / ctx.interval, observed: mean(x, ctx.from + a, ctx.from + b) / ctx.interval,
  }));
}

/**
 * A spike: bins above median + max(4·MAD, 3, median) — at least double the usual and clearly
 * outside its noise — with at least `minTotal` events in the stretch; median and MAD seasonal
 * (see {@link SEASONAL}).
 */
export function detectSpike(x: ArrayLike<number>, ctx: DetectContext, source: string, kind: SignalKind, minTotal = 5, active?: ArrayLike<number>): Signal[] {
  // The baseline over the bins where the source carried traffic: a long stretch of nothing (the
  // clients paused for most of the capture) would make every ordinary bin look like a spike.
  const seg = Array.prototype.slice.call(x, ctx.from, ctx.to) as number[];
  const keep = active ? (i: number) => active[ctx.from + i] > 0 : undefined;

  // Over a long span, tens of thousands of bins are tested: a count must also be one that Poisson
  // noise at the window's rate (its median, or its mean without the top 1 % where the median is
  // 0) reaches less than once in 10^7 bins: a quiet night's 1-2 SYNs per second otherwise make a
  // few hundred "spikes" of 8 a day (test/correlate/seasonal).
  const long = seasonal(seg.length, ctx.interval);
  const [base, thr] = seasonalLevels(seg, ctx.interval, [sortedMedian, (xs) => {
    const m = sortedMedian(xs);
    const t = m + Math.max(4 * sortedMad(xs, m), 3, m);
    return long ? Math.max(t, poissonUpper(Math.max(m, sortedTrimmedMean(xs)), 1e-7)) : t;
  }], keep);
  if (long) {
    // The two-hour window's level can be below the block's own (the hour before a lunch dip):
    // the threshold is also the Poisson floor at the block's own rate.
    const own = blockLevels(seg, ctx.interval, (xs) => poissonUpper(trimmedMean(xs), 1e-7), keep);
    for (let i = 0; i < thr.length; i++) if (own[i] > thr[i]) thr[i] = own[i];
  }
  const found = runs(ctx.to - ctx.from, (i) => x[ctx.from + i] > thr[i], 1, 2);
  const out: Signal[] = [];
  for (const [a, b] of found) {
    let tot = 0;
    for (let i = ctx.from + a; i < ctx.from + b; i++) tot += x[i];
    if (tot < minTotal) continue;
    out.push({ source, kind, from: ctx.from + a, to: ctx.from + b, baseline: base[a] / ctx.interval, observed: mean(x, ctx.from + a, ctx.from + b) / ctx.interval });
  }
  return out;
}

/**
 * SYNs unanswered: a stretch of at least `minRun` bins in which SYNs keep arriving (≥ 3 in all)
 * and no SYN-ACK goes back, at a service whose SYNs are usually answered.
 */
export function detectSynUnanswered(syn: ArrayLike<number>, synAck: ArrayLike<number>, ctx: DetectContext, source: string): Signal[] {
  let base = 0, baseSyn = 0;
  for (let i = ctx.from; i < ctx.to; i++) { base += synAck[i]; baseSyn += syn[i]; }
  if (base === 0 || baseSyn === 0) return [];
  const found = runs(ctx.to - ctx.from, (i) => synAck[ctx.from + i] === 0 && syn[ctx.from + i] > 0, 1, Math.max(2, ctx.minRun));
  const out: Signal[] = [];
  for (const [a, b] of found) {
    let s = 0, sa = 0;
    for (let i = ctx.from + a; i < ctx.from + b; i++) { s += syn[i]; sa += synAck[i]; }
    if (b - a < ctx.minRun || s < 3 || sa > 0) continue;
    out.push({ source, kind: 'syn-unanswered', from: ctx.from + a, to: ctx.from + b, baseline: (base / (ctx.to - ctx.from)) / ctx.interval, observed: 0, detail: `${s} SYNs, 0 SYN-ACKs` });
  }
  return out;
}

/**
 * Stalls: a service that stops for a few seconds at a time and comes back (a process frozen 5 s
 * on, 5 s off). Each stop is too short for a drop, but together they are one outage: bins where
 * clients ask (`asked` > 0) and nothing comes back (`answers` == 0), in runs of at least 2 bins,
 * joined when less than `joinSeconds` apart AND answers came back in between (stops separated
 * only by silence are one long stop, which the drop detectors judge); a stretch of at least 3
 * stops is one signal. The service must answer in most bins outside those stretches: judged
 * outside them, because a stop-and-go outage over half of a short capture would otherwise hide
 * itself by lowering the share.
 */
export function detectStalls(answers: ArrayLike<number>, asked: ArrayLike<number>, ctx: DetectContext, source: string, joinSeconds = 12): Signal[] {
  const stops = runs(ctx.to - ctx.from, (i) => answers[ctx.from + i] === 0 && asked[ctx.from + i] > 0, 2, 0).map(([a, b]) => [a + ctx.from, b + ctx.from] as [number, number]);
  const join = Math.max(1, Math.ceil(joinSeconds / ctx.interval));
  const answeredBetween = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (answers[i] > 0) return true;
    return false;
  };
  const groups: [number, number][] = [];
  let k = 0;
  while (k < stops.length) {
    let j = k;
    while (j + 1 < stops.length && stops[j + 1][0] - stops[j][1] <= join && answeredBetween(stops[j][1], stops[j + 1][0])) j++;
    if (j - k + 1 >= 3) groups.push([k, j]);
    k = j + 1;
  }
  if (!groups.length) return [];
  let answering = 0, n = 0, g = 0;
  for (let i = ctx.from; i < ctx.to; i++) {
    while (g < groups.length && i >= stops[groups[g][1]][1]) g++;
    if (g < groups.length && i >= stops[groups[g][0]][0]) continue;
    if (asked[i] > 0) { n++; if (answers[i] > 0) answering++; }
  }
  if (n < 10 || answering < 0.8 * n) return [];
  return groups.map(([k0, j0]) => {
    const from = stops[k0][0], to = stops[j0][1];
    let stalled = 0;
    for (let s2 = k0; s2 <= j0; s2++) stalled += stops[s2][1] - stops[s2][0];
    return { source, kind: 'throughput-drop' as const, from, to, baseline: 0, observed: 0, detail: `intermittent: ${j0 - k0 + 1} stops, ${Math.round(stalled * ctx.interval)} s of ${Math.round((to - from) * ctx.interval)} s with nothing back` };
  });
}

/**
 * Errors in a log: a stretch of at least `minRun` bins (gaps of up to 2 allowed) where error
 * lines are at least half of what the log writes (an access log of 502s, an error log of
 * "connect() failed"; not a few resets among a proxy's usual lines). Judged by share, not
 * against a median: a long run of errors would be its own baseline.
 */
export function detectLogErrors(errors: ArrayLike<number>, lines: ArrayLike<number>, ctx: DetectContext, source: string): Signal[] {
  const hit = (i: number) => errors[i] > 0 && errors[i] >= 0.5 * lines[i];
  const found = runs(ctx.to - ctx.from, (i) => hit(ctx.from + i), ctx.minRun, 2);
  const out: Signal[] = [];
  for (const [a0, b0] of found) {
    const a = a0 + ctx.from, b = b0 + ctx.from;
    let e = 0, l = 0;
    for (let i = a; i < b; i++) { e += errors[i]; l += lines[i]; }
    if (e < 10 || e / ((b - a) * ctx.interval) < 0.2) continue;
    out.push({ source, kind: 'log-errors', from: a, to: b, baseline: 0, observed: e / ((b - a) * ctx.interval), detail: `${e} error lines (${Math.round((100 * e) / Math.max(1, l))}% of its lines)` });
  }
  return out;
}

/**
 * Slow answers: requests (binned by when they were sent) answered far later than usual, or never.
 * The usual wait is the 25th percentile of the per-bin mean waits — a slow stretch that covers
 * most of the capture would be its own median. A bin is slow when its requests waited at least
 * 1 s and ten times the usual on average, or half of them got no answer; a signal is a run of at
 * least `minRun` such bins.
 */
export function detectSlow(answered: ArrayLike<number>, wait: ArrayLike<number>, unanswered: ArrayLike<number>, ctx: DetectContext, source: string): Signal[] {
  const means: number[] = [];
  for (let i = ctx.from; i < ctx.to; i++) if (answered[i] > 0) means.push(wait[i] / answered[i]);
  if (means.length < 10) return [];
  means.sort((a, b) => a - b);
  const usual = means[Math.floor(0.25 * means.length)];
  const slow = (i: number) => {
    const asked = answered[i] + unanswered[i];
    if (asked === 0) return false;
    const mean = answered[i] > 0 ? wait[i] / answered[i] : Infinity;
    return unanswered[i] >= 0.5 * asked || mean > Math.max(1, 10 * usual);
  };
  return runs(ctx.to - ctx.from, (i) => slow(ctx.from + i), ctx.minRun, 2).map(([a, b]) => {
    let n = 0, w = 0, u = 0;
    for (let i = ctx.from + a; i < ctx.from + b; i++) { n += answered[i]; w += wait[i]; u += unanswered[i]; }
    return { source, kind: 'slow-answers' as SignalKind, from: ctx.from + a, to: ctx.from + b, baseline: usual, observed: n ? w / n : 0, detail: `${n} requests answered after ${n ? (w / n).toFixed(2) : '-'} s on average (usually ${usual.toFixed(3)} s), ${u} never` };
  });
}
