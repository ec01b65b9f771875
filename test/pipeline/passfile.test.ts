/**
 * The two-thread pass (`passFile`: decode in a worker, flows here) must give exactly what the
 * one-thread loop gives: flow records, warnings, counts and series columns, on the lab captures
 * (always) and every corpus file (where ../shared is present), and the same typed errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCapture } from '../../lib/node';
import { passFile, THREAD_MIN_BYTES } from '../../lib/pipeline/passfile';
import { CapturePass } from '../../lib/pipeline/pass';
import { SeriesAccumulator } from '../../lib/metrics/series';
import { PacketDecoder } from '../../lib/decode/decoder';
import { DecodeStatus } from '../../lib/decode/segment';
import { handoffBuffers, UnitReader, UnitWriter, UNIT } from '../../lib/decode/handoff';
import { PacketRecord } from '../../lib/capture/record';
import { InputError, UnknownFormatError } from '../../lib/errors';
import { CORPUS, describeCorpus, HAVE_CORPUS, REPO } from '../helpers/corpus';

const LAB = path.join(REPO, 'captures');
const labCaptures = fs
  .readdirSync(LAB, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => fs.readdirSync(path.join(LAB, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => path.join(LAB, d.name, f)));

async function both(file: string): Promise<[unknown, unknown]> {
  const run = async (threads: boolean) => {
    const series = new SeriesAccumulator({ interval: 1 });
    try {
      const res = await passFile(file, new CapturePass({ observer: series }), { threads });
      expect(res.threaded).toBe(threads);
      return { flows: res.flows, warnings: res.warnings, packets: res.packets, tcp: res.tcpPackets, readerPackets: res.reader.packets, offset: res.reader.offset, series: series.columns() };
    } catch (e) {
      const err = e as InputError;
      return { error: err.constructor.name, message: err.message, file: err.file, offset: err.offset };
    }
  };
  return [await run(false), await run(true)];
}

describe('passFile: decoding in a worker thread changes nothing', () => {
  test('lab captures: flows, warnings, counts and series equal the one-thread pass', async () => {
    expect(labCaptures.length).toBeGreaterThanOrEqual(20);
    for (const f of labCaptures) {
      const [one, two] = await both(f);
      expect({ f, ...(two as object) }).toEqual({ f, ...(one as object) });
      expect((one as { flows: unknown[] }).flows.length).toBeGreaterThan(0);
    }
  }, 120_000);

  test('idle expiry and a full table give the same records, warnings and order of endings', async () => {
    for (const f of labCaptures.filter((x) => x.endsWith('firewall.pcap'))) {
      const ended: number[][] = [[], []];
      const runs = await Promise.all([false, true].map(async (threads, k) => {
        const pass = new CapturePass({ idleTimeout: 0.5, maxFlows: 20, onFlow: (r) => ended[k].push(r.id) });
        const res = await passFile(f, pass, { threads });
        return { flows: res.flows, warnings: res.warnings, idle: pass.table.evictedIdle, full: pass.table.evictedForSpace };
      }));
      expect(runs[1]).toEqual(runs[0]);
      expect(ended[1]).toEqual(ended[0]); // streaming consumers see flows end in the same order
      expect(runs[0].full).toBeGreaterThan(0);
      expect(runs[0].idle).toBeGreaterThan(0);
      expect(runs[0].warnings.map((w) => w.code)).toContain('flow_table_full');
    }
  }, 60_000);

  test('a capture cut mid-record: the same records and the same truncation warning', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-passfile-'));
    const src = labCaptures.find((f) => f.endsWith('firewall.pcap'))!;
    const bytes = fs.readFileSync(src);
    const cut = path.join(tmp, 'cut.pcap');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.61)));
    const [one, two] = await both(cut);
    expect(two).toEqual(one);
    expect((one as { warnings: { code: string }[] }).warnings.map((w) => w.code)).toContain('truncated');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('errors keep their class, file and offset across the thread', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-passfile-'));
    const junk = path.join(tmp, 'junk.pcap');
    fs.writeFileSync(junk, Buffer.alloc(THREAD_MIN_BYTES, 7));
    await expect(passFile(junk, new CapturePass(), { threads: true })).rejects.toBeInstanceOf(UnknownFormatError);
    await expect(passFile(junk, new CapturePass(), { threads: true })).rejects.toMatchObject({ file: junk, offset: 0 });
    await expect(passFile(path.join(tmp, 'missing.pcap'), new CapturePass(), { threads: true })).rejects.toBeInstanceOf(InputError);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a consumer that throws ends the pass: the error comes back and the decoding thread stops', async () => {
    let n = 0;
    const pass = new CapturePass({ idleTimeout: 0.001, onFlow: () => { if (++n > 10) throw new Error('consumer failed'); } });
    await expect(passFile(labCaptures.find((f) => f.endsWith('firewall.pcap'))!, pass, { threads: true })).rejects.toThrow('consumer failed');
  });

  test('by default small files stay in this thread (a thread costs more than they take)', async () => {
    const small = labCaptures[0];
    expect(fs.statSync(small).size).toBeLessThan(THREAD_MIN_BYTES);
    expect((await passFile(small, new CapturePass())).threaded).toBe(false);
  });
});

describe('decode/handoff units', () => {
  test('every TCP field flow accounting reads survives the unit, IPv4 and IPv6', () => {
    const files = [...labCaptures.slice(0, 3), ...(HAVE_CORPUS ? ['zeek__ipv6.pcap', 'zeek__ipv6-http-atomic-frag.pcap', 'zeek__fragmented-4.pcap', 'pcapngtg__test202.pcapng'].map((f) => path.join(CORPUS, f)) : [])];
    let v6 = 0;
    let tcp = 0;
    for (const f of files) {
      const { data } = handoffBuffers();
      const w = new UnitWriter(data);
      const r = new UnitReader(data, new PacketRecord());
      const d = new PacketDecoder();
      // Compared with plain code, expect() only on a difference: a few hundred thousand packets.
      const mismatches: unknown[] = [];
      const differ = (what: string, a: unknown[], b: unknown[]) => {
        if (a.length !== b.length || a.some((x, i) => x !== b[i])) mismatches.push({ f, what, packet: d.counts, a, b });
      };
      for (const p of openCapture(f)) {
        const st = d.decode(p.bytes, p.offset, p.capLen, p.origLen, p.linkType, p.index);
        w.begin(0);
        w.put(p, st, d.seg);
        differ('status', [r.read(0)], [st]);
        differ('record', [r.rec.tsSec, r.rec.tsFrac, r.rec.tsRes, r.rec.origLen, r.rec.capLen, r.rec.index, r.rec.hasTimestamp], [p.tsSec, p.tsFrac, p.tsRes, p.origLen, p.capLen, p.index, p.hasTimestamp]);
        differ('units', [w.count], [r.last6 ? 2 : 1]);
        if (st !== DecodeStatus.Tcp) continue;
        tcp++;
        const s = d.seg;
        const fields = (x: typeof s) => [x.ipVersion, x.src0, x.src1, x.src2, x.src3, x.dst0, x.dst1, x.dst2, x.dst3, x.srcPort, x.dstPort, x.seq, x.ack, x.flags, x.window, x.payloadLen];
        differ('segment', fields(r.seg), fields(s));
        if (s.ipVersion === 6) v6++;
        const n = Math.min(s.payloadCaptured, 8);
        differ('payload start', [r.seg.payloadCaptured, ...r.seg.bytes.subarray(0, n)], [n, ...s.bytes.subarray(s.payloadOffset, s.payloadOffset + n)]);
        if (mismatches.length > 0) break;
      }
      expect(mismatches).toEqual([]);
    }
    expect(tcp).toBeGreaterThan(1000);
    if (HAVE_CORPUS) expect(v6).toBeGreaterThan(0);
    expect(UNIT * 4).toBe(64);
  });
});

describe('decode/handoff time', () => {
  test('times beyond two uint32s and every resolution the readers make come back exactly', () => {
    const { data } = handoffBuffers();
    const w = new UnitWriter(data);
    const r = new UnitReader(data, new PacketRecord());
    const rec = new PacketRecord();
    const cases: [number, number, number][] = [
      [1764079280, 608820, 1e6],
      [1764079280, 999999999, 1e9],
      [2 ** 32 + 7, 3, 1e6], // after 2106
      [-3, 5, 1e6], // a negative pcapng if_tsoffset
      [1764079280, 2 ** 40 - 1, 2 ** 40], // if_tsresol 2^-40: the fraction needs more than 32 bits
      [1764079280, 12, 10 ** 3],
      [0, 0, 1],
    ];
    for (const [sec, frac, res] of cases) {
      rec.tsSec = sec;
      rec.tsFrac = frac;
      rec.tsRes = res;
      w.begin(1);
      w.put(rec, DecodeStatus.NotIp, new PacketDecoder().seg);
      r.read(w.base);
      expect([r.rec.tsSec, r.rec.tsFrac, r.rec.tsRes]).toEqual([sec, frac, res]);
    }
    rec.tsRes = 3e6; // not 10^-n or 2^-n: no reader makes it, and the handoff says so
    expect(() => w.put(rec, DecodeStatus.NotIp, new PacketDecoder().seg)).toThrow(/resolution/);
  });
});

describeCorpus('passFile on the corpus', () => {
  test('every corpus capture: the same flows, warnings, series or error in both passes', async () => {
    const files = fs.readdirSync(CORPUS).filter((f) => !/\.(md|json|py)$/.test(f) && fs.statSync(path.join(CORPUS, f)).isFile());
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      const [one, two] = await both(path.join(CORPUS, f));
      expect({ f, ...(two as object) }).toEqual({ f, ...(one as object) });
    }
  }, 120_000);
});
