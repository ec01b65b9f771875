/**
 * Logs in sets (issue #16): a rotated syslog set read as one log, one program's lines picked
 * from it, years across New Year, error and restart lines per bin, and steady vs sparse logs.
 *
 * The syslog sets are written by the test from the lab's real stunnel log
 * (`captures/stunnel-freeze/stunnel.log`), so that the set must give what the plain log gives.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { classifyLog, parseLogText, readLog, readLogSet, rotationOrder } from '../../lib/logs';
import type { LogScanResult } from '../../lib/logs';
import { lineClassifier, LineClass } from '../../lib/logs/lineclass';

const ROOT = path.join(__dirname, '..', '..');
const CAPTURES = path.join(ROOT, 'captures');
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'logs');
const NY = 'America/New_York';
const STUNNEL = path.join(CAPTURES, 'stunnel-freeze', 'stunnel.log');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-logsets-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, data: string | Buffer, mtime?: Date): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  if (mtime) fs.utimesSync(p, mtime, mtime);
  return p;
}

/** `2026.11.25 08:37:59 LOG5[0]: …` → `Nov 25 08:37:59 srv stunnel[4242]: LOG5[0]: …`. */
function toSyslog(line: string): string {
  const m = /^(\d{4})\.(\d\d)\.(\d\d) (\d\d:\d\d:\d\d) (.*)$/.exec(line)!;
  const day = String(Number(m[3])).padStart(2, ' ');
  return `${MONTHS[Number(m[2]) - 1]} ${day} ${m[4]} srv stunnel[4242]: ${m[5]}`;
}

/** The syslog time prefix (`Nov 25 08:37:59`) of a syslog line. */
const stamp = (syslogLine: string) => syslogLine.slice(0, 15);

const OTHERS = [
  (t: string) => `${t} srv CRON[9914]: (root) CMD (run-parts /etc/cron.hourly)`,
  (t: string) => `${t} srv sshd[812]: Accepted publickey for ops from 10.0.0.9 port 50122 ssh2: ED25519 SHA256:x`,
  (t: string) => `${t} srv kernel: [123456.789012] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex`,
  // Another program whose name starts like the one picked, and an error of its own.
  (t: string) => `${t} srv stunnel4-helper[77]: LOG3[0]: not stunnel's line`,
  (t: string) => `${t} srv systemd[1]: Started Session 5 of user ops.`,
];

/** Each stunnel line as syslog, with other programs' lines between (also inside stunnel's silence). */
function messagesOf(stunnelLines: string[]): { lines: string[]; others: number } {
  const out: string[] = [];
  let others = 0;
  stunnelLines.forEach((l, i) => {
    const s = toSyslog(l);
    if (i % 3 === 0) {
      out.push(OTHERS[others % OTHERS.length](stamp(s)));
      others++;
    }
    out.push(s);
  });
  return { lines: out, others };
}

const same = (a: LogScanResult, b: LogScanResult) => {
  expect(a.first).toBe(b.first);
  expect(a.last).toBe(b.last);
  expect(a.counted).toBe(b.counted);
  expect(a.grid!.origin).toBe(b.grid!.origin);
  expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
  expect(a.silence.silences.map((s) => [s.start, s.end, s.duration, s.kind])).toEqual(b.silence.silences.map((s) => [s.start, s.end, s.duration, s.kind]));
  expect(Array.from(a.errorCounts)).toEqual(Array.from(b.errorCounts));
  expect(Array.from(a.restartCounts)).toEqual(Array.from(b.restartCounts));
};

