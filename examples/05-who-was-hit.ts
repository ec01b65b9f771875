/**
 * @module examples/05-who-was-hit
 * What the network team asks first, on the stunnel freeze: which connections the incident hit
 * and how they ended (per vantage, by Zeek state), and which clients gave up — their resets,
 * counted from the RST packets alone with a tcpdump filter.
 *
 * Run: npm run build && npx tsc -p examples --outDir tmp/examples && node tmp/examples/examples/05-who-was-hit.js
 */
import { CapturePass, compileFilter, EndpointTable } from 'pcap-alibi';
import { analyze, loadConfig } from 'pcap-alibi/analysis';
import { openCapture } from 'pcap-alibi/node';
import { capture, table } from './paths';

export async function main(): Promise<string> {
  // The incidents, and each one's connections (what `--html` tabulates).
  const doc = await analyze(loadConfig(capture('stunnel-freeze', 'alibi.json')), { connections: true });
  const hit: (string | number)[][] = [];
  for (const c of doc.connections ?? []) {
    const inc = doc.incidents[c.incident];
    const states = Object.entries(c.byState).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ');
    hit.push([inc.start.slice(11, 19), inc.culprit.component, c.vantage, c.total, states]);
  }

  // Who sent resets: only RST packets, read through a tcpdump expression, tallied per address.
  const rst = new EndpointTable();
  const pass = new CapturePass({ packetFilter: compileFilter('tcp[tcpflags] & tcp-rst != 0'), keepFlows: false, onFlow: (f) => rst.add(f) });
  const file = capture('stunnel-freeze', 'firewall.pcap');
  const r = openCapture(file);
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  pass.finish(r, file);
  const senders = rst.rows().filter((e) => e.resetsSent > 0).sort((a, b) => b.resetsSent - a.resetsSent || (a.address < b.address ? -1 : 1));
  const silent = rst.rows().filter((e) => e.resetsSent === 0).map((e) => e.address);

  return table(['incident', 'culprit', 'vantage', 'connections', 'how they ended'], hit) + '\n' +
    table(['address', 'resets sent', 'connections reset'], senders.slice(0, 5).map((e) => [e.address, e.resetsSent, e.connections])) +
    `\n${senders.length} addresses sent resets; sent none: ${silent.join(', ') || '-'}\n`;
}

if (require.main === module) main().then((s) => process.stdout.write(s));
