/**
 * The parts the log scanner drives (logs/ingest), each on its own: the bins, the outlier hold,
 * the warnings, the line carry and detection buffer, the year walk, the program filter and the
 * gaps of out-of-order events. The scanner's own tests (ingest, sets, wild) run them together
 * on real logs; these pin each part's rules where a change would otherwise show only as a
 * different verdict.
 */
import { LogBins, MAX_BINS } from '../../lib/logs/bins';
import { EventColumns } from '../../lib/logs/events';
import { DETECT_LINES, DetectionBuffer, enoughToDetect, LineCarry } from '../../lib/logs/framing';
import { FAR_US, HOLD, OutlierHold } from '../../lib/logs/outliers';
import { builtinFormats } from '../../lib/logs/formats';
import { Stamp, SyslogYear, YearWalk } from '../../lib/logs/parse';
import { ProgramFilter, syslogLayout } from '../../lib/logs/program';
import { ClassTally } from '../../lib/logs/tally';
import { WarningLog } from '../../lib/logs/warnlog';
import { EventGaps, GapTracker } from '../../lib/silence/detect';

const S = 1e6; // µs
const T0 = Date.UTC(2026, 11, 3, 12) * 1000; // µs

describe('LogBins', () => {
  test('counts per interval, zeros included, on a grid that starts at the first entry\'s bin', () => {
    const b = new LogBins(10);
    for (const t of [T0 + 1 * S, T0 + 3 * S, T0 + 35 * S, T0 - 5 * S]) {
      expect(b.place(t, 1, true)).toBe(true);
      b.count(t);
    }
    b.error(T0 + 35 * S);
    const c = b.cut();
    expect(Array.from(c.counts)).toEqual([1, 2, 0, 0, 1]);
    expect(Array.from(c.errorCounts)).toEqual([0, 0, 0, 0, 1]);
    expect(c.grid!.originSec).toBe((T0 - 10 * S) / S);
    expect(b.widenedFrom).toBe(0);
  });

  test('widens to a multiple of the width when the span passes MAX_BINS, merging whole bins', () => {
    const b = new LogBins(1);
    b.place(T0, 1, true);
    b.count(T0);
    b.count(T0);
    const far = T0 + (MAX_BINS + 10) * S;
    expect(b.place(far, 7, true)).toBe(true);
    b.count(far);
    expect(b.interval).toBeGreaterThan(1);
    expect(b.interval % 1).toBe(0);
    expect(b.widenedFrom).toBe(1);
    expect(b.widenedLine).toBe(7);
    const c = b.cut();
    expect(c.counts.reduce((x, y) => x + y, 0)).toBe(3);
    expect(c.counts[0]).toBe(2);
  });

  test('without widening (a window was asked for), a time beyond MAX_BINS is refused', () => {
    const b = new LogBins(1);
    b.place(T0, 1, false);
    expect(b.place(T0 + (MAX_BINS + 10) * S, 2, false)).toBe(false);
    expect(b.interval).toBe(1);
  });

  test('an empty scan has no grid', () => {
    expect(new LogBins(1).cut()).toMatchObject({ grid: null, counts: new Uint32Array(0) });
  });

  test('a width that is not whole milliseconds is refused', () => {
    expect(() => new LogBins(0.0005)).toThrow();
  });
});

describe('ClassTally', () => {
  test('errors and restarts per bin and in all, five samples each', () => {
    const b = new LogBins(60);
    b.place(T0, 1, true);
    const t = new ClassTally(b);
    for (let i = 0; i < 7; i++) t.add(T0, 1 /* ERROR */, `e${i}`);
    t.add(T0, 2 /* RESTART */, 'r');
    expect(t.wantSample(1)).toBe(false);
    expect(t.wantSample(2)).toBe(true);
    expect(t.errors).toBe(7);
    expect(t.errorSamples).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(Array.from(b.cut().restartCounts)).toEqual([1]);
  });
});

