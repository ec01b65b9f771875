/**
 * Bounded state under hostile input: a million SYNs from random addresses and ports, a capture
 * spanning ten years, fragments that never complete, damage repeated thousands of times, a
 * 10 MB log line. Each test states its bound and checks it, and checks that what was dropped
 * is counted in `warnings`.
 */
import { CaptureReader, SyncByteSource } from '../../lib/capture/reader';
import { CapturePass } from '../../lib/pipeline/pass';
import { DEFAULT_MAX_FLOWS } from '../../lib/flow/table';
import { DEFAULT_MAX_BINS, SeriesAccumulator } from '../../lib/metrics/series';
import { parseLogText } from '../../lib/logs';
import { alibi } from '../helpers/cli';
import { fixture } from '../helpers/corpus';

const REC = 16 + 54; // pcap record header + Ethernet/IPv4/TCP without options or payload

function pcapHeader(): Uint8Array {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20); // Ethernet
  return h;
}

/** Writes packet `i`'s record at `o`: a SYN from 10.x.y.z:random to 192.0.2.1:443, 10,000 per second. */
function writeSyn(b: Buffer, o: number, i: number, sec = 1_700_000_000 + Math.floor(i / 10000)): void {
  const h = Math.imul(i + 1, 0x9e3779b1) >>> 0;
  b.writeUInt32LE(sec, o);
  b.writeUInt32LE((i % 10000) * 100, o + 4);
  b.writeUInt32LE(54, o + 8);
  b.writeUInt32LE(54, o + 12);
  const f = o + 16;
  b.fill(0, f, f + 12);
  b.writeUInt16BE(0x0800, f + 12);
  const ip = f + 14;
  b[ip] = 0x45;
  b[ip + 1] = 0;
  b.writeUInt16BE(40, ip + 2);
  b.writeUInt16BE(i & 0xffff, ip + 4);
  b.writeUInt16BE(0x4000, ip + 6);
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  b.writeUInt16BE(0, ip + 10);
  b.writeUInt32BE((0x0a000000 | (h & 0xffffff)) >>> 0, ip + 12);
  b.writeUInt32BE(0xc0000201, ip + 16);
  const t = ip + 20;
  b.writeUInt16BE(1024 + ((h >>> 8) % 64511), t);
  b.writeUInt16BE(443, t + 2);
  b.writeUInt32BE(h, t + 4);
  b.writeUInt32BE(0, t + 8);
  b[t + 12] = 0x50;
  b[t + 13] = 0x02; // SYN
  b.writeUInt16BE(64240, t + 14);
  b.writeUInt32BE(0, t + 16);
}

/**
 * A classic pcap of `n` SYNs, generated as it is read (a positional source): the input itself
 * takes no memory, so what is measured is the pipeline's state.
 */
function synFlood(n: number): SyncByteSource {
  const size = 24 + n * REC;
  const hdr = pcapHeader();
  const rec = Buffer.alloc(REC);
  return {
    size,
    read(into, at, len, pos) {
      let w = 0;
      while (w < len && pos + w < size) {
        const p = pos + w;
        if (p < 24) {
          const k = Math.min(24 - p, len - w);
          into.set(hdr.subarray(p, p + k), at + w);
          w += k;
          continue;
        }
        const i = Math.floor((p - 24) / REC);
        const o = (p - 24) % REC;
        writeSyn(rec, 0, i);
        const k = Math.min(REC - o, len - w);
        into.set(rec.subarray(o, o + k), at + w);
        w += k;
      }
      return w;
    },
  };
}

/** Heap plus memory outside it: array buffers and the flow table's WebAssembly memory. */
function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

