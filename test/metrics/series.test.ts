import { IntervalGrid } from '../../lib/grid';
import { SeriesAccumulator, seriesBins } from '../../lib/metrics/series';
import { openCapture } from '../../lib/node';
import { CapturePass } from '../../lib/pipeline/pass';
import { flowFilter } from '../../lib';
import { alibi } from '../helpers/cli';
import { corpusPath, describeCorpus, fixture } from '../helpers/corpus';
import { flowsOf } from '../helpers/flows';

function run(file: string, s: SeriesAccumulator) {
  const r = openCapture(file);
  const pass = new CapturePass({ observer: s });
  for (let p = r.next(); p; p = r.next()) pass.packet(p);
  return { res: pass.finish(r, file), cols: s.columns() };
}

describe('series', () => {
  test('the RST of a refused connection counts as sent by the server', () => {
    const { cols } = run(fixture('captures', 'loop.pcap'), new SeriesAccumulator({ interval: 1 }));
    const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
    expect(sum(cols.resets)).toBe(1);
    expect(sum(cols.resetsByServer)).toBe(1);
    expect(sum(cols.resetsByClient)).toBe(0);
    expect(sum(cols.synOnly)).toBe(4);
    expect(sum(cols.packets)).toBe(41);
    expect(sum(cols.activeFlows)).toBe(4);
  });

  test('epoch alignment puts edges on absolute multiples of the interval, every bin present', () => {
    const { cols } = run(fixture('captures', 'loop.pcap'), new SeriesAccumulator({ interval: 0.25 }));
    for (let i = 0; i < cols.length; i++) expect(Math.round(cols.start[i] * 1000) % 250).toBe(0);
    for (let i = 1; i < cols.length; i++) expect(cols.start[i] - cols.start[i - 1]).toBeCloseTo(0.25, 9);
    expect(seriesBins(cols)[0].start).toMatch(/\.(000|250|500|750)Z$/);
  });

  test('a port filter keeps only the connections to that port', () => {
    const { cols } = run(fixture('captures', 'loop.pcap'), new SeriesAccumulator({ interval: 1, filter: flowFilter('8001') }));
    expect(cols.packets.reduce((x, y) => x + y, 0)).toBe(2);
    expect(cols.resets.reduce((x, y) => x + y, 0)).toBe(1);
  });

  test('a shared grid gives two sources the same edges', () => {
    const grid = IntervalGrid.forSeconds(1e9, 10);
    const { cols } = run(fixture('captures', 'loop.pcap'), new SeriesAccumulator({ grid }));
    expect(cols.grid).toBe(grid);
    expect((cols.start[0] - 1e9) % 10).toBe(0);
  });

  test('alibi series --json prints the SPEC bins; --csv a header and rows', () => {
    const j = alibi(['series', fixture('captures', 'loop.pcap'), '--json']);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc.interval).toBe(1);
    expect(Object.keys(doc.bins[0])).toEqual(expect.arrayContaining(['start', 'packets', 'bytes', 'payload', 'synOnly', 'resets', 'resetsByClient', 'resetsByServer', 'retransmissions', 'zeroWindows', 'activeFlows']));
    const c = alibi(['series', fixture('captures', 'loop.pcap'), '--csv', '--interval', '250ms']);
    expect(c.stdout.split('\n')[0]).toBe('start,packets,bytes,payload,syn_only,resets,resets_by_client,resets_by_server,retransmissions,zero_windows,active_flows,zero_windows_by_client,zero_windows_by_server,reset_rate,resets_per_100_syn');
    expect(alibi(['series', fixture('captures', 'loop.pcap'), '--align', 'sideways']).code).toBe(2);
  });
});

describeCorpus('resets by side on public connections where the sender is known', () => {
  test('nmap-vsn: every RST in the series is attributed as in the flow records', () => {
    const file = corpusPath('zeek__nmap-vsn.pcap');
    const { cols } = run(file, new SeriesAccumulator({ interval: 1 }));
    const flows = flowsOf(file).flows;
    const byClient = flows.reduce((s, f) => s + f.rst.c2s, 0);
    const byServer = flows.reduce((s, f) => s + f.rst.s2c, 0);
    expect(cols.resetsByClient.reduce((x, y) => x + y, 0)).toBe(byClient);
    expect(cols.resetsByServer.reduce((x, y) => x + y, 0)).toBe(byServer);
    // REJ connections (port scan of closed ports): the server resets.
    expect(flows.filter((f) => f.state === 'REJ').every((f) => f.rst.s2c === 1 && f.rst.c2s === 0)).toBe(true);
    expect(byServer).toBeGreaterThan(0);
  });
});

describe('series columns({ release })', () => {
  test('the same columns as without release; the rows are gone after, so counting on is an error', () => {
    const a = run(fixture('captures', 'loop.pcap'), new SeriesAccumulator({ interval: 0.25 })).cols;
    const s = new SeriesAccumulator({ interval: 0.25 });
    const r = openCapture(fixture('captures', 'loop.pcap'));
    const pass = new CapturePass({ observer: s });
    for (let p = r.next(); p; p = r.next()) pass.packet(p);
    pass.finish(r, 'loop.pcap');
    const b = s.columns({ release: true });
    expect(b.length).toBe(a.length);
    for (const k of ['start', 'packets', 'bytes', 'resets', 'synOnly', 'activeFlows'] as const) expect(Array.from(b[k])).toEqual(Array.from(a[k]));
    expect(() => s.columns()).toThrow(/release/);
    const r2 = openCapture(fixture('captures', 'loop.pcap'));
    const pass2 = new CapturePass({ observer: s });
    expect(() => { for (let p = r2.next(); p; p = r2.next()) pass2.packet(p); }).toThrow(/release/);
  });
});
