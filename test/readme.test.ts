/**
 * The README's quick-start sample is what the command prints (#23: the README said "stunnel
 * stopped answering" where the tool printed "stunnel failed", and a SYN count the tool no longer
 * gave): its lines are the first lines of `alibi analyze captures/stunnel-freeze/alibi.json`.
 * And its code imports each name from the entry point that exports it (#21: three entries).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENTRIES, entryApi } from './helpers/api';
import { alibi } from './helpers/cli';
import { REPO } from './helpers/corpus';

test('the README quick-start output is the first screen alibi analyze prints, line for line', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const m = /It prints this first screen[\s\S]*?```\n([\s\S]*?)```/.exec(readme);
  expect(m).not.toBeNull();
  const sample = m![1].replace(/\n$/, '').split('\n');
  expect(sample.length).toBeGreaterThan(8);
  // The README runs it from the repository root with the relative path; the report does not
  // print the config path, so the same lines come out either way.
  const r = alibi(['analyze', path.join(REPO, 'captures/stunnel-freeze/alibi.json')]);
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n').slice(0, sample.length)).toEqual(sample);
});

test('every name the README\'s code imports from pcap-alibi, pcap-alibi/analysis or pcap-alibi/node is exported there', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const code = [...readme.matchAll(/```(?:ts|js|typescript)\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
  const imports = [...code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'|const\s*\{([^}]*)\}\s*=\s*require\('([^']+)'\)/g)]
    .map((m) => ({ names: (m[1] ?? m[3]).split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0]).filter(Boolean), from: m[2] ?? m[4] }))
    .filter((i) => i.from === 'pcap-alibi' || i.from.startsWith('pcap-alibi/'));
  expect(imports.length).toBeGreaterThan(1);
  const { exports } = entryApi();
  const wrong = imports.flatMap((i) => (i.from in ENTRIES ? i.names.filter((n) => !exports.get(i.from)!.has(n)).map((n) => `${n} from '${i.from}'`) : [`'${i.from}' is not an entry`]));
  expect(wrong).toEqual([]);
});
