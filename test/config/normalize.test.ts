/**
 * A valid config of every shape becomes one normalized, frozen AnalyzeInput: interval in seconds,
 * one entry per vantage with absolute file lists, hosts as flow records print them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile, parseConfig } from '../../lib/config';
import { REPO } from '../helpers/corpus';
import { tree } from './helpers';

describe('the lab configs', () => {
  const configs = fs.readdirSync(path.join(REPO, 'captures')).map((d) => path.join(REPO, 'captures', d, 'alibi.json')).filter((f) => fs.existsSync(f));

  test('there are lab configs to check', () => expect(configs.length).toBeGreaterThanOrEqual(8));

  test.each(configs.map((f) => [path.relative(REPO, f)]))('%s parses cleanly', (rel) => {
    const input = loadConfigFile(path.join(REPO, rel));
    expect(input.captures.length + input.logs.length).toBeGreaterThan(0);
    for (const c of input.captures) for (const f of c.files) expect(path.isAbsolute(f)).toBe(true);
  });

  test('stunnel-freeze normalizes to the documented shape', () => {
    const dir = path.join(REPO, 'captures/stunnel-freeze');
    expect(loadConfigFile(path.join(dir, 'alibi.json'))).toEqual({
      interval: 1,
      captures: [
        { vantage: 'firewall', files: [path.join(dir, 'firewall.pcap')] },
        { vantage: 'server', files: [path.join(dir, 'server.pcap')] },
        { vantage: 'loopback', files: [path.join(dir, 'loopback.pcapng')] },
      ],
      logs: [
        { component: 'stunnel', files: [path.join(dir, 'stunnel.log')], timezone: 'America/New_York' },
        { component: 'backend', files: [path.join(dir, 'access.log')] },
      ],
      services: [
        { component: 'stunnel', host: '10.0.2.2', port: 443 },
        { component: 'backend', host: '127.0.0.1', port: 8080 },
      ],
      path: ['firewall', 'server'],
      baseDir: dir,
    });
  });

  test('a relative config path resolves against the config folder, not the working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir(path.join(REPO, 'captures'));
      expect(loadConfigFile('stunnel-freeze/alibi.json').captures[0].files).toEqual([path.join(REPO, 'captures/stunnel-freeze/firewall.pcap')]);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('normalizing', () => {
  const t = tree({
    'fw/fw.pcap': '', 'fw/fw.pcap1': '', 'fw/fw.pcap2': '', 'fw/fw.pcap10': '', 'fw/.hidden': '',
    'srv/a.pcapng': '', 'srv/b.pcapng': '',
    'logs/messages': '', 'logs/messages.1': '', 'logs/messages.2.gz': '',
    'web/access.log': '', 'web/error.log': '',
  });
  afterAll(t.cleanup);
  const at = (...p: string[]) => path.join(t.dir, ...p);

  test('defaults: interval 1 s, no services, no path; a missing vantage is capture<N>', () => {
    expect(parseConfig({ captures: [{ file: 'a.pcap' }, { file: 'b.pcap' }] }, { baseDir: t.dir })).toEqual({
      interval: 1,
      captures: [{ vantage: 'capture1', files: [at('a.pcap')] }, { vantage: 'capture2', files: [at('b.pcap')] }],
      logs: [],
      services: [],
      baseDir: t.dir,
    });
  });

  test('durations and numbers of seconds', () => {
    const iv = (interval: unknown) => parseConfig({ logs: [{ component: 'a', file: 'a.log' }], interval }, { baseDir: t.dir }).interval;
    expect(iv('250ms')).toBe(0.25);
    expect(iv('10s')).toBe(10);
    expect(iv('5m')).toBe(300);
    expect(iv(0.5)).toBe(0.5);
  });

  test('one file per vantage, a rotated list, a glob, a folder, with clock offsets', () => {
    const input = parseConfig(
      {
        captures: [
          { vantage: 'one', file: 'single.pcap', clockOffset: -0.25 },
          { vantage: 'list', files: ['fw/fw.pcap1', 'fw/fw.pcap'] },
          { vantage: 'glob', files: 'fw/fw.pcap*', clockOffset: 3600 },
          { vantage: 'folder', files: 'srv' },
        ],
      },
      { baseDir: t.dir },
    );
    expect(input.captures).toEqual([
      { vantage: 'one', files: [at('single.pcap')], clockOffset: -0.25 },
      { vantage: 'list', files: [at('fw/fw.pcap1'), at('fw/fw.pcap')] },
      { vantage: 'glob', files: [at('fw/fw.pcap'), at('fw/fw.pcap1'), at('fw/fw.pcap2'), at('fw/fw.pcap10')], clockOffset: 3600 },
      { vantage: 'folder', files: [at('srv/a.pcapng'), at('srv/b.pcapng')] },
    ]);
  });

  test('several logs of one component, a syslog set with program, a yearless log with year', () => {
    const input = parseConfig(
      {
        logs: [
          { component: 'web', file: 'web/access.log', format: 'clf' },
          { component: 'web', file: 'web/error.log', match: 'error|crit' },
          { component: 'stunnel', files: 'logs/messages*', program: 'stunnel', year: 2022, timezone: 'UTC+5' },
          { component: 'app', file: 'app.log', timeRegex: 'ts=(\\S+)' },
        ],
        services: [
          { component: 'web', host: '10.0.0.1', port: 80 },
          { component: 'stunnel', host: '10.0.2.2', port: 443 },
          { component: 'app', host: '2001:DB8:0:0:0:0:0:1', port: 8080 },
        ],
        parallel: false,
      },
      { baseDir: t.dir },
    );
    expect(input.logs).toEqual([
      { component: 'web', files: [at('web/access.log')], format: 'clf' },
      { component: 'web', files: [at('web/error.log')], match: 'error|crit' },
      { component: 'stunnel', files: [at('logs/messages'), at('logs/messages.1'), at('logs/messages.2.gz')], program: 'stunnel', year: 2022, timezone: 'UTC+5' },
      { component: 'app', files: [at('app.log')], timeRegex: 'ts=(\\S+)' },
    ]);
    expect(input.services[2]).toEqual({ component: 'app', host: '2001:db8::1', port: 8080 });
    expect(input.parallel).toBe(false);
  });

  test('absolute paths stay; missing plain files are left to the readers', () => {
    const input = parseConfig({ captures: [{ vantage: 'x', files: ['/nowhere/a.pcap', 'missing.pcap'] }] }, { baseDir: t.dir });
    expect(input.captures[0].files).toEqual(['/nowhere/a.pcap', at('missing.pcap')]);
  });

  test('the result is frozen all the way down, and the raw config is not touched', () => {
    const raw = { captures: [{ vantage: 'x', file: 'a.pcap' }], path: ['x'] };
    const input = parseConfig(raw, { baseDir: t.dir });
    expect(Object.isFrozen(input)).toBe(true);
    expect(Object.isFrozen(input.captures[0].files)).toBe(true);
    expect(Object.isFrozen(input.path)).toBe(true);
    expect(() => (input.captures as unknown[]).push(1)).toThrow(TypeError);
    expect(Object.isFrozen(raw.path)).toBe(false);
    expect(raw).toEqual({ captures: [{ vantage: 'x', file: 'a.pcap' }], path: ['x'] });
  });
});
