/**
 * Every mistake issue #16 and #22 list is a ConfigError (an ArgumentError: exit 2) whose line
 * names the file, the field, what is wrong and the fix; all of a config's problems come at once.
 */
import { ArgumentError } from '../../lib/errors';
import { parseConfig } from '../../lib/config';
import { configError, GOOD, problems } from './helpers';

const withCapture = (c: unknown) => ({ ...GOOD, captures: [c, GOOD.captures[1]] });
const withLog = (l: unknown) => ({ ...GOOD, logs: [l] });
const withService = (s: unknown) => ({ ...GOOD, services: [s] });

describe('unknown keys', () => {
  test('a misspelt capture key names the entry and suggests the key', () => {
    expect(problems(withCapture({ vantge: 'firewall', file: 'fw.pcap' }))).toContain('alibi.json: captures[0]: unknown key "vantge" (did you mean "vantage"?)');
  });
  test('a misspelt top-level key suggests the top-level key', () => {
    expect(problems({ ...GOOD, service: [] })).toEqual(['alibi.json: unknown key "service" (did you mean "services"?)']);
  });
  test("a key of another kind of entry says whose key it is", () => {
    expect(problems(withCapture({ vantage: 'firewall', file: 'fw.pcap', timezone: 'UTC' }))).toEqual([
      'alibi.json: captures[0]: unknown key "timezone" ("timezone" is a key of logs[] entries); known keys here: vantage, file, files, partials, clockOffset',
    ]);
  });
  test('a key that resembles nothing lists the known keys', () => {
    expect(problems(withService({ component: 'stunnel', host: '10.0.2.2', port: 443, weight: 2 }))).toEqual(['alibi.json: services[0]: unknown key "weight"; known keys: component, host, port']);
  });
  test('"__proto__" as a key is an unknown key, not a prototype change', () => {
    const raw = JSON.parse('{"__proto__": {"x": 1}, "captures": [{"file": "a.pcap", "__proto__": 2}]}');
    expect(problems(raw)).toEqual([
      'alibi.json: unknown key "__proto__"; known keys: $schema, interval, captures, logs, services, path, filter, parallel',
      'alibi.json: captures[0]: unknown key "__proto__"; known keys: vantage, file, files, partials, clockOffset',
    ]);
  });
  test('"$schema" is allowed (for editors)', () => {
    expect(parseConfig({ $schema: './schema/analyze-config.json', ...GOOD }, { baseDir: '/tmp' }).captures).toHaveLength(2);
  });
});

describe('names that refer to nothing', () => {
  test('a path entry that is no capture vantage', () => {
    expect(problems({ ...GOOD, path: ['firewall', 'fw2'] })).toEqual(['alibi.json: path[1]: "fw2" is not a vantage of any capture (vantages: firewall, server)']);
  });
  test('a misspelt path entry gets a suggestion', () => {
    expect(problems({ ...GOOD, path: ['firewal', 'server'] })).toEqual(['alibi.json: path[0]: "firewal" is not a vantage of any capture (did you mean "firewall"?) (vantages: firewall, server)']);
  });
  test('a path without captures', () => {
    expect(problems({ logs: GOOD.logs, path: ['fw'] })).toEqual(['alibi.json: path[0]: "fw" is not a vantage of any capture (there are no captures)']);
  });
  test('a vantage twice in the path, and an empty path', () => {
    expect(problems({ ...GOOD, path: ['firewall', 'firewall'] })).toEqual(['alibi.json: path[1]: "firewall" is already path[0]; a path passes each vantage once']);
    expect(problems({ ...GOOD, path: [] })).toEqual(['alibi.json: path: is empty; list the vantages from the clients towards the service, or leave "path" out to take the captures in order']);
  });
  test('a log component that is no service', () => {
    expect(problems(withLog({ component: 'backnd', file: 'access.log' }))).toEqual([
      'alibi.json: logs[0].component: "backnd" is not the component of any service: add a service for backnd or correct the component name; known services: stunnel',
    ]);
    expect(problems({ ...GOOD, logs: [{ component: 'stunel', file: 'x.log' }] })).toEqual([
      'alibi.json: logs[0].component: "stunel" is not the component of any service (did you mean "stunnel"?): add a service for stunel or correct the component name; known services: stunnel',
    ]);
  });
  test('without services any component goes (they are inferred), and a service without a log is fine', () => {
    expect(parseConfig({ ...GOOD, services: undefined, logs: [{ component: 'anything', file: 'a.log' }] }, { baseDir: '/tmp' }).logs[0].component).toBe('anything');
    expect(parseConfig({ ...GOOD, services: [...GOOD.services, { component: 'backend', host: '127.0.0.1', port: 8080 }] }, { baseDir: '/tmp' }).services).toHaveLength(2);
  });
});

