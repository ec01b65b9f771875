/**
 * `alibi analyze --capture/--log/--service/--path/--interval` builds a raw config and checks it with
 * the same parseConfig as a file: the same normalized input, and the same messages, prefixed by
 * the flag that was typed instead of file and field.
 */
import * as path from 'node:path';
import { analyzeCommand, configFromFlags, rawConfigFromFlags } from '../../lib/cli/analyze';
import { main } from '../../lib/cli';
import { ConfigError } from '../../lib/config';
import { REPO } from '../helpers/corpus';
import { alibi } from '../helpers/cli';
import { configError, problems, tree } from './helpers';

const t = tree({ 'fw.pcap0': '', 'fw.pcap1': '', 'fw.pcap2': '', 'srv.pcap': '', 'access.log': '', 'error.log': '' });
afterAll(t.cleanup);
const at = (f: string) => path.join(t.dir, f);
const flags = (v: Record<string, string[] | string>) => configFromFlags(v, t.dir);
const flagProblems = (v: Record<string, string[] | string>) => configError(() => flags(v)).message.split('\n');

describe('flags to input', () => {
  test('globs, repeated vantages, several logs of a component, zones, IPv6 services, path and interval', () => {
    expect(
      flags({
        capture: ['fw.pcap*@firewall', 'srv.pcap@server', 'more.pcap@firewall'],
        log: ['access.log@web:Europe/Berlin', 'error.log@web', 'app.log@app:UTC+05:30'],
        service: ['web=10.0.0.1:80', 'app=[2001:DB8::1]:8080'],
        path: 'firewall, server',
        interval: '250ms',
      }),
    ).toEqual({
      interval: 0.25,
      captures: [
        { vantage: 'firewall', files: [at('fw.pcap0'), at('fw.pcap1'), at('fw.pcap2'), at('more.pcap')] },
        { vantage: 'server', files: [at('srv.pcap')] },
      ],
      logs: [
        { component: 'web', files: [at('access.log')], timezone: 'Europe/Berlin' },
        { component: 'web', files: [at('error.log')] },
        { component: 'app', files: [at('app.log')], timezone: 'UTC+05:30' },
      ],
      services: [
        { component: 'web', host: '10.0.0.1', port: 80 },
        { component: 'app', host: '2001:db8::1', port: 8080 },
      ],
      path: ['firewall', 'server'],
      baseDir: t.dir,
    });
  });
  test('a file name with an @ splits at the last one', () => {
    expect(rawConfigFromFlags({ capture: ['me@host.pcap@fw'] }).raw).toEqual({ captures: [{ vantage: 'fw', files: ['me@host.pcap'] }] });
  });
});