describe('bounded state', () => {
  it(`1,000,000 SYNs from random addresses/ports: live flows capped at the default ${DEFAULT_MAX_FLOWS.toLocaleString('en-US')}, heap growth < 200 MB, evictions in warnings`, () => {
    const N = 1_000_000;
    global.gc?.();
    const base = used();
    let peak = 0;
    const series = new SeriesAccumulator({ interval: 1 });
    // keepFlows false: the records themselves are the output (1M of them), not state.
    const pass = new CapturePass({ keepFlows: false, observer: series });
    const r = new CaptureReader(synFlood(N), { file: 'syn-flood.pcap' });
    let n = 0;
    for (let p = r.next(); p !== null; p = r.next()) {
      pass.packet(p);
      if ((++n & 0x3fff) === 0) peak = Math.max(peak, used() - base);
    }
    const res = pass.finish(r, 'syn-flood.pcap');
    peak = Math.max(peak, used() - base);
    expect(res.packets).toBe(N);
    expect(res.tcpPackets).toBe(N);
    expect(pass.table.started).toBe(N);
    expect(pass.table.evictedForSpace).toBe(N - DEFAULT_MAX_FLOWS);
    const full = res.warnings.find((w) => w.code === 'flow_table_full');
    expect(full?.reason).toMatch(new RegExp(`^${N - DEFAULT_MAX_FLOWS} connections finished early: more than ${DEFAULT_MAX_FLOWS} concurrent`));
    expect(series.columns().synOnly.reduce((a, b) => a + b, 0)).toBe(N);
    // Measured: 106 MB (the core's memory: 360-byte flow records and hash slots for 250k flows; series columns).
    expect(peak).toBeLessThan(200 * 2 ** 20);
  }, 60000);

  it('a smaller --max-flows bounds the table to it', () => {
    const pass = new CapturePass({ keepFlows: false, maxFlows: 1000 });
    const r = new CaptureReader(synFlood(20000), { file: 'f' });
    for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
    const res = pass.finish(r, 'f');
    expect(res.warnings.find((w) => w.code === 'flow_table_full')?.reason).toMatch(/^19000 connections finished early: more than 1000 concurrent/);
  });

  it('--max-flows above what the flow table core can address is refused (exit 2)', () => {
    const r = alibi(['flows', fixture('captures', 'loop.pcap'), '--max-flows', '8000001']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-flows must be an integer from 1 to 8000000/);
    expect(alibi(['flows', fixture('captures', 'loop.pcap'), '--max-flows', '8000000']).code).toBe(0);
  });

  it(`a capture spanning ten years at 1 s: series capped at ${DEFAULT_MAX_BINS.toLocaleString('en-US')} bins, the rest counted as overflow`, () => {
    const b = Buffer.alloc(24 + 4 * REC);
    Buffer.from(pcapHeader()).copy(b, 0);
    const t0 = 1_400_000_000;
    [t0, t0 + 100, t0 + 86400 * 365 * 5, t0 + 86400 * 365 * 10].forEach((sec, i) => writeSyn(b, 24 + i * REC, i, sec));
    global.gc?.();
    const base = used();
    const series = new SeriesAccumulator({ interval: 1 });
    const pass = new CapturePass({ observer: series });
    // Every record as stored: the reader's time check would leave out the lone years-away ones.
    const r = new CaptureReader(new Uint8Array(b), { file: 'years.pcap', timeCheck: false });
    for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
    pass.finish(r, 'years.pcap');
    const cols = series.columns();
    expect(cols.packets.length).toBe(101);
    expect(series.overflow).toBe(2);
    // 23 Float64 columns of at most 1M bins: ≤ 185 MB; here only 1024 were ever needed.
    expect(used() - base).toBeLessThan(64 * 2 ** 20);
  });

  it('the bin columns never grow past maxBins (doubling is capped)', () => {
    const series = new SeriesAccumulator({ interval: 1, maxBins: 3000 });
    const b = Buffer.alloc(24 + 2 * REC);
    Buffer.from(pcapHeader()).copy(b, 0);
    writeSyn(b, 24, 0, 1_700_000_000);
    writeSyn(b, 24 + REC, 1, 1_700_000_000 + 2999);
    const pass = new CapturePass({ observer: series });
    const r = new CaptureReader(new Uint8Array(b));
    for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
    pass.finish(r, null);
    expect(series.columns().packets.length).toBe(3000);
    expect(series.overflow).toBe(0);
  });

  it('IP fragments that never complete: at most 4096 pending, the dropped ones counted in warnings', () => {
    const n = 10000;
    const b = Buffer.alloc(24 + n * (16 + 14 + 20 + 8));
    Buffer.from(pcapHeader()).copy(b, 0);
    for (let i = 0; i < n; i++) {
      const o = 24 + i * 58;
      b.writeUInt32LE(1_700_000_000, o);
      b.writeUInt32LE(i, o + 4);
      b.writeUInt32LE(42, o + 8);
      b.writeUInt32LE(42, o + 12);
      b.writeUInt16BE(0x0800, o + 16 + 12);
      const ip = o + 30;
      b[ip] = 0x45;
      b.writeUInt16BE(28, ip + 2);
      b.writeUInt16BE(i, ip + 4); // distinct datagram ids
      b.writeUInt16BE(0x2000, ip + 6); // MF, offset 0: never completed
      b[ip + 8] = 64;
      b[ip + 9] = 6;
      b.writeUInt32BE(0x0a000001, ip + 12);
      b.writeUInt32BE(0x0a000002, ip + 16);
    }
    const pass = new CapturePass();
    const r = new CaptureReader(new Uint8Array(b), { file: 'frags.pcap' });
    for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
    const res = pass.finish(r, 'frags.pcap');
    expect(pass.decoder.fragments.open).toBe(4096);
    expect(res.warnings.find((w) => w.code === 'ip_fragment_unmatched')?.reason).toMatch(/^4096 IP datagrams left incomplete/);
    expect(res.warnings.find((w) => w.code === 'ip_fragment_table_full')?.reason).toMatch(/^5904 incomplete IP datagrams dropped/);
  });

  it('damage repeated 1,500 times: 1,000 warnings listed, the rest counted, every good packet kept', () => {
    const reps = 1500;
    const unit = 2 * REC + 16;
    const b = Buffer.alloc(24 + reps * unit);
    Buffer.from(pcapHeader()).copy(b, 0);
    for (let i = 0; i < reps; i++) {
      const o = 24 + i * unit;
      writeSyn(b, o, 2 * i);
      writeSyn(b, o + REC, 2 * i + 1);
      b.fill(0xff, o + 2 * REC, o + unit); // a record header with captured length 0xffffffff
    }
    const pass = new CapturePass({ keepFlows: false });
    const r = new CaptureReader(new Uint8Array(b), { file: 'damaged.pcap' });
    for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
    const res = pass.finish(r, 'damaged.pcap');
    expect(res.packets).toBe(2 * reps);
    expect(r.warnings.length).toBe(1000);
    expect(r.warnings[0]).toMatchObject({ file: 'damaged.pcap', offset: 24 + 2 * REC, packet: 2, code: 'bad_length', skippedTo: 24 + unit });
    expect(res.warnings.find((w) => w.code === 'too_many_warnings')?.reason).toBe(`${reps - 1000} more damaged ranges not listed (warnings are capped)`);
  });

  it('a 10 MB log line is cut to 64 KiB (one warning) and the lines after it are read', () => {
    const line = (s: number) => `2026.11.23 15:42:${String(s).padStart(2, '0')} LOG5[ui]: hello\n`;
    const text = line(1) + '2026.11.23 15:42:02 LOG5[ui]: ' + 'x'.repeat(10 << 20) + '\n' + line(3) + line(4);
    global.gc?.();
    const r = parseLogText(text, { tz: 'UTC', file: 'big.log' });
    expect(r.lines).toBe(4);
    expect(r.parsed).toBe(4);
    expect(r.cutLines).toBe(1);
    expect(r.warnings).toEqual([expect.objectContaining({ file: 'big.log', line: 2, code: 'line_too_long' })]);
  });
});
