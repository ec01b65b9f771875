/**
 * Logs written by the real programs (test/fixtures/logs/make-fixtures.sh): each was frozen with
 * SIGSTOP for a known window, recorded in <program>.truth.json; the silence must be found to the
 * second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLog, logsDocument } from '../../lib/logs';

const DIR = join(__dirname, '..', 'fixtures', 'logs');
const NY = 'America/New_York';

interface Truth {
  program: string;
  stopped: string;
  continued: string;
  seconds: number;
}
const truth = (p: string): Truth => JSON.parse(readFileSync(join(DIR, `${p}.truth.json`), 'utf8'));
const sec = (iso: string) => Date.parse(iso) / 1000;
const newlines = (f: string) => readFileSync(join(DIR, f)).reduce((n, c) => n + (c === 10 ? 1 : 0), 0);

const CASES: [file: string, format: string, program: string, resolution: number][] = [
  ['stunnel.log', 'stunnel', 'stunnel', 1],
  ['nginx-access-iso.log', 'iso8601', 'nginx', 1],
  ['nginx-access-combined.log', 'clf', 'nginx', 1],
  ['nginx-access-msec.log', 'epoch', 'nginx', 0.001],
  ['nginx-error.log', 'nginx-error', 'nginx', 1],
  ['syslog-3164.log', 'syslog', 'rsyslog', 1],
  ['syslog-5424.log', 'rfc5424', 'rsyslog', 1e-6],
  ['syslog-rfc3339.log', 'iso8601', 'rsyslog', 1e-6],
];

describe.each(CASES)('%s (real %s log, %s frozen)', (file, format, program, resolution) => {
  const t = truth(program);
  const stopped = sec(t.stopped);
  const continued = sec(t.continued);
  let r: Awaited<ReturnType<typeof readLog>>;
  beforeAll(async () => {
    // The fixtures' mtime is their checkout time: give the syslog year explicitly.
    r = await readLog(join(DIR, file), { tz: NY, year: 2026, keepEvents: true });
  });

  test(`is detected as ${format} and every line is read`, () => {
    expect(r.format).toBe(format);
    expect(r.detected).toBe(true);
    expect(r.lines).toBe(newlines(file));
    expect(r.parsed).toBe(r.lines);
    expect(r.unparsed).toBe(0);
  });

  test('the freeze is the one silence, found to the second', () => {
    const gaps = r.silence.silences.filter((s) => s.kind === 'gap');
    expect(gaps).toHaveLength(1);
    const s = gaps[0];
    // Start = the last line written before SIGSTOP (its stamp is truncated to the log's resolution).
    expect(s.start).toBeLessThanOrEqual(stopped);
    expect(stopped - s.start).toBeLessThan(1.5);
    // End = the first line written after SIGCONT.
    // (0.05 s: the truth file records SIGCONT just after kill returned)
    expect(s.end).toBeGreaterThanOrEqual(Math.floor(continued / resolution) * resolution - 0.05);
    expect(s.end - continued).toBeLessThan(1);
    expect(s.duration).toBeGreaterThanOrEqual(t.seconds - 1);
    expect(s.duration).toBeLessThan(t.seconds + 2.5);
  });

  test('bins cover every interval from the first to the last line, empty during the freeze', () => {
    const d = logsDocument(r);
    const first = Date.parse(d.bins[0].start) / 1000;
    expect(first).toBe(Math.floor(r.first!));
    expect(d.bins).toHaveLength(Math.floor(r.last!) - Math.floor(r.first!) + 1);
    expect(d.bins.reduce((n, b) => n + b.lines, 0)).toBe(r.parsed);
    for (const b of d.bins) {
      const start = Date.parse(b.start) / 1000;
      if (start >= Math.ceil(stopped) && start + 1 <= Math.floor(continued)) expect(b.lines).toBe(0);
    }
  });

  test('the event columns hold every entry in line order', () => {
    expect(r.events!.time).toHaveLength(r.parsed);
    expect(r.events!.line[0]).toBe(1);
    expect(r.events!.time[0]).toBe(r.first);
  });
});

describe('the zone used is reported', () => {
  test('local-time logs say the --tz zone, offset logs their offset, epoch logs UTC', async () => {
    expect((await readLog(join(DIR, 'stunnel.log'), { tz: NY })).timezone).toBe(NY);
    expect((await readLog(join(DIR, 'nginx-access-iso.log'), { tz: 'UTC' })).timezone).toBe('-05:00');
    expect((await readLog(join(DIR, 'nginx-access-msec.log'), { tz: NY })).timezone).toBe('UTC');
  });
  test('without --tz the machine zone is used and named', async () => {
    const r = await readLog(join(DIR, 'stunnel.log'));
    expect(r.zoneSource).toBe('machine');
    expect(r.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
  test('reading a local-time log in the wrong zone shifts it by the offset difference', async () => {
    const ny = await readLog(join(DIR, 'stunnel.log'), { tz: NY });
    const utc = await readLog(join(DIR, 'stunnel.log'), { tz: 'UTC' });
    expect(ny.first! - utc.first!).toBe(5 * 3600);
  });
});

describe('three views of one nginx: the access logs agree', () => {
  test('iso, combined and $msec logs give the same entries per second', async () => {
    const iso = await readLog(join(DIR, 'nginx-access-iso.log'), { tz: 'UTC' });
    const clf = await readLog(join(DIR, 'nginx-access-combined.log'), { tz: 'UTC' });
    const msec = await readLog(join(DIR, 'nginx-access-msec.log'), { tz: 'UTC' });
    expect(Array.from(clf.counts)).toEqual(Array.from(iso.counts));
    expect(clf.first).toBe(iso.first);
    // $msec is the request end in ms, $time_iso8601 the same instant truncated to the second.
    expect(Math.floor(msec.first!)).toBe(iso.first);
  });
});
