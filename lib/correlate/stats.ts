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

/** Typed-array sort's order: ascending, -0 before +0 (NaN is left to a full sort). */
const before = (x: number, y: number): boolean => x < y || (x === 0 && y === 0 && Object.is(x, -0) && !Object.is(y, -0));

/**
 * The values of a window that moves forward over `seg`, kept sorted ascending as a typed array's
 * sort orders them. A window that shares most of its bins with the last one is made by taking
 * the bins that left out of the sorted values and merging in the bins that came, each sorted on
 * its own: a seasonal level's windows (two hours and ten minutes, moving ten minutes at a time)
 * then cost a tenth of sorting each whole (0.6 s of a day's analysis). `keep` picks the bins a
 * window is made of.
 */
export class SlidingSorted {
  private cur: Float64Array;
  private next: Float64Array;
  private part: Float64Array;
  private k = 0;
  private a = 0;
  private b = 0;
  private nan = true; // no window yet (or one holding NaN): sort the next one whole

  constructor(private readonly seg: ArrayLike<number>, private readonly keep?: (i: number) => boolean) {
    this.cur = new Float64Array(seg.length);
    this.next = new Float64Array(seg.length);
    this.part = new Float64Array(seg.length);
  }

  /** The kept values of bins [a, b), sorted (a view, valid until the next call). */
  window(a: number, b: number): Float64Array {
    const moved = a >= this.a && b >= this.b && a < this.b && (a - this.a) + (b - this.b) <= (b - a) >> 1;
    if (this.nan || !moved || !this.slide(a, b)) this.whole(a, b);
    this.a = a;
    this.b = b;
    return this.cur.subarray(0, this.k);
  }

  private whole(a: number, b: number): void {
    let k = 0;
    let nan = false;
    for (let i = a; i < b; i++) {
      if (this.keep && !this.keep(i)) continue;
      const v = this.seg[i];
      if (v !== v) nan = true;
      this.cur[k++] = v;
    }
    this.cur.subarray(0, k).sort();
    this.k = k;
    this.nan = nan;
  }

  /** The kept values of [a, b) into `part`, sorted; -1 when one is NaN. */
  private sortedPart(a: number, b: number): number {
    let k = 0;
    for (let i = a; i < b; i++) {
      if (this.keep && !this.keep(i)) continue;
      const v = this.seg[i];
      if (v !== v) return -1;
      this.part[k++] = v;
    }
    this.part.subarray(0, k).sort();
    return k;
  }

  /** Slides from [this.a, this.b) to [a, b); false when it cannot (then the window is sorted whole). */
  private slide(a: number, b: number): boolean {
    const cur = this.cur, next = this.next;
    // Drop the bins that left: walk the sorted window and the sorted leavers together.
    const nOut = this.sortedPart(this.a, a);
    if (nOut < 0) return false;
    const out = this.part.slice(0, nOut);
    let kept = 0;
    for (let i = 0, r = 0; i < this.k; i++) {
      const x = cur[i];
      if (r < nOut && Object.is(x, out[r])) r++;
      else if (r < nOut && before(out[r], x)) return false; // a leaver not in the window: not ours
      else next[kept++] = x;
    }
    // Merge in the bins that came.
    const nIn = this.sortedPart(this.b, b);
    if (nIn < 0) return false;
    const inc = this.part;
    let i = 0, j = 0, k = 0;
    while (i < kept && j < nIn) cur[k++] = before(inc[j], next[i]) ? inc[j++] : next[i++];
    while (i < kept) cur[k++] = next[i++];
    while (j < nIn) cur[k++] = inc[j++];
    this.k = k;
    return true;
  }
}