describe('readLogSet: a rotated syslog set read as one log', () => {
  test('the lab stunnel log inside a three-file syslog set (oldest gzipped, other programs between) gives the plain log\'s first, last, counts and silences', async () => {
    const plain = await readLog(STUNNEL, { tz: NY });
    expect(plain.silence.silences.length).toBeGreaterThan(0); // the freeze
    // Other programs keep writing while stunnel is frozen: one cron line every 5 s of the silence.
    const lines = fs.readFileSync(STUNNEL, 'utf8').trimEnd().split('\n');
    const { lines: msgs, others } = messagesOf(lines);
    const third = Math.floor(msgs.length / 3);
    const mtime = new Date('2026-11-25T14:00:00Z');
    const oldest = write('set1/messages.2.gz', gzipSync(msgs.slice(0, third).join('\n') + '\n'), new Date('2026-11-25T13:38:30Z'));
    const middle = write('set1/messages.1', msgs.slice(third, 2 * third).join('\n') + '\n', new Date('2026-11-25T13:39:00Z'));
    const newest = write('set1/messages', msgs.slice(2 * third).join('\n') + '\n', mtime);
    const r = await readLogSet([middle, newest, oldest], { program: 'stunnel', tz: NY });
    expect(r.files).toEqual([oldest, middle, newest]);
    expect(r.format).toBe('syslog');
    expect(r.program).toBe('stunnel');
    expect(r.programLines).toBe(lines.length);
    expect(r.otherProgramLines).toBe(others);
    expect(r.lines).toBe(msgs.length);
    expect(r.unparsed).toBe(0);
    expect(r.assumedYear).toBe(2026);
    same(r, plain);
    expect(r.errors).toBe(plain.errors);
    expect(r.restarts).toBe(plain.restarts);
  });

  test('without program, every program\'s lines count', async () => {
    const lines = fs.readFileSync(STUNNEL, 'utf8').trimEnd().split('\n').slice(0, 90);
    const { lines: msgs, others } = messagesOf(lines);
    const f = write('set2/messages', msgs.join('\n') + '\n', new Date('2026-11-25T14:00:00Z'));
    const r = await readLogSet([f], { tz: NY });
    expect(r.counted).toBe(lines.length + others);
    expect(r.program).toBeNull();
    // The other stunnel-like program's LOG3 lines are errors when every line counts …
    const only = await readLogSet([f], { tz: NY, program: 'stunnel' });
    expect(r.errors - only.errors).toBe(Math.ceil(90 / 3 / OTHERS.length));
    // … and `Started Session` of systemd a restart; picking stunnel drops both.
    expect(r.restarts - only.restarts).toBe(Math.floor((Math.ceil(90 / 3) + 0) / OTHERS.length));
  });

  test('a set across New Year gets the right years: the newest file\'s last line takes its mtime\'s year, earlier lines walk back', async () => {
    const day = (mon: string, d: number, h: number) => `${mon} ${String(d).padStart(2, ' ')} ${String(h).padStart(2, '0')}:00:00`;
    const older = [day('Dec', 30, 10), day('Dec', 31, 23)].map((t) => `${t} srv stunnel[1]: LOG5[0]: tick`);
    const newer = [day('Jan', 1, 0), day('Jan', 2, 9)].map((t) => `${t} srv stunnel[1]: LOG5[0]: tick`);
    const a = write('ny/messages.1', older.join('\n') + '\n', new Date('2027-01-01T05:00:00Z'));
    const b = write('ny/messages', newer.join('\n') + '\n', new Date('2027-01-02T15:00:00Z'));
    const r = await readLogSet([b, a], { tz: NY, interval: '1h' });
    expect(r.files).toEqual([a, b]);
    expect(r.first).toBe(Date.parse('2026-12-30T15:00:00Z') / 1000);
    expect(r.last).toBe(Date.parse('2027-01-02T14:00:00Z') / 1000);
    expect(r.backwards).toBe(0);
    expect(r.assumedYear).toBe(2026);
    // The last line is never after the mtime: Dec 31 with a Jan 1 mtime is the year before.
    const c = write('ny2/messages', older.join('\n') + '\n', new Date('2027-01-01T05:00:00Z'));
    expect((await readLogSet([c], { tz: NY })).assumedYear).toBe(2026);
  });

  test('a set longer than a year is walked back from its newest line (the first pass\'s guess is corrected)', async () => {
    // Jan 2026 … Dec 2026 … Jan 2027, newest mtime in Jan 2027: the first line is Jan 2026.
    const months = [...MONTHS.map((m) => `${m} 15 12:00:00`), 'Jan 10 12:00:00'];
    const text = months.map((t) => `${t} srv app[1]: monthly`).join('\n') + '\n';
    const f = write('year/messages', text, new Date('2027-01-20T12:00:00Z'));
    const r = await readLogSet([f], { tz: 'UTC', interval: '24h' });
    expect(r.assumedYear).toBe(2026);
    expect(r.first).toBe(Date.parse('2026-01-15T12:00:00Z') / 1000);
    expect(r.last).toBe(Date.parse('2027-01-10T12:00:00Z') / 1000);
    expect(r.backwards).toBe(0);
  });

  test('warnings name the member file and count its lines from 1', async () => {
    const a = write('warn/app.log.1', 'Nov 25 08:00:00 srv app[1]: a\nNov 25 08:00:01 srv app[1]: b\n', new Date('2026-11-25T14:00:00Z'));
    const b = write('warn/app.log', 'Nov 25 08:00:02 srv app[1]: c\nNov 99 08:00:03 srv app[1]: bad date\n', new Date('2026-11-25T14:00:00Z'));
    const r = await readLogSet([a, b], { tz: 'UTC' });
    expect(r.warnings).toEqual([expect.objectContaining({ file: b, line: 2, code: 'unparsable_timestamp' })]);
    expect(r.parsed).toBe(3);
  });

  test('a damaged gzip member is a warning naming it; what it gave and the other files are read', async () => {
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `Nov 25 08:${String(from + i).padStart(2, '0')}:00 srv app[1]: line ${from + i}`).join('\n') + '\n';
    const gz = gzipSync(lines(0, 20));
    const a = write('damaged/app.log.2.gz', gz.subarray(0, gz.length - 12), new Date('2026-11-25T14:00:00Z'));
    const b = write('damaged/app.log.1', lines(20, 10), new Date('2026-11-25T14:00:00Z'));
    const c = write('damaged/app.log', lines(30, 10), new Date('2026-11-25T14:00:00Z'));
    const r = await readLogSet([c, b, a], { tz: 'UTC' });
    expect(r.files).toEqual([a, b, c]);
    // The cut member ends inside a line: that line is unparsable (its first bytes), then the cut.
    expect(r.warnings.map((w) => [w.file, w.code])).toEqual([[a, 'unparsable_timestamp'], [a, 'input_damaged']]);
    expect(r.counted).toBe(r.parsed);
    expect(r.counted).toBeGreaterThanOrEqual(20);
    expect(r.last).toBe(Date.parse('2026-11-25T08:39:00Z') / 1000);
  });

  test('program picks RFC 5424 app-names, `prog:` tags without a pid, and skips other programs\' continuation lines', () => {
    const text = [
      '<30>1 2026-11-25T13:37:59.000001Z srv stunnel 4242 - - LOG5[0]: Service [https] accepted connection',
      '<27>1 2026-11-25T13:38:00Z srv stunnel 4242 - - s_connect: connect 127.0.0.1:8080: Connection refused (111)',
      '<30>1 2026-11-25T13:38:01Z srv cron 99 - [meta sequenceId="1"] not ours',
      '  an indented continuation of cron\'s entry',
      '<11>1 2026-11-25T13:38:02Z srv stunnel 4242 ID47 [x a="\\]"] LOG5[ui]: Configuration successful',
    ].join('\n') + '\n';
    const r = parseLogText(text, { program: 'stunnel', tz: 'UTC' });
    expect(r.format).toBe('rfc5424');
    expect([r.counted, r.programLines, r.otherProgramLines, r.continuation]).toEqual([3, 3, 2, 0]);
    // Severity 3 (<27>, <11>) is an error; the [ui] banner also a restart.
    expect([r.errors, r.restarts]).toEqual([2, 1]);
    const bsd = parseLogText('Nov 25 13:37:59 srv stunnel: LOG5[0]: a\nNov 25 13:37:59 srv stunnel4: LOG5[0]: b\n<13>Nov 25 13:38:00 stunnel[9]: LOG3[1]: c\n', { program: 'stunnel', tz: 'UTC', year: 2026 });
    expect([bsd.counted, bsd.otherProgramLines, bsd.errors]).toEqual([2, 1, 1]);
    const plain = parseLogText('2026.11.25 08:37:59 LOG5[0]: x\n', { program: 'stunnel', tz: 'UTC' });
    expect(plain.program).toBeNull();
    expect(plain.counted).toBe(1);
    expect(plain.warnings.map((w) => w.code)).toEqual(['program_ignored']);
  });
});

