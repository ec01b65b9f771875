/**
 * @module correlate/clock
 * A log's clock against the captures': the lag at which the log's lines per bin best follow the
 * traffic of its component's service, searched up to ±15 minutes — a host with a broken NTP is
 * often minutes off. One normalised cross-correlation per resolution, coarse to fine: whole
 * seconds over the whole range, then ten times finer around the best lag, down to the bin width.
 * Never a timeline per lag (that took 133 s for 120,001 lags).
 */

export interface LagEstimate {
  /** Bins (of the analysis interval) to add to the log's bins to put them on the capture clock. */
  lag: number;
  /** Correlation at that lag, at lag 0, and the best one at least 10 s away from the peak. */
  r: number;
  r0: number;
  runnerUp: number;
  /** The match is strong, clearly better than no shift, and stands alone. */
  confident: boolean;
}

/** Sums `x` into buckets of `k` bins. */
function coarsen(x: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(Math.ceil(x.length / k));
  for (let i = 0; i < x.length; i++) out[Math.floor(i / k)] += x[i];
  return out;
}

/**
 * Correlation of `ref[i]` with `y[i - lag]` over the reference's bins [c0, c1), for every lag in
 * [lo, hi] (y is 0 outside its own length). O((c1 - c0) × lags).
 */
function scan(ref: Float64Array, y: Float64Array, c0: number, c1: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(hi - lo + 1);
  const n = c1 - c0;
  if (n < 3) return out;
  let sx = 0, sxx = 0;
  for (let i = c0; i < c1; i++) { sx += ref[i]; sxx += ref[i] * ref[i]; }
  const vx = sxx - (sx * sx) / n;
  for (let L = lo; L <= hi; L++) {
    let sy = 0, syy = 0, sxy = 0;
    const a = Math.max(c0, L), b = Math.min(c1, y.length + L);
    for (let i = a; i < b; i++) {
      const v = y[i - L];
      sy += v; syy += v * v; sxy += ref[i] * v;
    }
    const vy = syy - (sy * sy) / n;
    const cov = sxy - (sx * sy) / n;
    out[L - lo] = vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
  }
  return out;
}

/**
 * Estimates a log's clock lag against a reference series on the same bins.
 * @param ref reference per bin (e.g. SYNs and requests to the component's service), timeline bins
 * @param cover the bins where the reference has data
 * @param lines the log's lines per bin on the same timeline bins (as read, no shift)
 * @param interval bin width, seconds
 * @param maxLag seconds searched either way (default 900)
 * @example
 * estimateLag(syn, [0, syn.length], lines, 1).lag //=> 180 (the log is 3 minutes behind)
 */
export function estimateLag(ref: Float64Array, cover: [number, number], lines: Float64Array, interval: number, maxLag = 900): LagEstimate {
  const none: LagEstimate = { lag: 0, r: 0, r0: 0, runnerUp: 0, confident: false };
  if (cover[1] - cover[0] < 10 || lines.length === 0) return none;
  // Coarse: whole seconds (or the bin, if wider).
  const k = Math.max(1, Math.round(1 / interval));
  const refC = coarsen(ref, k), yC = coarsen(lines, k);
  const maxC = Math.max(1, Math.ceil(maxLag / (k * interval)));
  const coarse = scan(refC, yC, Math.floor(cover[0] / k), Math.ceil(cover[1] / k), -maxC, maxC);
  let best = maxC;
  for (let i = 0; i < coarse.length; i++) if (coarse[i] > coarse[best] + 1e-12) best = i;
  const r = coarse[best];
  const r0 = coarse[maxC];
  const away = Math.ceil(10 / (k * interval));
  let runnerUp = 0;
  for (let i = 0; i < coarse.length; i++) if (Math.abs(i - best) > away && coarse[i] > runnerUp) runnerUp = coarse[i];
  // Finer, ten times at a step, around the best coarse lag, down to the bin width.
  let lag = (best - maxC) * k;
  for (let step = k; step > 1; ) {
    const f = Math.max(1, Math.floor(step / 10));
    const center = Math.round(lag / f);
    const span = Math.ceil(step / f);
    const fine = scan(coarsen(ref, f), coarsen(lines, f), Math.floor(cover[0] / f), Math.ceil(cover[1] / f), center - span, center + span);
    let bi = span;
    for (let i = 0; i < fine.length; i++) if (fine[i] > fine[bi] + 1e-9) bi = i;
    lag = (center - span + bi) * f;
    step = f;
  }
  const confident = r >= 0.5 && r - r0 >= 0.2 && r - runnerUp >= 0.1 && Math.abs(lag * interval) >= 1.5;
  return { lag, r, r0, runnerUp, confident };
}
