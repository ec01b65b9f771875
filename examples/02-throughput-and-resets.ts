/**
 * @module examples/02-throughput-and-resets
 * Throughput, new connections and resets (by side) per 10 s of a capture, the columns
 * `alibi series` prints: a freeze shows as a throughput dip with client resets and SYN retries.
 *
 * Run: npm run build && npx tsc -p examples --outDir tmp/examples && node tmp/examples/examples/02-throughput-and-resets.js [capture]
 */
import { CapturePass, SeriesAccumulator, seriesBins } from 'pcap-alibi';
import { passFile } from 'pcap-alibi/node';
import { capture, table } from './paths';

export async function main(file = capture('stunnel-freeze', 'firewall.pcap'), interval = 10): Promise<string> {
  // Epoch-aligned bins: captures from different places share the same edges.
  const series = new SeriesAccumulator({ interval, align: 'epoch' });
  // passFile reads the file once; from 16 MiB up it decodes in a worker thread while this one
  // keeps the flow table and the series (as `alibi series` does), with the same results.
  await passFile(file, new CapturePass({ keepFlows: false, observer: series }));
  const bins = seriesBins(series.columns());

  return (
    `${file}: ${bins.length} bins of ${interval} s\n` +
    table(
      ['start (UTC)', 'kbit/s', 'new conns', 'resets by client', 'resets by server', 'retransmissions', 'active'],
      bins.map((b) => [b.start.slice(11, 19), Math.round((b.bytes * 8) / interval / 100) / 10, b.synOnly, b.resetsByClient, b.resetsByServer, b.retransmissions, b.activeFlows]),
    )
  );
}

if (require.main === module) main(process.argv[2]).then((s) => process.stdout.write(s));