describe('rotationOrder', () => {
  test('orders rotations oldest first: higher numbers older, dates ascending, the live file last', () => {
    expect(rotationOrder(['messages', 'messages.2.gz', 'messages.1', 'messages.10.gz'])).toEqual(['messages.10.gz', 'messages.2.gz', 'messages.1', 'messages']);
    expect(rotationOrder(['/l/access.log.1', '/l/access.log'])).toEqual(['/l/access.log.1', '/l/access.log']);
    expect(rotationOrder(['messages', 'messages-20261125', 'messages-20261124.gz'])).toEqual(['messages-20261124.gz', 'messages-20261125', 'messages']);
    expect(rotationOrder(['a.log', 'b.log'])).toBeNull();
    expect(rotationOrder(['messages.1', 'messages-20261124'])).toBeNull();
  });

  test('names that do not tell are ordered by their first timestamps', async () => {
    const late = write('byfirst/late.log', '2026-11-25T10:00:00Z b\n');
    const early = write('byfirst/early-and-gzipped.txt', gzipSync('2026-11-25T09:00:00Z a\n'));
    const r = await readLogSet([late, early], { tz: 'UTC' });
    expect(r.files).toEqual([early, late]);
    expect(r.backwards).toBe(0);
  });
});

/** The lab's scenarios and their logs. */
const SCENARIOS = fs.readdirSync(CAPTURES).filter((d) => fs.existsSync(path.join(CAPTURES, d, 'stunnel.log')));

