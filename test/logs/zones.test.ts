import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Info, type Zone } from 'luxon';
import { parseLogText, readLog } from '../../lib/logs';
import { Resolution, SyslogYear, ZoneResolver, daysFromCivil } from '../../lib/logs/parse';

const DIR = join(__dirname, '..', 'fixtures', 'logs');
const NY = 'America/New_York';
const iso = (t: number) => new Date(Math.round(t * 1000)).toISOString().replace('.000Z', 'Z');
const wall = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;

describe('fall-back hour, real stunnel log (faketime, America/New_York, 2026-11-01)', () => {
  test('lines are placed in order: first pass EDT, after the clock goes back EST', async () => {
    const r = await readLog(join(DIR, 'stunnel-fallback.log'), { tz: NY, keepEvents: true });
    const text = readFileSync(join(DIR, 'stunnel-fallback.log'), 'latin1').split('\n');
    expect(r.parsed).toBe(r.lines);
    expect(r.backwards).toBe(0); // the wall clock goes back once; the UTC times never do
    expect(r.dstAmbiguous).toBeGreaterThan(100);
    expect(iso(r.first!)).toBe('2026-11-01T04:58:00Z'); // 00:58 EDT
    // The line where the wall clock goes back: from 01:5x EDT to 01:0x EST.
    const walls = text.filter((l) => l).map((l) => l.slice(11, 19));
    const back = walls.findIndex((w, i) => i > 0 && w < walls[i - 1]);
    expect(back).toBeGreaterThan(0);
    expect(walls[back - 1] >= '01:00:00' && walls[back - 1] < '02:00:00').toBe(true);
    const before = r.events!.time[back - 1];
    const after = r.events!.time[back];
    expect(iso(before)).toBe(`2026-11-01T05:${walls[back - 1].slice(3)}Z`);
    expect(iso(after)).toBe(`2026-11-01T06:${walls[back].slice(3)}Z`);
    expect(after - before).toBeGreaterThan(0);
    expect(after - before).toBeLessThan(120);
    for (let i = 1; i < r.events!.time.length; i++) expect(r.events!.time[i]).toBeGreaterThanOrEqual(r.events!.time[i - 1]);
    expect(r.warnings.filter((w) => w.code === 'dst_repeated_hour').map((w) => w.line)).toEqual([
      expect.any(Number),
      back + 1,
    ]);
  });
});

describe('spring-forward, real stunnel log (faketime, 2026-03-08)', () => {
  test('the one-hour jump of the wall clock is not a silence', async () => {
    const r = await readLog(join(DIR, 'stunnel-springforward.log'), { tz: NY, keepEvents: true });
    expect(r.parsed).toBe(r.lines);
    expect(r.backwards).toBe(0);
    expect(r.dstGap).toBe(0); // real programs never write a time inside the gap
    const firstWall = readFileSync(join(DIR, 'stunnel-springforward.log'), 'latin1').slice(11, 19);
    expect(firstWall.startsWith('01:5')).toBe(true);
    expect(iso(r.first!)).toBe(`2026-03-08T06:${firstWall.slice(3)}Z`); // 01:5x EST = UTC-5
    expect(r.silence.silences.filter((s) => s.duration > 600)).toEqual([]);
    const t = r.events!.time;
    let maxStep = 0;
    for (let i = 1; i < t.length; i++) maxStep = Math.max(maxStep, t[i] - t[i - 1]);
    expect(maxStep).toBeLessThan(300);
  });
});

