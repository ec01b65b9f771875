/**
 * @module cli/flows
 * `alibi flows <capture> [--idle-timeout 300s] [--max-flows N] [--json|--csv]`.
 */
import { ArgumentError } from '../errors';
import type { FlowRecord } from '../flow/record';
import { MAX_FLOWS_LIMIT } from '../flow/table';
import type { ArrowColumn } from '../report/arrow';
import { CapturePass } from '../pass';
import { parseDuration } from '../time';
import { writeArrowFile } from './arrow';
import { CliIo, EXIT_OK, heldRecordsGuard, jsonPieces, parse, runPass, warningLines, writePieces } from './common';
import { forTerminal } from '../report/escape';
import { endpoint } from '../flow/address';

export const FLOWS_HELP = `usage: alibi flows <capture|-> [--idle-timeout 300s] [--max-flows N] [--vantage NAME] [--json|--csv] [--arrow FILE]

One record per TCP connection (Zeek conn_state and history, bytes and packets both ways,
SYN/SYN-ACK/FIN/RST counts, retransmissions and zero windows as Wireshark counts them).
  --idle-timeout D  a connection idle this long is finished; a later packet starts a new one (300s)
  --max-flows N     most concurrent connections kept; beyond it the least recently active is
                    finished early and a warning says how many (250000; at most 8000000)
  --vantage NAME    vantage name copied into each record
  --json            {flows: [...], warnings: [...]}
  --csv             a header line and one row per connection, written as each connection
                    finishes (as Zeek writes conn.log): memory stays that of the live table,
                    whatever the capture holds; the other outputs sort by start
  --arrow FILE      also write the rows as an Apache Arrow IPC file (CSV column names; times as
                    timestamp[ns, UTC]) for pandas, polars, DuckDB
`;

export const FLOW_CSV_COLUMNS = [
  'id', 'client_ip', 'client_port', 'server_ip', 'server_port', 'start', 'end', 'duration',
  'packets_c2s', 'packets_s2c', 'bytes_c2s', 'bytes_s2c', 'payload_c2s', 'payload_s2c',
  'syn_c2s', 'syn_s2c', 'synack_c2s', 'synack_s2c', 'fin_c2s', 'fin_s2c', 'rst_c2s', 'rst_s2c',
  'state', 'history', 'handshake_rtt', 'retransmissions_c2s', 'retransmissions_s2c',
  'zero_windows_c2s', 'zero_windows_s2c', 'vantage',
] as const;

/**
 * One CSV cell. Text starting with `=`, `+`, `-`, `@`, a tab or a CR (a vantage name given on the
 * command line) is prefixed with `'`, so a spreadsheet shows it rather than running it as a
 * formula (OWASP's CSV injection advice); numbers are left as they are.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The --arrow columns: FLOW_CSV_COLUMNS, typed. */
export const FLOW_ARROW_COLUMNS: ArrowColumn<FlowRecord>[] = [
  { name: 'id', type: 'int', get: (f) => f.id },
  { name: 'client_ip', type: 'string', get: (f) => f.client.ip },
  { name: 'client_port', type: 'int', get: (f) => f.client.port },
  { name: 'server_ip', type: 'string', get: (f) => f.server.ip },
  { name: 'server_port', type: 'int', get: (f) => f.server.port },
  { name: 'start', type: 'timestamp', get: (f) => f.start },
  { name: 'end', type: 'timestamp', get: (f) => f.end },
  { name: 'duration', type: 'float', get: (f) => f.duration },
  ...(['packets', 'bytes', 'payload', 'syn', 'synAck', 'fin', 'rst'] as const).flatMap((k) => {
    const col = k === 'synAck' ? 'synack' : k;
    return [
      { name: `${col}_c2s`, type: 'int' as const, get: (f: FlowRecord) => f[k].c2s },
      { name: `${col}_s2c`, type: 'int' as const, get: (f: FlowRecord) => f[k].s2c },
    ];
  }),
  { name: 'state', type: 'string', get: (f) => f.state },
  { name: 'history', type: 'string', get: (f) => f.history },
  { name: 'handshake_rtt', type: 'float', get: (f) => f.handshakeRtt },
  { name: 'retransmissions_c2s', type: 'int', get: (f) => f.retransmissions.c2s },
  { name: 'retransmissions_s2c', type: 'int', get: (f) => f.retransmissions.s2c },
  { name: 'zero_windows_c2s', type: 'int', get: (f) => f.zeroWindows.c2s },
  { name: 'zero_windows_s2c', type: 'int', get: (f) => f.zeroWindows.s2c },
  { name: 'vantage', type: 'string', get: (f) => f.vantage ?? null },
];

/** One CSV row per flow, columns as FLOW_CSV_COLUMNS. */
export function flowCsvRow(f: FlowRecord): string {
  // One template, not 30 csvCell calls: every field but the vantage is a number or text the
  // decoder wrote (addresses, ISO times, Zeek letters), none of which needs quoting or can start
  // a formula; the vantage is the user's and goes through csvCell (cached: one per capture).
  // 10 M rows: 51 s → see bench/flood.js.
  const c = f.client;
  const v = f.server;
  const p = f.packets, b = f.bytes, y = f.payload, r = f.retransmissions, z = f.zeroWindows;
  return `${f.id},${c.ip},${c.port},${v.ip},${v.port},${f.start},${f.end},${f.duration},${p.c2s},${p.s2c},${b.c2s},${b.s2c},${y.c2s},${y.s2c},` +
    `${f.syn.c2s},${f.syn.s2c},${f.synAck.c2s},${f.synAck.s2c},${f.fin.c2s},${f.fin.s2c},${f.rst.c2s},${f.rst.s2c},${f.state},${f.history},${f.handshakeRtt ?? ''},` +
    `${r.c2s},${r.s2c},${z.c2s},${z.s2c},${vantageCell(f.vantage)}`;
}

