/**
 * The sorted-input forms of the robust statistics (correlate/stats) give exactly the numbers of
 * the plain ones: the seasonal baselines sort a window once and read median and MAD from it.
 * Checked on drawn arrays of counts like a day's bins (many ties, many zeros) and of floats.
 */
import { mad, median, SlidingSorted, sortedMad, sortedMedian } from '../../lib/correlate/stats';
import { rng } from '../helpers/rng';

test('sortedMedian and sortedMad equal median and mad exactly, on counts and on floats', () => {
  const r = rng(7);
  let checked = 0;
  for (let trial = 0; trial < 400; trial++) {
    const n = 1 + Math.floor(r() * 300);
    const counts = trial % 2 === 0;
    const xs = Array.from({ length: n }, () => (counts ? Math.floor(r() * r() * 12) : r() * 1000 - 200));
    const sorted = Float64Array.from(xs).sort();
    const m = median(xs);
    expect(sortedMedian(sorted)).toBe(m);
    expect(sortedMad(sorted, m)).toBe(mad(xs, m));
    checked++;
  }
  expect(checked).toBe(400);
  expect(sortedMedian(new Float64Array(0))).toBe(0);
  expect(sortedMad(new Float64Array(0), 0)).toBe(0);
  // a window of zeros with one burst: the MAD is 0, as the plain form says
  expect(sortedMad(Float64Array.from([0, 0, 0, 0, 9]), 0)).toBe(mad([0, 0, 0, 0, 9]));
});

test('SlidingSorted gives each window exactly as a typed-array sort of it, sliding where the windows overlap', () => {
  const r = rng(11);
  const sortOf = Object.getPrototypeOf(Float64Array.prototype) as { sort: (this: Float64Array) => Float64Array };
  const realSort = sortOf.sort;
  const sizes: number[] = [];
  sortOf.sort = function sort(this: Float64Array) {
    sizes.push(this.length);
    return realSort.call(this);
  };
  try {
    for (let trial = 0; trial < 60; trial++) {
      const n = 2000 + Math.floor(r() * 3000);
      // counts with ties and zeros, floats, signed zeros, and now and then a NaN
      const kind = trial % 4;
      const seg = Float64Array.from({ length: n }, () => (kind === 0 ? Math.floor(r() * r() * 9) : kind === 1 ? r() * 100 - 20 : kind === 2 ? (r() < 0.5 ? -0 : r() < 0.5 ? 0 : Math.floor(r() * 3)) : r() < 0.001 ? NaN : Math.floor(r() * 5)));
      const keep = trial % 3 === 0 ? (i: number) => i % 7 !== 3 : undefined;
      const w = new SlidingSorted(seg, keep);
      // seasonal-like steps (a block at a time, clamped at both ends), then jumps and a step back
      const half = 300 + Math.floor(r() * 300), block = 20 + Math.floor(r() * 80);
      const spans: [number, number][] = [];
      for (let b0 = 0; b0 < n; b0 += block) spans.push([Math.max(0, Math.min(b0 - half, n - 2 * half - block)), Math.min(n, Math.max(b0 + block + half, 2 * half + block))]);
      spans.push([0, n], [n >> 1, n], [10, 20], [5, 15], [0, n]);
      sizes.length = 0;
      for (const [a, b] of spans) {
        const want: number[] = [];
        for (let i = a; i < b; i++) if (!keep || keep(i)) want.push(seg[i]);
        const got = Array.from(w.window(a, b));
        const sorted = Array.from(realSort.call(Float64Array.from(want)));
        expect(got.length).toBe(sorted.length);
        for (let i = 0; i < got.length; i++) if (!Object.is(got[i], sorted[i])) throw new Error(`trial ${trial} [${a}, ${b}) at ${i}: ${got[i]} vs ${sorted[i]}`);
      }
      // Without NaN the steps slid: most sorts were of a block's bins, not of whole windows.
      if (kind !== 3) expect(sizes.filter((s) => s > 2 * block).length).toBeLessThan(spans.length / 3);
    }
  } finally {
    sortOf.sort = realSort;
  }
});
