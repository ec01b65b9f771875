/**
 * One conformance suite for every reader: the same packets as pcap µs/ns, little/big endian,
 * modified pcap and pcapng (test/fixtures/captures/make.sh made them with tcpdump + editcap)
 * give identical records, through memory, file (with chunk sizes that split records) and stream.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { AsyncCaptureReader, CaptureReader, readCapture } from '../../lib/capture/reader';
import { openCapture } from '../../lib/node';
import { fixture } from '../helpers/corpus';

interface Rec { index: number; ns: string; capLen: number; origLen: number; linkType: number; data: string }

function key(p: { index: number; tsSec: number; tsNs: number; capLen: number; origLen: number; linkType: number; data: Uint8Array }): Rec {
  return { index: p.index, ns: `${p.tsSec}.${String(p.tsNs).padStart(9, '0')}`, capLen: p.capLen, origLen: p.origLen, linkType: p.linkType, data: Buffer.from(p.data).toString('hex') };
}

function collect(r: CaptureReader): Rec[] {
  const out: Rec[] = [];
  for (const p of r) out.push(key(p));
  return out;
}

async function collectAsync(r: AsyncCaptureReader): Promise<Rec[]> {
  const out: Rec[] = [];
  for await (const p of r) out.push(key(p));
  return out;
}

const variants: [string, string, string, string][] = [
  ['loop.pcap', 'pcap', 'le', 'us'],
  ['loop-be.pcap', 'pcap', 'be', 'us'],
  ['loop-ns.pcap', 'pcap', 'le', 'ns'],
  ['loop-ns-be.pcap', 'pcap', 'be', 'ns'],
  ['loop-modified.pcap', 'pcap', 'le', 'us'],
  ['loop-modified-be.pcap', 'pcap', 'be', 'us'],
  ['loop.pcapng', 'pcapng', 'le', 'us'],
  ['loop-ns.pcapng', 'pcapng', 'le', 'ns'],
];

const reference = collect(readCapture(fs.readFileSync(fixture('captures', 'loop.pcap'))));

describe.each(variants)('%s', (name, format, order, res) => {
  const path = fixture('captures', name);
  test(`is read as ${format}, ${order}, ${res} with the same 41 records as loop.pcap`, () => {
    const r = readCapture(fs.readFileSync(path));
    const recs = collect(r);
    expect(r.format).toBe(format);
    expect(r.byteOrder).toBe(order);
    expect(r.interfaces[0].tsRes).toBe(res === 'ns' ? 1e9 : 1e6);
    expect(recs).toHaveLength(41);
    expect(recs).toEqual(reference);
    expect(r.warnings).toEqual([]);
  });

  test.each([4096, 4099, 65536])('from a file in %i-byte chunks (records straddle chunk edges)', (chunkSize) => {
    expect(collect(openCapture(path, { chunkSize }))).toEqual(reference);
  });

  test('from a stream in 7-byte pieces (async)', async () => {
    const bytes = fs.readFileSync(path);
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7));
    expect(await collectAsync(new AsyncCaptureReader(Readable.from(pieces)))).toEqual(reference);
  });
});

test('nanosecond timestamps keep all nine digits', () => {
  const r = readCapture(fs.readFileSync(fixture('captures', 'loop-ns.pcap')));
  const p = r.next()!;
  expect(p.tsRes).toBe(1e9);
  expect(p.tsFrac % 1000).toBe(0); // converted from µs by editcap, so exact thousands
  expect(p.tsNs).toBe(p.tsFrac);
});

test('a cut-off last record is a warning with its offset, and the packets before it are kept', () => {
  const bytes = fs.readFileSync(fixture('captures', 'loop.pcap'));
  const cut = bytes.subarray(0, bytes.length - 10);
  const r = readCapture(cut, { file: 'cut.pcap' });
  expect(collect(r)).toHaveLength(40);
  expect(r.warnings).toHaveLength(1);
  expect(r.warnings[0]).toMatchObject({ file: 'cut.pcap', packet: 40, code: 'truncated' });
  expect(r.warnings[0].reason).toMatch(/ends in the middle of a record/);
});

test('damage in the middle is skipped: the reader resynchronises and reports the byte range', () => {
  const bytes = Buffer.from(fs.readFileSync(fixture('captures', 'loop.pcap')));
  // Corrupt the 11th record header's captured length to an absurd value.
  let off = 24;
  for (let i = 0; i < 10; i++) off += 16 + bytes.readUInt32LE(off + 8);
  bytes.writeUInt32LE(0x7fffffff, off + 8);
  const r = readCapture(bytes, { file: 'damaged.pcap' });
  const recs = collect(r);
  expect(recs.length).toBe(40);
  expect(recs.slice(0, 10)).toEqual(reference.slice(0, 10));
  expect(recs.slice(10).map((x) => x.data)).toEqual(reference.slice(11).map((x) => x.data));
  expect(r.warnings[0]).toMatchObject({ file: 'damaged.pcap', offset: off, packet: 10, code: 'bad_length' });
  expect(r.warnings[0].skippedTo).toBe(off + 16 + Buffer.from(fs.readFileSync(fixture('captures', 'loop.pcap'))).readUInt32LE(off + 8));
});
