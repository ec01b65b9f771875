import { parseLogText, detectFormat, formatByName, luxonFormat } from '../../lib/logs';
import { ArgumentError } from '../../lib/errors';

const NY = 'America/New_York';
/** UTC ISO (ms) of the single entry of a one-line log. */
function one(line: string, opts: Parameters<typeof parseLogText>[1] = {}): string | null {
  const r = parseLogText(line + '\n', { tz: NY, ...opts });
  return r.first === null ? null : new Date(Math.round(r.first * 1000)).toISOString();
}

describe('built-in formats read real lines to the right UTC instant', () => {
  test('stunnel (local time in --tz, EST in November)', () => {
    expect(one('2026.11.23 15:42:03 LOG5[ui]: Service [https] accepted connection from 10.0.2.15:51234', { format: 'stunnel' }))
      .toBe('2026-11-23T20:42:03.000Z');
  });
  test('stunnel in summer uses EDT', () => {
    expect(one('2026.07.01 12:00:00 LOG5[3]: Connection closed: 517 byte(s) sent to TLS', { format: 'stunnel' }))
      .toBe('2026-07-01T16:00:00.000Z');
  });
  test('syslog RFC 3164 with its year from the option, and a space-padded day', () => {
    expect(one('Nov 23 15:42:03 vm alibi-fixture: tick 1', { format: 'syslog', year: 2026 })).toBe('2026-11-23T20:42:03.000Z');
    expect(one('Nov  3 05:06:07 vm sshd[812]: Accepted publickey', { format: 'syslog', year: 2026 })).toBe('2026-11-03T10:06:07.000Z');
  });
  test('RFC 5424 as rsyslog writes it (µs and an offset)', () => {
    const r = parseLogText('<13>1 2026-11-25T08:35:14.195817-05:00 vm alibi-fixture - - -  tick 1\n', { format: 'rfc5424' });
    expect(r.first! * 1e6).toBeCloseTo(Date.UTC(2026, 10, 25, 13, 35, 14) * 1000 + 195817, 0);
    expect(r.fracDigits).toBe(6);
    expect(r.timezone).toBe('-05:00');
    expect(r.zoneSource).toBe('log');
  });
  test('ISO-8601 with offset, with Z, with fraction, and without offset (read in --tz)', () => {
    expect(one('2026-11-25T08:35:12-05:00 127.0.0.1 "GET / HTTP/1.1" 200 6 0.000', { format: 'iso8601' })).toBe('2026-11-25T13:35:12.000Z');
    expect(one('2026-11-25T13:35:12.5Z hello', { format: 'iso8601' })).toBe('2026-11-25T13:35:12.500Z');
    expect(one('2026-11-25 08:35:12,250 INFO main started', { format: 'iso8601' })).toBe('2026-11-25T13:35:12.250Z');
    expect(one('[2026-11-25T14:35:12+01:00] x', { format: 'iso8601' })).toBe('2026-11-25T13:35:12.000Z');
    expect(one('2026-11-25T08:35:12+05:30 x', { format: 'iso8601' })).toBe('2026-11-25T03:05:12.000Z');
  });
  test('Common/Combined Log Format (nginx combined)', () => {
    expect(one('127.0.0.1 - - [25/Nov/2026:08:35:12 -0500] "GET / HTTP/1.1" 200 6 "-" "curl/7.88.1"', { format: 'clf' }))
      .toBe('2026-11-25T13:35:12.000Z');
    expect(one('10.1.2.3 - bob [23/Nov/2026:15:42:03 +0530] "GET /a HTTP/1.0" 404 0', { format: 'clf' })).toBe('2026-11-23T10:12:03.000Z');
  });
  test('nginx error log (local time)', () => {
    expect(one('2026/11/25 08:35:12 [error] 16101#16101: *3 open() "/x/missing" failed (2: No such file or directory)', { format: 'nginx-error' }))
      .toBe('2026-11-25T13:35:12.000Z');
  });
  test('epoch seconds (nginx $msec), milliseconds, microseconds', () => {
    expect(one('1795613209.426 127.0.0.1 "GET / HTTP/1.1" 200 6', { format: 'epoch' })).toBe('2026-11-25T13:26:49.426Z');
    expect(one('1700000000123 INFO x', { format: 'epoch' })).toBe('2023-11-14T22:13:20.123Z');
    expect(one('1700000000123456 x', { format: 'epoch' })).toBe('2023-11-14T22:13:20.123Z');
    expect(parseLogText('1795613209.426 x\n', { format: 'epoch' }).timezone).toBe('UTC');
  });
  test('journalctl -o short-iso (offset without colon)', () => {
    expect(one('2026-11-23T15:42:03+0100 vm systemd[1]: Started Session 4 of user root.', { format: 'journal' }))
      .toBe('2026-11-23T14:42:03.000Z');
  });
  test('a luxon format string, local and with an offset token', () => {
    expect(one('23/11/2026 15:42:03 worker-1 job done', { format: 'dd/MM/yyyy HH:mm:ss' })).toBe('2026-11-23T20:42:03.000Z');
    expect(one('23-Nov-2026 15:42:03.250 +01:00 | x', { format: 'dd-MMM-yyyy HH:mm:ss.SSS ZZ' })).toBe('2026-11-23T14:42:03.250Z');
  });
  test('a luxon format string without a year takes the year rules of syslog', () => {
    expect(one('Nov 23 15:42:03 x', { format: 'MMM d HH:mm:ss', year: 2026 })).toBe('2026-11-23T20:42:03.000Z');
  });
  test('the extra spellings map to the same formats', () => {
    expect(formatByName('combined')!.name).toBe('clf');
    expect(formatByName('rfc3339')!.name).toBe('iso8601');
    expect(formatByName('auto')).toBeNull();
  });
  test('an unusable luxon format is a usage error', () => {
    expect(() => luxonFormat('')).toThrow(ArgumentError);
  });
});

