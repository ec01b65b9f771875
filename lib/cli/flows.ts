/**
 * @module cli/flows
 * `alibi flows <capture> [--idle-timeout 300s] [--max-flows N] [--json|--csv]`.
 */
import { ArgumentError } from '../errors';
import type { FlowRecord } from '../flow/record';
import { MAX_FLOWS_LIMIT } from '../flow/table';
import { CapturePass } from '../pipeline/pass';
import { parseDuration } from '../time';
import { checkColumnarFlags, columnarSink } from './arrow';
import { csvCell, FLOW_COLUMNS } from '../report/schema';
import { flowFilter, recordFilter } from '../flow/filter';
import { TextSpool } from './spool';
import { flowJsonItem, TextBytes, writeFlowJson, writeFlowJsonView } from '../report/flowjson';
import { writeFlowCsvRow } from '../report/flowcsv';
import type { Flow } from '../flow/flow';
import { getHeapStatistics } from 'node:v8';
import { CliIo, EXIT_OK, packetFilterFlag, portHostFlags, heldRecordsGuard, jsonPieces, parse, runPass, warningLines, writePieces } from './common';
import { forTerminal } from '../report/escape';
import { endpoint } from '../flow/address';

export const FLOWS_HELP = `usage: alibi flows <capture|-> [--idle-timeout 300s] [--max-flows N] [--vantage NAME]
                  [--filter EXPR] [--port P] [--host H] [--sort bytes|packets|duration|start] [--top N]
                  [--json|--csv] [--arrow FILE] [--parquet FILE]

One record per TCP connection (Zeek conn_state and history, bytes and packets both ways,
SYN/SYN-ACK/FIN/RST counts, retransmissions and zero windows as Wireshark counts them).
  --idle-timeout D  a connection idle this long is finished; a later packet starts a new one (300s)
  --max-flows N     most concurrent connections kept; beyond it the least recently active is
                    finished early and a warning says how many (250000; at most 8000000)
  --vantage NAME    vantage name copied into each record
  --filter EXPR     only packets this tcpdump expression keeps (host, net, port, portrange, tcp,
                    udp, ip, ip6, tcp[tcpflags] & tcp-syn != 0, and/or/not): as if the capture
                    had been cut with tcpdump -r IN -w OUT EXPR first
  --port P          only connections with port P at either end
  --host H          only connections with address H at either end
  --sort FIELD      bytes, packets (both ways, largest first), duration (longest first) or start
  --top N           the first N after sorting (default sort: bytes); only N records are held
  --json            {flows: [...], warnings: [...]}
  --csv             a header line and one row per connection, written as each connection
                    finishes (as Zeek writes conn.log): memory stays that of the live table,
                    whatever the capture holds; the other outputs sort by start
  --arrow FILE      also write the rows as an Apache Arrow IPC file (times as timestamp[ns, UTC])
  --parquet FILE    also write the rows as a Parquet file (DuckDB, Spark, ClickHouse, pandas)
The CSV, Arrow and Parquet rows share one schema (README: "Row schema").
`;

/** The CSV header's names, in order (report/schema's FLOW_COLUMNS). */
export const FLOW_CSV_COLUMNS = FLOW_COLUMNS.map((c) => c.name);


export { csvCell };

