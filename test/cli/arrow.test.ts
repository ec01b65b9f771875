/**
 * `--arrow FILE` for flows, series and logs: the file reads back with apache-arrow's own reader,
 * with the CSV column names, the documented types, and the same values as the JSON output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromIPC, Type, type Table } from 'apache-arrow';
import { isoToNanos } from '../../lib/report/arrow';
import { snakeCase } from '../../lib/report/schema';
import { alibi } from '../helpers/cli';
import { fixture, REPO } from '../helpers/corpus';

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-arrow-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI twice, --json and --arrow, and returns both. */
function both(args: string[]): { json: any; table: Table } {
  const file = path.join(tmp, `${args[0]}-${path.basename(args[1])}.arrow`);
  const j = alibi([...args, '--json']);
  expect(j.code).toBe(0);
  const a = alibi([...args, '--arrow', file]);
  expect(a.code).toBe(0);
  expect(a.stdout.length).toBeGreaterThan(0); // the human report is still printed
  return { json: JSON.parse(j.stdout), table: tableFromIPC(fs.readFileSync(file)) };
}

/** Raw epoch-ns values of a timestamp column (get() would round to ms). */
function nanos(t: Table, name: string): (bigint | null)[] {
  const col = t.getChild(name)!;
  expect(col.type.typeId).toBe(Type.Timestamp);
  expect((col.type as any).unit).toBe(3); // NANOSECOND
  expect((col.type as any).timezone).toBe('UTC');
  const out: (bigint | null)[] = [];
  for (const d of col.data) for (let i = 0; i < d.length; i++) out.push(col.isValid(out.length) ? (d.values as BigInt64Array)[i] : null);
  return out;
}
const num = (v: unknown) => (v === null ? null : Number(v));
const column = (t: Table, name: string) => t.getChild(name)!.toArray();

describe('alibi flows --arrow', () => {
  it.each([
    ['a µs capture with many connections', path.join(REPO, 'captures/stunnel-freeze/server.pcap')],
    ['a ns pcapng capture', fixture('captures', 'loop-ns.pcapng')],
  ])('writes one row per flow equal to the JSON (%s)', (_what, capture) => {
    const { json, table } = both(['flows', capture, '--vantage', 'srv']);
    // Arrow rows are written as their connections finish (streamed, like CSV); the JSON sorts by
    // start. The same records either way: compare in the file's order.
    const byId = new Map(json.flows.map((f: any) => [f.id, f]));
    const flows = [...column(table, 'id')].map((id) => byId.get(Number(id)));
    expect(json.flows.length).toBeGreaterThan(0);
    expect(table.numRows).toBe(json.flows.length);
    expect(new Set(flows.map((f: any) => f.id)).size).toBe(json.flows.length);
    expect(table.schema.fields.map((f) => f.name)).toEqual(alibi(['flows', capture, '--csv']).stdout.split('\n')[0].split(','));
    expect(nanos(table, 'start')).toEqual(flows.map((f: any) => isoToNanos(f.start)));
    expect(nanos(table, 'end')).toEqual(flows.map((f: any) => isoToNanos(f.end)));
    expect([...column(table, 'client_ip')]).toEqual(flows.map((f: any) => f.client.ip));
    expect([...column(table, 'server_port')].map(num)).toEqual(flows.map((f: any) => f.server.port));
    for (const [col, key] of [['packets', 'packets'], ['bytes', 'bytes'], ['payload', 'payload'], ['syn', 'syn'], ['synack', 'synAck'], ['fin', 'fin'], ['rst', 'rst'], ['retransmissions', 'retransmissions'], ['zero_windows', 'zeroWindows'], ['tls_hellos', 'tlsHellos'], ['http_starts', 'httpStarts']]) {
      expect(table.getChild(`${col}_c2s`)!.type.typeId).toBe(Type.Int);
      expect([...column(table, `${col}_c2s`)].map(num)).toEqual(flows.map((f: any) => f[key].c2s));
      expect([...column(table, `${col}_s2c`)].map(num)).toEqual(flows.map((f: any) => f[key].s2c));
    }
    expect([...column(table, 'state')]).toEqual(flows.map((f: any) => f.state));
    expect([...column(table, 'history')]).toEqual(flows.map((f: any) => f.history));
    expect([...column(table, 'duration')]).toEqual(flows.map((f: any) => f.duration));
    // Nullable: a connection without a completed handshake has no RTT.
    expect(table.getChild('handshake_rtt')!.toJSON()).toEqual(flows.map((f: any) => f.handshakeRtt));
    expect(table.getChild('vantage')!.toJSON()).toEqual(flows.map(() => 'srv'));
    expect([...column(table, 'ip_version')].map(num)).toEqual(flows.map((f: any) => f.ipVersion));
  });

  it('the file filled from the flow table is, byte for byte, the one made from records (--csv beside takes that path)', () => {
    for (const capture of [path.join(REPO, 'captures/stunnel-freeze/server.pcap'), fixture('captures', 'loop-ns.pcapng')]) {
      const direct = path.join(tmp, 'direct.arrow');
      const records = path.join(tmp, 'records.arrow');
      expect(alibi(['flows', capture, '--vantage', 'v', '--arrow', direct]).code).toBe(0);
      const r = alibi(['flows', capture, '--vantage', 'v', '--arrow', records, '--csv']);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').length).toBeGreaterThan(2);
      expect(fs.readFileSync(direct).equals(fs.readFileSync(records))).toBe(true);
    }
  });

  it('keeps all nine digits of a nanosecond capture', () => {
    const { json, table } = both(['flows', fixture('captures', 'loop-ns.pcapng')]);
    expect(json.flows[0].start).toMatch(/\.\d{9}Z$/);
    expect(nanos(table, 'start')[0]! % 1000n).toBe(isoToNanos(json.flows[0].start) % 1000n);
  });
});

