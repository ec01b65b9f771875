/**
 * A record whose time cannot be right (#22): a flipped high bit in one record's seconds moved it
 * years away, and `analyze` refused the whole run ("the captures span 3107 days"). Such a record
 * is left out with a warning naming file, offset and packet; a clock that really stepped keeps
 * every record.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CaptureReader } from '../../lib/capture/reader';
import { alibi } from '../helpers/cli';
import { REPO } from '../helpers/corpus';
import { pcapHeader, pcapngBlock, pcapRecord } from '../helpers/pcap';

const T = 1764770000;
const frame = new Uint8Array(60);

function pcap(secs: number[]): Uint8Array {
  return new Uint8Array(Buffer.concat([pcapHeader(1), ...secs.map((s, i) => pcapRecord(s, i, frame))]));
}

function read(bytes: Uint8Array, opts = {}): { secs: number[]; indexes: number[]; warnings: CaptureReader['warnings']; packets: number } {
  const r = new CaptureReader(bytes, { file: 'x.pcap', ...opts });
  const secs: number[] = [];
  const indexes: number[] = [];
  for (let p = r.next(); p !== null; p = r.next()) {
    secs.push(p.tsSec);
    indexes.push(p.index);
  }
  return { secs, indexes, warnings: r.warnings, packets: r.packets };
}

const FLIP = 1 << 28; // 8.5 years

describe('records with impossible times', () => {
  test('one record years away from the agreeing records on both sides is left out, with file, offset and packet', () => {
    const secs = [T, T + 1, T + 2, (T + 3) ^ FLIP, T + 4, T + 5];
    const got = read(pcap(secs));
    expect(got.secs).toEqual([T, T + 1, T + 2, T + 4, T + 5]);
    expect(got.indexes).toEqual([0, 1, 2, 4, 5]);
    expect(got.packets).toBe(5);
    expect(got.warnings).toHaveLength(1);
    expect(got.warnings[0]).toMatchObject({ file: 'x.pcap', code: 'malformed', offset: 24 + 3 * 76, packet: 3 });
    expect(got.warnings[0].reason).toBe('record time 2034-06-06T11:17:39Z is more than a day from the records on both sides (2025-12-03T13:53:22Z): record left out');
  });

  test('the first record of a file, and the last, are judged by the records after and before them', () => {
    const first = read(pcap([T ^ FLIP, T + 1, T + 2, T + 3]));
    expect(first.secs).toEqual([T + 1, T + 2, T + 3]);
    expect(first.warnings).toMatchObject([{ packet: 0, offset: 24 }]);
    expect(first.warnings[0].reason).toMatch(/from the records after it/);
    const last = read(pcap([T, T + 1, T + 2, (T + 3) ^ FLIP]));
    expect(last.secs).toEqual([T, T + 1, T + 2]);
    expect(last.warnings).toMatchObject([{ packet: 3 }]);
  });

  test('a clock that steps (1970 until NTP, then today) keeps every record, and so do one- and two-record files', () => {
    const boot = [5, 6, 7, T, T + 1, T + 2];
    expect(read(pcap(boot)).secs).toEqual(boot);
    expect(read(pcap(boot)).warnings).toEqual([]);
    expect(read(pcap([T])).secs).toEqual([T]);
    // Two records a year apart and nothing else: no way to tell which is wrong; both kept.
    expect(read(pcap([T, T + 365 * 86400])).secs).toEqual([T, T + 365 * 86400]);
    // Two damaged records in a row agree with each other: a step, not damage (both kept).
    const two = [T, T + 1, T ^ FLIP, (T ^ FLIP) + 1, T + 2, T + 3];
    expect(read(pcap(two)).secs).toEqual(two);
  });

  test('no record is left held between calls: next() reads on until the check has decided (the hot path relies on it)', () => {
    // A file whose first two records disagree holds two, and needs a third to decide.
    for (const secs of [[T ^ FLIP, T + 1, T + 2, T + 3], [T, T + 1, (T + 2) ^ FLIP, T + 3, T + 4], [5, T, T + 1]]) {
      const r = new CaptureReader(pcap(secs), { file: 'x.pcap' });
      const guard = (r as unknown as { core: { guard: { held: unknown[] } } }).core.guard;
      for (let p = r.next(); p !== null; p = r.next()) expect(guard.held).toHaveLength(0);
    }
  });

  test('a gap of less than a day is not judged at all; timeCheck: false hands out every record as stored', () => {
    const gap = [T, T + 1, T + 86_000, T + 2];
    expect(read(pcap(gap)).secs).toEqual(gap);
    const bad = [T, (T + 1) ^ FLIP, T + 2];
    expect(read(pcap(bad), { timeCheck: false }).secs).toEqual(bad);
  });

  test('two interfaces whose clocks are years apart, interleaved, keep every record', () => {
    // pcapng: SHB, two Ethernet IDBs, then EPBs alternating between them.
    const blk = pcapngBlock;
    const shb = Buffer.alloc(16);
    shb.writeUInt32LE(0x1a2b3c4d, 0);
    shb.writeUInt16LE(1, 4);
    shb.writeBigInt64LE(-1n, 8);
    const idb = Buffer.alloc(8);
    idb.writeUInt16LE(1, 0);
    idb.writeUInt32LE(65535, 4);
    const epb = (iface: number, sec: number) => {
      const h = Buffer.alloc(20);
      const us = BigInt(sec) * 1_000_000n;
      h.writeUInt32LE(iface, 0);
      h.writeUInt32LE(Number(us >> 32n), 4);
      h.writeUInt32LE(Number(us & 0xffffffffn), 8);
      h.writeUInt32LE(60, 12);
      h.writeUInt32LE(60, 16);
      return blk(6, Buffer.concat([h, Buffer.from(frame)]));
    };
    const secs = [T, 100, T + 1, 101, T + 2, 102];
    const bytes = Buffer.concat([blk(0x0a0d0d0a, shb), blk(1, idb), blk(1, idb), ...secs.map((s, i) => epb(i % 2, s))]);
    const got = read(new Uint8Array(bytes));
    expect(got.secs).toEqual(secs);
    expect(got.warnings).toEqual([]);
  });
});

test('pcapng times no date can show (past 9999 through if_tsresol, before 1970 through if_tsoffset) are left out: nothing prints NaN', () => {
  const opt = (code: number, v: Buffer) => Buffer.concat([Buffer.from([code & 0xff, code >> 8, v.length & 0xff, v.length >> 8]), v, Buffer.alloc((4 - (v.length % 4)) % 4)]);
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const idb = (opts: Buffer) => pcapngBlock(1, Buffer.concat([Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0, 0]), opts, opt(0, Buffer.alloc(0))]));
  const epb = (ts: bigint) => {
    const h = Buffer.alloc(20);
    h.writeUInt32LE(Number(ts >> 32n), 4);
    h.writeUInt32LE(Number(ts & 0xffffffffn), 8);
    h.writeUInt32LE(60, 12);
    h.writeUInt32LE(60, 16);
    return pcapngBlock(6, Buffer.concat([h, Buffer.from(frame)]));
  };
  const off = Buffer.alloc(8);
  off.writeBigInt64LE(-(2n ** 62n));
  const cases = [
    { opts: opt(9, Buffer.from([0])), ts: [2n ** 60n, 2n ** 60n + 1n] }, // if_tsresol 10^0: 2^60 seconds
    { opts: opt(14, off), ts: [5_000_000n, 6_000_000n] }, // if_tsoffset -2^62 s
  ];
  for (const c of cases) {
    const bytes = new Uint8Array(Buffer.concat([pcapngBlock(0x0a0d0d0a, shb), idb(c.opts), ...c.ts.map(epb)]));
    const got = read(bytes);
    expect(got.secs).toEqual([]);
    expect(got.warnings.map((w) => [w.code, w.packet])).toEqual([['malformed', 0], ['malformed', 1]]);
    expect(got.warnings[0].reason).toMatch(/^record time -?\d+ s since 1970 is outside the years 1970-9999 \(a damaged timestamp, or an interface's if_tsresol or if_tsoffset\): record left out$/);
    const f = path.join(os.tmpdir(), `alibi-nan-${process.pid}.pcapng`);
    fs.writeFileSync(f, bytes);
    const info = alibi(['info', f]);
    fs.rmSync(f);
    expect(info.code).toBe(0);
    expect(info.stdout).not.toMatch(/NaN/);
    expect(info.stdout).toMatch(/first packet:\s+-\n/);
  }
});

describe('analyze on a lab capture with one flipped bit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-flip-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the damaged record is left out with a warning and the verdict is the one on the clean capture', () => {
    const src = path.join(REPO, 'captures/stunnel-freeze');
    for (const f of ['alibi.json', 'firewall.pcap', 'server.pcap', 'loopback.pcapng', 'stunnel.log', 'access.log']) fs.copyFileSync(path.join(src, f), path.join(dir, f));
    // Bit 28 of the seconds of the server capture's middle record: 8.5 years later.
    const b = fs.readFileSync(path.join(dir, 'server.pcap'));
    const at: number[] = [];
    for (let o = 24; o + 16 <= b.length; o += 16 + b.readUInt32LE(o + 8)) at.push(o);
    const mid = at[Math.floor(at.length / 2)];
    b.writeUInt32LE(b.readUInt32LE(mid) ^ FLIP, mid);
    fs.writeFileSync(path.join(dir, 'server.pcap'), b);

    const r = alibi(['analyze', path.join(dir, 'alibi.json'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const clean = JSON.parse(alibi(['analyze', path.join(src, 'alibi.json'), '--json']).stdout);
    expect(doc.window).toEqual(clean.window);
    expect(doc.incidents.map((i: { culprit: { component: string } }) => i.culprit.component)).toEqual(clean.incidents.map((i: { culprit: { component: string } }) => i.culprit.component));
    expect(doc.incidents[0].culprit.component).toBe('stunnel');
    const w = doc.warnings.filter((x: { code: string }) => x.code === 'malformed');
    expect(w).toEqual([expect.objectContaining({ file: path.join(dir, 'server.pcap'), offset: mid, packet: Math.floor(at.length / 2) })]);
    expect(w[0].reason).toMatch(/^record time 2035-\S+ is more than a day from the records on both sides \(2026-11-25T\S+\): record left out$/);
    // flows --arrow stopped on it ("internal error: not an ISO-8601 UTC time"); series and info printed it.
    const damaged = path.join(dir, 'server.pcap');
    for (const args of [['flows', damaged, '--arrow', path.join(dir, 'f.arrow')], ['series', damaged], ['info', damaged]]) {
      const x = alibi(args);
      expect([args[0], x.code]).toEqual([args[0], 0]);
      expect(x.stderr).toMatch(/packet \d+: record time 2035-\S+ is more than a day from the records on both sides/);
      expect(x.stdout).not.toMatch(/NaN|2035-/);
    }
  });
});
