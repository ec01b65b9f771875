/**
 * Flow rows filled straight from the flow table (report/flowcolumns) are the rows made from
 * records (report/schema's FLOW_COLUMNS through report/arrow), cell for cell: on lab captures
 * and on public ones with IPv6, nanosecond times, missing handshakes and long histories.
 */
import * as path from 'node:path';
import type { Table } from 'apache-arrow';
import { arrowTable } from '../../lib/report/arrow';
import { FlowColumnBatcher } from '../../lib/report/flowcolumns';
import { FLOW_COLUMNS } from '../../lib/report/schema';
import { CapturePass } from '../../lib/pipeline/pass';
import { openCapture } from '../../lib/capture/file';
import type { FlowRecord } from '../../lib/flow/record';
import { flowFilter, recordFilter } from '../../lib/flow/filter';
import { corpusPath, HAVE_CORPUS, REPO } from '../helpers/corpus';

const lab = (s: string, f: string) => path.join(REPO, 'captures', s, f);
const files = [
  lab('stunnel-freeze', 'firewall.pcap'),
  lab('stunnel-freeze', 'loopback.pcapng'),
  lab('network-drop', 'server.pcap'),
  ...(HAVE_CORPUS ? ['zeek__ipv6-http-atomic-frag.pcap', 'tcpdump__tcp-handshake-nano.pcap', 'zeek__206_example_b.pcap', 'zeek__rst-inject-rae.pcap', 'zeek__start-with-server.pcapng', 'zeek__ipv6.pcap'].map(corpusPath) : []),
];

/** Both ways in one pass: records (as the record path keeps them) and direct batches. */
function both(file: string, vantage: string | undefined, batchRows: number, port?: string): { records: FlowRecord[]; batches: Table[] } {
  const batches: Table[] = [];
  const direct = new FlowColumnBatcher(vantage, (t) => batches.push(t), batchRows);
  const keepLive = flowFilter(port);
  const keepRecord = recordFilter(port);
  const records: FlowRecord[] = [];
  const pass = new CapturePass({
    vantage,
    keepFlows: false,
    onFinished: (f) => { if (!keepLive || keepLive(f)) direct.add(f); },
    onFlow: (r) => { if (!keepRecord || keepRecord(r)) records.push(r); },
  });
  const r = openCapture(file);
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  pass.finish(r, file);
  direct.flush();
  return { records, batches };
}

/** Every cell of a table, column by column, as plain values (BigInt times as strings). */
function cells(t: Table): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const f of t.schema.fields) out[f.name] = [...(t.getChild(f.name)?.toArray() ?? [])].map((v) => (typeof v === 'bigint' ? String(v) : v));
  // Null cells read as 0 from the raw arrays: take them from the vectors.
  for (const f of t.schema.fields) {
    const col = t.getChild(f.name)!;
    out[f.name] = out[f.name].map((v, i) => (col.get(i) === null ? null : v));
  }
  return out;
}

describe('flow rows from the flow table equal the rows from records', () => {
  it.each(files)('%s', (file) => {
    for (const vantage of [undefined, 'fw ✓']) {
      const { records, batches } = both(file, vantage, 7);
      expect(records.length).toBeGreaterThan(0);
      // Batches of 7 rows: many batches, the last one short.
      expect(batches.length).toBe(Math.ceil(records.length / 7));
      expect(batches[0].schema.fields.map((f) => [f.name, String(f.type)])).toEqual(arrowTable(records.slice(0, 1), FLOW_COLUMNS).schema.fields.map((f) => [f.name, String(f.type)]));
      const got = batches.map(cells);
      const want: Record<string, unknown[]> = {};
      for (let i = 0; i < records.length; i += 7) {
        const c = cells(arrowTable(records.slice(i, i + 7), FLOW_COLUMNS));
        for (const k of Object.keys(c)) (want[k] ??= []).push(...c[k]);
      }
      const merged: Record<string, unknown[]> = {};
      for (const g of got) for (const k of Object.keys(g)) (merged[k] ??= []).push(...g[k]);
      expect(merged).toEqual(want);
    }
  });

  it('with --port, the live filter keeps the rows the record filter keeps', () => {
    const { records, batches } = both(lab('stunnel-freeze', 'firewall.pcap'), undefined, 1000, '443');
    expect(records.length).toBeGreaterThan(0);
    expect(batches.reduce((n, b) => n + b.numRows, 0)).toBe(records.length);
    expect(batches.flatMap((b) => [...b.getChild('id')!.toArray()].map(Number))).toEqual(records.map((r) => r.id));
  });

  it('no flow at all: one empty table with the schema when asked', () => {
    const out: Table[] = [];
    const b = new FlowColumnBatcher(undefined, (t) => out.push(t));
    b.flush();
    expect(out).toHaveLength(0);
    b.flush(true);
    expect(out.map((t) => [t.numRows, t.schema.fields.map((f) => f.name)])).toEqual([[0, FLOW_COLUMNS.map((c) => c.name)]]);
  });
});

describe('the CSV row from the flow table is the one made from the record', () => {
  const { writeFlowCsvRow } = require('../../lib/report/flowcsv') as typeof import('../../lib/report/flowcsv');
  const { TextBytes } = require('../../lib/report/flowjson') as typeof import('../../lib/report/flowjson');
  const { flowCsvRow } = require('../../lib/cli/flows') as typeof import('../../lib/cli/flows');
  const { csvCell } = require('../../lib/report/schema') as typeof import('../../lib/report/schema');
  it.each(files)('%s', (file) => {
    for (const vantage of [undefined, 'fw, "quoted" ✓', '=cmd']) {
      const w = new TextBytes(64);
      const records: FlowRecord[] = [];
      const pass = new CapturePass({ vantage, keepFlows: false, onFinished: (f) => writeFlowCsvRow(w, f, vantage === undefined ? '' : csvCell(vantage)), onFlow: (r) => records.push(r) });
      const r = openCapture(file);
      for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
      pass.finish(r, file);
      expect(records.length).toBeGreaterThan(0);
      expect(w.text()).toBe(records.map((x) => flowCsvRow(x) + '\n').join(''));
    }
  });
});

describe('the JSON item from the flow table is the one made from the record', () => {
  const { writeFlowJsonView, flowJsonItem, TextBytes } = require('../../lib/report/flowjson') as typeof import('../../lib/report/flowjson');
  it.each(files)('%s', (file) => {
    for (const vantage of [undefined, 'fw "quoted" \u2028 ✓']) {
      const w = new TextBytes(64);
      const records: FlowRecord[] = [];
      const pass = new CapturePass({ vantage, keepFlows: false, onFinished: (f) => { writeFlowJsonView(w, f, vantage); w.ascii('\n'); }, onFlow: (r) => records.push(r) });
      const r = openCapture(file);
      for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
      pass.finish(r, file);
      expect(records.length).toBeGreaterThan(0);
      expect(w.text()).toBe(records.map((x) => flowJsonItem(x) + '\n').join(''));
    }
  });
});
