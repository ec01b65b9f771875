import { parseLogText, logsDocument } from '../../lib/logs';
import { GapTracker, adaptiveMinGap, detectSilences } from '../../lib/silence/detect';
import { IntervalGrid } from '../../lib/grid';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0) / 1000;
/** An ISO-8601 log with entries at the given offsets (seconds, may be fractional) from T0. */
function isoLog(offsets: number[]): string {
  return offsets.map((o) => `${new Date((T0 + o) * 1000).toISOString()} msg`).join('\n') + '\n';
}

describe('adaptive minimum gap', () => {
  test('a busy log (10 lines/s) uses the 10 s floor and finds a 15 s silence', () => {
    const offs: number[] = [];
    for (let i = 0; i < 3000; i++) if (i < 1000 || i >= 1150) offs.push(i / 10);
    const r = parseLogText(isoLog(offs), { tz: 'UTC' });
    expect(r.silence.minGap).toBe(10);
    expect(r.silence.minGapRule).toMatch(/^adaptive: max\(10 s, 4 × p99 gap 0\.1 s\)/);
    expect(r.silence.silences).toEqual([
      expect.objectContaining({ kind: 'gap', start: T0 + 99.9, end: T0 + 115, startLine: 1000, endLine: 1001 }),
    ]);
    expect(r.silence.silences[0].duration).toBeCloseTo(15.1, 6);
  });

  test('a sparse log (one line a minute) is not silent between its lines, but is after 10 minutes without', () => {
    const offs: number[] = [];
    for (let t = 0; t < 3 * 3600; t += 60) if (t < 3600 || t >= 3600 + 600) offs.push(t);
    const r = parseLogText(isoLog(offs), { tz: 'UTC' });
    expect(r.silence.minGap).toBe(240); // 4 × 60 s
    expect(r.silence.silences.map((s) => s.duration)).toEqual([660]);
  });

  test('the percentile never reaches the 5 largest gaps, so a short log\'s own outages cannot hide', () => {
    const g = new GapTracker(10e6);
    for (let i = 0; i < 50; i++) g.add(i * 1e6, i * 1e6 + 1e6, i, i + 1);
    for (let i = 0; i < 3; i++) g.add(0, 60e6, 0, 1);
    const { us } = adaptiveMinGap(g);
    expect(us).toBe(10e6);
  });

  test('--min-gap overrides the adaptive rule', () => {
    const r = parseLogText(isoLog([0, 1, 2, 2, 8, 9, 40]), { tz: 'UTC', minGap: '5s' });
    expect(r.silence.minGap).toBe(5);
    expect(r.silence.minGapRule).toBe('--min-gap 5 s');
    expect(r.silence.silences.map((s) => [s.start - T0, s.end - T0])).toEqual([[2, 8], [9, 40]]);
    // start = the *last* line before the silence (two lines share 10:00:02)
    expect(r.silence.silences.map((s) => [s.startLine, s.endLine])).toEqual([[4, 5], [6, 7]]);
  });
});

describe('low-rate stretches', () => {
  test('a rate falling below 10% of the median for 30 s is reported, with bin edges', () => {
    const offs: number[] = [];
    for (let s = 0; s < 200; s++) {
      const n = s >= 100 && s < 130 ? 1 : 20; // 20 lines/s, then 1 line/s for 30 s
      for (let k = 0; k < n; k++) offs.push(s + k / n);
    }
    const r = parseLogText(isoLog(offs), { tz: 'UTC' });
    expect(r.silence.baseline).toBe(20);
    expect(r.silence.lowRateThreshold).toBe(2);
    expect(r.silence.silences).toEqual([
      { start: T0 + 100, end: T0 + 130, duration: 30, kind: 'low-rate', lines: 30 },
    ]);
  });

  test('a plain gap is not reported a second time as low-rate', () => {
    const offs: number[] = [];
    for (let s = 0; s < 200; s++) if (s < 100 || s >= 130) for (let k = 0; k < 20; k++) offs.push(s + k / 20);
    const r = parseLogText(isoLog(offs), { tz: 'UTC' });
    expect(r.silence.silences.map((s) => s.kind)).toEqual(['gap']);
  });

  test('the rule is off when the baseline is under 10 per bin', () => {
    const counts = Uint32Array.from([3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3]);
    const rep = detectSilences(new GapTracker(10e6), IntervalGrid.forSeconds(T0, 1), 0, counts, { minGap: 5 });
    expect(rep.lowRateThreshold).toBeNull();
    expect(rep.silences).toEqual([]);
  });
});

describe('bins on the shared epoch-aligned grid', () => {
  test('10 s bins start at multiples of 10 s and every bin is present', () => {
    const r = parseLogText(isoLog([3, 4, 47, 61]), { tz: 'UTC', interval: '10s' });
    const d = logsDocument(r);
    expect(d.bins).toEqual([
      { start: '2026-11-23T10:00:00Z', lines: 2 },
      { start: '2026-11-23T10:00:10Z', lines: 0 },
      { start: '2026-11-23T10:00:20Z', lines: 0 },
      { start: '2026-11-23T10:00:30Z', lines: 0 },
      { start: '2026-11-23T10:00:40Z', lines: 1 },
      { start: '2026-11-23T10:00:50Z', lines: 0 },
      { start: '2026-11-23T10:01:00Z', lines: 1 },
    ]);
    expect(r.grid!.equals(IntervalGrid.forSeconds(T0 + 3, 10))).toBe(true);
  });

  test('250 ms bins put an entry exactly on an edge in the bin that starts there', () => {
    const r = parseLogText(isoLog([0.25, 0.499, 0.5]), { tz: 'UTC', interval: '250ms' });
    const d = logsDocument(r);
    expect(d.bins).toEqual([
      { start: '2026-11-23T10:00:00.250Z', lines: 2 },
      { start: '2026-11-23T10:00:00.500Z', lines: 1 },
    ]);
  });

  test('an interval that is not whole milliseconds is a usage error', () => {
    expect(() => parseLogText(isoLog([0]), { interval: 0.0005 })).toThrow(/interval/);
  });
});
