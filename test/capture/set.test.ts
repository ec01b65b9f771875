/**
 * A vantage recorded as several files (issue #16): the set read as one capture must give the
 * single file's packets, in its order, whatever the pieces (pcap, pcapng, gzip, overlapping,
 * a boundary packet written twice) and whatever order they are listed in.
 *
 * The pieces are cut from `captures/stunnel-freeze/firewall.pcap` by the test itself (a pcap is
 * a 24-byte header and 16-byte record headers), so it runs where Wireshark's editcap is not
 * installed; where it is, editcap's own split is checked too.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ArgumentError, UnknownFormatError } from '../../lib/errors';
import { CaptureSetReader, expandCaptureFiles, openCaptureSet } from '../../lib/capture/set';
import { openCapture } from '../../lib/node';
import { CapturePass } from '../../lib/pipeline/pass';

const SOURCE = path.join(__dirname, '../../captures/stunnel-freeze/firewall.pcap');
const bytes = fs.readFileSync(SOURCE);

/** One pcap record: where it lies in `bytes`, and its time. */
interface Rec {
  start: number;
  end: number;
  sec: number;
  usec: number;
}

/** The records of a little-endian µs pcap (the lab's captures are). */
function pcapRecords(b: Buffer): Rec[] {
  expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
  const out: Rec[] = [];
  for (let o = 24; o + 16 <= b.length; ) {
    const incl = b.readUInt32LE(o + 8);
    out.push({ start: o, end: o + 16 + incl, sec: b.readUInt32LE(o), usec: b.readUInt32LE(o + 4) });
    o += 16 + incl;
  }
  return out;
}

/** A pcap of these records (times moved by `shift` seconds). */
function pcapOf(recs: Rec[], shift = 0): Buffer {
  const parts = [bytes.subarray(0, 24)];
  for (const r of recs) {
    const rec = Buffer.from(bytes.subarray(r.start, r.end));
    rec.writeUInt32LE(r.sec + shift, 0);
    parts.push(rec);
  }
  return Buffer.concat(parts);
}

/** A pcapng (SHB, one IDB at µs resolution, EPBs) of these records. */
function pcapngOf(recs: Rec[]): Buffer {
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeUInt16LE(0, 14);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  const idb = Buffer.alloc(20);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(20, 4);
  idb.writeUInt16LE(bytes.readUInt32LE(20), 8); // link type from the pcap header
  idb.writeUInt32LE(bytes.readUInt32LE(16), 12); // snaplen
  idb.writeUInt32LE(20, 16);
  const parts = [shb, idb];
  for (const r of recs) {
    const cap = r.end - r.start - 16;
    const padded = (cap + 3) & ~3;
    const epb = Buffer.alloc(32 + padded);
    const us = BigInt(r.sec) * 1_000_000n + BigInt(r.usec);
    epb.writeUInt32LE(6, 0);
    epb.writeUInt32LE(epb.length, 4);
    epb.writeUInt32LE(0, 8);
    epb.writeUInt32LE(Number(us >> 32n), 12);
    epb.writeUInt32LE(Number(us & 0xffffffffn), 16);
    epb.writeUInt32LE(cap, 20);
    epb.writeUInt32LE(bytes.readUInt32LE(r.start + 12), 24);
    bytes.copy(epb, 28, r.start + 16, r.end);
    epb.writeUInt32LE(epb.length, epb.length - 4);
    parts.push(epb);
  }
  return Buffer.concat(parts);
}

/** Every packet of a reader as one comparable string: exact time, lengths, link type, bytes. */
function sequence(r: { next(): import('../../lib/capture/record').PacketRecord | null }): string[] {
  const out: string[] = [];
  for (let p = r.next(); p !== null; p = r.next()) {
    out.push(`${p.tsSec}.${String(p.tsNs).padStart(9, '0')}|${p.capLen}|${p.origLen}|${p.linkType}|${Buffer.from(p.data).toString('base64')}`);
  }
  return out;
}