describe('DST rules on reproduced lines', () => {
  test('a time in the spring-forward gap is warned about and moved forward by the gap', () => {
    const r = parseLogText(
      '2026.03.08 01:59:59 LOG5[ui]: before\n2026.03.08 02:30:00 LOG5[ui]: written with a wrong clock\n2026.03.08 03:00:01 LOG5[ui]: after\n',
      { tz: NY, keepEvents: true },
    );
    expect(Array.from(r.events!.time, iso)).toEqual(['2026-03-08T06:59:59Z', '2026-03-08T07:30:00Z', '2026-03-08T07:00:01Z']);
    expect(r.dstGap).toBe(1);
    expect(r.backwards).toBe(1);
    expect(r.warnings).toEqual([expect.objectContaining({ line: 2, code: 'dst_gap' })]);
  });

  test('sparse lines in the repeated hour switch to EST when they go back by more than 5 minutes', () => {
    const r = parseLogText(
      ['00:50:00', '01:10:00', '01:50:00', '01:05:00', '01:40:00', '02:10:00'].map((t) => `2026.11.01 ${t} LOG5[ui]: x`).join('\n'),
      { tz: NY, keepEvents: true },
    );
    expect(Array.from(r.events!.time, iso)).toEqual([
      '2026-11-01T04:50:00Z', // EDT
      '2026-11-01T05:10:00Z', // EDT, first pass
      '2026-11-01T05:50:00Z',
      '2026-11-01T06:05:00Z', // went back 45 min: EST from here
      '2026-11-01T06:40:00Z',
      '2026-11-01T07:10:00Z', // EST, unambiguous
    ]);
    expect(r.dstAmbiguous).toBe(4);
  });

  test('jitter of a few seconds inside the repeated hour does not switch', () => {
    const r = parseLogText(['01:30:10', '01:30:05', '01:30:20'].map((t) => `2026.11.01 ${t} LOG5[ui]: x`).join('\n'), {
      tz: NY,
      keepEvents: true,
    });
    expect(Array.from(r.events!.time, iso)).toEqual(['2026-11-01T05:30:10Z', '2026-11-01T05:30:05Z', '2026-11-01T05:30:20Z']);
    expect(r.backwards).toBe(1);
  });

  test('the zone offset is computed per local hour, not per line', () => {
    const base = Info.normalizeZone(NY);
    let calls = 0;
    const counting = { offset: (ts: number) => (calls++, base.offset(ts)) } as unknown as Zone;
    const z = new ZoneResolver(counting);
    const w0 = wall(2026, 11, 23, 15, 0);
    let last = 0;
    for (let i = 0; i < 36000; i++) last = z.toUtc(w0 + (i % 3600));
    expect(z.resolution).toBe(Resolution.UNIQUE);
    expect(last).toBe(w0 + 3599 + 5 * 3600);
    expect(calls).toBeLessThanOrEqual(8);
  });

  test('a zone with a half-hour offset and a fixed-offset zone', () => {
    expect(iso(parseLogText('2026.11.23 15:42:03 LOG5[ui]: x\n', { tz: 'Asia/Kolkata' }).first!)).toBe('2026-11-23T10:12:03Z');
    expect(iso(parseLogText('2026.11.23 15:42:03 LOG5[ui]: x\n', { tz: 'UTC+5' }).first!)).toBe('2026-11-23T10:42:03Z');
  });

  test('an unknown zone is a usage error', () => {
    expect(() => parseLogText('2026.11.23 15:42:03 LOG5[ui]: x\n', { tz: 'Mars/Olympus' })).toThrow(/not a time zone/);
  });
});

describe('syslog years', () => {
  test('real rsyslog log across the new year: December lines in 2026, January lines in 2027', async () => {
    const r = await readLog(join(DIR, 'syslog-newyear.log'), { tz: NY, year: 2026, keepEvents: true });
    const lines = readFileSync(join(DIR, 'syslog-newyear.log'), 'latin1').split('\n');
    const firstJan = lines.findIndex((l) => l.startsWith('Jan'));
    expect(firstJan).toBeGreaterThan(0);
    expect(r.parsed).toBe(r.lines);
    expect(r.backwards).toBe(0);
    expect(iso(r.events!.time[firstJan - 1])).toMatch(/^2027-01-01T04:59:5\dZ$/); // Dec 31 23:59:5x EST
    expect(iso(r.events!.time[firstJan])).toMatch(/^2027-01-01T05:00:0\dZ$/); // Jan 1 00:00:0x EST
    expect(r.silence.silences).toEqual([]);
  });

  test('the year from the file time: a December→January file modified in January starts the year before', async () => {
    const mtime = Date.UTC(2027, 0, 1, 6, 0, 0) / 1000; // 2027-01-01 01:00 EST
    const r = await readLog(join(DIR, 'syslog-newyear.log'), { tz: NY, mtime });
    expect(iso(r.first!)).toMatch(/^2027-01-01T04:59/);
    expect(iso(r.last!)).toMatch(/^2027-01-01T05:00/);
  });

  test('the year rules: roll-over, a straggler from the old year, mtime', () => {
    const y = new SyslogYear(2026);
    expect([12, 12, 1, 12, 1, 2].map((m) => y.yearFor(m))).toEqual([2026, 2026, 2027, 2026, 2027, 2027]);
    const fromMtime = new SyslogYear(undefined, 2026, 11);
    expect(fromMtime.yearFor(11)).toBe(2026);
    expect(new SyslogYear(undefined, 2027, 1).yearFor(12)).toBe(2026);
  });

  test('without a year or a file time, a syslog buffer is a usage error', () => {
    expect(() => parseLogText('Nov 23 15:42:03 vm cron[1]: x\n', { tz: NY })).toThrow(/carry no year/);
  });
});
