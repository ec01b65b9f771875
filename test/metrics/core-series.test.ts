/**
 * The series counted in the flow table's WebAssembly core (SeriesAccumulator.attach, used when
 * there is no response timing and no filter but flowFilter's port and host) against the same
 * accumulator fed packet by packet in TypeScript, on every readable capture we have: every column
 * of every bin equal, and the packets left unbinned. Both add the core's per-packet increments
 * (countInto: one definition of the metrics); what differs, and is checked here, is the binning,
 * the filters, the active connections and the two-thread pass, where the core reads the decoding
 * thread's units itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flowFilter } from '../../lib/flow/filter';
import { SeriesAccumulator, type SeriesColumns, type SeriesOptions } from '../../lib/metrics/series';
import { openCapture, passFile } from '../../lib/node';
import { CapturePass, type PacketObserver } from '../../lib/pipeline/pass';
import { PacketRecord } from '../../lib/capture/record';
import { DecodeStatus, TcpSegment } from '../../lib/decode/segment';
import { CORPUS, fixture, HAVE_CORPUS, manifest, REPO } from '../helpers/corpus';

/** The accumulator behind an observer that does not offer `attach`: counted packet by packet. */
function perPacket(s: SeriesAccumulator): PacketObserver {
  return { packet: (rec, ev) => s.packet(rec, ev), flowFinished: (f) => s.flowFinished(f) };
}

function series(file: string, opts: SeriesOptions, core: boolean): { cols: SeriesColumns; overflow: number } {
  const s = new SeriesAccumulator(opts);
  const r = openCapture(file);
  const pass = new CapturePass({ keepFlows: false, observer: core ? s : perPacket(s) });
  // The core run must really count in the core (else this compares the TypeScript with itself).
  expect(pass.table.countsSeries).toBe(core);
  for (let p = r.next(); p; p = r.next()) pass.packet(p);
  pass.finish(r, file);
  return { cols: s.columns(), overflow: s.overflow };
}

/** Columns as plain arrays (typed arrays compare by content this way, and failures read well). */
function plain(c: SeriesColumns): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (k !== 'grid') out[k] = ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v;
  return out;
}