/** One CSV row per flow, columns as FLOW_COLUMNS (a test checks the two agree on every column). */
export function flowCsvRow(f: FlowRecord): string {
  // One template, not 30 csvCell calls: every field but the vantage is a number or text the
  // decoder wrote (addresses, ISO times, Zeek letters), none of which needs quoting or can start
  // a formula; the vantage is the user's and goes through csvCell (cached: one per capture).
  // 10 M rows: 51 s → see bench/flood.js.
  const c = f.client;
  const v = f.server;
  const p = f.packets, b = f.bytes, y = f.payload, r = f.retransmissions, z = f.zeroWindows, t = f.tlsHellos, h = f.httpStarts;
  return `${f.id},${c.ip},${c.port},${v.ip},${v.port},${f.start},${f.end},${f.duration},${p.c2s},${p.s2c},${b.c2s},${b.s2c},${y.c2s},${y.s2c},` +
    `${f.syn.c2s},${f.syn.s2c},${f.synAck.c2s},${f.synAck.s2c},${f.fin.c2s},${f.fin.s2c},${f.rst.c2s},${f.rst.s2c},${f.state},${f.history},${f.handshakeRtt ?? ''},` +
    `${r.c2s},${r.s2c},${z.c2s},${z.s2c},${t.c2s},${t.s2c},${h.c2s},${h.s2c},${f.ipVersion},${vantageCell(f.vantage)}`;
}

