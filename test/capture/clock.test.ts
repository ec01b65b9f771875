/**
 * A configured clock correction (`clockOffset`) shifts the packets as they leave the reader,
 * without writing into the reader's reused record: checked on a lab capture (µs) and its
 * loopback pcapng (ns), against the times read unshifted.
 */
import * as path from 'node:path';
import { clockShift, shiftedTime } from '../../lib/capture/clock';
import { openCapture } from '../../lib/capture/file';

const DIR = path.join(__dirname, '../../captures/stunnel-freeze');

/** Exact time as integer nanoseconds (BigInt: epoch ns overflow a double's integers). */
const ns = (sec: number, frac: number, res: number) => BigInt(sec) * 1_000_000_000n + (BigInt(frac) * 1_000_000_000n) / BigInt(res);

test('no correction is no adapter: the reader\'s records go through untouched', () => {
  expect(clockShift(0)).toBeNull();
  expect(clockShift(undefined)).toBeNull();
});

test.each([
  ['server.pcap', -2.5],
  ['server.pcap', 3600.000001],
  ['loopback.pcapng', 0.123456789],
  ['loopback.pcapng', -86400],
])('%s shifted by %p s: every packet moves by exactly that, the reader\'s record is left as read', (file, seconds) => {
  const plain = openCapture(path.join(DIR, file));
  const times: bigint[] = [];
  for (let p = plain.next(); p !== null; p = plain.next()) times.push(ns(p.tsSec, p.tsFrac, p.tsRes));
  expect(times.length).toBeGreaterThan(100);

  const shift = clockShift(seconds)!;
  const reader = openCapture(path.join(DIR, file));
  let i = 0;
  let maxErrNs = 0n;
  for (let p = reader.next(); p !== null; p = reader.next(), i++) {
    const before = { sec: p.tsSec, frac: p.tsFrac, index: p.index, cap: p.capLen };
    const q = shift(p);
    expect(q).not.toBe(p);
    // The reader's record still holds the time it read.
    expect(ns(p.tsSec, p.tsFrac, p.tsRes)).toBe(times[i]);
    expect({ sec: p.tsSec, frac: p.tsFrac, index: p.index, cap: p.capLen }).toEqual(before);
    // The shifted one: same packet, same bytes, time moved by the offset to the resolution's unit.
    expect([q.index, q.capLen, q.origLen, q.linkType, q.tsRes]).toEqual([p.index, p.capLen, p.origLen, p.linkType, p.tsRes]);
    expect(q.data).toEqual(p.data);
    expect(q.tsFrac).toBeGreaterThanOrEqual(0);
    expect(q.tsFrac).toBeLessThan(q.tsRes);
    const want = times[i] + BigInt(Math.round(seconds * 1e9));
    const err = ns(q.tsSec, q.tsFrac, q.tsRes) - want;
    const abs = err < 0n ? -err : err;
    if (abs > maxErrNs) maxErrNs = abs;
  }
  expect(i).toBe(times.length);
  // Within one unit of the capture's resolution (a µs capture cannot hold a ns shift).
  const unitNs = BigInt(Math.round(1e9 / reader.interfaces[0].tsRes));
  expect(maxErrNs).toBeLessThanOrEqual(unitNs / 2n);
});

test('shiftedTime carries across the second both ways and keeps the resolution', () => {
  expect(shiftedTime(100, 999_999, 1e6, 0.000001)).toEqual([101, 0]);
  expect(shiftedTime(100, 0, 1e6, -0.000001)).toEqual([99, 999_999]);
  expect(shiftedTime(100, 500_000_000, 1e9, -1.5)).toEqual([99, 0]);
  expect(shiftedTime(100, 5, 1e6, 86400)).toEqual([86500, 5]);
});
