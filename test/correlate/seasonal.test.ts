/**
 * Seasonal baselines (#20): a day of traffic — a diurnal curve with Poisson noise, a lunch dip,
 * a night a tenth of the peak — with a 10-minute freeze (nothing back) at a drawn time and the
 * reconnection burst that ends it. The drop detector must find the freeze and nothing else in the
 * day; the spike detector the burst and nothing else. Under the whole-span rules used before, the
 * first five days gave 392-989 drops and 17-973 connection spikes each. Days are drawn from seeds
 * (phase, peak, night level, dip, freeze time); series only — the day of captures and logs that
 * #20 asks for end to end is not built yet.
 */
import { detectDrop, detectSpike, SEASONAL, usualLevel, type DetectContext } from '../../lib/correlate/signals';
import { rng } from '../helpers/rng';

const DAY = 86_400;

/** A Poisson sample (Knuth for small means, a rounded normal above 30). */
function poisson(mean: number, r: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const u = Math.max(r(), 1e-12), v = r();
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)));
  }
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

interface Day {
  /** Response packets and new connections (SYNs) per 1 s bin. */
  answers: number[];
  syns: number[];
  freeze: [number, number];
  burst: [number, number];
}

function day(seed: number): Day {
  const r = rng(seed);
  const peak = 40 + r() * 160; // answers/s at the busiest hour
  const phase = 3 + r() * 4; // the quietest hour (03:00-07:00)
  const night = 0.08 + r() * 0.1; // night level, a fraction of the peak
  const dip = 0.5 + r() * 0.3; // lunch dip to this fraction
  const start = Math.floor(r() * (DAY - 2 * 3600)) + 1800; // anywhere, night included
  const freeze: [number, number] = [start, start + 600];
  const burst: [number, number] = [freeze[1], freeze[1] + 8];
  const answers: number[] = [];
  const syns: number[] = [];
  for (let t = 0; t < DAY; t++) {
    const h = t / 3600;
    const wave = 0.5 - 0.5 * Math.cos((2 * Math.PI * (h - phase)) / 24);
    let level = night + (1 - night) * wave ** 1.5;
    if (h > 12 && h < 13.5) level *= dip;
    const frozen = t >= freeze[0] && t < freeze[1];
    answers.push(frozen ? 0 : poisson(peak * level, r));
    // New connections: a tenth of the answers' rate; during the freeze clients keep trying a
    // little, and when it ends the backlog reconnects at once.
    const synRate = (peak * level) / 10;
    syns.push(t >= burst[0] && t < burst[1] ? poisson(Math.max(20, 8 * synRate), r) : poisson(frozen ? synRate / 2 : synRate, r));
  }
  return { answers, syns, freeze, burst };
}

const ctx: DetectContext = { interval: 1, from: 0, to: DAY, minRun: 5 };
/**
 * Seeds the rules were chosen on: the first ten (five looked at closely), then twenty drawn as
 * held out, on which the first rules left 4 days with a night-time drop or spike of noise (the
 * expected-20-events floor and the Poisson floor at the mean came from those four). HELD_OUT:
 * drawn after that, run once, kept whatever they gave.
 */
const SEEDS = [20261205, 7, 123456, 99, 2026, 31337, 424242, 8, 1001, 55555, ...Array.from({ length: 20 }, (_, i) => 900_001 + 7919 * i)];
const HELD_OUT = Array.from({ length: 30 }, (_, i) => 5_000_011 + 104_729 * i);

describe.each([...SEEDS, ...HELD_OUT])('a day of traffic (seed %i)', (seed) => {
  const d = day(seed);

  test('the 10-minute freeze is the one drop of the day, found within 10 s of its start', () => {
    const drops = detectDrop(d.answers, ctx, 'server', 'throughput-drop');
    expect(drops.map((s) => [s.from, s.to])).toHaveLength(1);
    expect(Math.abs(drops[0].from - d.freeze[0])).toBeLessThanOrEqual(10);
    expect(Math.abs(drops[0].to - d.freeze[1])).toBeLessThanOrEqual(10);
  });

  test('the reconnection burst is the one connection spike of the day', () => {
    const spikes = detectSpike(d.syns, ctx, 'server', 'connection-spike', 8);
    expect(spikes.map((s) => [s.from, s.to])).toHaveLength(1);
    expect(spikes[0].from).toBeGreaterThanOrEqual(d.burst[0] - 3);
    expect(spikes[0].to).toBeLessThanOrEqual(d.burst[1] + 3);
  });
});

test('against the whole day\'s level (the rule before) the night is hours below a quarter of it', () => {
  // Why the window: what the old rule would have called a drop on the first drawn day.
  const d = day(SEEDS[0]);
  const whole = usualLevel(d.answers);
  let low = 0;
  for (const x of d.answers) if (x < 0.25 * whole) low++;
  expect(low).toBeGreaterThan(3 * 3600);
});

test('a span shorter than two half-windows keeps one level over all of it, as before', () => {
  const n = 2 * SEASONAL.halfWindow - 1;
  const x = Array.from({ length: n }, (_, i) => (i >= 3000 && i < 3300 ? 0 : i < n / 2 ? 40 : 10));
  // Whole-span level: 10/s is a quarter of the usual 40 only at the boundary — not a drop; the
  // freeze is; and the second half alone (which a window could pick) would not change that.
  const drops = detectDrop(x, { interval: 1, from: 0, to: n, minRun: 5 }, 's', 'throughput-drop');
  expect(drops.map((s) => [s.from, s.to])).toEqual([[3000, 3300]]);
  expect(drops[0].baseline).toBe(usualLevel(x));
});
