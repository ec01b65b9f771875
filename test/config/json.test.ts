/** Config files: JSON mistakes with line and column, keys written twice, unreadable files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile } from '../../lib/config';
import { parseJsonText, scanJson } from '../../lib/config/json';
import { configError, tree } from './helpers';

const t = tree({ 'fw.pcap': '' });
afterAll(t.cleanup);
function load(text: string): string[] {
  const f = path.join(t.dir, 'alibi.json');
  fs.writeFileSync(f, text);
  return configError(() => loadConfigFile(f)).message.split('\n').map((l) => l.replace(f, 'alibi.json'));
}

describe('JSON mistakes say where and what', () => {
  test('a trailing comma', () => {
    expect(load('{\n  "captures": [\n    {"vantage": "fw", "file": "fw.pcap"},\n  ]\n}')).toEqual([
      'alibi.json: not valid JSON at line 4, column 3: expected another value after the comma (JSON allows no trailing comma)',
    ]);
    expect(load('{"interval": "1s",}')).toEqual(['alibi.json: not valid JSON at line 1, column 19: expected another key after the comma (JSON allows no trailing comma)']);
  });
  test('a comment, single quotes, a missing comma', () => {
    expect(load('{\n  // the firewall\n  "captures": []\n}')).toEqual(['alibi.json: not valid JSON at line 2, column 3: expected a key in double quotes']);
    expect(load('{"interval": // x\n "1s"}')).toEqual(['alibi.json: not valid JSON at line 1, column 14: expected a value (JSON has no comments)']);
    expect(load("{\"interval\": '1s'}")).toEqual(['alibi.json: not valid JSON at line 1, column 14: expected a value (JSON strings use double quotes)']);
    expect(load('{"interval": "1s"\n "logs": []}')).toEqual(['alibi.json: not valid JSON at line 2, column 2: expected "," or "}" after the value']);
  });
  test('a Windows path with single backslashes, an empty file', () => {
    expect(load('{"captures": [{"file": "C:\\captures\\fw.pcap"}]}')).toEqual([
      'alibi.json: not valid JSON at line 1, column 27: expected a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX): a backslash in a Windows path is written \\\\',
    ]);
    expect(load('')).toEqual(['alibi.json: not valid JSON at line 1, column 1: expected a value (the text ends here)']);
  });
  test('a key written twice is reported with the other problems', () => {
    expect(load('{"interval": "1s", "captures": [{"vantage": "fw", "file": "fw.pcap", "file": "b.pcap"}], "interval": "abc"}')).toEqual([
      'alibi.json: key "interval" appears twice; JSON keeps only the last, remove one',
      'alibi.json: interval: "abc" is not a duration (use 250ms, 1s, 10s, 5m, or a number of seconds)',
      'alibi.json: captures[0]: key "file" appears twice; JSON keeps only the last, remove one',
    ]);
  });
  test('a byte-order mark is fine', () => {
    const f = path.join(t.dir, 'bom.json');
    fs.writeFileSync(f, '\ufeff{"captures": [{"vantage": "fw", "file": "fw.pcap"}]}');
    expect(loadConfigFile(f).captures[0].vantage).toBe('fw');
  });
  test('the scanner agrees with JSON.parse on valid text', () => {
    for (const s of ['{}', '[]', '0', '-1.5e3', '"a\\u00e9\\n"', '{"a":[1,{"b":null}],"c":true}', ' [ 1 , 2 ] ']) {
      expect(scanJson(s)).toEqual({ duplicates: [] });
      expect(parseJsonText(s)).toEqual({ ok: true, value: JSON.parse(s), duplicates: [] });
    }
    expect(scanJson('[{"a":1,"a":2},{"a":3}]').duplicates).toEqual([{ path: [0], key: 'a' }]);
  });
});

describe('files that cannot be read', () => {
  test('a missing config and a folder', () => {
    expect(configError(() => loadConfigFile(path.join(t.dir, 'nope.json'))).message).toBe(`${path.join(t.dir, 'nope.json')}: cannot read the config: no such file`);
    expect(configError(() => loadConfigFile(t.dir)).issues[0]).toEqual({ code: 'unreadable', field: '', message: 'cannot read the config: is a folder (give the config file in it)' });
  });
});
