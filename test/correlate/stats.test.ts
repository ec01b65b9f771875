/**
 * The sorted-input forms of the robust statistics (correlate/stats) give exactly the numbers of
 * the plain ones: the seasonal baselines sort a window once and read median and MAD from it.
 * Checked on drawn arrays of counts like a day's bins (many ties, many zeros) and of floats.
 */
import { mad, median, sortedMad, sortedMedian } from '../../lib/correlate/stats';
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