/** One flow as a line of the text listing. */
export function flowTextLine(f: FlowRecord): string {
  return `${f.start}  ${endpoint(f.client.ip, f.client.port).padEnd(24)} -> ${endpoint(f.server.ip, f.server.port).padEnd(24)} ${f.state.padEnd(6)} ${f.history.padEnd(12)} ` +
    `pkts ${f.packets.c2s}/${f.packets.s2c}  bytes ${f.bytes.c2s}/${f.bytes.s2c}  rst ${f.rst.c2s}/${f.rst.s2c}  dur ${f.duration.toFixed(3)}s\n`;
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

/** How `--sort` orders records (largest first for sizes and durations, earliest first for start). */
const SORTS: Readonly<Record<string, (a: FlowRecord, b: FlowRecord) => number>> = {
  bytes: (a, b) => b.bytes.c2s + b.bytes.s2c - (a.bytes.c2s + a.bytes.s2c) || a.id - b.id,
  packets: (a, b) => b.packets.c2s + b.packets.s2c - (a.packets.c2s + a.packets.s2c) || a.id - b.id,
  duration: (a, b) => b.duration - a.duration || a.id - b.id,
  start: (a, b) => a.startTime - b.startTime || a.id - b.id,
};

/**
 * The N first records in `order`, kept as they finish: the list is cut back to N whenever it
 * reaches 2N, so memory is that of N records whatever the capture holds.
 */
export class TopRecords {
  private kept: FlowRecord[] = [];
  constructor(private readonly n: number, private readonly order: (a: FlowRecord, b: FlowRecord) => number) {}
  add(r: FlowRecord): void {
    this.kept.push(r);
    if (this.kept.length >= 2 * this.n) this.cut();
  }
  private cut(): void {
    this.kept.sort(this.order);
    this.kept.length = Math.min(this.kept.length, this.n);
  }
  records(): FlowRecord[] {
    this.cut();
    return this.kept;
  }
}

export async function flowsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    filter: { type: 'string' },
    'idle-timeout': { type: 'string' },
    'max-flows': { type: 'string' },
    vantage: { type: 'string' },
    arrow: { type: 'string' },
    parquet: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    sort: { type: 'string' },
    top: { type: 'string' },
  });
  if (values.help) {
    io.stdout(FLOWS_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new ArgumentError('flows takes exactly one capture');
  if (values.json && values.csv) throw new ArgumentError('choose one of --json and --csv');
  checkColumnarFlags(values);
  const maxFlows = values['max-flows'] !== undefined ? Number(values['max-flows']) : undefined;
  if (maxFlows !== undefined && !(Number.isInteger(maxFlows) && maxFlows > 0 && maxFlows <= MAX_FLOWS_LIMIT)) throw new ArgumentError(`--max-flows must be an integer from 1 to ${MAX_FLOWS_LIMIT}, got "${values['max-flows']}"`);
  if (values.sort !== undefined && !(values.sort in SORTS)) throw new ArgumentError(`--sort must be one of ${Object.keys(SORTS).join(', ')}, got "${values.sort}"`);
  const top = values.top !== undefined ? Number(values.top) : undefined;
  if (top !== undefined && !(Number.isInteger(top) && top > 0 && top <= 10_000_000)) throw new ArgumentError(`--top must be an integer from 1 to 10000000, got "${values.top}"`);
  const keep = portHostFlags(recordFilter, values);
  const packetFilter = packetFilterFlag(values.filter);
  const order = values.sort !== undefined ? SORTS[values.sort] : top !== undefined ? SORTS.bytes : undefined;
  const path = positionals[0];
  const columnar = values.arrow !== undefined || values.parquet !== undefined;
  const sink = columnar ? await columnarSink(values, FLOW_COLUMNS) : null;
  // Rows go out as their connections finish (CSV lines, Arrow/Parquet batches): the records are
  // not kept, so a SYN flood of millions of connections costs the live table, not its history.
  // Sorted outputs (--sort, --json, the text listing) hold them.
  const stream = order === undefined && !values.json && (values.csv === true || columnar);
  const streamCsv = stream && values.csv === true;
  // Rows are written as bytes into a buffer as their connections finish, straight from the flow
  // table (report/flowcolumns), and leave as one string per MiB: an array of 4,096 row strings
  // lived long enough to be promoted and cost the old generation's collector a third of a
  // 10 M-connection run (53 s → 40 s); rows made from records and their template strings cost
  // 1.3 s of the 407 k-connection benchmark capture.
  const rowsOut = new TextBytes(2 << 20);
  const cell = values.vantage === undefined ? '' : csvCell(values.vantage);
  let headerDone = false;
  // stdout said it is full (a pipe read slowly): the pass waits for it between slots.
  let full = false;
  const flushRows = () => {
    const head = headerDone ? '' : FLOW_CSV_COLUMNS.join(',') + '\n';
    headerDone = true;
    if (head || rowsOut.at) full = io.stdout(head + rowsOut.buf.toString(rowsOut.utf8 ? 'utf8' : 'latin1', 0, rowsOut.at)) === false || full;
    rowsOut.at = 0;
  };
  const waitForReader = (): Promise<void> | undefined => {
    if (!full || !io.drained) return undefined;
    full = false;
    return io.drained();
  };
  const tops = top !== undefined && order ? new TopRecords(top, order) : null;
  const held: FlowRecord[] = [];
  const guard = heldRecordsGuard(path, values.json ? 'the JSON document' : 'sorting', 'use --csv, --arrow or --parquet (streamed: each connection written as it finishes, none held), or give --top N');
  let streamedRows = 0;
  // The JSON document and the text listing in start order: each record rendered as it finishes
  // and kept as bytes (cli/spool), so the heap holds no records; the budget is the heap's, as if
  // they were held.
  const textListing = !values.json && !values.csv && !columnar;
  const spool = order === undefined && (values.json || textListing)
    ? new TextSpool(getHeapStatistics().heap_size_limit, path, values.json ? 'the JSON document' : 'the listing', 'use --csv, --arrow or --parquet (streamed: each connection written as it finishes, none held), or give --top N, or give Node more heap (NODE_OPTIONS=--max-old-space-size=MiB)')
    : null;
  const onRecord = tops ? (f: FlowRecord) => tops.add(f)
    : spool && values.json ? (f: FlowRecord) => { spool.begin(); writeFlowJson(spool.out, f); spool.commit(f.startTime, f.id); }
    : spool ? (f: FlowRecord) => { spool.begin(); spool.out.write(flowTextLine(f)); spool.commit(f.startTime, f.id); }
    : (f: FlowRecord) => { held.push(f); guard(); };
  // The JSON document's items are rendered from the flow table's view as each connection
  // finishes, like the streamed rows: no record is made (the same bytes: writeFlowJsonView).
  const jsonFromView = spool !== null && values.json === true && !columnar;
  // Streamed rows (CSV, Arrow, Parquet) are made from the flow table's memory as each connection
  // finishes (report/flowcolumns): no record.
  const columns = stream && sink !== null ? new (await import('../report/flowcolumns')).FlowColumnBatcher(values.vantage, (t) => sink.addBatch(t)) : null;
  // --port / --host on the live flow (the same test as on records: flow/filter).
  const keepLive = (stream || jsonFromView) && keep ? portHostFlags(flowFilter, values) : undefined;
  const finished = (f: Flow) => {
    if (keepLive && !keepLive(f)) return;
    if (jsonFromView) {
      spool!.begin();
      writeFlowJsonView(spool!.out, f, values.vantage);
      spool!.commit(f.startT, f.id);
      return;
    }
    streamedRows++;
    if (streamCsv) {
      writeFlowCsvRow(rowsOut, f, cell);
      if (rowsOut.at >= 1 << 20) flushRows();
    }
    columns?.add(f);
  };
  const pass = new CapturePass({
    idleTimeout: values['idle-timeout'] !== undefined ? parseDuration(values['idle-timeout'], '--idle-timeout') : undefined,
    maxFlows,
    packetFilter,
    vantage: values.vantage,
    keepFlows: false,
    ...(stream || jsonFromView ? { onFinished: finished } : { onFlow: keep ? (f) => { if (keep!(f)) onRecord(f); } : onRecord }),
  });
  // Between slots of a threaded pass: stdout drains, and the Parquet writer encodes its queue.
  const between = streamCsv || sink ? () => waitForReader() ?? sink?.idle() : undefined;
  const res = await runPass(path, pass, io, values.json === true || values.csv === true, between).catch(async (e: unknown) => {
    await sink?.abort(e);
    throw e;
  });
  const summary = (n: number) => `${n} TCP connections${keep || packetFilter ? ' matching' : ''}${tops ? ` (the top ${top} by ${values.sort ?? 'bytes'})` : ''} in ${forTerminal(path)} (${res.packets} packets, ${res.tcpPackets} TCP)${columnar ? `, written to ${[values.arrow, values.parquet].filter((x) => x !== undefined).map((x) => forTerminal(x!)).join(' and ')}` : ''}\n`;
  if (stream) {
    if (streamCsv) flushRows();
    columns?.flush();
    await sink?.finish();
    if (!streamCsv) io.stdout(summary(streamedRows));
    io.stderr(warningLines(res.warnings));
    return EXIT_OK;
  }
  // Without --sort, records come out in start order (as they always have).
  const flows = tops ? tops.records() : held.sort(order ?? SORTS.start);
  if (sink) {
    for (const f of flows) sink.add(f);
    await sink.finish();
  }
  if (spool && values.json) {
    await writePieces(io, jsonPieces({ flows: spool, warnings: res.warnings }, 'flows'));
    return EXIT_OK;
  }
  if (spool) {
    await writePieces(io, (function* () {
      yield summary(spool.length);
      yield* spool.pieces(() => '');
    })());
    io.stderr(warningLines(res.warnings));
    return EXIT_OK;
  }
  if (values.json) {
    // In pieces: a whole-capture document can be longer than the longest string V8 can build.
    await writePieces(io, jsonPieces({ flows, warnings: res.warnings }, 'flows', flowJsonItem));
    return EXIT_OK;
  }
  if (values.csv) {
    await writePieces(io, (function* () {
      yield FLOW_CSV_COLUMNS.join(',') + '\n';
      for (const f of flows) yield flowCsvRow(f) + '\n';
    })());
    io.stderr(warningLines(res.warnings));
    return EXIT_OK;
  }
  if (columnar) {
    io.stdout(summary(flows.length));
    io.stderr(warningLines(res.warnings));
    return EXIT_OK;
  }
  await writePieces(io, (function* () {
    yield summary(flows.length);
    for (const f of flows) yield flowTextLine(f);
  })());
  io.stderr(warningLines(res.warnings));
  return EXIT_OK;
}