let lastVantage: string | undefined;
let lastVantageCell = '';
function vantageCell(v: string | undefined): string {
  if (v === undefined) return '';
  if (v !== lastVantage) {
    lastVantage = v;
    lastVantageCell = csvCell(v);
  }
  return lastVantageCell;
}

export async function flowsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    'idle-timeout': { type: 'string' },
    'max-flows': { type: 'string' },
    vantage: { type: 'string' },
    arrow: { type: 'string' },
  });
  if (values.help) {
    io.stdout(FLOWS_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new ArgumentError('flows takes exactly one capture');
  if (values.json && values.csv) throw new ArgumentError('choose one of --json and --csv');
  if (values.arrow === '') throw new ArgumentError('--arrow needs a file name');
  const maxFlows = values['max-flows'] !== undefined ? Number(values['max-flows']) : undefined;
  if (maxFlows !== undefined && !(Number.isInteger(maxFlows) && maxFlows > 0 && maxFlows <= MAX_FLOWS_LIMIT)) throw new ArgumentError(`--max-flows must be an integer from 1 to ${MAX_FLOWS_LIMIT}, got "${values['max-flows']}"`);
  const path = positionals[0];
  // CSV rows go out as their connections finish, in the order they always had: the records are
  // not kept, so a SYN flood of millions of connections costs the live table, not its history.
  const streamCsv = values.csv === true && values.arrow === undefined;
  // Rows are encoded into a 1 MiB buffer as they are made and leave as one string per MiB: an
  // array of 4,096 row strings lived long enough to be promoted and cost the old generation's
  // collector a third of a 10 M-connection run (53 s → 40 s).
  let block = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  let headerDone = false;
  // stdout said it is full (a pipe read slowly): the pass waits for it between slots.
  let full = false;
  const flushRows = () => {
    const head = headerDone ? '' : FLOW_CSV_COLUMNS.join(',') + '\n';
    headerDone = true;
    if (head || used) full = io.stdout(head + block.toString('utf8', 0, used)) === false || full;
    used = 0;
  };
  const waitForReader = (): Promise<void> | undefined => {
    if (!full || !io.drained) return undefined;
    full = false;
    return io.drained();
  };
  const pass = new CapturePass({
    idleTimeout: values['idle-timeout'] !== undefined ? parseDuration(values['idle-timeout'], '--idle-timeout') : undefined,
    maxFlows,
    vantage: values.vantage,
    keepFlows: !streamCsv,
    onFlow: streamCsv
      ? (f) => {
          const row = flowCsvRow(f) + '\n';
          // Three bytes per UTF-16 unit at most; a row longer than the block gets a block of its own.
          if (used + row.length * 3 > block.length) {
            flushRows();
            if (row.length * 3 > block.length) block = Buffer.allocUnsafe(row.length * 3);
          }
          used += block.write(row, used);
        }
      : heldRecordsGuard(path, values.json ? 'the JSON document' : values.arrow !== undefined ? 'the Arrow file' : 'sorting', values.arrow !== undefined ? 'write --csv instead (streamed: each connection written as it finishes, none held)' : 'use --csv (streamed: each connection written as it finishes, none held)'),
  });
  const res = await runPass(path, pass, io, values.json === true || values.csv === true, streamCsv ? waitForReader : undefined);
  if (streamCsv) {
    flushRows();
    io.stderr(warningLines(res.warnings));
    return EXIT_OK;
  }
  if (values.arrow !== undefined) await writeArrowFile(values.arrow, res.flows, FLOW_ARROW_COLUMNS);
  if (values.json) {
    // In pieces: a whole-capture document can be longer than the longest string V8 can build.
    await writePieces(io, jsonPieces({ flows: res.flows, warnings: res.warnings }, 'flows'));
    return EXIT_OK;
  }
  if (values.csv) {
    await writePieces(io, (function* () {
      yield FLOW_CSV_COLUMNS.join(',') + '\n';
      for (const f of res.flows) yield flowCsvRow(f) + '\n';
    })());
    io.stderr(warningLines(res.warnings));
    return EXIT_OK;
  }
  await writePieces(io, (function* () {
    yield `${res.flows.length} TCP connections in ${forTerminal(path)} (${res.packets} packets, ${res.tcpPackets} TCP)\n`;
    for (const f of res.flows) {
      yield `${f.start}  ${endpoint(f.client.ip, f.client.port).padEnd(24)} -> ${endpoint(f.server.ip, f.server.port).padEnd(24)} ${f.state.padEnd(6)} ${f.history.padEnd(12)} ` +
        `pkts ${f.packets.c2s}/${f.packets.s2c}  bytes ${f.bytes.c2s}/${f.bytes.s2c}  rst ${f.rst.c2s}/${f.rst.s2c}  dur ${f.duration.toFixed(3)}s\n`;
    }
  })());
  io.stderr(warningLines(res.warnings));
  return EXIT_OK;
}
