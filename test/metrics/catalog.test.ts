/**
 * One metric table (#21): the series' columns, `alibi series`'s bins and their CSV/Arrow/Parquet
 * columns, analyze's timeline and the spike signals all come from metrics/catalog.ts. The metric
 * added through it — zero windows by who advertised them — is checked against tshark
 * (`tcp.analysis.zero_window`, the side that sent the stream's first SYN being the client) on a
 * real loopback capture with both sides (test/fixtures/captures/zero-windows/make.sh) and on the
 * public corpus file that has zero windows.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { METRIC_KEYS, METRICS, SERIES_METRICS, spikeMetrics, timelineMetrics } from '../../lib/metrics/catalog';
import { SeriesAccumulator, seriesBins, type SeriesColumns } from '../../lib/metrics/series';
import { SERIES_COLUMNS, csvHeader } from '../../lib/report/schema';
import { openCapture } from '../../lib/node';
import { CapturePass } from '../../lib/pipeline/pass';
import { CORPUS, HAVE_CORPUS, REPO } from '../helpers/corpus';

const HAVE_TSHARK = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;
if (!HAVE_TSHARK && !process.env.CI) console.warn('zero windows by side: tshark not installed, the oracle checks skip');

function series(file: string, core: boolean): SeriesColumns {
  const s = new SeriesAccumulator({ interval: 1 });
  const pass = new CapturePass({ keepFlows: false, observer: core ? s : { packet: (r, ev) => s.packet(r, ev) } });
  expect(pass.table.countsSeries).toBe(core);
  const r = openCapture(file);
  for (let p = r.next(); p; p = r.next()) pass.packet(p);
  pass.finish(r, file);
  return s.columns();
}

/** tshark's zero-window frames per whole second, by side: the client is the stream's first SYN's sender. */
function tsharkZeroWindows(file: string): { client: Map<number, number>; server: Map<number, number> } {
  const fields = (filter: string) => spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'tcp.stream', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport'], { encoding: 'utf8' })
    .stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
  const clientOf = new Map<string, string>();
  for (const [stream, , ip4, ip6, port] of fields('tcp.flags.syn == 1 && tcp.flags.ack == 0')) if (!clientOf.has(stream)) clientOf.set(stream, `${ip4 || ip6}|${port}`);
  const client = new Map<number, number>(), server = new Map<number, number>();
  for (const [stream, t, ip4, ip6, port] of fields('tcp.analysis.zero_window')) {
    const side = clientOf.get(stream) === `${ip4 || ip6}|${port}` ? client : server;
    const sec = Math.floor(Number(t));
    side.set(sec, (side.get(sec) ?? 0) + 1);
  }
  return { client, server };
}

function perSecond(cols: SeriesColumns, k: 'zeroWindowsByClient' | 'zeroWindowsByServer'): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < cols.length; i++) if (cols[k][i] > 0) out.set(cols.start[i], cols[k][i]);
  return out;
}

const FILES: [string, string | null][] = [
  ['loopback: a server and a client that stop reading', path.join(REPO, 'test/fixtures/captures/zero-windows/zero-windows.pcap')],
  ['corpus: zeek__206_example_b.pcap', HAVE_CORPUS ? path.join(CORPUS, 'zeek__206_example_b.pcap') : null],
];

describe.each(FILES)('zero windows by side, %s', (_name, file) => {
  const run = file && HAVE_TSHARK ? test : test.skip;
  run.each([['the core', true], ['the TypeScript counting', false]])('counted in %s: per second and side, as tshark', (_how, core) => {
    const cols = series(file!, core as boolean);
    const want = tsharkZeroWindows(file!);
    expect(want.client.size + want.server.size).toBeGreaterThan(0);
    expect(perSecond(cols, 'zeroWindowsByClient')).toEqual(want.client);
    expect(perSecond(cols, 'zeroWindowsByServer')).toEqual(want.server);
    // The sides add up to the metric they split.
    for (let i = 0; i < cols.length; i++) expect(cols.zeroWindowsByClient[i] + cols.zeroWindowsByServer[i]).toBe(cols.zeroWindows[i]);
  });
});

test('the loopback capture really has both sides (3 zero windows from each)', () => {
  const cols = series(FILES[0][1]!, true);
  const sum = (x: Float64Array) => x.reduce((a, b) => a + b, 0);
  expect([sum(cols.zeroWindowsByClient), sum(cols.zeroWindowsByServer)]).toEqual([3, 3]);
});

describe('everything that lists metrics reads the catalog', () => {
  const cols = series(FILES[0][1]!, true);
  test('SeriesColumns: one column per catalog entry, in its order', () => {
    expect(Object.keys(cols).filter((k) => ArrayBuffer.isView((cols as unknown as Record<string, unknown>)[k]) && k !== 'start')).toEqual([...METRIC_KEYS]);
  });
  test("alibi series's bins and CSV columns: the catalog's series metrics, by key and by column name", () => {
    const bin = seriesBins(cols)[0];
    expect(Object.keys(bin)).toEqual(['start', ...SERIES_METRICS, 'resetRate', 'resetsPer100Syn']);
    const byKey = new Map(METRICS.map((m) => [m.key as string, m.column as string]));
    expect(csvHeader(SERIES_COLUMNS)).toBe(['start', ...SERIES_METRICS.map((k) => byKey.get(k)), 'reset_rate', 'resets_per_100_syn'].join(','));
    expect(SERIES_METRICS).toEqual(expect.arrayContaining(['zeroWindowsByClient', 'zeroWindowsByServer']));
  });
  test('names are unique and snake_case columns, C names distinct', () => {
    for (const k of ['key', 'column', 'c'] as const) expect(new Set(METRICS.map((m) => m[k])).size).toBe(METRICS.length);
    for (const m of METRICS) expect(m.column).toMatch(/^[a-z][a-z0-9_]*$/);
  });
  test('the timeline and the spike signals take their metrics from it', () => {
    expect(timelineMetrics('vantage')).toEqual(expect.arrayContaining(['bytes', 'synOnly', 'zeroWindowsByClient', 'zeroWindowsByServer']));
    expect(timelineMetrics('service')).toEqual(expect.arrayContaining(['clientHello', 'responseTime']));
    expect(spikeMetrics().map((s) => `${s.key}:${s.kind}`)).toEqual(expect.arrayContaining(['zeroWindows:zero-window', 'resets:reset-spike']));
  });
});
