import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parseLogText, readLog, scanOptions } from '../../lib/logs';
import { LogScanner } from '../../lib/logs/ingest';

const DIR = join(__dirname, '..', 'fixtures', 'logs');
const UTC = { tz: 'UTC' };
const st = (hms: string, msg = 'LOG5[ui]: x') => `2026.11.23 ${hms} ${msg}`;

describe('line handling', () => {
  test('CRLF line ends are read like LF', () => {
    const r = parseLogText(`${st('10:00:00')}\r\n${st('10:00:01')}\r\n`, { ...UTC, keepEvents: true });
    expect(r.parsed).toBe(2);
    expect(r.unparsed).toBe(0);
    expect(r.last).toBe(Date.UTC(2026, 10, 23, 10, 0, 1) / 1000);
  });

  test('invalid UTF-8 and NUL bytes in the message do not matter; a NUL-padded line is unparsed', () => {
    const bytes = Buffer.concat([
      Buffer.from(st('10:00:00', 'LOG5[ui]: caf')), Buffer.from([0xe9, 0xff, 0xfe, 0x00, 0x41, 0x0a]),
      Buffer.from([0, 0, 0, 0, 0x0a]),
      Buffer.from(st('10:00:02') + '\n'),
    ]);
    const r = parseLogText(bytes, UTC);
    expect(r.lines).toBe(3);
    expect(r.parsed).toBe(2);
    expect(r.unparsed).toBe(1);
    expect(r.warnings[0]).toMatchObject({ line: 2, code: 'unparsable_timestamp' });
    expect(r.warnings[0].reason).toMatch(/control byte 0x00/);
  });

  test('a UTF-8 byte order mark before the first line is skipped', () => {
    const r = parseLogText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(st('10:00:00') + '\n')]), UTC);
    expect(r.parsed).toBe(1);
    expect(r.format).toBe('stunnel');
  });

  test('a line longer than the limit is cut with a warning, its timestamp still read', () => {
    const long = st('10:00:01', 'LOG5[ui]: ' + 'A'.repeat(200_000));
    const r = parseLogText(`${st('10:00:00')}\n${long}\n${st('10:00:02')}\n`, UTC);
    expect(r.parsed).toBe(3);
    expect(r.cutLines).toBe(1);
    expect(r.warnings).toEqual([expect.objectContaining({ line: 2, code: 'line_too_long' })]);
  });

  test('continuation lines (a stack trace) belong to the entry before; garbled stamps are unparsed', () => {
    const log = [
      '2026-11-23 10:00:00,001 ERROR request failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.Handler.run(Handler.java:42)',
      '    at java.base/java.lang.Thread.run(Thread.java:833)',
      'Caused by: java.io.IOException: Broken pipe',
      '',
      '2026-11-23 10:00:01,002 INFO recovered',
      '2026-1l-23 10:00:02,000 INFO a garbled stamp',
      '2026-11-23 10:00:03,000 INFO last',
    ].join('\n');
    const r = parseLogText(log, UTC);
    expect(r.format).toBe('iso8601');
    expect(r.lines).toBe(9);
    expect(r.parsed).toBe(3);
    expect(r.continuation).toBe(5);
    expect(r.unparsed).toBe(1);
    expect(r.lines).toBe(r.parsed + r.unparsed + r.continuation);
    expect(r.warnings).toEqual([expect.objectContaining({ line: 8, code: 'unparsable_timestamp', file: null })]);
  });

  test('only the first unparsed lines are listed, then one summary', () => {
    const log = Array.from({ length: 20 }, (_, i) => (i % 2 ? '2026.11.23 99:00:00 LOG5[ui]: bad' : st('10:00:00'))).join('\n');
    const r = parseLogText(log, { ...UTC, file: 'x.log' });
    expect(r.unparsed).toBe(10);
    expect(r.warnings.map((w) => w.line)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(r.warnings[5].reason).toMatch(/5 more lines .* first of them at line 12/);
    expect(r.warnings[0].file).toBe('x.log');
  });

  test('times that go backwards are kept and counted', () => {
    const r = parseLogText([st('10:00:05'), st('10:00:01'), st('10:00:06')].join('\n'), { ...UTC, keepEvents: true });
    expect(r.parsed).toBe(3);
    expect(r.backwards).toBe(1);
    expect(r.first).toBe(Date.UTC(2026, 10, 23, 10, 0, 1) / 1000);
    expect(r.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  test('an empty log is a valid, empty report', () => {
    const r = parseLogText('', UTC);
    expect(r).toMatchObject({ lines: 0, parsed: 0, first: null, last: null, format: 'unknown' });
    expect(r.counts).toHaveLength(0);
  });
});

describe('chunking and sources', () => {
  const text = readFileSync(join(DIR, 'stunnel.log'));

  test('feeding the log byte by byte gives the same result as all at once', () => {
    const whole = parseLogText(text, { tz: 'UTC' });
    const s = new LogScanner(scanOptions({ tz: 'UTC' }));
    for (let i = 0; i < text.length; i += 7) s.push(text.subarray(i, Math.min(i + 7, text.length)));
    const pieces = s.finish();
    expect(pieces.lines).toBe(whole.lines);
    expect(pieces.parsed).toBe(whole.parsed);
    expect(Array.from(pieces.counts)).toEqual(Array.from(whole.counts));
    expect(pieces.silence.silences).toEqual(whole.silence.silences);
  });

  test('a .gz file is read transparently, in memory and streamed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alibi-logs-'));
    try {
      const gz = join(dir, 'stunnel.log.gz');
      writeFileSync(gz, gzipSync(text));
      const plain = parseLogText(text, UTC);
      const streamed = await readLog(gz, UTC);
      expect(streamed.lines).toBe(plain.lines);
      expect(Array.from(streamed.counts)).toEqual(Array.from(plain.counts));
      expect(parseLogText(gzipSync(text), UTC).parsed).toBe(plain.parsed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a truncated .gz keeps what was decoded and warns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alibi-logs-'));
    try {
      const gz = join(dir, 'cut.log.gz');
      const full = gzipSync(Buffer.concat([text, text, text]));
      writeFileSync(gz, full.subarray(0, Math.floor(full.length * 0.6)));
      const r = await readLog(gz, UTC);
      expect(r.parsed).toBeGreaterThan(0);
      expect(r.warnings.some((w) => w.code === 'input_damaged')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stream (stdin) is read in chunks', async () => {
    const chunks = [text.subarray(0, 1000), text.subarray(1000, 5000), text.subarray(5000)];
    const r = await readLog(Readable.from(chunks), UTC);
    expect(r.lines).toBe(parseLogText(text, UTC).lines);
  });

  test('a missing file is an InputError', async () => {
    await expect(readLog(join(DIR, 'no-such.log'))).rejects.toMatchObject({ name: 'InputError' });
  });
});

describe('--match counts only the entries of interest', () => {
  const log = [
    st('10:00:00', 'LOG5[1]: Service [https] accepted connection from 10.0.0.1:1'),
    st('10:00:00', 'LOG5[1]: s_connect: connected 127.0.0.1:8080'),
    st('10:00:01', 'LOG5[2]: Service [https] accepted connection from 10.0.0.1:2'),
    st('10:00:40', 'LOG3[3]: transfer: s_poll_wait: TIMEOUTclose exceeded'),
    st('10:00:41', 'LOG5[4]: Service [https] accepted connection from 10.0.0.1:3'),
    st('10:01:30', 'LOG5[4]: Connection closed'),
  ].join('\n');

  test('bins hold matching entries; first/last and the bin range stay the whole log', () => {
    const r = parseLogText(log, { ...UTC, match: 'accepted connection', minGap: '30s', keepEvents: true });
    expect(r.counted).toBe(3);
    expect(r.parsed).toBe(6);
    expect(r.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(r.counts).toHaveLength(91);
    expect(Array.from(r.events!.line)).toEqual([1, 3, 5]);
    // silences of the matching entries: 10:00:01→10:00:41, and after the last one to the log's end
    expect(r.silence.silences.map((s) => [s.start - r.first!, s.end - r.first!])).toEqual([[1, 41], [41, 90]]);
  });

  test('a continuation line can make its entry match', () => {
    const r = parseLogText(`${st('10:00:00')}\n  detail: accepted connection\n${st('10:00:01')}\n`, { ...UTC, match: /accepted/ });
    expect(r.counted).toBe(1);
  });

  test('a bad regex is a usage error', () => {
    expect(() => parseLogText(log, { ...UTC, match: '(' })).toThrow(/--match/);
  });
});