describe('OutlierHold', () => {
  test('far means more than half a year either way from the anchor; NaN anchor is never far', () => {
    const o = new OutlierHold();
    expect(o.far(0)).toBe(false);
    o.anchor = T0;
    expect(o.far(T0 + FAR_US)).toBe(false);
    expect(o.far(T0 + FAR_US + 1)).toBe(true);
    expect(o.far(0)).toBe(true);
  });

  test(`holds at most ${HOLD}`, () => {
    const o = new OutlierHold();
    for (let i = 0; i < HOLD; i++) expect(o.hold(i, i + 1)).toBe(true);
    expect(o.hold(99, 99)).toBe(false);
    expect(o.held).toBe(HOLD);
    expect(Array.from(o.lines)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  const iso = builtinFormats().find((f) => f.name === 'iso8601')!;
  test('the anchor is the median of the first lines when they lie together; a 1970 first line is then far', () => {
    const text = ['1970-01-01T00:00:05Z boot', ...Array.from({ length: 9 }, (_, i) => `2026-12-03T12:00:0${i}Z up`)].join('\n') + '\n';
    const o = new OutlierHold();
    o.sample(iso, new TextEncoder().encode(text), 0, 10, DETECT_LINES);
    expect(o.sampled).toBe(true);
    expect(o.dense).toBe(true);
    expect(o.anchor).toBe(Date.UTC(2026, 11, 3, 12, 0, 4) * 1000);
    expect(o.far(0)).toBe(true);
  });

  test('first lines a year apart each give no anchor', () => {
    const text = Array.from({ length: 6 }, (_, i) => `20${10 + i}-01-01T00:00:00Z yearly`).join('\n') + '\n';
    const o = new OutlierHold();
    o.sample(iso, new TextEncoder().encode(text), 0, 10, DETECT_LINES);
    expect(o.dense).toBe(false);
    expect(o.anchor).toBeNaN();
  });
});

describe('WarningLog', () => {
  test('the first `max` of a kind listed with file and line in that file, the rest summed up', () => {
    const w = new WarningLog('a.log', 2);
    for (let no = 1; no <= 5; no++) w.warn('x', no, `bad ${no}`);
    w.file = 'b.log';
    w.lineBase = 100;
    w.warn('y', 103, 'other');
    w.add({ file: 'b.log', reason: 'whole file', code: 'z' });
    expect(w.all()).toEqual([
      { file: 'a.log', line: 1, reason: 'bad 1', code: 'x' },
      { file: 'a.log', line: 2, reason: 'bad 2', code: 'x' },
      { file: 'b.log', line: 3, reason: 'other', code: 'y' },
      { file: 'b.log', reason: 'whole file', code: 'z' },
      { file: 'b.log', line: 3, reason: '3 more lines like the above (x), the first of them at line 3', code: 'x' },
    ]);
  });
});

describe('framing', () => {
  test('a carried line keeps at most `max` bytes and knows it was cut', () => {
    const c = new LineCarry(5);
    const b = new TextEncoder().encode('abcdefgh');
    c.append(b, 0, 3);
    c.append(b, 3, 8);
    expect(new TextDecoder().decode(c.bytes.subarray(0, c.length))).toBe('abcde');
    expect(c.total).toBe(8);
    expect(c.cut).toBe(true);
    c.clear();
    expect(c.total).toBe(0);
  });

  test('detection waits for enough lines, copying what it holds', () => {
    const d = new DetectionBuffer();
    const chunk = new TextEncoder().encode('x\n'.repeat(DETECT_LINES - 1));
    expect(enoughToDetect(chunk)).toBe(false);
    expect(d.add(chunk)).toBe(false);
    chunk.fill(0); // the caller reuses its buffer
    expect(d.add(new TextEncoder().encode('y\n'))).toBe(true);
    const all = d.take();
    expect(all.length).toBe(2 * DETECT_LINES);
    expect(all[0]).toBe(0x78);
    expect(d.empty).toBe(true);
  });
});

describe('YearWalk', () => {
  test('a yearless log crossing New Year: first and last years, the last line\'s date', () => {
    const y = new YearWalk(new SyslogYear(2025));
    expect(y.info()).toBeNull();
    const st = new Stamp();
    for (const [month, day] of [[12, 31], [1, 1]]) {
      Object.assign(st, { year: 0, month, day, hour: 23, minute: 59, second: 58 });
      y.assign(st);
    }
    expect(st.year).toBe(2026);
    expect(y.info()).toEqual({ first: 2025, last: 2026, month: 1, day: 1, secOfDay: 86398 });
  });
});

describe('ProgramFilter', () => {
  test('keeps one program\'s lines and skips the continuation lines of the others', () => {
    const p = new ProgramFilter(new TextEncoder().encode('stunnel'));
    p.layout = syslogLayout('syslog');
    const line = (s: string) => {
      const b = new TextEncoder().encode(s);
      return p.own(b, 0, b.length);
    };
    expect(line('Dec  3 12:00:00 web1 stunnel[42]: LOG5[1]: accepted')).toBe(true);
    expect(p.continued()).toBe(true);
    expect(line('Dec  3 12:00:01 web1 CRON[7]: (root) CMD x')).toBe(false);
    expect(p.continued()).toBe(false);
    expect(line('Dec  3 12:00:02 web1 stunnel: LOG3[2]: error')).toBe(true);
    expect({ lines: p.lines, otherLines: p.otherLines }).toEqual({ lines: 3, otherLines: 2 });
  });
});

describe('EventGaps', () => {
  const rows = (g: GapTracker) => {
    const c = g.candidates();
    return Array.from(c.start, (s, i) => [s, c.end[i], c.startLine[i], c.endLine[i]]);
  };
  test('gaps from the latest event; a step back is a zero gap; the silence starts at the last line at the latest time', () => {
    const g = new GapTracker(10 * S);
    const e = new EventGaps(g);
    e.add(0, 1);
    e.add(20 * S, 2);
    e.add(5 * S, 3); // back in time
    e.add(20 * S, 4); // same time as the latest: the silence now starts here
    e.add(50 * S, 5);
    expect({ count: g.count, zeros: g.zeros }).toEqual({ count: 4, zeros: 2 });
    expect(rows(g)).toEqual([
      [0, 20 * S, 1, 2],
      [20 * S, 50 * S, 4, 5],
    ]);
  });

  test('edges: before the first and after the last matched event, or the whole log when none matched', () => {
    const g = new GapTracker(10 * S);
    new EventGaps(g).edges(0, 100 * S, 1, 50, false);
    expect(rows(g).map((r) => r.slice(0, 2))).toEqual([[0, 100 * S]]);
    const h = new GapTracker(10 * S);
    const e = new EventGaps(h);
    e.add(30 * S, 10);
    e.edges(0, 100 * S, 1, 50, true);
    expect(rows(h)).toEqual([
      [0, 30 * S, 1, 10],
      [30 * S, 100 * S, 10, 50],
    ]);
  });
});

describe('EventColumns', () => {
  test('grows past its first size and gives seconds and lines in order', () => {
    const c = new EventColumns();
    for (let i = 0; i < 3000; i++) c.add(T0 + i * S, i + 1);
    const { time, line } = c.columns();
    expect(time.length).toBe(3000);
    expect(time[2999]).toBe(T0 / S + 2999);
    expect(line[2999]).toBe(3000);
  });
});
