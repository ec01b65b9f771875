/**
 * @module examples/01-flows-from-capture
 * The TCP connections of a capture, as `alibi flows` lists them: how many ended in each Zeek
 * state, and the ten busiest with their history letters and who sent the resets.
 *
 * Run: npm run build && npx tsc -p examples --outDir tmp/examples && node tmp/examples/examples/01-flows-from-capture.js [capture]
 */
import { CapturePass, type FlowRecord } from 'pcap-alibi';
import { openCapture } from 'pcap-alibi/node';
import { capture, table } from './paths';

export async function main(file = capture('stunnel-freeze', 'server.pcap')): Promise<string> {
  const reader = openCapture(file);
  const pass = new CapturePass({ vantage: 'server' });
  for (const packet of reader) pass.packet(packet); // one reused record per packet
  const { flows, packets, warnings } = pass.finish(reader, file);

  const byState = new Map<string, number>();
  for (const f of flows) byState.set(f.state, (byState.get(f.state) ?? 0) + 1);
  const total = (f: FlowRecord) => f.bytes.c2s + f.bytes.s2c;
  const busiest = [...flows].sort((a, b) => total(b) - total(a)).slice(0, 10);

  return (
    `${file}: ${packets} packets, ${flows.length} TCP connections, ${warnings.length} warnings\n\n` +
    table(['state', 'connections'], [...byState].sort((a, b) => b[1] - a[1])) +
    '\n' +
    table(
      ['client', 'server', 'state', 'history', 'packets c>s', 'packets s>c', 'bytes', 'rst c>s', 'rst s>c', 'rtt ms'],
      busiest.map((f) => [
        `${f.client.ip}:${f.client.port}`, `${f.server.ip}:${f.server.port}`, f.state, f.history,
        f.packets.c2s, f.packets.s2c, total(f), f.rst.c2s, f.rst.s2c, f.handshakeRtt === null ? null : Math.round(f.handshakeRtt * 1e6) / 1e3,
      ]),
    )
  );
}

if (require.main === module) main(process.argv[2]).then((s) => process.stdout.write(s));
