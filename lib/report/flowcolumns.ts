/**
 * @module report/flowcolumns
 * Flow rows for `--arrow` / `--parquet` filled straight from the flow table's memory as each
 * connection finishes: no FlowRecord, no ISO time text to parse back. The columns are
 * report/schema's FLOW_COLUMNS (names, order, types), checked when the module loads; a test
 * checks the tables equal those made from records, cell for cell, on lab and public captures.
 *
 * Why: made from records, the 407 k rows of the benchmark capture cost the record objects, their
 * ISO times formatted and parsed back, and a getter per cell (about 1.5 s of a 5-7 s run, #19).
 */
import type { Table } from 'apache-arrow';
import type { Flow } from '../flow/flow';
import { addressToString } from '../flow/address';
import { exactDuration, flowState, handshakeRtt } from '../flow/record';
import { fracNanos } from '../time';
import { float64Vector, int64Vector, putInt64, putNanos, tableOf, timestampVector, utf8Vector } from './arrow';
import { FLOW_COLUMNS } from './schema';

/** The schema's columns, each with where its value sits in a row below. */
const LAYOUT: readonly { name: string; type: 'int' | 'float' | 'timestamp' | 'string' }[] = [
  { name: 'id', type: 'int' },
  { name: 'client_ip', type: 'string' },
  { name: 'client_port', type: 'int' },
  { name: 'server_ip', type: 'string' },
  { name: 'server_port', type: 'int' },
  { name: 'start', type: 'timestamp' },
  { name: 'end', type: 'timestamp' },
  { name: 'duration', type: 'float' },
  ...['packets', 'bytes', 'payload', 'syn', 'synack', 'fin', 'rst'].flatMap((k) => [{ name: `${k}_c2s`, type: 'int' as const }, { name: `${k}_s2c`, type: 'int' as const }]),
  { name: 'state', type: 'string' },
  { name: 'history', type: 'string' },
  { name: 'handshake_rtt', type: 'float' },
  ...['retransmissions', 'zero_windows', 'tls_hellos', 'http_starts'].flatMap((k) => [{ name: `${k}_c2s`, type: 'int' as const }, { name: `${k}_s2c`, type: 'int' as const }]),
  { name: 'ip_version', type: 'int' },
  { name: 'vantage', type: 'string' },
];

const same = LAYOUT.length === FLOW_COLUMNS.length && LAYOUT.every((c, i) => c.name === FLOW_COLUMNS[i].name && c.type === FLOW_COLUMNS[i].type);
if (!same) throw new Error('report/flowcolumns: its layout is not FLOW_COLUMNS (report/schema): update both');

/** Number columns: a row of doubles each (a timestamp takes two: seconds, nanoseconds). */
const NUMS = LAYOUT.reduce((n, c) => n + (c.type === 'timestamp' ? 2 : c.type === 'string' ? 0 : 1), 0);

/**
 * Rows of finished flows, `batchRows` at a time, each batch handed to `onBatch` as an Arrow table
 * with FLOW_COLUMNS' schema.
 */
export class FlowColumnBatcher {
  private n = 0;
  /** Number cells, row-major (NUMS per row), in LAYOUT order. */
  private readonly nums: Float64Array;
  private readonly nulls: Uint8Array;
  private readonly texts: string[][];

  constructor(private readonly vantage: string | undefined, private readonly onBatch: (t: Table) => void, private readonly batchRows = 8192) {
    this.nums = new Float64Array(batchRows * NUMS);
    this.nulls = new Uint8Array(batchRows);
    this.texts = [[], [], [], []]; // client_ip, server_ip, state, history
  }

  /** Adds the finished flow `f` (a view, read now). */
  add(f: Flow): void {
    const r = this.n++;
    const d = this.nums;
    let o = r * NUMS;
    const a = f.c2s, b = f.s2c;
    const v = f.ipVersion;
    d[o++] = f.id;
    d[o++] = f.cPort;
    d[o++] = f.sPort;
    let sec = f.startSec, ns = fracNanos(f.startFrac, f.startRes);
    if (ns >= 1e9) { sec++; ns -= 1e9; }
    d[o++] = sec;
    d[o++] = ns;
    sec = f.endSec;
    ns = fracNanos(f.endFrac, f.endRes);
    if (ns >= 1e9) { sec++; ns -= 1e9; }
    d[o++] = sec;
    d[o++] = ns;
    d[o++] = exactDuration(f);
    const ap = a.payload, bp = b.payload;
    d[o++] = a.packets; d[o++] = b.packets;
    d[o++] = a.bytes; d[o++] = b.bytes;
    d[o++] = ap; d[o++] = bp;
    d[o++] = a.syn; d[o++] = b.syn;
    d[o++] = a.synAck; d[o++] = b.synAck;
    d[o++] = a.fin; d[o++] = b.fin;
    d[o++] = a.rst; d[o++] = b.rst;
    const rtt = handshakeRtt(f);
    this.nulls[r] = rtt === null ? 1 : 0;
    d[o++] = rtt ?? 0;
    d[o++] = a.retrans; d[o++] = b.retrans;
    d[o++] = a.zeroWin; d[o++] = b.zeroWin;
    d[o++] = a.tlsHello; d[o++] = b.tlsHello;
    d[o++] = a.http; d[o++] = b.http;
    d[o++] = v === 6 ? 6 : 4;
    const history = f.history;
    this.texts[0].push(addressToString(v, f.c0, f.c1, f.c2, f.c3));
    this.texts[1].push(addressToString(v, f.s0, f.s1, f.s2, f.s3));
    this.texts[2].push(flowState(f, history));
    this.texts[3].push(history);
    if (this.n === this.batchRows) this.flush();
  }

  /** Hands over the rows still waiting (the last, short batch; an empty table when there were none and `always`). */
  flush(always = false): void {
    const n = this.n;
    if (n === 0 && !always) return;
    const d = this.nums;
    const vectors = [];
    let k = 0; // number cell within a row
    let t = 0; // text column
    const all: boolean[] = new Array(n).fill(true);
    for (const c of LAYOUT) {
      if (c.type === 'int') {
        const words = new Uint32Array(2 * n);
        for (let i = 0; i < n; i++) putInt64(words, i, d[i * NUMS + k]);
        vectors.push(int64Vector(words, n));
        k++;
      } else if (c.type === 'timestamp') {
        const words = new Uint32Array(2 * n);
        for (let i = 0; i < n; i++) putNanos(words, i, d[i * NUMS + k], d[i * NUMS + k + 1]);
        vectors.push(timestampVector(words, all));
        k += 2;
      } else if (c.type === 'float') {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = d[i * NUMS + k];
        // Only the handshake RTT can be missing (no completed handshake).
        vectors.push(float64Vector(values, c.name === 'handshake_rtt' ? Array.from(this.nulls.subarray(0, n), (x) => x === 0) : all));
        k++;
      } else if (c.name === 'vantage') {
        vectors.push(utf8Vector(new Array<string | null>(n).fill(this.vantage ?? null)));
      } else {
        vectors.push(utf8Vector(this.texts[t]));
        this.texts[t++] = [];
      }
    }
    this.n = 0;
    this.onBatch(tableOf(LAYOUT, vectors));
  }
}

