/** File specs: globs (`*`, `?`, `[…]`, `**`), folders and plain paths, natural order, and what yields nothing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandFiles, expandFile, globFiles, naturalCompare, segmentRegExp } from '../../lib/config/files';
import { problems, tree } from './helpers';

const t = tree({
  'fw/fw.pcap': '', 'fw/fw.pcap0': '', 'fw/fw.pcap1': '', 'fw/fw.pcap2': '', 'fw/fw.pcap10': '', 'fw/notes.txt': '', 'fw/.fw.pcap9': '',
  'deep/a/x.pcap': '', 'deep/a/b/y.pcap': '', 'deep/z.pcap': '', 'deep/.git/w.pcap': '',
  'odd/[x].pcap': '',
  'empty/.keep': '',
});
afterAll(t.cleanup);
const at = (...p: string[]) => path.join(t.dir, ...p);
const files = (spec: string | string[]) => expandFiles(spec, t.dir);

describe('patterns', () => {
  test('a segment: * any run, ? one character, [..] a class, [!..] its complement, the rest literal', () => {
    expect(segmentRegExp('fw*.pcap?').test('fw-1.pcap0')).toBe(true);
    expect(segmentRegExp('fw*.pcap?').test('fw.pcap10')).toBe(false);
    expect(segmentRegExp('fw.pcap[0-2]').test('fw.pcap1')).toBe(true);
    expect(segmentRegExp('fw.pcap[!0-2]').test('fw.pcap1')).toBe(false);
    expect(segmentRegExp('a+b(c).pcap').test('a+b(c).pcap')).toBe(true);
    expect(segmentRegExp('a[b').test('a[b')).toBe(true);
  });
  test('natural order puts fw.pcap2 before fw.pcap10', () => {
    expect(['fw.pcap10', 'fw.pcap2', 'fw.pcap', 'fw.pcap1'].sort(naturalCompare)).toEqual(['fw.pcap', 'fw.pcap1', 'fw.pcap2', 'fw.pcap10']);
    expect(['messages.2.gz', 'messages', 'messages.1'].sort(naturalCompare)).toEqual(['messages', 'messages.1', 'messages.2.gz']);
  });
});

describe('expanding', () => {
  test('a glob matches regular files in natural order, hidden ones only when asked', () => {
    expect(files('fw/fw.pcap*').files).toEqual(['fw.pcap', 'fw.pcap0', 'fw.pcap1', 'fw.pcap2', 'fw.pcap10'].map((f) => at('fw', f)));
    expect(files('fw/fw.pcap?').files).toEqual(['fw.pcap0', 'fw.pcap1', 'fw.pcap2'].map((f) => at('fw', f)));
    expect(files('fw/.fw*').files).toEqual([at('fw/.fw.pcap9')]);
  });
  test('** is any number of folders (none too), not into hidden ones', () => {
    const all = [at('deep/a/b/y.pcap'), at('deep/a/x.pcap'), at('deep/z.pcap')];
    expect(files('deep/**/*.pcap').files).toEqual(all);
    expect(globFiles(at('deep/**')).files).toEqual(all);
  });
  test('a glob in a folder part', () => {
    expect(files('de*/a/*.pcap').files).toEqual([at('deep/a/x.pcap')]);
  });
  test('a folder is its regular files, hidden ones left out', () => {
    expect(files('fw').files).toEqual(['fw.pcap', 'fw.pcap0', 'fw.pcap1', 'fw.pcap2', 'fw.pcap10', 'notes.txt'].map((f) => at('fw', f)));
    expect(files('deep').files).toEqual([at('deep/z.pcap')]);
  });
  test('a list keeps its order, expands its globs and reads a file named twice once', () => {
    expect(files(['fw/fw.pcap10', 'fw/fw.pcap[12]', 'fw/fw.pcap1']).files).toEqual([at('fw/fw.pcap10'), at('fw/fw.pcap1'), at('fw/fw.pcap2')]);
  });
  test('an existing file with glob characters in its name is itself', () => {
    expect(files('odd/[x].pcap').files).toEqual([at('odd/[x].pcap')]);
  });
  test('a plain path is kept even when missing (the reader reports it); absolute paths stay', () => {
    expect(files(['missing.pcap', '/abs/x.pcap'])).toEqual({ files: [at('missing.pcap'), '/abs/x.pcap'], problems: [] });
  });
  test('what yields nothing is a problem naming the pattern and the folder searched', () => {
    expect(files('fw/*.pcapng').problems).toEqual([{ code: 'no_match', message: `"fw/*.pcapng" matches no file in ${at('fw')}` }]);
    expect(files(['fw/fw.pcap', 'nope/*.pcap']).problems).toEqual([{ index: 1, code: 'no_match', message: `"nope/*.pcap" matches no file in ${at('nope')} (no such folder)` }]);
    expect(files('empty').problems).toEqual([{ code: 'empty_folder', message: `the folder ${at('empty')} has no files (hidden files are left out)` }]);
  });
  test('"file" is one file: a folder there is a mistake', () => {
    expect(expandFile('fw', t.dir).problems).toEqual([{ code: 'is_a_folder', message: `${at('fw')} is a folder; use "files" to read every file in it` }]);
  });
});

describe('in a config', () => {
  test('the problems name the field, with every problem of every entry', () => {
    expect(
      problems(
        {
          captures: [{ vantage: 'fw', files: ['fw/fw.pcap', 'fw/*.pcapng'] }, { vantage: 'srv', files: 'empty' }, { vantage: 'x', file: 'fw' }],
          logs: [{ component: 'a', files: 'logs/*.log' }],
        },
        t.dir,
      ),
    ).toEqual([
      `alibi.json: captures[0].files[1]: "fw/*.pcapng" matches no file in ${at('fw')}`,
      `alibi.json: captures[1].files: the folder ${at('empty')} has no files (hidden files are left out)`,
      `alibi.json: captures[2].file: ${at('fw')} is a folder; use "files" to read every file in it`,
      `alibi.json: logs[0].files: "logs/*.log" matches no file in ${at('logs')} (no such folder)`,
    ]);
  });
  test('a link to a folder of captures is followed', () => {
    fs.symlinkSync(at('fw'), at('link'));
    expect(files('link/fw.pcap1*').files).toEqual([at('link/fw.pcap1'), at('link/fw.pcap10')]);
  });
});
