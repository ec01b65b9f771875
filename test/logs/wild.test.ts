/**
 * Logs in the wild (#18): every fixture in test/logs/wild — written by the real program where
 * Debian ships it, else to the system's documented format — is read with no options (its zone
 * and, for yearless logs, its file time are the writing machine's, not options), and gives the
 * first and last time, the entry count and the per-minute counts that test/logs/wild/make/expect.py
 * computed on its own (Python regexes and strptime per fixture, never this project's reader).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLog, type ReadLogOptions } from '../../lib/logs';

const ROOT = path.join(__dirname, 'wild');

interface Expected {
  system: string;
  producer: 'real' | 'hand';
  file: string;
  shape: string;
  tz: string;
  mtime?: string;
  options: { timeField?: number; timeRegex?: string; format?: string };
  entries: number;
  first: string;
  last: string;
  perMinute: Record<string, number>;
}

const fixtures = fs
  .readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'make')
  .map((d) => d.name)
  .sort();

/** Epoch seconds (float, from µs) → ISO with milliseconds, sub-ms digits cut as expect.py does. */
function isoMs(t: number): string {
  const us = Math.round(t * 1e6);
  return new Date(Math.floor(us / 1000)).toISOString();
}

describe('logs in the wild: read exactly with no options', () => {
  test('the corpus has at least 25 systems, real programs among them', () => {
    const exp = fixtures.map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, f, 'expected.json'), 'utf8')) as Expected);
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    expect(exp.filter((e) => e.producer === 'real').length).toBeGreaterThanOrEqual(10);
  });

  test.each(fixtures)('%s', async (id) => {
    const exp = JSON.parse(fs.readFileSync(path.join(ROOT, id, 'expected.json'), 'utf8')) as Expected;
    const opts: ReadLogOptions = { tz: exp.tz, interval: '60s', ...exp.options };
    if (exp.mtime) opts.mtime = Date.parse(exp.mtime) / 1000;
    const r = await readLog(path.join(ROOT, id, exp.file), opts);
    const got = {
      entries: r.parsed,
      first: r.first === null ? null : isoMs(r.first),
      last: r.last === null ? null : isoMs(r.last),
      perMinute: {} as Record<string, number>,
    };
    if (r.grid) {
      r.counts.forEach((n, i) => {
        if (n > 0) got.perMinute[new Date(r.grid!.startOf(i) * 1000).toISOString().replace('.000Z', 'Z')] = n;
      });
    }
    expect({ format: r.format, ...got }).toEqual({ format: r.format, entries: exp.entries, first: exp.first, last: exp.last, perMinute: exp.perMinute });
    // Read with no option at all where none is listed: the format was found, not named.
    if (Object.keys(exp.options).length === 0) expect(r.detected).toBe(true);
  });
});
