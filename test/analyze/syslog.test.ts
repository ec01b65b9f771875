/**
 * stunnel's lines inside a server's syslog (#16): the stunnel-freeze run's stunnel log rewritten as
 * syslog lines (`Nov 25 08:37:59 srv stunnel[4242]: LOG5[0]: …`), other programs' lines between
 * them (cron, sshd, kernel, one named stunnel4-helper, and lines inside stunnel's silence), rotated
 * into messages.2.gz, messages.1 and messages, listed in any order with no `program` set (the
 * component's name picks the lines): the same verdict and incident times as the plain log.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyze } from '../../lib/analyze';
import { REPO } from '../helpers/corpus';

const dir = path.join(REPO, 'captures', 'stunnel-freeze');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-syslog-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function syslogSet(): string[] {
  const out: string[] = [];
  const others = ['CRON[9914]: (root) CMD (run-parts /etc/cron.hourly)', 'sshd[812]: Accepted publickey for ops from 10.0.0.9 port 50122 ssh2', 'kernel: [123456.789012] e1000e: eth0 NIC Link is Up', 'stunnel4-helper[77]: LOG3[0]: not stunnel\'s line', 'systemd[1]: Started Session 5 of user ops.'];
  let prev = '';
  fs.readFileSync(path.join(dir, 'stunnel.log'), 'utf8').trimEnd().split('\n').forEach((l, i) => {
    const m = /^(\d{4})\.(\d\d)\.(\d\d) (\d\d:\d\d:\d\d) (.*)$/.exec(l)!;
    const stamp = `${MONTHS[Number(m[2]) - 1]} ${String(Number(m[3])).padStart(2, ' ')} ${m[4]}`;
    if (i % 3 === 0 || stamp.slice(7, 12) !== prev.slice(7, 12)) out.push(`${stamp} srv ${others[i % others.length]}`);
    out.push(`${stamp} srv stunnel[4242]: ${m[5]}`);
    prev = stamp;
  });
  const third = Math.floor(out.length / 3);
  const write = (name: string, data: string | Buffer, mtime: string) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, data);
    fs.utimesSync(f, new Date(mtime), new Date(mtime));
    return f;
  };
  return [
    write('messages', out.slice(2 * third).join('\n') + '\n', '2026-11-25T14:00:00Z'),
    write('messages.2.gz', gzipSync(out.slice(0, third).join('\n') + '\n'), '2026-11-25T13:38:30Z'),
    write('messages.1', out.slice(third, 2 * third).join('\n') + '\n', '2026-11-25T13:39:00Z'),
  ];
}

test('the stunnel log as three rotated syslog files among other programs: the plain log\'s verdict', async () => {
  const base = { baseDir: dir, parallel: false, captures: [{ file: 'firewall.pcap', vantage: 'firewall' }, { file: 'server.pcap', vantage: 'server' }], services: [{ component: 'stunnel', host: '10.0.2.2', port: 443 }], path: ['firewall', 'server'] };
  const plain = await analyze({ ...base, logs: [{ file: 'stunnel.log', component: 'stunnel', timezone: 'America/New_York' }] });
  const sys = await analyze({ ...base, logs: [{ files: syslogSet(), component: 'stunnel', timezone: 'America/New_York' }] });
  expect(sys.incidents.map((i) => [i.start, i.end, i.culprit])).toEqual(plain.incidents.map((i) => [i.start, i.end, i.culprit]));
  expect(sys.incidents[0].culprit.component).toBe('stunnel');
  const log = sys.sources.find((s) => s.type === 'log')!;
  const p = plain.sources.find((s) => s.type === 'log')!;
  expect([log.first, log.last, log.silences]).toEqual([p.first, p.last, p.silences]);
  expect(log.format).toBe('syslog');
  expect(log.assumedYear).toBe(2026);
  expect(log.program).toBe('stunnel');
  expect((log.files as string[]).map((f) => path.basename(f))).toEqual(['messages', 'messages.2.gz', 'messages.1']);
  expect(log.otherProgramLines).toBeGreaterThan(300);
  expect(log.class).toBe('steady');
  expect(sys.warnings.filter((w) => w.code === 'program_not_found')).toEqual([]);
});

test('a syslog file whose lines carry another tag than the component: read whole, with a warning that names the fix', async () => {
  const f = path.join(tmp, 'other-tag');
  fs.writeFileSync(f, 'Nov 25 08:37:59 srv proxyd[1]: LOG5[0]: hello\nNov 25 08:38:00 srv proxyd[1]: LOG5[0]: again\n');
  fs.utimesSync(f, new Date('2026-11-25T14:00:00Z'), new Date('2026-11-25T14:00:00Z'));
  const doc = await analyze({ parallel: false, logs: [{ file: f, component: 'stunnel', timezone: 'America/New_York' }] });
  expect(doc.warnings.find((w) => w.code === 'program_not_found')?.reason).toMatch(/no line of this syslog file is tagged "stunnel".*set "program"/);
  expect(doc.sources[0].lines).toBe(2);
});
