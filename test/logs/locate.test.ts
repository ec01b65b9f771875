/**
 * Where the time is and how to read it (#18): the epoch-in-a-field and file-name-prefix cases of
 * the wild corpus read exactly with one option (--time-field, --time-regex, or a luxon format with
 * `X`), a `--format` that reads no date or hour is a usage error, a format that reads under half
 * of the lines says so with a sample, and a first line of megabytes hides nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError } from '../../lib/errors';
import { logsCommand } from '../../lib/cli/logs';
import { parseLogText, readLog } from '../../lib/logs';

const WILD = path.join(__dirname, 'wild');
const expected = (id: string) => JSON.parse(fs.readFileSync(path.join(WILD, id, 'expected.json'), 'utf8'));
const iso = (t: number | null) => (t === null ? null : new Date(Math.floor(Math.round(t * 1e6) / 1000)).toISOString());

describe('one option says where the time is', () => {
  test.each([
    ['bgl', { timeField: 2 }],
    ['bgl', { timeRegex: '^\\S+ (?<time>\\d+) ' }],
    ['thunderbird', { timeField: 2 }],
    ['hpc', { timeField: 5 }],
    ['hpc', { timeField: 5, format: 'epoch-s' }],
    ['openstack-nova', { timeField: 2 }],
    ['openstack-nova', { timeField: 2, format: 'yyyy-MM-dd HH:mm:ss.SSS' }],
  ])('%s with %j', async (id, opts) => {
    const exp = expected(id);
    const r = await readLog(path.join(WILD, id, exp.file), { tz: exp.tz, ...opts });
    expect([r.parsed, iso(r.first), iso(r.last)]).toEqual([exp.entries, exp.first, exp.last]);
    expect(r.detected).toBe(false);
  });

  test("luxon's X after a quoted literal (luxon 3 parses no X itself): `'- 'X`", () => {
    const r = parseLogText('- 1117838570 2005.06.03 R02 a\n- 1117838573 2005.06.03 R02 b\n', { format: "'- 'X" });
    expect([r.parsed, r.first, r.last, r.zoneSource]).toEqual([2, 1117838570, 1117838573, 'epoch']);
  });

  test('the field asked for only: the file name\'s own time before it is never taken', () => {
    const line = 'nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server x\n';
    expect(parseLogText(line.repeat(3), { tz: 'UTC', timeField: 2 }).first).toBe(Date.UTC(2017, 4, 16) / 1000 + 0.008);
    // The time is in field 2; field 3 holds only a clock: nothing read.
    expect(parseLogText(line.repeat(3), { tz: 'UTC', timeField: 3 }).parsed).toBe(0);
  });

  test('--time-field and --time-regex together, or a field 0, are usage errors', () => {
    expect(() => parseLogText('x\n', { timeField: 2, timeRegex: 'x' })).toThrow(ArgumentError);
    expect(() => parseLogText('x\n', { timeField: 0 })).toThrow(/timeField \(alibi --time-field\) must be a field number/);
    expect(() => parseLogText('x\n', { timeRegex: '(' })).toThrow(/--time-regex/);
  });
});

describe('a named format that cannot be right', () => {
  test('--format bogus is a usage error that says why and names the built-in formats', async () => {
    let err = '';
    const code = await logsCommand(['--format', 'bogus', path.join(WILD, 'bgl', 'BGL.log')], { stdout: () => undefined, stderr: (s) => void (err += s) });
    expect(code).toBe(2);
    expect(err).toMatch(/format \(alibi --format\) "bogus" reads no date or hour \(luxon tokens: o u s\)/);
    expect(err).toMatch(/ctime, .*logcat/);
  });

  test('a format reading under half of the lines: a warning with a sample line', () => {
    const text = '2026-12-03 13:44:53 a\n03/12/2026 13:44:54 b\n03/12/2026 13:44:55 c\n03/12/2026 13:44:56 d\n';
    const r = parseLogText(text, { tz: 'UTC', format: 'iso8601' });
    expect(r.warnings[0].code).toBe('format_mismatch');
    expect(r.warnings[0].reason).toMatch(/read the time of only 1 of 4 lines \(line 2: .*"03\/12\/2026 13:44:54 b"/);
  });
});

test('a first line of 2 MiB (a dumped blob) does not stop detection', () => {
  const lines = Array.from({ length: 10 }, (_, i) => `2026-12-03T13:44:${String(50 + i).slice(-2).padStart(2, '0')}Z ok\n`);
  const blob = 'x'.repeat(2 * 1024 * 1024) + '\n';
  const r = parseLogText(blob + lines.slice(0, 9).join(''), { tz: 'UTC' });
  expect(r.format).toBe('iso8601');
  expect(r.parsed).toBe(9);
});
