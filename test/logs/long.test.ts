/**
 * No line lost to the bin count or to one bad time (#18): a log spanning years keeps every line
 * with wider bins (and says so), a boot-time 1970 line or a flipped year is an outlier reported
 * and skipped, and in analyze a log kept for weeks around an hour of captures still shows the
 * captures' silence at the timeline's interval.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../lib/analyze';
import { parseLogText } from '../../lib/logs';
import { REPO } from '../helpers/corpus';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const T0 = Date.UTC(2026, 0, 1);

test('a log spanning three years keeps all its lines: bins widened and the output says so', () => {
  const text = Array.from({ length: 2000 }, (_, i) => `${iso(T0 + i * 13 * 3600e3)} line ${i}\n`).join('');
  const r = parseLogText(text, { tz: 'UTC' });
  expect([r.parsed, r.unparsed, r.counted]).toEqual([2000, 0, 2000]);
  expect(r.intervalWidened).toBe(1);
  // Three years in at most 65,536 bins: hourly (26,000 bins), not a million empty seconds.
  expect(r.interval).toBe(3600);
  expect(r.counts.length).toBeLessThan(65536);
  expect(r.counts.reduce((a, b) => a + b, 0)).toBe(2000);
  expect(r.last! - r.first!).toBe(1999 * 13 * 3600);
  expect(r.warnings[0].code).toBe('interval_widened');
  expect(r.warnings[0].reason).toMatch(/bins widened to 3600 s so that every line is kept/);
});

test('a bin width given by the user that fits is kept', () => {
  const text = Array.from({ length: 2000 }, (_, i) => `${iso(T0 + i * 13 * 3600e3)} line ${i}\n`).join('');
  const r = parseLogText(text, { tz: 'UTC', interval: '1h' });
  expect(r.intervalWidened).toBeUndefined();
  expect(r.interval).toBe(3600);
  expect(r.counted).toBe(2000);
});

test('a boot-time 1970 line before the log is an outlier: reported, skipped, the rest read', () => {
  const text = '1970-01-01T00:00:05Z boot\n' + Array.from({ length: 1014 }, (_, i) => `${iso(T0 + i * 1000)} line ${i}\n`).join('');
  const r = parseLogText(text, { tz: 'UTC' });
  expect([r.parsed, r.unparsed, r.outliers]).toEqual([1014, 1, 1]);
  expect(r.first).toBe(T0 / 1000);
  expect(r.interval).toBe(1);
  expect(r.warnings.find((w) => w.code === 'time_outlier')).toMatchObject({ line: 1 });
});

test('a flipped year in the middle is an outlier; a jump the log stays at is not', () => {
  const lines = Array.from({ length: 100 }, (_, i) => iso(T0 + i * 1000));
  lines[50] = lines[50].replace('2026', '2090');
  const r = parseLogText(lines.map((l, i) => `${l} x${i}\n`).join(''), { tz: 'UTC' });
  expect([r.parsed, r.outliers, r.last]).toEqual([99, 1, T0 / 1000 + 99]);
  expect(r.warnings.find((w) => w.code === 'time_outlier')).toMatchObject({ line: 51 });
  // The clock set forward by a year and kept there: the later lines are the log's, all counted.
  const jump = Array.from({ length: 100 }, (_, i) => iso(T0 + i * 1000 + (i >= 90 ? 365 * 86400e3 : 0)));
  const j = parseLogText(jump.map((l) => `${l} y\n`).join(''), { tz: 'UTC' });
  expect([j.parsed, j.outliers]).toEqual([100, 0]);
});

test('a log of one line a year (each far from the last) keeps every line, in order', () => {
  const years = Array.from({ length: 12 }, (_, i) => Date.UTC(2010 + i, 5, 1));
  const r = parseLogText(years.map((t) => `${iso(t)} yearly\n`).join(''), { tz: 'UTC', keepEvents: true });
  expect([r.parsed, r.outliers, r.backwards]).toEqual([12, 0, 0]);
  expect(Array.from(r.events!.time)).toEqual(years.map((t) => t / 1000));
});

test('a log out of time order (records merged from many nodes over two years) has no outliers: every line kept', () => {
  // As LogHub's HPC log (held-out check): epochs in field 5, 2004-2006, stepping back often; six
  // lines in a row 500 days from their neighbours were skipped as outliers before this rule.
  let x = 7;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const times = Array.from({ length: 200 }, () => 1073000000 + Math.floor(rnd() * 2 * 365 * 86400));
  const text = times.map((t, i) => `${134000 + i} node-${i % 250} unix.hw state_change.unavailable ${t} 1 Component State Change\n`).join('');
  const r = parseLogText(text, { tz: 'UTC' });
  expect(r.format).toBe('epoch@5');
  expect([r.parsed, r.outliers]).toEqual([200, 0]);
  expect([r.first, r.last]).toEqual([Math.min(...times), Math.max(...times)]);
});

test('lines ending in CR alone are lines', () => {
  const r = parseLogText(Array.from({ length: 50 }, (_, i) => `${iso(T0 + i * 1000)} x\r`).join(''), { tz: 'UTC' });
  expect([r.lines, r.parsed]).toEqual([50, 50]);
});

describe('analyze: a log kept for weeks around the captures', () => {
  const dir = path.join(REPO, 'captures', 'stunnel-freeze');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-long-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('three weeks of stunnel lines before the run (and a 1970 boot line): the plain log\'s verdict and silences', async () => {
    const plainText = fs.readFileSync(path.join(dir, 'stunnel.log'), 'utf8');
    const first = /^(\d{4})\.(\d\d)\.(\d\d) (\d\d):(\d\d):(\d\d)/.exec(plainText)!;
    const start = Date.UTC(+first[1], +first[2] - 1, +first[3], +first[4], +first[5], +first[6]);
    const fmt = (ms: number) => {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getUTCFullYear()}.${p(d.getUTCMonth() + 1)}.${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
    };
    // One line every 10 minutes for 21 days, ending an hour and a half before the run.
    const before: string[] = ['1970.01.01 00:00:07 LOG5[main]: stunnel starting (clock not set)'];
    for (let t = start - 21 * 86400e3; t < start - 5400e3; t += 600e3) before.push(`${fmt(t)} LOG5[main]: Service [https] accepted connection from 10.0.1.9:40000`);
    const long = path.join(tmp, 'stunnel.log');
    fs.writeFileSync(long, before.join('\n') + '\n' + plainText);
    const base = { baseDir: dir, parallel: false, captures: [{ file: 'firewall.pcap', vantage: 'firewall' }, { file: 'server.pcap', vantage: 'server' }], services: [{ component: 'stunnel', host: '10.0.2.2', port: 443 }], path: ['firewall', 'server'] };
    // The run's stunnel log is in New York time; the added lines are too (same format, same zone).
    const plain = await analyze({ ...base, logs: [{ file: 'stunnel.log', component: 'stunnel', timezone: 'America/New_York' }] });
    const weeks = await analyze({ ...base, logs: [{ file: long, component: 'stunnel', timezone: 'America/New_York' }] });
    expect(weeks.incidents.map((i) => [i.start, i.end, i.culprit.component])).toEqual(plain.incidents.map((i) => [i.start, i.end, i.culprit.component]));
    expect(weeks.incidents[0].culprit.component).toBe('stunnel');
    const w = weeks.sources.find((s) => s.type === 'log')!;
    const p = plain.sources.find((s) => s.type === 'log')!;
    expect(w.lines).toBe((p.lines as number) + before.length);
    expect(w.silences).toEqual(expect.arrayContaining(p.silences as unknown[]));
  });
});

test('a three-year syslog file (yearless, three New Years) is read with every line kept and the right years', async () => {
  const { readLog, logsDocument } = await import('../../lib/logs');
  const M = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const start = Date.UTC(2023, 2, 1, 12);
  const times: number[] = [];
  for (let i = 0; i < 3 * 365; i += 3) times.push(start + i * 86400e3 + i * 37e3);
  const text = times
    .map((ms) => {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${M[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} host prog[1]: msg\n`;
    })
    .join('');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-3y-'));
  const f = path.join(tmp, 'messages');
  fs.writeFileSync(f, text);
  const mtime = new Date(times[times.length - 1] + 3600e3);
  fs.utimesSync(f, mtime, mtime);
  try {
    const r = await readLog(f, { tz: 'UTC', keepEvents: true });
    expect([r.parsed, r.unparsed]).toEqual([times.length, 0]);
    expect(r.first).toBe(times[0] / 1000);
    expect(r.last).toBe(times[times.length - 1] / 1000);
    expect(Array.from(r.events!.time)).toEqual(times.map((t) => t / 1000));
    expect(r.assumedYear).toBe(2023);
    expect(logsDocument(r).assumedYear).toBe(2023);
    // The same bytes in memory with the file's time: the same years.
    const m = parseLogText(text, { tz: 'UTC', mtime: mtime.getTime() / 1000 });
    expect([m.first, m.last]).toEqual([r.first, r.last]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
