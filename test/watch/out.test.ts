/**
 * Incident folders are written only where intended (#22): a folder that exists (it could hold
 * links planted to make a root-run watch overwrite other files) is never reused, no file is
 * opened through a symbolic link or over an existing file, and two logs never share a file name
 * (an access and an error log of one component, or components `a/b` and `a_b`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineSink } from '../../lib/watch/livelog';
import { PcapWriter } from '../../lib/watch/pcapwriter';
import { createNew, logNames, newDir } from '../../lib/watch/watcher';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-out-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('an incident folder that exists is not reused: the next free name is made', () => {
  const base = path.join(tmp, 'incident-20261203T145500Z-1');
  fs.mkdirSync(base);
  fs.symlinkSync('/etc/passwd', path.join(base, 'capture.pcap'));
  const made = newDir(base);
  expect(made).toBe(`${base}-2`);
  expect(fs.readdirSync(made)).toEqual([]);
  expect(newDir(base)).toBe(`${base}-3`);
});

test('files are created new: a planted symbolic link or an existing file is refused, its target untouched', () => {
  const target = path.join(tmp, 'victim.txt');
  fs.writeFileSync(target, 'keep me\n');
  const dir = path.join(tmp, 'planted');
  fs.mkdirSync(dir);
  for (const name of ['capture.pcap', 'stunnel.log', 'alibi.json']) fs.symlinkSync(target, path.join(dir, name));
  expect(() => PcapWriter.create(path.join(dir, 'capture.pcap'), 1)).toThrow(/EEXIST/);
  expect(() => new LineSink(path.join(dir, 'stunnel.log'))).toThrow(/EEXIST/);
  expect(() => createNew(path.join(dir, 'alibi.json'))).toThrow(/EEXIST/);
  fs.writeFileSync(path.join(dir, 'existing.json'), 'x');
  expect(() => createNew(path.join(dir, 'existing.json'))).toThrow(/EEXIST/);
  expect(fs.readFileSync(target, 'utf8')).toBe('keep me\n');
  const fd = createNew(path.join(dir, 'fresh.json'));
  fs.closeSync(fd);
  expect(fs.existsSync(path.join(dir, 'fresh.json'))).toBe(true);
});

test('two logs never share a file name', () => {
  const spec = (component: string) => ({ file: '/dev/null', component });
  expect(logNames([spec('nginx'), spec('nginx'), spec('a/b'), spec('a_b'), spec('stunnel')])).toEqual(['nginx.log', 'nginx-2.log', 'a_b.log', 'a_b-2.log', 'stunnel.log']);
});
