/**
 * @module cli/series
 * `alibi series <capture> [--interval 1s] [--align epoch|first] [--port P] [--host H] [--json|--csv]`.
 */
import { ArgumentError } from '../errors';
import { flowFilter } from '../flow/filter';
import { SeriesAccumulator, seriesBins } from '../metrics/series';
import { csvHeader, csvRow, SERIES_COLUMNS } from '../report/schema';
import { CapturePass } from '../pipeline/pass';
import { openCapture } from '../capture/file';
import { WIDER_INTERVALS } from '../grid';
import { parseDuration } from '../time';
import { CliIo, EXIT_OK, packetFilterFlag, portHostFlags, jsonPieces, parse, runPass, warningLines, writePieces } from './common';
import { checkColumnarFlags, writeColumnar } from './arrow';
import { forTerminal } from '../report/escape';

export const SERIES_HELP = `usage: alibi series <capture|-> [--interval 1s] [--align epoch|first] [--filter EXPR] [--port P] [--host H] [--json|--csv] [--arrow FILE] [--parquet FILE]

Per interval: packets, bytes (frame lengths as on the wire), TCP payload, new connection attempts
(SYN without ACK), resets and who sent them (client = the SYN sender), retransmissions, zero
windows, active connections; reset rate per second and per 100 attempts. Bins are half-open
[start, start+interval); every bin between the first and the last packet is printed. A capture
spanning more than 1,000,000 bins is binned again at 10 s, 1 min, 10 min, … (whichever fits first),
so that every packet is counted; a warning says so.
  --interval D     bin width: 250ms, 1s, 10s, 5m (default 1s)
  --align epoch    edges at absolute multiples of the interval (default; captures share edges)
  --align first    bins start at the first packet, as tshark -z io,stat does
  --filter EXPR    only packets this tcpdump expression keeps (host, net, port, tcp flags,
                   and/or/not), as if cut with tcpdump -r IN -w OUT EXPR first
  --port P         only TCP connections with P at either end
  --host H         only TCP connections with address H at either end
  --json           {interval, bins: [...], warnings: [...]}
  --csv            a header line and one row per bin (snake_case: syn_only, resets_by_client, …)
  --arrow FILE     also write the bins as an Apache Arrow IPC file (start as timestamp[ns, UTC])
  --parquet FILE   also write the bins as a Parquet file (DuckDB, Spark, ClickHouse, pandas)
The CSV, Arrow and Parquet rows share one schema (README: "Row schema").
`;


/** The first width of {@link WIDER_INTERVALS} above `interval` at which the capture's span fits in `maxBins`. */
function widerInterval(path: string, interval: number, maxBins: number): number | null {
  let lo = Infinity;
  let hi = -Infinity;
  const r = openCapture(path);
  try {
    for (let p = r.next(); p !== null; p = r.next()) {
      const t = p.tsSec + p.tsFrac / p.tsRes;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  } catch {
    // Damage was reported by the pass; the span read so far decides.
  } finally {
    r.close();
  }
  if (!(hi >= lo)) return null;
  return WIDER_INTERVALS.find((w) => w > interval && (hi - lo) / w + 2 <= maxBins) ?? null;
}

export async function seriesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    filter: { type: 'string' },
    interval: { type: 'string' },
    align: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    arrow: { type: 'string' },
    parquet: { type: 'string' },
  });
  if (values.help) {
    io.stdout(SERIES_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new ArgumentError('series takes exactly one capture');
  if (values.json && values.csv) throw new ArgumentError('choose one of --json and --csv');
  checkColumnarFlags(values);
  const align = values.align ?? 'epoch';
  if (align !== 'epoch' && align !== 'first') throw new ArgumentError(`--align must be epoch or first, got "${align}"`);
  const asked = parseDuration(values.interval ?? '1s', '--interval');
  const path = positionals[0];
  const filter = portHostFlags(flowFilter, values);
  const packetFilter = packetFilterFlag(values.filter);
  let interval = asked;
  let series = new SeriesAccumulator({ interval, align, filter });
  let res = await runPass(path, new CapturePass({ keepFlows: false, observer: series, packetFilter }), io, values.json === true);
  // A capture spanning more bins than a series keeps is binned again, wider, so that no packet is
  // left out (as `alibi logs` widens a long log's bins); stdin cannot be read twice.
  const wider = series.overflow > 0 && path !== '-' ? widerInterval(path, interval, series.maxBins) : null;
  if (wider !== null) {
    interval = wider;
    series = new SeriesAccumulator({ interval, align, filter });
    res = await runPass(path, new CapturePass({ keepFlows: false, observer: series, packetFilter }), io, values.json === true);
  }
  const cols = series.columns();
  const bins = seriesBins(cols);
  const warnings = res.warnings;
  if (interval !== asked) warnings.unshift({ file: path, offset: null, packet: null, reason: `the capture spans more than ${series.maxBins.toLocaleString('en-US')} bins of ${asked} s: bins widened to ${interval} s so that every packet is counted (give --interval to choose)`, code: 'interval_widened' });
  if (series.overflow > 0) warnings.push({ file: path, offset: null, packet: null, reason: `${series.overflow} packets beyond the first ${series.maxBins.toLocaleString('en-US')} bins were not binned: use a larger --interval`, code: 'too_many_bins' });
  await writeColumnar(values, bins, SERIES_COLUMNS);
  if (values.json) {
    await writePieces(io, jsonPieces({ interval, bins, warnings }, 'bins'));
    return EXIT_OK;
  }
  if (values.csv) {
    await writePieces(io, (function* () {
      yield csvHeader(SERIES_COLUMNS) + '\n';
      for (const b of bins) yield csvRow(b, SERIES_COLUMNS) + '\n';
    })());
    io.stderr(warningLines(warnings));
    return EXIT_OK;
  }
  const head = `${'start'.padEnd(24)} ${'packets'.padStart(8)} ${'bytes'.padStart(11)} ${'syn'.padStart(6)} ${'rst'.padStart(5)} ${'rst c/s'.padStart(9)} ${'retx'.padStart(5)} ${'zwin'.padStart(5)} ${'active'.padStart(7)}`;
  const lines = bins.map((b) =>
    `${b.start.padEnd(24)} ${String(b.packets).padStart(8)} ${String(b.bytes).padStart(11)} ${String(b.synOnly).padStart(6)} ${String(b.resets).padStart(5)} ${`${b.resetsByClient}/${b.resetsByServer}`.padStart(9)} ${String(b.retransmissions).padStart(5)} ${String(b.zeroWindows).padStart(5)} ${String(b.activeFlows).padStart(7)}`,
  );
  await writePieces(io, [`${forTerminal(path)}: ${bins.length} bins of ${interval} s (align ${align})\n${head}\n`, ...lines.map((l) => l + '\n')]);
  io.stderr(warningLines(warnings));
  return EXIT_OK;
}
