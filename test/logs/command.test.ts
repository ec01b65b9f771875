import { join } from 'node:path';
import { logsCommand } from '../../lib/cli/logs';

const DIR = join(__dirname, '..', 'fixtures', 'logs');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await logsCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('alibi logs', () => {
  test('--json prints the SPEC document', async () => {
    const { code, out } = await run([join(DIR, 'stunnel.log'), '--tz', 'America/New_York', '--json']);
    expect(code).toBe(0);
    const d = JSON.parse(out);
    expect(Object.keys(d).slice(0, 10)).toEqual([
      'format', 'timezone', 'lines', 'parsed', 'unparsed', 'first', 'last', 'bins', 'silences', 'warnings',
    ]);
    expect(d).toMatchObject({ format: 'stunnel', timezone: 'America/New_York', unparsed: 0, warnings: [] });
    expect(d.first).toMatch(/^2026-11-25T13:\d\d:\d\dZ$/);
    expect(d.bins[0]).toEqual({ start: d.first, lines: expect.any(Number) });
    expect(d.silences).toEqual([{ start: expect.any(String), end: expect.any(String), duration: 20, kind: 'gap' }]);
  });

  test('human text names the format, the zone and the silences', async () => {
    const { code, out } = await run([join(DIR, 'stunnel.log'), '--tz', 'America/New_York']);
    expect(code).toBe(0);
    expect(out).toMatch(/format stunnel \(detected\); times read in America\/New_York \(--tz\)/);
    expect(out).toMatch(/→ .* 20 s {2}gap: no entry between lines \d+ and \d+/);
  });

  test('without --tz it says the machine zone was used', async () => {
    const { out } = await run([join(DIR, 'nginx-error.log')]);
    expect(out).toMatch(/this machine's zone; set --tz/);
  });

  test('--format, --match, --interval and --min-gap are honoured', async () => {
    const { code, out } = await run([
      join(DIR, 'stunnel.log'), '--format', 'stunnel', '--match', 'accepted connection', '--interval', '10s', '--min-gap', '15s', '--json',
    ]);
    expect(code).toBe(0);
    const d = JSON.parse(out);
    expect(d.interval).toBe(10);
    expect(d.minGap).toBe(15);
    expect(d.matched).toBeGreaterThan(0);
    expect(d.matched).toBeLessThan(d.parsed);
    expect(d.bins.every((b: { start: string }) => /:\d0Z$/.test(b.start))).toBe(true);
  });

  test('--help exits 0 and documents every option', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const o of ['--tz', '--format', '--match', '--interval', '--min-gap', '--json', '--year', 'stunnel', 'syslog', 'iso8601', 'clf', 'epoch']) {
      expect(out).toContain(o);
    }
  });

  test.each([
    [['--bogus', 'x.log']],
    [[]],
    [[join(DIR, 'stunnel.log'), '--tz', 'Nowhere/Land']],
    [[join(DIR, 'stunnel.log'), '--interval', 'fast']],
    [[join(DIR, 'stunnel.log'), '--match', '[']],
    [[join(DIR, 'syslog-3164.log'), '--year', 'last']],
  ])('usage errors exit 2: %j', async (args) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toMatch(/^alibi logs: /);
  });

  test('an unreadable or unrecognisable log exits 1', async () => {
    expect((await run([join(DIR, 'missing.log')])).code).toBe(1);
    const { code, err } = await run([join(DIR, 'make-fixtures.sh')]);
    expect(code).toBe(1);
    expect(err).toMatch(/no known timestamp format/);
  });
});
