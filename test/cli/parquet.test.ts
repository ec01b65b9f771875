/**
 * `--parquet FILE` (#19): every row output read back by DuckDB (the engine most users will point
 * at it): the columns and types the schema documents (`DESCRIBE`), text dictionary-encoded, and
 * aggregates equal to the JSON output's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ENDPOINT_COLUMNS, FLOW_COLUMNS, LOG_BIN_COLUMNS, SERIES_COLUMNS, type Column } from '../../lib/report/schema';
import { alibi } from '../helpers/cli';
import { REPO } from '../helpers/corpus';

let tmp: string;
let db: DuckDBConnection;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-parquet-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SQL_TYPE = { int: 'BIGINT', float: 'DOUBLE', string: 'VARCHAR', timestamp: 'TIMESTAMP WITH TIME ZONE' } as const;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}
/** Names and DuckDB types of a Parquet file's columns. */
async function describe_(file: string): Promise<[string, string][]> {
  return (await rows(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).map((r) => [String(r.column_name), String(r.column_type)]);
}
const expected = <R>(cols: readonly Column<R>[]) => cols.map((c) => [c.name, SQL_TYPE[c.type]]);
const n = (v: unknown) => Number(v);

const fw = path.join(REPO, 'captures/stunnel-freeze/firewall.pcap');

describe('DuckDB reads every Parquet output with the documented types', () => {
  it('flows: every column of the record, typed; counts, bytes, states and times equal the JSON', async () => {
    const file = path.join(tmp, 'flows.parquet');
    const r = alibi(['flows', fw, '--vantage', 'fw', '--parquet', file]);
    expect(r.code).toBe(0);
    expect(await describe_(file)).toEqual(expected(FLOW_COLUMNS));
    const flows = JSON.parse(alibi(['flows', fw, '--vantage', 'fw', '--json']).stdout).flows as any[];
    const [agg] = await rows(`SELECT count(*) AS n, sum(bytes_c2s) AS b1, sum(bytes_s2c) AS b2, sum(payload_s2c) AS p2, sum(tls_hellos_c2s) AS t1, sum(rst_c2s) AS r1,
      min(epoch_us(start)) AS first, max(epoch_us("end")) AS last, count(DISTINCT client_ip) AS clients, min(ip_version) AS v, any_value(vantage) AS vantage FROM read_parquet('${file}')`);
    const sum = (f: (x: any) => number) => flows.reduce((t, x) => t + f(x), 0);
    expect({ ...agg, n: n(agg.n), b1: n(agg.b1), b2: n(agg.b2), p2: n(agg.p2), t1: n(agg.t1), r1: n(agg.r1), first: n(agg.first), last: n(agg.last), clients: n(agg.clients), v: n(agg.v) }).toEqual({
      n: flows.length, b1: sum((x) => x.bytes.c2s), b2: sum((x) => x.bytes.s2c), p2: sum((x) => x.payload.s2c), t1: sum((x) => x.tlsHellos.c2s), r1: sum((x) => x.rst.c2s),
      first: Math.min(...flows.map((x) => x.startTime)) * 1e6, last: Math.round(Math.max(...flows.map((x) => x.endTime)) * 1e6), clients: new Set(flows.map((x) => x.client.ip)).size, v: 4, vantage: 'fw',
    });
    const states = await rows(`SELECT state, count(*) AS n FROM read_parquet('${file}') GROUP BY state ORDER BY state`);
    const byState: Record<string, number> = {};
    for (const f of flows) byState[f.state] = (byState[f.state] ?? 0) + 1;
    expect(Object.fromEntries(states.map((s) => [s.state, n(s.n)]))).toEqual(byState);
    // Text is dictionary-encoded; numbers are not (counts are delta-packed: report/parquetfile).
    const enc = await rows(`SELECT path_in_schema AS col, encodings FROM parquet_metadata('${file}')`);
    const encodings = Object.fromEntries(enc.map((e) => [String(e.col), String(e.encodings)]));
    for (const c of FLOW_COLUMNS) expect([c.name, /DICTIONARY/.test(encodings[c.name])]).toEqual([c.name, c.type === 'string']);
  });

  it('series: the bins, typed; sums equal the JSON', async () => {
    const file = path.join(tmp, 'series.parquet');
    expect(alibi(['series', fw, '--parquet', file]).code).toBe(0);
    expect(await describe_(file)).toEqual(expected(SERIES_COLUMNS));
    const bins = JSON.parse(alibi(['series', fw, '--json']).stdout).bins as any[];
    const [agg] = await rows(`SELECT count(*) AS n, sum(packets) AS p, sum(syn_only) AS s, sum(resets_by_server) AS rs, sum(active_flows) AS a FROM read_parquet('${file}')`);
    const sum = (k: string) => bins.reduce((t, b) => t + b[k], 0);
    expect([n(agg.n), n(agg.p), n(agg.s), n(agg.rs), n(agg.a)]).toEqual([bins.length, sum('packets'), sum('synOnly'), sum('resetsByServer'), sum('activeFlows')]);
  });

  it('log bins: typed; the lines add up to the JSON', async () => {
    const log = path.join(REPO, 'captures/stunnel-freeze/stunnel.log');
    const file = path.join(tmp, 'logs.parquet');
    expect(alibi(['logs', log, '--tz', 'America/New_York', '--parquet', file]).code).toBe(0);
    expect(await describe_(file)).toEqual(expected(LOG_BIN_COLUMNS));
    const doc = JSON.parse(alibi(['logs', log, '--tz', 'America/New_York', '--json']).stdout);
    const [agg] = await rows(`SELECT count(*) AS n, sum(lines) AS l, min(start) = '${doc.bins[0].start}'::TIMESTAMPTZ AS first FROM read_parquet('${file}')`);
    expect([n(agg.n), n(agg.l), agg.first]).toEqual([doc.bins.length, doc.bins.reduce((t: number, b: any) => t + b.lines, 0), true]);
  });

  it('endpoints: typed; bytes add up to twice the flows\' bytes (each connection counts at both ends)', async () => {
    const file = path.join(tmp, 'endpoints.parquet');
    expect(alibi(['endpoints', fw, '--parquet', file]).code).toBe(0);
    expect(await describe_(file)).toEqual(expected(ENDPOINT_COLUMNS));
    const flows = JSON.parse(alibi(['flows', fw, '--json']).stdout).flows as any[];
    const [agg] = await rows(`SELECT sum(bytes) AS b, sum(as_client) AS c FROM read_parquet('${file}')`);
    expect([n(agg.b), n(agg.c)]).toEqual([2 * flows.reduce((t, x) => t + x.bytes.c2s + x.bytes.s2c, 0), flows.length]);
  });

  it('analyze: the timeline the verdict read, one row per source, metric and bin; the same rows as --csv and --json --timeline', async () => {
    const cfg = path.join(REPO, 'captures/stunnel-freeze/alibi.json');
    const file = path.join(tmp, 'timeline.parquet');
    const csv = alibi(['analyze', cfg, '--csv', '--parquet', file]);
    expect(csv.code).toBe(0);
    expect(await describe_(file)).toEqual([['start', SQL_TYPE.timestamp], ['source', 'VARCHAR'], ['service', 'VARCHAR'], ['metric', 'VARCHAR'], ['value', 'DOUBLE']]);
    const doc = JSON.parse(alibi(['analyze', cfg, '--json', '--timeline']).stdout);
    const tl = doc.timeline as { start: number[]; series: { source: string; service?: string; metric: string; values: number[] }[] };
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('start,source,service,metric,value');
    expect(lines).toHaveLength(1 + tl.start.length * tl.series.length);
    const [agg] = await rows(`SELECT count(*) AS n, sum(value) FILTER (WHERE source = 'firewall' AND metric = 'bytes') AS fb, sum(value) FILTER (WHERE source = 'stunnel log' AND metric = 'lines') AS sl,
      count(*) FILTER (WHERE service = 'stunnel' AND metric = 'client_hello') AS ch FROM read_parquet('${file}')`);
    const s = (src: string, m: string) => tl.series.find((x) => x.source === src && x.metric === m && !x.service)!.values.reduce((t, v) => t + v, 0);
    expect([n(agg.n), n(agg.fb), n(agg.sl), n(agg.ch)]).toEqual([tl.start.length * tl.series.length, s('firewall', 'bytes'), s('stunnel log', 'lines'), tl.start.length * tl.series.filter((x) => x.service === 'stunnel' && x.metric === 'clientHello').length]);
    // --json without --timeline stays SPEC's document.
    expect(JSON.parse(alibi(['analyze', cfg, '--json']).stdout).timeline).toBeUndefined();
  });
});
