/**
 * The Arrow column writers' arithmetic (#19): int64 and nanosecond timestamps written as two
 * 32-bit words without BigInt per value, and the ISO fast path — each equal to the BigInt and
 * regex reference on every value fast-check tries, and on the edges; and a repeated text (a
 * partial's vantage column) as the same vector as the text written once per row.
 */
import * as fc from 'fast-check';
import { arrowTable, constUtf8Vector, isoParts, isoToNanos, putInt64, putNanos, utf8Vector } from '../../lib/report/arrow';

const asBig = (w: Uint32Array) => new BigInt64Array(w.buffer)[0];

describe('int64 and timestamp words', () => {
  it('putInt64 writes any safe integer as BigInt would', () => {
    const w = new Uint32Array(2);
    for (const v of [0, 1, -1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      putInt64(w, 0, v);
      expect(asBig(w)).toBe(BigInt(v));
    }
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => { putInt64(w, 0, v); return asBig(w) === BigInt(v); }), { numRuns: 20_000 });
  });

  it('putNanos writes sec·1e9 + ns exactly, past 2^53, over all int64 can hold (to 2262)', () => {
    const w = new Uint32Array(2);
    for (const [s, n] of [[0, 0], [0, 999_999_999], [1_764_077_878, 123_456_789], [9_223_372_035, 854_775_807]]) {
      putNanos(w, 0, s, n);
      expect(asBig(w)).toBe(BigInt(s) * 1_000_000_000n + BigInt(n));
    }
    fc.assert(fc.property(fc.integer({ min: 0, max: 9_223_372_035 }), fc.integer({ min: 0, max: 854_775_807 }), (s, n) => {
      putNanos(w, 0, s, n);
      return asBig(w) === BigInt(s) * 1_000_000_000n + BigInt(n);
    }), { numRuns: 20_000 });
  });

  it('the ISO fast path agrees with isoToNanos on every precision, and declines what it does not read', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 9 }), (s, n, digits) => {
      const frac = digits ? `.${String(n).padStart(9, '0').slice(0, digits)}` : '';
      const iso = `${new Date(s * 1000).toISOString().slice(0, 19)}${frac}Z`;
      const p = isoParts(iso)!;
      return BigInt(p[0]) * 1_000_000_000n + BigInt(p[1]) === isoToNanos(iso);
    }), { numRuns: 20_000 });
    for (const bad of ['2026-11-25 13:37:58Z', '2026-11-25T13:37:58', '2026-11-25T13:37:58.Z', '2026-11-25T13:37:58.1234567890Z', '2026-11-25T25:00:00Z', 'x']) expect(isoParts(bad)).toBeNull();
  });

  it('a table built with them reads back the values (nulls too)', () => {
    const rows = [{ t: '2026-11-25T13:37:58.123456789Z', n: 2 ** 40 + 7, f: null as number | null, s: 'é€😀' }, { t: null as string | null, n: -3, f: 1.5, s: null as string | null }];
    const t = arrowTable(rows, [
      { name: 't', type: 'timestamp', get: (r) => r.t }, { name: 'n', type: 'int', get: (r) => r.n },
      { name: 'f', type: 'float', get: (r) => r.f }, { name: 's', type: 'string', get: (r) => r.s },
    ]);
    expect(t.getChild('n')!.toArray()).toEqual(new BigInt64Array([BigInt(2 ** 40 + 7), -3n]));
    expect(t.getChild('f')!.toJSON()).toEqual([null, 1.5]);
    expect(t.getChild('s')!.toJSON()).toEqual(['é€😀', null]);
    expect(t.getChild('t')!.isValid(1)).toBe(false);
    expect((t.getChild('t')!.data[0].values as BigInt64Array)[0]).toBe(isoToNanos('2026-11-25T13:37:58.123456789Z'));
  });
});

describe('a text repeated on every row', () => {
  /** What a reader sees of a Utf8 vector: each value, and the buffers' meaning (offsets, bytes). */
  const seen = (v: ReturnType<typeof utf8Vector>) => {
    const d = v.data[0];
    return { values: v.toArray(), nulls: d.nullCount, offsets: Array.from(d.valueOffsets), bytes: Buffer.from(d.values).toString('utf8') };
  };
  it('constUtf8Vector is utf8Vector of the text n times: text, empty, non-ASCII, null, any count', () => {
    for (const text of ['server', '', 'überall→', null]) {
      for (const n of [0, 1, 2, 3, 7, 8, 9, 1000, 65_536]) {
        expect(seen(constUtf8Vector(text, n))).toEqual(seen(utf8Vector(new Array<string | null>(n).fill(text))));
      }
    }
    fc.assert(fc.property(fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: null }), fc.integer({ min: 0, max: 300 }), (text, n) => {
      expect(seen(constUtf8Vector(text, n))).toEqual(seen(utf8Vector(new Array<string | null>(n).fill(text))));
    }), { numRuns: 500 });
  });
});
