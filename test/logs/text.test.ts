/**
 * A log held in memory, from the core (#21): gzip bytes are inflated with fflate rather than
 * node:zlib, so `parseLogText` loads no Node module, and each member's trailer is checked as zlib
 * checks it (fflate does not). A cut stream keeps what inflated and warns, concatenated members
 * are read as one, and bytes that are not gzip data are a LogFormatError.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LogFormatError, parseLogText } from 'pcap-alibi';
import { Crc32, gunzipBytes, GzipStream } from '../../lib/bytes/gunzip';

const text = fs.readFileSync(path.resolve(__dirname, '../../captures/stunnel-freeze/stunnel.log'));
const UTC = { tz: 'UTC' };

test('a gzip log in memory reads as the plain one, members concatenated too', () => {
  const plain = parseLogText(Buffer.concat([text, text]), UTC);
  const gz = parseLogText(Buffer.concat([gzipSync(text), gzipSync(text)]), UTC);
  expect(gz.parsed).toBe(plain.parsed);
  expect(Array.from(gz.counts)).toEqual(Array.from(plain.counts));
  expect(gz.warnings).toEqual(plain.warnings);
});

test('a gzip log cut off keeps the lines that inflated and says where it was damaged', () => {
  const full = gzipSync(Buffer.concat([text, text, text]));
  const r = parseLogText(full.subarray(0, Math.floor(full.length * 0.6)), UTC);
  expect(r.parsed).toBeGreaterThan(0);
  expect(r.parsed).toBeLessThan(parseLogText(Buffer.concat([text, text, text]), UTC).parsed);
  expect(r.warnings).toContainEqual(expect.objectContaining({ code: 'input_damaged', line: r.lines }));
});

test('bytes with the gzip magic that do not inflate are a LogFormatError', () => {
  const bad = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
  expect(() => parseLogText(bad, UTC)).toThrow(LogFormatError);
});

test('gunzipBytes agrees with zlib on whole, cut, padded, concatenated and damaged streams', () => {
  const a = gzipSync(text);
  const b = gzipSync('world\n'.repeat(500));
  const flip = (x: Buffer, i: number) => {
    const y = Buffer.from(x);
    y[i] ^= 1;
    return y;
  };
  const cases: Record<string, Buffer> = {
    whole: a,
    members: Buffer.concat([a, b]),
    emptyMember: gzipSync(''),
    emptyThenWhole: Buffer.concat([gzipSync(''), a]),
    zeroData: gzipSync(Buffer.alloc(4096)),
    padded3: Buffer.concat([a, Buffer.alloc(3)]),
    padded512: Buffer.concat([a, b, Buffer.alloc(512)]),
    emptyPadded: Buffer.concat([gzipSync(''), Buffer.alloc(30)]),
    trailerCut1: a.subarray(0, a.length - 1),
    trailerCut2: a.subarray(0, a.length - 2),
    trailerCut8: a.subarray(0, a.length - 8),
    dataCut: a.subarray(0, a.length - 20),
    headerCut: a.subarray(0, 5),
    lastMemberCut: Buffer.concat([a, b]).subarray(0, a.length + b.length - 3),
    badCrc: flip(a, a.length - 6),
    badLength: flip(Buffer.concat([a, b]), a.length - 2),
    badLengthLast: flip(a, a.length - 4),
    badCrcFirst: flip(Buffer.concat([a, b]), a.length - 8),
    garbageAfter: Buffer.concat([a, Buffer.from([1, 2, 3, 4, 5])]),
  };
  for (const [name, gz] of Object.entries(cases)) {
    let zlib: number | string;
    try {
      zlib = gunzipSync(gz).length;
    } catch (err) {
      zlib = (err as Error).message;
    }
    const r = gunzipBytes(gz);
    const ours = r.damage === null ? r.length : r.damage.replace(/ \(.*\)$/, '');
    expect({ name, result: ours }).toEqual({ name, result: zlib });
    // The same bytes pushed in pieces, as captures are read: the same answer, and the output
    // (up to the damage) is zlib's.
    for (const size of [1, 3, 8, 13, 1000]) {
      const s = new GzipStream();
      const out: Uint8Array[] = [];
      for (let i = 0; i < gz.length; i += size) {
        s.push(gz.subarray(i, i + size), i + size >= gz.length);
        out.push(...s.out.splice(0));
      }
      if (gz.length === 0) s.push(new Uint8Array(0), true);
      const streamed = s.damage === null ? s.produced : s.damage.replace(/ \(.*\)$/, '');
      expect({ name, size, result: streamed }).toEqual({ name, size, result: zlib });
      if (s.damage === null) expect(Buffer.concat(out).equals(gunzipSync(gz))).toBe(true);
    }
  }
});

test('a damaged member among several: its damage, and none of the output after it', () => {
  const a = gzipSync('a\n'.repeat(1000));
  const b = gzipSync('b\n'.repeat(1000));
  const bad = Buffer.concat([a, b]);
  bad[a.length - 7] ^= 0x40; // member 1's CRC-32
  for (const size of [bad.length, 100, 7]) {
    const s = new GzipStream();
    for (let i = 0; i < bad.length && s.push(bad.subarray(i, i + size), i + size >= bad.length); i += size);
    expect(s.damage).toBe('incorrect data check (gzip member 1: its CRC-32 differs)');
    expect(Buffer.concat(s.out).toString()).toBe('a\n'.repeat(1000));
  }
});

/** zlib's CRC-32 (Node ≥ 20.15), else the bit-by-bit definition. */
function zlibCrc32(b: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) return native(b);
  let c = -1;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

test('CRC-32 by slices of 8 agrees with zlib\'s on every length and alignment', () => {
  const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
  for (let s = 0; s < 9; s++) {
    for (const e of [s, s + 1, s + 7, s + 8, s + 9, 100, 300]) {
      const c = new Crc32();
      c.update(data, s, e);
      expect(c.value()).toBe(zlibCrc32(data.subarray(s, e)));
    }
  }
});

test('a gzip log missing the last bytes of its trailer warns (fuzz log:1:1202)', () => {
  const full = gzipSync(text);
  const r = parseLogText(full.subarray(0, full.length - 2), UTC);
  expect(r.parsed).toBe(parseLogText(text, UTC).parsed);
  expect(r.warnings.map((w) => w.code)).toContain('input_damaged');
});