describe('alibi series --arrow', () => {
  it('writes every bin, equal to the JSON, with the CSV column names', () => {
    const capture = path.join(REPO, 'captures/stunnel-freeze/firewall.pcap');
    const { json, table } = both(['series', capture, '--interval', '250ms']);
    const bins = json.bins;
    expect(table.numRows).toBe(bins.length);
    expect(table.schema.fields.map((f) => f.name)).toEqual(alibi(['series', capture, '--csv', '--interval', '250ms']).stdout.split('\n')[0].split(','));
    expect(nanos(table, 'start')).toEqual(bins.map((b: any) => isoToNanos(b.start)));
    // One schema: the JSON's camelCase fields are the columns' snake_case names.
    for (const k of Object.keys(bins[0]).filter((k) => k !== 'start')) {
      const col = snakeCase(k).replace(/100_syn$/, '_100_syn');
      expect([col, table.getChild(col)!.toJSON().map(num)]).toEqual([col, bins.map((b: any) => b[k])]);
    }
    // Epoch-aligned 250 ms edges.
    expect(nanos(table, 'start').every((t) => t! % 250_000_000n === 0n)).toBe(true);
  });
});

describe('alibi logs --arrow and --csv', () => {
  const log = path.join(REPO, 'captures/stunnel-freeze/stunnel.log');
  it('writes the log bins equal to the JSON', () => {
    const { json, table } = both(['logs', log, '--tz', 'America/New_York']);
    expect(table.numRows).toBe(json.bins.length);
    expect(table.schema.fields.map((f) => [f.name, f.type.typeId])).toEqual([['start', Type.Timestamp], ['lines', Type.Int]]);
    expect(nanos(table, 'start')).toEqual(json.bins.map((b: any) => isoToNanos(b.start)));
    expect([...column(table, 'lines')].map(num)).toEqual(json.bins.map((b: any) => b.lines));
    expect(json.bins.reduce((s: number, b: any) => s + b.lines, 0)).toBeGreaterThan(500);
  });
  it('prints the bins as CSV', () => {
    const j = JSON.parse(alibi(['logs', log, '--tz', 'America/New_York', '--json']).stdout);
    const r = alibi(['logs', log, '--tz', 'America/New_York', '--csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('start,lines');
    expect(lines.slice(1)).toEqual(j.bins.map((b: any) => `${b.start},${b.lines}`));
  });
  it('refuses --json with --csv and an empty --arrow (usage errors)', () => {
    expect(alibi(['logs', log, '--json', '--csv']).code).toBe(2);
    expect(alibi(['logs', log, '--arrow', '']).code).toBe(2);
    expect(alibi(['flows', log, '--arrow', '']).code).toBe(2);
  });
});

describe('isoToNanos', () => {
  it('is exact for 0, 3, 6 and 9 fraction digits', () => {
    expect(isoToNanos('1970-01-01T00:00:01Z')).toBe(1_000_000_000n);
    expect(isoToNanos('2022-02-07T11:11:53.123Z')).toBe(1644232313_123_000_000n);
    expect(isoToNanos('2022-02-07T11:11:53.123456Z')).toBe(1644232313_123_456_000n);
    expect(isoToNanos('2022-02-07T11:11:53.123456789Z')).toBe(1644232313_123_456_789n);
  });
});

describe('Arrow and Parquet written while the rows come', () => {
  it('several batches, and none: the files read back whole, the same rows as one table', async () => {
    const { columnarSink } = await import('../../lib/cli/arrow');
    const { FLOW_COLUMNS } = await import('../../lib/report/schema');
    const { arrowTable } = await import('../../lib/report/arrow');
    const { CapturePass } = await import('../../lib/pipeline/pass');
    const { openCapture } = await import('../../lib/capture/file');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const file = path.join(REPO, 'captures/stunnel-freeze/firewall.pcap');
    const pass = new CapturePass({});
    const r = openCapture(file);
    for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
    const flows = pass.finish(r, file).flows;
    const rows = Array.from({ length: 40_000 }, (_, i) => flows[i % flows.length]);
    for (const n of [40_000, 0]) {
      const out = { arrow: path.join(tmp, `s${n}.arrow`), parquet: path.join(tmp, `s${n}.parquet`) };
      const sink = await columnarSink(out, FLOW_COLUMNS);
      for (let i = 0; i < n; i++) {
        sink.add(rows[i]);
        if (i % 10_000 === 0) await sink.idle(); // as the pass does between its slots
      }
      await sink.finish();
      const got = tableFromIPC(fs.readFileSync(out.arrow));
      const want = arrowTable(rows.slice(0, n), FLOW_COLUMNS);
      expect(got.numRows).toBe(n);
      expect(got.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(want.schema.fields.map((f) => `${f.name}:${f.type}`));
      for (const c of ['id', 'client_ip', 'start', 'handshake_rtt', 'vantage']) expect([c, got.getChild(c)!.toJSON()]).toEqual([c, want.getChild(c)!.toJSON()]);
      const db = await (await DuckDBInstance.create(':memory:')).connect();
      const [agg] = (await db.runAndReadAll(`SELECT count(*) AS n, sum(bytes_s2c) AS b FROM read_parquet('${out.parquet}')`)).getRowObjectsJS() as { n: bigint; b: bigint | null }[];
      expect([Number(agg.n), Number(agg.b ?? 0)]).toEqual([n, rows.slice(0, n).reduce((t, f) => t + f.bytes.s2c, 0)]);
    }
  });
});

describe('a failed pass leaves no half-written file', () => {
  it('flows on a file that is no capture: exit 1, and no .arrow or .parquet left behind', () => {
    const junk = path.join(tmp, 'junk.pcap');
    fs.writeFileSync(junk, Buffer.from('this is not a capture file at all, just text'));
    const out = { arrow: path.join(tmp, 'junk.arrow'), parquet: path.join(tmp, 'junk.parquet') };
    const r = alibi(['flows', junk, '--arrow', out.arrow, '--parquet', out.parquet]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a pcap or pcapng file/);
    expect([fs.existsSync(out.arrow), fs.existsSync(out.parquet)]).toEqual([false, false]);
  });
});
