/**
 * @module correlate/stats
 * Robust statistics for baselines: median and MAD, so an outage cannot poison its own baseline
 * (it would have to cover half the window to move the median).
 */

export function median(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return 0;
  const a = Float64Array.from(xs as ArrayLike<number>).sort();
  return n % 2 ? a[(n - 1) >> 1] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/** The median of values already sorted ascending. */
export function sortedMedian(a: ArrayLike<number>): number {
  const n = a.length;
  if (n === 0) return 0;
  return n % 2 ? a[(n - 1) >> 1] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/**
 * `mad(a, m)` of values already sorted ascending, without sorting the deviations: those of the
 * values at or below `m` and of those above are each in order already, so the middle of their
 * merge is walked to (the same numbers `mad` computes, in linear time).
 */
export function sortedMad(a: ArrayLike<number>, m: number): number {
  const n = a.length;
  if (n === 0) return 0;
  let split = 0;
  while (split < n && a[split] <= m) split++;
  // left: split-1 down to 0 (deviations growing); right: split up to n-1 (growing)
  let l = split - 1, r = split;
  const next = (): number => {
    const dl = l >= 0 ? Math.abs(a[l] - m) : Infinity;
    const dr = r < n ? Math.abs(a[r] - m) : Infinity;
    if (dl <= dr) { l--; return dl; }
    r++;
    return dr;
  };
  const mid = n >> 1;
  let prev = 0;
  for (let i = 0; i < mid; i++) prev = next();
  const at = next();
  return 1.4826 * (n % 2 ? at : (prev + at) / 2);
}

/** Median absolute deviation, scaled (×1.4826) to estimate a standard deviation. */
export function mad(xs: ArrayLike<number>, m = median(xs)): number {
  const d = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) d[i] = Math.abs(xs[i] - m);
  return 1.4826 * median(d);
}

/** Pearson correlation of two equal-length arrays (0 when either is constant). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n < 3) return 0;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma, y = b[i] - mb;
    sab += x * y; saa += x * x; sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