describe('impossible timestamps are unparsed, not guessed', () => {
  test.each([
    ['2026.13.01 00:00:00 LOG5[ui]: month 13', 'stunnel'],
    ['2026.02.29 00:00:00 LOG5[ui]: not a leap year', 'stunnel'],
    ['2026.11.31 00:00:00 LOG5[ui]: November has 30 days', 'stunnel'],
    ['2026.11.23 24:00:00 LOG5[ui]: hour 24', 'stunnel'],
    ['2026-11-23T15:42:03+25:00 offset too large', 'iso8601'],
    ['1234567 short number', 'epoch'],
  ])('%s', (line, format) => {
    const r = parseLogText(line + '\n', { format, tz: 'UTC' });
    expect(r.parsed).toBe(0);
    expect(r.unparsed).toBe(1);
    expect(r.warnings[0]).toMatchObject({ line: 1, code: 'unparsable_timestamp' });
  });
  test('Feb 29 of a leap year is fine', () => {
    expect(one('2028.02.29 00:00:00 LOG5[ui]: leap', { format: 'stunnel', tz: 'UTC' })).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('format detection from the first lines', () => {
  const cases: [string, string][] = [
    ['2026.11.23 15:42:03 LOG5[ui]: stunnel 5.68 on x86_64-pc-linux-gnu platform', 'stunnel'],
    ['2026/11/23 15:42:03 [notice] 7847#7847: using the "epoll" event method', 'nginx-error'],
    ['<13>1 2026-11-25T08:26:49.409986-05:00 vm alibi-fixture - - -  tick 1', 'rfc5424'],
    ['2026-11-23T15:42:03+0100 vm systemd[1]: Started x.', 'journal'],
    ['2026-11-25T08:26:49-05:00 127.0.0.1 "GET / HTTP/1.1" 200 6 0.000', 'iso8601'],
    ['2026-11-25T08:26:49.409986-05:00 vm alibi-fixture: tick 1', 'iso8601'],
    ['Nov 25 08:26:49 vm alibi-fixture: tick 1', 'syslog'],
    ['127.0.0.1 - - [25/Nov/2026:08:26:49 -0500] "GET / HTTP/1.1" 200 6 "-" "curl/7.88.1"', 'clf'],
    ['1795613209.426 127.0.0.1 "GET / HTTP/1.1" 200 6', 'epoch'],
  ];
  test.each(cases)('%s → %s', (line, name) => {
    const text = Buffer.from(`${line}\n${line}\n`);
    expect(detectFormat(text)!.format.name).toBe(name);
  });
  test('nothing readable gives null (and readLog a LogFormatError)', () => {
    expect(detectFormat(Buffer.from('hello\nworld\n'))).toBeNull();
    expect(() => parseLogText('hello\nworld\n')).toThrow(/no known timestamp format/);
  });
});
