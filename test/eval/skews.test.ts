/**
 * Clocks minutes apart (#17): every lab scenario with the server's captures (its NIC and its
 * loopback: one host, one clock) 130 s behind the firewall's, stunnel's log 300 s ahead and
 * nginx's access log 600 s behind — as hosts with broken NTP would have written them — analysed
 * from every input shape with a capture: never wrong, right wherever the unskewed inputs are.
 * The truth is scored on the clock of the analysis' reference (the firewall's, else the
 * server's). Needs editcap; skips and says so without it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../lib/analyze';
import { configFor, readTruth, scenarioDirs, score, shapes } from '../../lib/eval/ablation';
import { REPO } from '../helpers/corpus';
import { haveTool } from '../helpers/tools';

const have = haveTool('editcap');
if (!have) console.warn('clock-skew ablation skipped: editcap (Wireshark) is not installed');
const SKEW = { serverCapture: -130, stunnelLog: 300, nginxLog: -600 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-skews-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const p2 = (n: number) => String(n).padStart(2, '0');

/** Rewrites the times a log's lines start with (`stamp` finds them) as a clock `off` seconds off. */
function shiftLog(src: string, dst: string, re: RegExp, fmt: (d: Date) => string, off: number) {
  fs.writeFileSync(dst, fs.readFileSync(src, 'utf8').replace(re, (_m, Y, M, D, h, mi, s) => fmt(new Date(Date.UTC(+Y, +M - 1, +D, +h, +mi, +s) + off * 1000))));
}

function skewed(dir: string): string {
  const out = path.join(tmp, path.basename(dir));
  fs.mkdirSync(out, { recursive: true });
  for (const f of ['server.pcap', 'loopback.pcapng']) execFileSync('editcap', ['-t', String(SKEW.serverCapture), path.join(dir, f), path.join(out, f)]);
  fs.copyFileSync(path.join(dir, 'firewall.pcap'), path.join(out, 'firewall.pcap'));
  fs.copyFileSync(path.join(dir, 'alibi.json'), path.join(out, 'alibi.json'));
  shiftLog(path.join(dir, 'stunnel.log'), path.join(out, 'stunnel.log'), /^(\d{4})\.(\d\d)\.(\d\d) (\d\d):(\d\d):(\d\d)/gm, (d) => `${d.getUTCFullYear()}.${p2(d.getUTCMonth() + 1)}.${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`, SKEW.stunnelLog);
  // nginx's $time_iso8601 carries its offset: the local wall time moves, the offset stays.
  shiftLog(path.join(dir, 'access.log'), path.join(out, 'access.log'), /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/gm, (d) => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`, SKEW.nginxLog);
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'));
  fs.writeFileSync(path.join(out, 'truth.json'), JSON.stringify({ ...truth, skews: SKEW }));
  return out;
}

const dirs = have ? scenarioDirs(path.join(REPO, 'captures')) : [];
const maybe = dirs.length ? describe.each(dirs.map((d) => [path.basename(d), d])) : describe.skip.each([['(no editcap)', '']]);
maybe('%s with skewed clocks', (_name, dir) => {
  test('every shape with a capture: never wrong; right where the unskewed inputs are right', async () => {
    const out = skewed(dir);
    const truth = readTruth(out);
    const plainTruth = readTruth(dir);
    const bad: string[] = [];
    for (const shape of shapes().filter((s) => s.vantages.length && !s.logs.includes('backend-error'))) {
      const s = score(await analyze({ ...configFor(out, shape), parallel: false }), truth, shape, ['firewall', 'server']);
      const plain = score(await analyze({ ...configFor(dir, shape), parallel: false }), plainTruth, shape, ['firewall', 'server']);
      if (s.outcome === 'wrong' || (plain.outcome === 'right' && s.outcome !== 'right' && s.sufficient)) bad.push(`${shape.name}: ${s.outcome}: ${s.detail} (unskewed: ${plain.outcome})`);
    }
    expect(bad).toEqual([]);
  });
});