describe('repeated entries', () => {
  test('a vantage twice with different files', () => {
    expect(problems({ ...GOOD, captures: [...GOOD.captures, { vantage: 'firewall', file: 'fw2.pcap' }] })).toEqual([
      'alibi.json: captures[2].vantage: "firewall" is already the vantage of captures[0]; a vantage is one capture: list all its files in one entry ("files": [...]), or name this vantage differently',
    ]);
  });
  test('the same vantage and file twice', () => {
    expect(problems({ ...GOOD, captures: [...GOOD.captures, { vantage: 'server', file: 'srv.pcap' }] })).toEqual(['alibi.json: captures[2]: repeats captures[1] (vantage "server", same file); remove one']);
  });
  test('two services for one component, and two components on one address', () => {
    expect(problems({ ...GOOD, services: [...GOOD.services, { component: 'stunnel', host: '10.0.2.3', port: 443 }] })).toEqual([
      'alibi.json: services[1].component: "stunnel" already has a service (services[0]); give one service per component',
    ]);
    expect(problems({ ...GOOD, services: [{ component: 'stunnel', host: '::1', port: 443 }, { component: 'other', host: '0:0::1', port: 443 }] })).toEqual([
      'alibi.json: services[1]: [0:0::1]:443 is already services[0]; one address and port is one component',
    ]);
  });
  test('the same log twice', () => {
    expect(problems({ ...GOOD, logs: [GOOD.logs[0], { ...GOOD.logs[0] }] })).toEqual(['alibi.json: logs[1]: repeats logs[0] (component "stunnel", same file); remove one']);
  });
});

describe('shapes and types', () => {
  test('captures that is not a list', () => {
    expect(problems({ captures: { vantage: 'fw', file: 'a.pcap' } })).toEqual(['alibi.json: captures: expected a list of captures, e.g. [{"vantage": "firewall", "file": "fw.pcap"}], got an object']);
  });
  test('a null entry', () => {
    expect(problems({ ...GOOD, captures: [null, GOOD.captures[1]], path: ['server'] })).toEqual(['alibi.json: captures[0]: expected a capture such as {"vantage": "firewall", "file": "fw.pcap"}, got null']);
  });
  test('a capture with no file, and one with both', () => {
    expect(problems(withCapture({ vantage: 'firewall' }))).toEqual(['alibi.json: captures[0]: needs "file" (one capture file), "files" (a list, a glob or a folder) or "partials" (a folder alibi scan wrote)']);
    expect(problems(withCapture({ vantage: 'firewall', file: 'a', files: ['b'] }))).toEqual(['alibi.json: captures[0]: has both "file" and "files"; keep one ("files" for several)']);
  });
  test('empty file names and lists', () => {
    expect(problems(withCapture({ vantage: 'firewall', file: '' }))).toEqual(['alibi.json: captures[0].file: is empty; give a file path']);
    expect(problems(withCapture({ vantage: 'firewall', files: [] }))).toEqual(['alibi.json: captures[0].files: is empty; list at least one file']);
    expect(problems(withCapture({ vantage: 'firewall', files: ['a.pcap', 5] }))).toEqual(['alibi.json: captures[0].files[1]: expected a file path or a glob, got 5']);
    expect(problems(withCapture({ vantage: 'firewall', files: 5 }))).toEqual(['alibi.json: captures[0].files: expected a list of files, or one glob or folder as a string, got 5']);
  });
  test('a config that is not an object, and one with nothing to analyze', () => {
    expect(problems([1])).toEqual(['alibi.json: expected a config object such as {"captures": [...], "logs": [...]}, got an array']);
    expect(problems({})).toEqual(['alibi.json: nothing to analyze: give at least one capture ("captures") or one log ("logs")']);
    expect(problems({ captures: [], logs: [] })).toEqual(['alibi.json: nothing to analyze: give at least one capture ("captures") or one log ("logs")']);
  });
  test('a missing required field', () => {
    expect(problems(withLog({ file: 'a.log' }))).toEqual(['alibi.json: logs[0].component: missing: give a component name (a name such as "stunnel")']);
    expect(problems(withService({ component: 'stunnel', host: '10.0.2.2' }))).toEqual(['alibi.json: services[0].port: missing: give a TCP port number (1..65535)']);
  });
  test('parallel must be a boolean', () => {
    expect(problems({ ...GOOD, parallel: 'yes' })).toEqual(['alibi.json: parallel: expected true or false, got "yes"']);
  });
});