/** A small deterministic shuffle (the listing order must not matter). */
function shuffled<T>(xs: T[], seed: number): T[] {
  const a = xs.slice();
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const recs = pcapRecords(bytes);
const expected = sequence(openCapture(SOURCE));
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-set-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, data: Buffer): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
}

describe('openCaptureSet', () => {
  test('the source capture has the packets the test cuts', () => {
    expect(recs.length).toBe(7632);
    expect(expected.length).toBe(7632);
  });

  test('five pieces listed in random order (pcap, pcapng, gzip, two overlapping, a boundary packet twice) give the single file packet for packet', () => {
    const n = recs.length;
    const [c1, c2, c3] = [1500, 3100, 4700];
    // The tail of piece 1 repeats the head of piece 2: tcpdump wrote the boundary packet twice.
    const p0 = write('mix/fw.pcap0.gz', gzipSync(pcapOf(recs.slice(0, c1))));
    const p1 = write('mix/fw.pcap1', pcapOf(recs.slice(c1, c2 + 1)));
    const p2 = write('mix/fw.pcap2', pcapngOf(recs.slice(c2, c3)));
    // Pieces 3 and 4 cover the same time, interleaved: runs of packets alternate between them.
    // A run is the packets sharing one timestamp: two files' packets at the same microsecond
    // have no order of their own, so such a run stays in one file.
    const a: Rec[] = [];
    const b: Rec[] = [];
    let toA = true;
    for (let i = c3; i < n; i++) {
      const sameAsPrev = i > c3 && recs[i].sec === recs[i - 1].sec && recs[i].usec === recs[i - 1].usec;
      if (!sameAsPrev && i % 7 === 0) toA = !toA;
      (toA ? a : b).push(recs[i]);
    }
    const p3 = write('mix/fw.pcap3', pcapOf(a));
    const p4 = write('mix/fw.pcap4.pcapng', pcapngOf(b));
    const r = openCaptureSet(shuffled([p0, p1, p2, p3, p4], 7));
    expect(r.files).toEqual([p0, p1, p2, p3, p4]);
    expect(sequence(r)).toEqual(expected);
    expect(r.duplicates).toBe(1);
    expect(r.members.map((m) => m.duplicates)).toEqual([0, 0, 1, 0, 0]);
    expect(r.members.map((m) => m.packets)).toEqual([c1, c2 + 1 - c1, c3 - c2, a.length, b.length]);
    expect(r.members.map((m) => m.format)).toEqual(['pcap', 'pcap', 'pcapng', 'pcap', 'pcapng']);
    expect(r.packets).toBe(n);
    expect(r.gaps).toEqual([]);
    expect(r.warnings).toEqual([]);
    // Rotations one after the other keep one file open; the overlapping pair, two. Each open
    // file reads through a window a closed one lent it: two made for five files.
    expect(r.maxOpen).toBe(2);
    expect(r.windows).toBe(2);
    expect(r.first).toBe(recs[0].sec + recs[0].usec / 1e6);
    expect(r.last).toBe(recs[n - 1].sec + recs[n - 1].usec / 1e6);
    expect(r.inputOffset).toBe(r.inputSize);
  });

  test('several boundary packets written twice are each yielded once', () => {
    const p0 = write('dups/a.pcap', pcapOf(recs.slice(0, 4005)));
    const p1 = write('dups/b.pcap', pcapOf(recs.slice(3995)));
    const r = openCaptureSet([p1, p0]);
    expect(sequence(r)).toEqual(expected);
    expect(r.duplicates).toBe(10);
  });

  test('a drop-in for openCapture in a capture pass: the same flows and warnings', () => {
    const pieces = [0, 2000, 4000, 6000].map((s, i) => write(`pass/p${i}.pcap`, pcapOf(recs.slice(s, s + 2000))));
    const one = new CapturePass({});
    for (let p of openCapture(SOURCE)) one.packet(p);
    const single = one.finish(openCapture(SOURCE), SOURCE);
    const set = openCaptureSet(pieces.reverse());
    const pass = new CapturePass({});
    for (let p = set.next(); p !== null; p = set.next()) pass.packet(p);
    const res = pass.finish(set, 'firewall');
    expect(res.packets).toBe(single.packets);
    expect(res.flows.map((f) => [f.state, f.startTime, f.packets])).toEqual(single.flows.map((f) => [f.state, f.startTime, f.packets]));
    expect(res.warnings).toEqual([]);
  });

  test('editcap pieces (pcap and pcapng) read as a set give the single file', () => {
    if (spawnSync('editcap', ['-h']).status !== 0) return; // Wireshark not installed: the cut above covers it
    const out = path.join(dir, 'editcap');
    fs.mkdirSync(out);
    expect(spawnSync('editcap', ['-c', '2000', SOURCE, path.join(out, 'fw.pcap')]).status).toBe(0);
    const pieces = fs.readdirSync(out).map((f) => path.join(out, f));
    expect(pieces.length).toBe(4);
    expect(spawnSync('editcap', ['-F', 'pcapng', pieces[1], pieces[1] + 'ng']).status).toBe(0);
    fs.rmSync(pieces[1]);
    pieces[1] += 'ng';
    expect(sequence(openCaptureSet(shuffled(pieces, 3)))).toEqual(expected);
    expect(sequence(openCaptureSet(expandCaptureFiles('editcap', dir)))).toEqual(expected);
  });

  test('a stretch without any file longer than the threshold is a coverage gap, not an outage', () => {
    const a = write('gap/fw.pcap0', pcapOf(recs.slice(0, 3000)));
    const b = write('gap/fw.pcap1', pcapOf(recs.slice(3000, 5000), 120)); // 2 min later
    const c = write('gap/fw.pcap2', pcapOf(recs.slice(5000), 150)); // right after b: no gap
    const r = openCaptureSet([c, b, a]);
    expect(sequence(r).length).toBe(recs.length);
    const t = (x: Rec, shift = 0) => x.sec + shift + x.usec / 1e6;
    expect(r.gaps).toEqual([{ after: a, before: b, start: t(recs[2999]), end: t(recs[3000], 120) }]);
    // A lower threshold also reports the 30 s step between b and c.
    const low = openCaptureSet([a, b, c], { gapThreshold: 10 });
    sequence(low);
    expect(low.gaps.map((g) => [g.after, g.before])).toEqual([[a, b], [b, c]]);
    expect(low.gaps[1].end - low.gaps[1].start).toBeCloseTo(30 + (t(recs[5000]) - t(recs[4999])), 6);
  });

  test('an unreadable member is a warning naming it and the rest is read; alone it throws its typed error', () => {
    const good = write('bad/fw.pcap0', bytes);
    const text = write('bad/notes.txt', Buffer.from('not a capture\n'));
    const r = openCaptureSet([text, good]);
    expect(sequence(r)).toEqual(expected);
    expect(r.files).toEqual([good]);
    expect(r.warnings).toEqual([expect.objectContaining({ file: text, offset: 0, packet: null, code: 'unreadable_file' })]);
    expect(() => openCaptureSet([text])).toThrow(UnknownFormatError);
    try {
      openCaptureSet([text, path.join(dir, 'bad/missing.pcap')]);
      throw new Error('no throw');
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownFormatError);
      expect((e as UnknownFormatError).file).toBe(text);
    }
    expect(() => openCaptureSet([])).toThrow(ArgumentError);
  });

  test('damage inside one member is that file\'s warning with its own offsets', () => {
    const a = pcapOf(recs.slice(0, 100));
    const b = pcapOf(recs.slice(100, 200));
    const at = 24 + (recs[150].start - recs[100].start) + 8;
    b.writeUInt32LE(0x7fffffff, at); // an impossible incl_len in record 50 of b
    const pa = write('damage/a.pcap', a);
    const pb = write('damage/b.pcap', b);
    const r = openCaptureSet([pb, pa]);
    const n = sequence(r).length;
    expect(n).toBeLessThan(200);
    expect(n).toBeGreaterThanOrEqual(150);
    expect(r.warnings.length).toBeGreaterThan(0);
    expect(r.warnings[0]).toEqual(expect.objectContaining({ file: pb, offset: at - 8, packet: 50 }));
  });

  test('200 rotations keep at most two files open at a time: memory does not grow with the file count', () => {
    const per = Math.ceil(recs.length / 200);
    const files: string[] = [];
    for (let i = 0; i < 200; i++) files.push(write(`many/fw.pcap${i}`, pcapOf(recs.slice(i * per, (i + 1) * per))));
    const before = process.memoryUsage().arrayBuffers;
    const r: CaptureSetReader = openCaptureSet(files.reverse());
    expect(r.files.length).toBe(200);
    let peak = 0;
    let n = 0;
    for (let p = r.next(); p !== null; p = r.next()) {
      if (++n % 20 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    expect(n).toBe(recs.length);
    // One at a time, two where a file starts at the very microsecond the one before ends (the
    // next file is opened to compare the two packets: they could be one packet written twice).
    expect(r.maxOpen).toBeLessThanOrEqual(2);
    // Closed files lend their windows on: as many made as were open at once, not 200.
    expect(r.windows).toBe(r.maxOpen);
    // 200 open readers would hold 200 MiB of windows; one holds 1 MiB (garbage not yet
    // collected can add some: the bound is generous but far below 200 MiB).
    expect(peak).toBeLessThan(48 * 2 ** 20);
  });
});

describe('expandCaptureFiles', () => {
  beforeAll(() => {
    for (const n of ['fw.pcap0', 'fw.pcap1', 'fw.pcap2', 'fw.pcap10', 'fw.pcap3.gz']) write(`glob/fw/${n}`, n.endsWith('.gz') ? gzipSync(pcapOf(recs.slice(0, 2))) : pcapOf(recs.slice(0, 2)));
    write('glob/fw/README.txt', Buffer.from('notes\n'));
    write('glob/fw/.hidden.pcap', pcapOf(recs.slice(0, 2)));
    write('glob/deep/a/b/srv.pcapng', pcapngOf(recs.slice(0, 2)));
  });

  test('a glob gives the matching files in natural order (pcap2 before pcap10)', () => {
    const g = path.join(dir, 'glob');
    expect(expandCaptureFiles('fw/*.pcap*', g).map((f) => path.basename(f))).toEqual(['fw.pcap0', 'fw.pcap1', 'fw.pcap2', 'fw.pcap3.gz', 'fw.pcap10']);
    expect(expandCaptureFiles('fw/fw.pcap?', g).map((f) => path.basename(f))).toEqual(['fw.pcap0', 'fw.pcap1', 'fw.pcap2']);
    expect(expandCaptureFiles('fw/fw.pcap[!0-1]*', g).map((f) => path.basename(f))).toEqual(['fw.pcap2', 'fw.pcap3.gz']);
    expect(expandCaptureFiles('**/*.pcapng', g)).toEqual([path.join(g, 'deep/a/b/srv.pcapng')]);
    expect(expandCaptureFiles(['fw/fw.pcap1', 'fw/fw.pcap0', 'fw/fw.pcap1'], g).map((f) => path.basename(f))).toEqual(['fw.pcap0', 'fw.pcap1']);
  });

  test('a directory gives its files that start like a capture (pcap, pcapng, gzip)', () => {
    const g = path.join(dir, 'glob');
    expect(expandCaptureFiles('fw', g).map((f) => path.basename(f))).toEqual(['.hidden.pcap', 'fw.pcap0', 'fw.pcap1', 'fw.pcap2', 'fw.pcap3.gz', 'fw.pcap10']);
  });

  test('a glob matching nothing, or a missing path, is an ArgumentError naming it', () => {
    expect(() => expandCaptureFiles('fw/*.erf', path.join(dir, 'glob'))).toThrow(/fw\/\*\.erf/);
    expect(() => expandCaptureFiles('fw/*.erf', path.join(dir, 'glob'))).toThrow(ArgumentError);
    expect(() => expandCaptureFiles('nope.pcap', path.join(dir, 'glob'))).toThrow(/nope\.pcap/);
  });
});
