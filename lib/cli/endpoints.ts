/**
 * @module cli/endpoints
 * `alibi endpoints <capture> [--port P] [--host H] [--top N] [--json|--csv] [--arrow FILE] [--parquet FILE]`.
 */
import { ArgumentError } from '../errors';
import { EndpointTable } from '../flow/endpoints';
import { recordFilter } from '../flow/filter';
import { CapturePass } from '../pipeline/pass';
import { forTerminal } from '../report/escape';
import { csvHeader, csvRow, ENDPOINT_COLUMNS } from '../report/schema';
import { checkColumnarFlags, writeColumnar } from './arrow';
import { CliIo, EXIT_OK, packetFilterFlag, portHostFlags, heldRecordsGuard, json, parse, runPass, warningLines, writePieces } from './common';

export const ENDPOINTS_HELP = `usage: alibi endpoints <capture|-> [--filter EXPR] [--port P] [--host H] [--top N] [--json|--csv] [--arrow FILE] [--parquet FILE]

Per IP address, over its TCP connections (the top talkers; tshark -z endpoints,ip for TCP):
connections (opened as client, accepted as server), packets and bytes on the wire in all, sent
(tx) and received (rx), and resets it sent. Most bytes first.
  --filter EXPR    only packets this tcpdump expression keeps (as tcpdump -r IN -w OUT EXPR)
  --port P         only connections with port P at either end
  --host H         only connections with address H at either end (H and its peers are listed)
  --top N          the first N addresses
  --json           {endpoints: [...], warnings: [...]}
  --csv            a header line and one row per address
  --arrow FILE     also write the rows as an Apache Arrow IPC file
  --parquet FILE   also write the rows as a Parquet file
The CSV, Arrow and Parquet rows share one schema (README: "Row schema").
`;

export async function endpointsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    filter: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    top: { type: 'string' },
    arrow: { type: 'string' },
    parquet: { type: 'string' },
  });
  if (values.help) {
    io.stdout(ENDPOINTS_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new ArgumentError('endpoints takes exactly one capture');
  if (values.json && values.csv) throw new ArgumentError('choose one of --json and --csv');
  checkColumnarFlags(values);
  const top = values.top !== undefined ? Number(values.top) : undefined;
  if (top !== undefined && !(Number.isInteger(top) && top > 0)) throw new ArgumentError(`--top must be a positive integer, got "${values.top}"`);
  const keep = portHostFlags(recordFilter, values);
  const path = positionals[0];
  const table = new EndpointTable();
  const guard = heldRecordsGuard(path, 'the endpoint table', 'give --port or --host to look at fewer addresses');
  const pass = new CapturePass({
    keepFlows: false,
    packetFilter: packetFilterFlag(values.filter),
    onFlow: (r) => {
      if (keep && !keep(r)) return;
      table.add(r);
      guard();
    },
  });
  const res = await runPass(path, pass, io, values.json === true || values.csv === true);
  const all = table.rows();
  const rows = top !== undefined ? all.slice(0, top) : all;
  await writeColumnar(values, rows, ENDPOINT_COLUMNS);
  if (values.json) {
    io.stdout(json({ endpoints: rows, warnings: res.warnings }));
    return EXIT_OK;
  }
  if (values.csv) {
    await writePieces(io, (function* () {
      yield csvHeader(ENDPOINT_COLUMNS) + '\n';
      for (const r of rows) yield csvRow(r, ENDPOINT_COLUMNS) + '\n';
    })());
    io.stderr(warningLines(res.warnings));
    return EXIT_OK;
  }
  await writePieces(io, (function* () {
    yield `${all.length} addresses in ${forTerminal(path)}${rows.length < all.length ? ` (the top ${rows.length} by bytes)` : ''}\n`;
    yield `${'address'.padEnd(40)} ${'conns'.padStart(7)} ${'client'.padStart(7)} ${'server'.padStart(7)} ${'packets'.padStart(9)} ${'bytes'.padStart(12)} ${'tx bytes'.padStart(12)} ${'rx bytes'.padStart(12)} ${'rst sent'.padStart(8)}\n`;
    for (const r of rows) {
      yield `${r.address.padEnd(40)} ${String(r.connections).padStart(7)} ${String(r.asClient).padStart(7)} ${String(r.asServer).padStart(7)} ${String(r.packets).padStart(9)} ${String(r.bytes).padStart(12)} ${String(r.txBytes).padStart(12)} ${String(r.rxBytes).padStart(12)} ${String(r.resetsSent).padStart(8)}\n`;
    }
  })());
  io.stderr(warningLines(res.warnings));
  return EXIT_OK;
}