describe('values', () => {
  test('clock offsets: more than a day, not a number', () => {
    expect(problems(withCapture({ vantage: 'firewall', file: 'a', clockOffset: 1e300 }))).toEqual(['alibi.json: captures[0].clockOffset: 1e+300 s is more than a day; |clockOffset| is at most 86400 seconds']);
    expect(problems(withCapture({ vantage: 'firewall', file: 'a', clockOffset: -86401 }))).toEqual(['alibi.json: captures[0].clockOffset: -86401 s is more than a day; |clockOffset| is at most 86400 seconds']);
    expect(problems(withCapture({ vantage: 'firewall', file: 'a', clockOffset: 'abc' }))).toEqual(['alibi.json: captures[0].clockOffset: expected a number of seconds, got "abc"']);
    expect(problems(withCapture({ vantage: 'firewall', file: 'a', clockOffset: '1.5' }))).toEqual(['alibi.json: captures[0].clockOffset: expected a number of seconds, got "1.5" (write numbers without quotes)']);
  });
  test('ports: -1, 99999, 1.5, "443"', () => {
    const port = (p: unknown) => problems(withService({ component: 'stunnel', host: '10.0.2.2', port: p }));
    expect(port(-1)).toEqual(['alibi.json: services[0].port: -1 is not a TCP port (1..65535)']);
    expect(port(99999)).toEqual(['alibi.json: services[0].port: 99999 is not a TCP port (1..65535)']);
    expect(port(0)).toEqual(['alibi.json: services[0].port: 0 is not a TCP port (1..65535)']);
    expect(port(1.5)).toEqual(['alibi.json: services[0].port: 1.5 is not a TCP port (an integer 1..65535)']);
    expect(port('443')).toEqual(['alibi.json: services[0].port: expected a TCP port number (1..65535), got "443" (write numbers without quotes)']);
  });
  test('hosts: a name, a zone index, brackets', () => {
    const host = (h: unknown) => problems(withService({ component: 'stunnel', host: h, port: 443 }));
    expect(host('not-an-ip')).toEqual([
      'alibi.json: services[0].host: "not-an-ip" is not an IP address; give the service\'s IPv4 or IPv6 address as the captures show it (host names are not supported: captures carry addresses, not names)',
    ]);
    expect(host('010.0.2.2')[0]).toMatch(/"010.0.2.2" is not an IP address/);
    expect(host('fe80::1%eth0')).toEqual(['alibi.json: services[0].host: "fe80::1%eth0" has a zone index ("%eth0"); captures carry none, remove it']);
    expect(host('[::1]')).toEqual(['alibi.json: services[0].host: "[::1]": write the IPv6 address without brackets in a config ("::1")']);
    expect(host(5)).toEqual(['alibi.json: services[0].host: expected an IP address (a string like "10.0.2.2" or "2001:db8::1"), got 5']);
  });
  test('time zones: unknown, a number, beyond 14 hours', () => {
    const tz = (z: unknown) => problems(withLog({ component: 'stunnel', file: 'a.log', timezone: z }));
    expect(tz('Mars/Base')).toEqual(['alibi.json: logs[0].timezone: "Mars/Base" is not a time zone (use an IANA name like "Europe/Berlin", or "UTC+5")']);
    expect(tz(5)).toEqual(['alibi.json: logs[0].timezone: expected a time zone name (a string like "Europe/Berlin" or "UTC+5"), got 5']);
    expect(tz('')).toEqual(['alibi.json: logs[0].timezone: "" is not a time zone (use an IANA name like "Europe/Berlin", or "UTC+5")']);
    expect(tz('UTC+99')).toEqual(['alibi.json: logs[0].timezone: "UTC+99" is more than 14 hours from UTC; no zone is (use an IANA name like "Europe/Berlin", or "UTC+5")']);
  });
  test('regular expressions that do not compile', () => {
    expect(problems(withLog({ component: 'stunnel', file: 'a.log', match: '(' }))).toEqual(['alibi.json: logs[0].match: "(" is not a regular expression: /(/: Unterminated group']);
    expect(problems(withLog({ component: 'stunnel', file: 'a.log', timeRegex: '[a-' }))).toEqual(['alibi.json: logs[0].timeRegex: "[a-" is not a regular expression: /[a-/: Unterminated character class']);
  });
  test('year and timeField', () => {
    expect(problems(withLog({ component: 'stunnel', file: 'a.log', year: 1800 }))).toEqual(['alibi.json: logs[0].year: 1800 is not a year between 1970 and 2100']);
    expect(problems(withLog({ component: 'stunnel', file: 'a.log', year: 2022.5 }))).toEqual(['alibi.json: logs[0].year: 2022.5 is not a whole year']);
    expect(problems(withLog({ component: 'stunnel', file: 'a.log', timeField: 0 }))).toEqual(['alibi.json: logs[0].timeField: 0 is not a field number (a positive integer, 1 = the first field)']);
    expect(problems(withLog({ component: 'stunnel', file: 'a.log', format: '' }))).toEqual(['alibi.json: logs[0].format: is empty; leave "format" out to detect it']);
  });
  test('intervals', () => {
    expect(problems({ ...GOOD, interval: 'abc' })).toEqual(['alibi.json: interval: "abc" is not a duration (use 250ms, 1s, 10s, 5m, or a number of seconds)']);
    expect(problems({ ...GOOD, interval: '0s' })).toEqual(['alibi.json: interval: "0s" is not a positive duration (use 250ms, 1s, 10s, 5m, or a number of seconds)']);
    expect(problems({ ...GOOD, interval: -1 })).toEqual(['alibi.json: interval: -1 is not a positive number of seconds']);
    expect(problems({ ...GOOD, interval: null })).toEqual(['alibi.json: interval: expected a duration such as "1s" or a number of seconds, got null']);
  });
  test('names: __proto__, empty, control characters, spaces', () => {
    expect(problems(withLog({ component: '__proto__', file: 'a.log' }))).toContain('alibi.json: logs[0].component: "__proto__" cannot be a name (JavaScript reserves it on every object); choose another');
    expect(problems({ ...GOOD, services: undefined, logs: [{ component: 'constructor', file: 'a.log' }] })).toEqual(['alibi.json: logs[0].component: "constructor" cannot be a name (JavaScript reserves it on every object); choose another']);
    expect(problems({ ...GOOD, captures: [{ vantage: '', file: 'a' }], path: undefined })).toEqual(['alibi.json: captures[0].vantage: is empty; give a name']);
    expect(problems({ ...GOOD, captures: [{ vantage: 'fw\n', file: 'a' }], path: undefined })).toEqual(['alibi.json: captures[0].vantage: "fw\\n" contains a control character (U+000A); names are printable text']);
    expect(problems({ ...GOOD, captures: [{ vantage: 'fw ', file: 'a' }], path: undefined })).toEqual(['alibi.json: captures[0].vantage: "fw " has leading or trailing spaces; remove them']);
    expect(problems({ ...GOOD, path: ['firewall', 'prototype'] })).toContain('alibi.json: path[1]: "prototype" cannot be a name (JavaScript reserves it on every object); choose another');
  });
});

