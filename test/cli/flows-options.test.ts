/**
 * `alibi flows` filters, sorting and top-N (#19), and its CSV row against the one schema.
 */
import * as path from 'node:path';
import { flowCsvRow, TopRecords } from '../../lib/cli/flows';
import { CapturePass } from '../../lib/pipeline/pass';
import { openCapture } from '../../lib/capture/file';
import { csvRow, FLOW_COLUMNS } from '../../lib/report/schema';
import type { FlowRecord } from '../../lib/flow/record';
import { alibi } from '../helpers/cli';
import { corpusPath, HAVE_CORPUS, REPO } from '../helpers/corpus';

const fw = path.join(REPO, 'captures/stunnel-freeze/firewall.pcap');
const lo = path.join(REPO, 'captures/stunnel-freeze/loopback.pcapng');

function records(file: string, vantage?: string): FlowRecord[] {
  const pass = new CapturePass({ vantage });
  const r = openCapture(file);
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  return pass.finish(r, file).flows;
}

const json = (args: string[]) => {
  const r = alibi(['flows', ...args, '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).flows as any[];
};

describe('the flow CSV row is the schema', () => {
  const files = [fw, lo, ...(HAVE_CORPUS ? [corpusPath('zeek__ipv6-http-atomic-frag.pcap'), corpusPath('dpkt__http.pcap')] : [])];
  it.each(files)('%s: the fast row template equals the schema\'s cells, column for column', (file) => {
    const recs = records(file, '=vantage, "quoted"');
    expect(recs.length).toBeGreaterThan(0);
    for (const f of recs) expect(flowCsvRow(f)).toBe(csvRow(f, FLOW_COLUMNS));
  });
});

describe('--port, --host, --sort, --top', () => {
  const all = json([fw]);
  it('--port keeps connections with the port at either end; --host those with the address at either end (compared as addresses)', () => {
    const p = json([fw, '--port', String(all[0].client.port)]);
    expect(p.map((f) => f.id)).toEqual(all.filter((f) => f.client.port === all[0].client.port || f.server.port === all[0].client.port).map((f) => f.id));
    const h = json([fw, '--host', '10.0.1.015']);
    expect(h.length).toBeGreaterThan(0);
    expect(h.map((f) => f.id)).toEqual(all.filter((f) => f.client.ip === '10.0.1.15' || f.server.ip === '10.0.1.15').map((f) => f.id));
    expect(json([fw, '--host', '10.0.2.2', '--port', '443']).length).toBe(all.length);
    expect(json([fw, '--host', '192.0.2.1'])).toEqual([]);
    expect(alibi(['flows', fw, '--host', 'nope']).code).toBe(2);
    expect(alibi(['flows', fw, '--port', '70000']).code).toBe(2);
  });

  it.each([
    ['bytes', (f: any) => -(f.bytes.c2s + f.bytes.s2c)],
    ['packets', (f: any) => -(f.packets.c2s + f.packets.s2c)],
    ['duration', (f: any) => -f.duration],
    ['start', (f: any) => f.startTime],
  ])('--sort %s orders every record, ties by id; --top N is its first N', (field, key) => {
    const sorted = json([fw, '--sort', field as string]);
    const want = [...all].sort((a, b) => (key as (f: any) => number)(a) - (key as (f: any) => number)(b) || a.id - b.id);
    expect(sorted.map((f) => f.id)).toEqual(want.map((f) => f.id));
    expect(json([fw, '--sort', field as string, '--top', '7']).map((f) => f.id)).toEqual(want.slice(0, 7).map((f) => f.id));
    const csv = alibi(['flows', fw, '--sort', field as string, '--top', '3', '--csv']).stdout.trimEnd().split('\n');
    expect(csv.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(want.slice(0, 3).map((f) => f.id));
  });

  it('--top alone sorts by bytes; bad values are usage errors', () => {
    expect(json([fw, '--top', '2']).map((f) => f.id)).toEqual(json([fw, '--sort', 'bytes']).slice(0, 2).map((f) => f.id));
    expect(alibi(['flows', fw, '--sort', 'size']).code).toBe(2);
    expect(alibi(['flows', fw, '--top', '0']).code).toBe(2);
    expect(alibi(['flows', fw, '--top', '1.5']).code).toBe(2);
  });

  it('TopRecords keeps the first N of any order while holding at most 2N', () => {
    const recs = records(fw);
    const order = (a: FlowRecord, b: FlowRecord) => b.bytes.s2c - a.bytes.s2c || a.id - b.id;
    for (const n of [1, 5, 50, recs.length + 3]) {
      const t = new TopRecords(n, order);
      let most = 0;
      for (const r of recs) { t.add(r); most = Math.max(most, (t as unknown as { kept: FlowRecord[] }).kept.length); }
      expect(most).toBeLessThan(2 * n);
      expect(t.records().map((r) => r.id)).toEqual([...recs].sort(order).slice(0, n).map((r) => r.id));
    }
  });
});

describe('the flow JSON item is JSON.stringify\'s, one connection per line', () => {
  const { flowJsonItem } = require('../../lib/report/flowjson') as typeof import('../../lib/report/flowjson');
  const files = [fw, lo, ...(HAVE_CORPUS ? [corpusPath('zeek__ipv6-http-atomic-frag.pcap'), corpusPath('dpkt__http.pcap'), corpusPath('tcpdump__tcp-handshake-nano.pcap')] : [])];
  it.each(files)('%s: every record, with and without a vantage, byte for byte', (file) => {
    for (const vantage of [undefined, 'fw "quoted" \u2028 ✓']) {
      const recs = records(file, vantage);
      expect(recs.length).toBeGreaterThan(0);
      for (const f of recs) expect(flowJsonItem(f)).toBe(JSON.stringify(f));
    }
  });
});