const lab = fs
  .readdirSync(path.join(REPO, 'captures'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => fs.readdirSync(path.join(REPO, 'captures', d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => path.join(REPO, 'captures', d.name, f)));
const fixtures = ['loop.pcap', 'loop.pcapng', 'loop-ns.pcap', 'loop-be.pcap'].map((f) => fixture('captures', f));
const corpus = HAVE_CORPUS ? manifest().filter((m) => m.truth.readable_by_tshark && !m.bad_input).map((m) => path.join(CORPUS, m.file)) : [];
if (!HAVE_CORPUS) console.warn('core series: ../shared/corpus not found, comparing on the project\'s own captures only');

const OPTS: [string, SeriesOptions][] = [
  ['1 s, epoch', { interval: 1 }],
  ['250 ms, first', { interval: 0.25, align: 'first' }],
  ['7 s, first', { interval: 7, align: 'first' }],
  // A bound of 3 bins: packets past it are counted as unbinned, and earlier ones shift the rows.
  ['1 s, 3 bins at most', { interval: 1, maxBins: 3 }],
  // flowFilter's port and host: the core applies them itself.
  ['1 s, --port 443', { interval: 1, filter: flowFilter('443') }],
  ['250 ms, first, --host 10.0.2.2', { interval: 0.25, align: 'first', filter: flowFilter(undefined, '10.0.2.2') }],
  ['1 s, --port 21 --host 2001:470:4867:99::21', { interval: 1, filter: flowFilter('21', '2001:470:4867:99::21') }],
];

describe.each(OPTS)('core series equal the per-packet series (%s)', (_name, opts) => {
  test.each([...fixtures, ...lab, ...corpus].map((f) => [path.relative(path.dirname(REPO), f), f]))('%s', (_rel, file) => {
    const a = series(file, opts, true);
    const b = series(file, opts, false);
    expect(plain(a.cols)).toEqual(plain(b.cols));
    expect(a.overflow).toBe(b.overflow);
  });
});

test('through the two-thread pass (units read by the core) as through one thread', async () => {
  const file = path.join(REPO, 'captures', 'stunnel-freeze', 'firewall.pcap');
  const s = new SeriesAccumulator({ interval: 1 });
  const res = await passFile(file, new CapturePass({ keepFlows: false, observer: s }), { threads: true });
  expect(res.threaded).toBe(true);
  const one = series(file, { interval: 1 }, false);
  expect(plain(s.columns())).toEqual(plain(one.cols));
  expect(one.cols.packets.reduce((x, y) => x + y, 0)).toBe(res.packets);
});

test('one accumulator over two passes: the core counts the first, the second goes on from its rows', () => {
  const files = [fixture('captures', 'loop.pcap'), path.join(REPO, 'captures', 'healthy', 'server.pcap')];
  const feed = (observer: PacketObserver, file: string) => {
    const r = openCapture(file);
    const pass = new CapturePass({ keepFlows: false, observer });
    for (let p = r.next(); p; p = r.next()) pass.packet(p);
    pass.finish(r, file);
  };
  const a = new SeriesAccumulator({ interval: 1 });
  const b = new SeriesAccumulator({ interval: 1 });
  for (const f of files) {
    feed(a, f);
    feed(perPacket(b), f);
  }
  expect(plain(a.columns())).toEqual(plain(b.columns()));
  expect(a.columns().packets.reduce((x, y) => x + y, 0)).toBeGreaterThan(41);
});

test('bins years apart and before the first (bogus timestamps): the same rows and unbinned packets', () => {
  const times = [1e9, 5, 4e9, 1e9 + 3, 2, 1e9 - 2, 2 ** 32 - 1, 1e9 + 1];
  const run = (core: boolean, maxBins: number) => {
    const s = new SeriesAccumulator({ interval: 1, maxBins });
    const pass = new CapturePass({ keepFlows: false, observer: core ? s : perPacket(s) });
    const rec = new PacketRecord();
    for (const t of times) {
      rec.tsSec = t;
      rec.tsFrac = 250_000;
      rec.origLen = 60;
      rec.index++;
      pass.accept(rec, DecodeStatus.NotTcp, new TcpSegment());
    }
    return { cols: plain(s.columns()), overflow: s.overflow };
  };
  for (const maxBins of [3, 10, 1_000_000]) expect(run(true, maxBins)).toEqual(run(false, maxBins));
  // 5, 4e9, 2 and 2^32 - 1 do not fit within 10 bins of the others.
  expect(run(true, 10).overflow).toBe(4);
});

test('one series per core: a second accumulator offered the same table counts packet by packet', () => {
  const a = new SeriesAccumulator({ interval: 1 });
  const b = new SeriesAccumulator({ interval: 1 });
  const pass = new CapturePass({ keepFlows: false, observer: a });
  expect(pass.table.countsSeries).toBe(true);
  expect(b.attach(pass.table)).toBe(false);
  // Timed accumulators and any filter but flowFilter's never attach: their counting needs this thread.
  expect(new SeriesAccumulator({ filter: () => true }).attach(new CapturePass().table)).toBe(false);
  expect(new SeriesAccumulator({ filter: flowFilter('443') }).attach(new CapturePass().table)).toBe(true);
  // More bins than the core's rows may take (4,000,000): counted here.
  expect(new SeriesAccumulator({ maxBins: 4_000_001 }).attach(new CapturePass().table)).toBe(false);
  expect(new SeriesAccumulator({ maxBins: 4_000_000 }).attach(new CapturePass().table)).toBe(true);
  expect(new SeriesAccumulator({ responseTimes: true }).attach(new CapturePass().table)).toBe(false);
});

test('a series fed by hand, not through a pass, is told so (the increments it adds were never asked of the core)', () => {
  const { FlowTable } = require('../../lib/flow/table') as typeof import('../../lib/flow/table');
  const table = new FlowTable(() => undefined);
  expect(() => table.increments()).toThrow(/not asked for \(wantIncrements\): feed series through a CapturePass/);
  table.wantIncrements();
  expect(table.increments()).toHaveLength(require('../../lib/metrics/catalog').NC);
});

test('a series counted in TypeScript beside the core\'s own in one pass counts its active connections too (they shared a slot in the flow record, and the second saw none)', () => {
  const file = path.join(REPO, 'captures', 'stunnel-freeze', 'server.pcap');
  const inCore = new SeriesAccumulator({ interval: 1 });
  const timed = new SeriesAccumulator({ interval: 1, responseTimes: true });
  const both: PacketObserver = { attach: (t) => { expect(inCore.attach(t)).toBe(true); return false; }, packet: (r, ev) => timed.packet(r, ev), flowFinished: (f) => timed.flowFinished(f) };
  const pass = new CapturePass({ keepFlows: false, observer: both });
  const r = openCapture(file);
  for (let p = r.next(); p; p = r.next()) pass.packet(p);
  pass.finish(r, file);
  const a = inCore.columns(), b = timed.columns();
  expect(Array.from(a.activeFlows).reduce((x, y) => x + y, 0)).toBeGreaterThan(100);
  expect(Array.from(b.activeFlows)).toEqual(Array.from(a.activeFlows));
  expect(Array.from(b.packets)).toEqual(Array.from(a.packets));
});

test('two timed series watching the same connections each count every answer and every request left unanswered (they shared one slot in the flow record)', () => {
  const file = path.join(REPO, 'captures', 'app-freeze', 'loopback.pcapng');
  const mk = () => new SeriesAccumulator({ interval: 1, responseTimes: true, filter: flowFilter('8080') });
  const alone = mk();
  const a = mk(), b = mk();
  const run = (obs: PacketObserver) => {
    const pass = new CapturePass({ keepFlows: false, observer: obs });
    const r = openCapture(file);
    for (let p = r.next(); p; p = r.next()) pass.packet(p);
    pass.finish(r, file);
  };
  run(perPacket(alone));
  run({ packet: (r, ev) => { a.packet(r, ev); b.packet(r, ev); }, flowFinished: (f) => { a.flowFinished(f); b.flowFinished(f); } });
  const sum = (c: SeriesColumns, k: 'answered' | 'unanswered') => Array.from(c[k]).reduce((x, y) => x + y, 0);
  expect(sum(alone.columns(), 'answered')).toBeGreaterThan(10);
  expect(sum(alone.columns(), 'unanswered')).toBeGreaterThan(0);
  for (const s of [a, b]) expect([sum(s.columns(), 'answered'), sum(s.columns(), 'unanswered')]).toEqual([sum(alone.columns(), 'answered'), sum(alone.columns(), 'unanswered')]);
});