describe('the error', () => {
  test('is an ArgumentError (exit 2) that lists every problem once, in the order of the config, with codes and fields', () => {
    const bad = {
      vantge: 1,
      interval: 'abc',
      captures: [{ vantge: 'x', file: 'fw.pcap' }, null],
      logs: [{ component: 'backnd', file: 'a.log', timezone: 'Mars/Base' }],
      services: [{ component: 'backend', host: 'not-an-ip', port: 99999 }],
      path: ['fw2'],
    };
    const e = configError(() => parseConfig(bad, { file: 'alibi.json', baseDir: '/tmp' }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.code).toBe('bad_config');
    expect(e.file).toBe('alibi.json');
    expect(e.issues.map((i) => [i.code, i.field])).toEqual([
      ['unknown_key', ''],
      ['bad_duration', 'interval'],
      ['unknown_key', 'captures[0]'],
      ['invalid_type', 'captures[1]'],
      ['bad_zone', 'logs[0].timezone'],
      ['unknown_component', 'logs[0].component'],
      ['bad_host', 'services[0].host'],
      ['bad_port', 'services[0].port'],
      ['unknown_vantage', 'path[0]'],
    ]);
    expect(e.field).toBe('');
    expect(e.message.split('\n')).toHaveLength(9);
    expect(Object.isFrozen(e.issues)).toBe(true);
  });
  test('names the field of the first problem', () => {
    expect(configError(() => parseConfig({ ...GOOD, path: ['x'] }, { baseDir: '/tmp' })).field).toBe('path[0]');
  });
});

describe('log formats in the config (#18)', () => {
  const base = { captures: [{ file: '/dev/null', vantage: 'fw' }] };
  test('a format that reads no date or hour is refused, naming the field', () => {
    expect(() => parseConfig({ ...base, logs: [{ component: 'app', file: '/dev/null', format: 'bogus' }] }, { baseDir: '/tmp' })).toThrow(/logs\[0\]\.format: "bogus" is not a usable format: reads no date or hour/);
  });
  test('a built-in name and a luxon format are accepted', () => {
    for (const format of ['ctime', 'json', 'epoch-ms', 'yyyy-MM-dd HH:mm:ss']) {
      expect(parseConfig({ ...base, logs: [{ component: 'app', file: '/dev/null', format }] }, { baseDir: '/tmp' }).logs[0].format).toBe(format);
    }
  });
  test('timeField and timeRegex together are refused', () => {
    expect(() => parseConfig({ ...base, logs: [{ component: 'app', file: '/dev/null', timeField: 2, timeRegex: 'at=(\\S+)' }] }, { baseDir: '/tmp' })).toThrow(/has both "timeField" and "timeRegex"/);
  });
});