describe('line classes: errors and restarts per bin', () => {
  test.each([
    // grep -c 'LOG[0-3]\[' + grep -c 'LOG[4-9]\[[^]]*\]: Connection reset'
    ['stunnel-freeze', 130 + 129],
    ['stunnel-freeze-bigqueue', 515 + 514],
    ['healthy', 1],
  ])('%s stunnel.log: %i errors (LOG0–3 and Connection reset), its banner twice', async (scenario, errors) => {
    const r = await readLog(path.join(CAPTURES, scenario, 'stunnel.log'), { tz: NY });
    expect(r.errors).toBe(errors);
    expect(Array.from(r.errorCounts).reduce((a, b) => a + b, 0)).toBe(errors);
    expect(r.restarts).toBe(2); // `stunnel 5.68 on …` and `Configuration successful`, both [ui]
    expect(r.restartSamples[0]).toMatch(/LOG5\[ui\]: stunnel 5\.68 on/);
    expect(r.errorSamples.length).toBe(Math.min(5, errors));
    expect(r.errorCounts.length).toBe(r.counts.length);
  });

  test('stunnel-freeze: the Connection reset errors come after the freeze', async () => {
    const r = await readLog(STUNNEL, { tz: NY });
    const gap = r.silence.silences.find((s) => s.kind === 'gap')!;
    const binOf = (t: number) => Math.floor((t - r.grid!.origin) / r.interval);
    let before = 0;
    for (let i = 0; i < binOf(gap.start); i++) before += r.errorCounts[i];
    // Before the freeze: only the start-up LOG3 (no trusted certificates).
    expect(before).toBe(1);
  });

  test('the pre-check skips no line the full stunnel classifier would mark', async () => {
    for (const s of SCENARIOS) {
      const file = path.join(CAPTURES, s, 'stunnel.log');
      const full = lineClassifier('stunnel');
      const b = fs.readFileSync(file);
      let errors = 0;
      let restarts = 0;
      for (let pos = 0; pos < b.length; ) {
        const nl = b.indexOf(10, pos);
        const c = full(b, pos, nl, null);
        if (c & LineClass.ERROR) errors++;
        if (c & LineClass.RESTART) restarts++;
        pos = nl + 1;
      }
      const r = await readLog(file, { tz: NY });
      expect([s, r.errors, r.restarts]).toEqual([s, errors, restarts]);
    }
  });

  test('app-freeze error.log: one syscall failure (epoll_wait() failed), two start-up notices', async () => {
    const r = await readLog(path.join(CAPTURES, 'app-freeze', 'error.log'), { tz: NY });
    expect(r.errors).toBe(1);
    expect(r.errorSamples[0]).toMatch(/epoll_wait\(\) failed/);
    expect(r.restarts).toBe(2);
    expect(r.restartSamples.map((l) => l.replace(/^.*: /, ''))).toEqual(['using the "epoll" event method', 'start worker processes']);
  });

  test('access logs: a 5xx status is an error, 499 and 200 are not', async () => {
    for (const s of SCENARIOS) expect([s, (await readLog(path.join(CAPTURES, s, 'access.log'), { tz: NY })).errors]).toEqual([s, 0]);
    const lab = '2026-11-25T19:07:09+05:30 127.0.0.1:50854 "GET / HTTP/1.1" 504 167 60.001 "-" 1 1\n2026-11-25T19:07:10+05:30 127.0.0.1:50854 "GET /x HTTP/1.1" 499 0 1.0 "-" 1 2\n';
    expect(parseLogText(lab, { tz: 'UTC' }).errors).toBe(1);
    const combined = '10.0.0.1 - - [25/Nov/2026:08:35:14 -0500] "GET /a \\"q\\" HTTP/1.1" 502 153 "-" "curl/7.88.1"\n10.0.0.1 - - [25/Nov/2026:08:35:15 -0500] "GET / HTTP/1.1" 200 6 "-" "curl"\n';
    const r = parseLogText(combined, { tz: 'UTC' });
    expect([r.format, r.errors, Array.from(r.errorCounts)]).toEqual(['clf', 1, [1, 0]]);
  });

  test('text rules: connect() failed, upstream timed out, Connection refused, queue full; Starting/started daemons', () => {
    const lines = [
      '2026-11-25T10:00:00Z upstream timed out (110: Connection timed out) while reading response header',
      '2026-11-25T10:00:01Z connect() failed (111: Connection refused) while connecting to upstream',
      '2026-11-25T10:00:02Z accept queue full, dropping',
      '2026-11-25T10:00:03Z all fine',
      '2026-11-25T10:00:04Z Starting stunnel 5.68',
      '2026-11-25T10:00:05Z worker 3 started',
      '2026-11-25T10:00:06Z the job we started yesterday is half done',
    ];
    const r = parseLogText(lines.join('\n') + '\n', { tz: 'UTC' });
    expect([r.errors, r.restarts]).toEqual([3, 2]);
    expect(Array.from(r.errorCounts)).toEqual([1, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(r.restartCounts)).toEqual([0, 0, 0, 0, 1, 1, 0]);
  });

  test('with a match pattern, an entry\'s class counts only when the entry does', () => {
    const text = '2026.11.25 08:37:59 LOG3[1]: keep this failure\n2026.11.25 08:38:00 LOG3[2]: drop this one\n';
    const r = parseLogText(text, { tz: 'UTC', match: 'keep' });
    expect([r.counted, r.errors]).toEqual([1, 1]);
  });
});

describe('classifyLog: steady or sparse, from the log\'s own data', () => {
  test.each(SCENARIOS)('%s: stunnel.log and access.log are steady, error.log sparse', async (s) => {
    const c = async (f: string) => classifyLog(await readLog(path.join(CAPTURES, s, f), { tz: NY }));
    const [stunnel, access, error] = [await c('stunnel.log'), await c('access.log'), await c('error.log')];
    expect([stunnel.class, stunnel.why]).toEqual(['steady', expect.stringMatching(/traffic-driven/)]);
    expect(access.class).toBe('steady');
    expect([error.class, error.why]).toEqual(['sparse', expect.stringMatching(/lines are events/)]);
  });

  test('the fixtures\' real logs of other formats: nginx combined and syslog are steady, and so is an error log that logs every request', async () => {
    const c = async (f: string, o = {}) => classifyLog(await readLog(path.join(FIXTURES, f), { tz: NY, ...o }));
    expect((await c('nginx-access-combined.log')).class).toBe('steady');
    // make-fixtures.sh asks nginx for /missing every 0.5 s: each request writes an [error] line,
    // so this error log is traffic-driven (and its freeze is a real silence: fixtures.test.ts).
    expect((await c('nginx-error.log')).class).toBe('steady');
    expect((await c('syslog-5424.log')).class).toBe('steady');
    expect((await c('syslog-3164.log', { year: 2026 })).class).toBe('steady');
  });

  test('a log of a few events an hour is sparse; an empty one too', () => {
    const text = Array.from({ length: 12 }, (_, i) => `2026-11-25T${String(i).padStart(2, '0')}:17:00Z nightly job done`).join('\n') + '\n';
    const c = classifyLog(parseLogText(text, { tz: 'UTC' }));
    expect(c.class).toBe('sparse');
    expect(c.why).toMatch(/% of 60 s bins have lines/);
    expect(classifyLog(parseLogText('', { tz: 'UTC' })).class).toBe('sparse');
  });
});
