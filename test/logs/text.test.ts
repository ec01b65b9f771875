/**
 * A log held in memory, from the core (#21): gzip bytes are inflated with fflate rather than
 * node:zlib, so `parseLogText` loads no Node module, and each member's trailer is checked as zlib
 * checks it (fflate does not). A cut stream keeps what inflated and warns, concatenated members
 * are read as one, and bytes that are not gzip data are a LogFormatError.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LogFormatError, parseLogText } from 'pcap-alibi';
import { gunzipBytes } from '../../lib/bytes/gunzip';

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
  }
});

test('a gzip log missing the last bytes of its trailer warns (fuzz log:1:1202)', () => {
  const full = gzipSync(text);
  const r = parseLogText(full.subarray(0, full.length - 2), UTC);
  expect(r.parsed).toBe(parseLogText(text, UTC).parsed);
  expect(r.warnings.map((w) => w.code)).toContain('input_damaged');
});
