/**
 * Incidents are outages, not edges (#17): traffic that stops with the end of a capture (the load
 * ended and the capture ran on) is stated as an edge and is no incident: the healthy run with
 * one straggling packet a minute after its load ended was "the clients stopped (85%)" before.
 * A pause with traffic after it (clients-stop) stays an incident.
 * Needs editcap (CI installs it); skips and says so without it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../lib/analyze';
import { readTruth } from '../../lib/eval/ablation';
import { REPO } from '../helpers/corpus';
import { haveTool } from '../helpers/tools';

const have = haveTool('editcap');
if (!have) console.warn('edge test skipped: editcap (Wireshark) is not installed');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-edge-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

(have ? test : test.skip)('load that ends before its capture does (one straggler a minute later): an edge, no incident', async () => {
  const dir = path.join(REPO, 'captures', 'healthy');
  // The capture's last packet again, 60 s later: the load stopped, the capture ran on.
  const caps = ['firewall', 'server'].map((v) => {
    const src = path.join(dir, `${v}.pcap`);
    const n = Number(/Number of packets:\s+(\d+)/.exec(execFileSync('capinfos', ['-c', '-M', src], { encoding: 'utf8' }))![1]);
    const last = path.join(tmp, `${v}-last.pcap`), late = path.join(tmp, `${v}-late.pcap`), out = path.join(tmp, `${v}.pcap`);
    execFileSync('editcap', ['-r', src, last, String(n)]);
    execFileSync('editcap', ['-t', '60', last, late]);
    execFileSync('mergecap', ['-F', 'pcap', '-w', out, src, late]);
    return { file: out, vantage: v };
  });
  const services = [{ component: 'stunnel', host: '10.0.2.2', port: 443 }];
  const doc = await analyze({ parallel: false, captures: caps, services, path: ['firewall', 'server'] });
  expect(doc.incidents).toEqual([]);
  expect(doc.edges.map((e) => e.source)).toEqual(expect.arrayContaining(['firewall', 'server']));
  expect(doc.edges[0].note).toMatch(/runs into the end of its capture/);
  // The clients' pause of the clients-stop run, with the capture running on, stays an incident.
  const cs = path.join(REPO, 'captures', 'clients-stop');
  const whole = await analyze({ parallel: false, baseDir: cs, captures: [{ file: 'firewall.pcap', vantage: 'firewall' }, { file: 'server.pcap', vantage: 'server' }], services, path: ['firewall', 'server'] });
  expect(whole.incidents.map((i) => i.culprit.component)).toEqual(['clients']);
  expect(readTruth(cs).faults[0].culprit.component).toBe('clients');
});