describe('flag mistakes get the config messages', () => {
  test('a path naming no vantage', () => {
    const cfg = { captures: [{ vantage: 'firewall', files: ['fw.pcap0'] }, { vantage: 'server', files: ['srv.pcap'] }], path: ['firewall', 'fw2'] };
    const fromFile = problems(cfg, t.dir)[0];
    const fromFlags = flagProblems({ capture: ['fw.pcap0@firewall', 'srv.pcap@server'], path: 'firewall,fw2' })[0];
    expect(fromFlags).toBe('--path firewall,fw2: "fw2" is not a vantage of any capture (vantages: firewall, server)');
    expect(fromFile).toBe('alibi.json: path[1]: "fw2" is not a vantage of any capture (vantages: firewall, server)');
  });
  test('a zone, a host, a port, a component and a glob, all at once', () => {
    expect(
      flagProblems({
        capture: ['nothing*.pcap@firewall'],
        log: ['access.log@web:Mars/Base', 'error.log@__proto__'],
        service: ['web=db.local:80', 'other=10.0.0.1:99999'],
        interval: 'soon',
      }),
    ).toEqual([
      '--interval soon: "soon" is not a duration (use 250ms, 1s, 10s, 5m, or a number of seconds)',
      `--capture nothing*.pcap@firewall: "nothing*.pcap" matches no file in ${t.dir}`,
      '--log access.log@web:Mars/Base: "Mars/Base" is not a time zone (use an IANA name like "Europe/Berlin", or "UTC+5")',
      '--log error.log@__proto__: "__proto__" cannot be a name (JavaScript reserves it on every object); choose another',
      '--log error.log@__proto__: "__proto__" is not the component of any service: add a service for __proto__ or correct the component name; known services: web, other',
      '--service web=db.local:80: "db.local" is not an IP address; give the service\'s IPv4 or IPv6 address as the captures show it (host names are not supported: captures carry addresses, not names)',
      '--service other=10.0.0.1:99999: 99999 is not a TCP port (1..65535)',
    ]);
  });
  test('the same issues (codes and fields) as the config file would get', () => {
    const e = configError(() => flags({ log: ['access.log@web:Mars/Base'], service: ['app=10.0.0.1:80'] }));
    expect(e.issues.map((i) => [i.code, i.field])).toEqual([
      ['bad_zone', 'logs[0].timezone'],
      ['unknown_component', 'logs[0].component'],
    ]);
  });
  test('flag syntax: no @, no port, IPv6 without brackets', () => {
    expect(flagProblems({ capture: ['fw.pcap'], log: ['a.log@'], service: ['app=::1:80', 'app=10.0.0.1'] })).toEqual([
      '--capture: "fw.pcap" is not FILE@VANTAGE (e.g. fw.pcap@firewall, \'fw*.pcap@firewall\')',
      '--log: "a.log@" is not FILE@COMPONENT[:TZ] (e.g. stunnel.log@stunnel:America/New_York)',
      '--service: "app=::1:80" is not COMPONENT=HOST:PORT (e.g. backend=10.0.2.2:8080; an IPv6 address goes in brackets: backend=[2001:db8::1]:8080)',
      '--service: "app=10.0.0.1" is not COMPONENT=HOST:PORT (e.g. backend=10.0.2.2:8080, backend=[2001:db8::1]:8080)',
    ]);
  });
});

describe('the command', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['analyze', ...argv], { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s) });
    return { code, stdout: out.join(''), stderr: err.join('') };
  };
  test('a config mistake exits 2 with every problem on stderr', async () => {
    const r = await run(['--capture', 'fw.pcap0@firewall', '--path', 'fw2', '--log', 'x.log@app:Mars']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('alibi: --log x.log@app:Mars: "Mars" is not a time zone (use an IANA name like "Europe/Berlin", or "UTC+5")\n--path fw2: "fw2" is not a vantage of any capture (vantages: firewall) (see --help)\n');
  });
  test('a bad config file exits 2; --interval beside it is checked; flags beside it are refused', async () => {
    const bad = path.join(t.dir, 'bad.json');
    require('node:fs').writeFileSync(bad, '{"captures": [{"vantge": "fw", "file": "fw.pcap0"}]}');
    expect(await run([bad])).toEqual({ code: 2, stdout: '', stderr: `alibi: ${bad}: captures[0]: unknown key "vantge" (did you mean "vantage"?) (see --help)\n` });
    const lab = path.join(REPO, 'captures/stunnel-freeze/alibi.json');
    expect((await run([lab, '--interval', 'soon'])).stderr).toBe('alibi: --interval soon: "soon" is not a duration (use 250ms, 1s, 10s, 5m, or a number of seconds) (see --help)\n');
    expect((await run([lab, '--capture', 'fw.pcap0@fw'])).stderr).toBe(`alibi: give a config file or --capture/--log/--service/--path flags, not both (got ${lab} and --capture) (see --help)\n`);
    expect((await run([])).code).toBe(2);
  });
  test('the built command exits 2 on a config mistake, as a user runs it', () => {
    const bad = path.join(t.dir, 'proto.json');
    require('node:fs').writeFileSync(bad, '{"logs": [{"component": "__proto__", "file": "access.log"}]}');
    const r = alibi(['analyze', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`alibi: ${bad}: logs[0].component: "__proto__" cannot be a name (JavaScript reserves it on every object); choose another (see --help)\n`);
  });
  test('the help points to the config doc and the schema', async () => {
    const out: string[] = [];
    await analyzeCommand(['--help'], { stdout: (s) => void out.push(s), stderr: () => {} });
    expect(out.join('')).toMatch(/docs\/config\.md/);
    expect(out.join('')).toMatch(/schema\/analyze-config\.json/);
  });
  test('ConfigError is what flag mistakes throw', () => {
    expect(() => flags({ capture: ['x'] })).toThrow(ConfigError);
  });
});
