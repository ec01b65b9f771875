/**
 * @module report/flowcsv
 * One flow's CSV row written from the flow table's view as the connection finishes (no record):
 * the streamed `alibi flows --csv`.
 */
import type { Flow } from '../flow/flow';
import { addressToString } from '../flow/address';
import { exactDuration, flowState, handshakeRtt } from '../flow/record';
import { isoOfParts } from '../time';
import type { TextBytes } from './flowjson';

const C = ',';
const COMMA = 44;

/**
 * One flow's CSV row (FLOW_COLUMNS' order, as cli/flows' flowCsvRow writes it from a record),
 * written from the flow table's view into `w`, with its newline. `vantageCell` is the vantage
 * already made a CSV cell ('' for none). A test compares the two on every flow of lab and public
 * captures.
 */
export function writeFlowCsvRow(w: TextBytes, f: Flow, vantageCell: string): void {
  const a = f.c2s, b = f.s2c;
  const v = f.ipVersion;
  w.num(f.id);
  w.write(`${C}${addressToString(v, f.c0, f.c1, f.c2, f.c3)}${C}`);
  w.num(f.cPort);
  w.write(`${C}${addressToString(v, f.s0, f.s1, f.s2, f.s3)}${C}`);
  w.num(f.sPort);
  w.write(`${C}${isoOfParts(f.startSec, f.startFrac, f.startRes)}${C}${isoOfParts(f.endSec, f.endFrac, f.endRes)}${C}`);
  w.num(exactDuration(f));
  const ap = a.payload, bp = b.payload;
  cell(w, a.packets); cell(w, b.packets);
  cell(w, a.bytes); cell(w, b.bytes);
  cell(w, ap); cell(w, bp);
  cell(w, a.syn); cell(w, b.syn);
  cell(w, a.synAck); cell(w, b.synAck);
  cell(w, a.fin); cell(w, b.fin);
  cell(w, a.rst); cell(w, b.rst);
  const history = f.history;
  w.write(`${C}${flowState(f, history)}${C}${history}${C}`);
  const rtt = handshakeRtt(f);
  if (rtt !== null) w.num(rtt);
  cell(w, a.retrans); cell(w, b.retrans);
  cell(w, a.zeroWin); cell(w, b.zeroWin);
  cell(w, a.tlsHello); cell(w, b.tlsHello);
  cell(w, a.http); cell(w, b.http);
  cell(w, v === 6 ? 6 : 4);
  w.write(`${C}${vantageCell}\n`);
}

function cell(w: TextBytes, x: number): void {
  w.room(1);
  w.buf[w.at++] = COMMA;
  w.num(x);
}
