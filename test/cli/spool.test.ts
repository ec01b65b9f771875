/**
 * The byte spool behind `alibi flows --json` (cli/spool) and the byte writer it fills
 * (report/flowjson's TextBytes): items come out in key order, whole, whatever chunk they landed
 * in, ASCII or not, and the budget is kept.
 */
import { TextSpool } from '../../lib/cli/spool';
import { TextBytes } from '../../lib/report/flowjson';
import { MemoryLimitError } from '../../lib/errors';

function fill(spool: TextSpool, items: { text: string; k1: number; k2: number }[]): void {
  for (const it of items) {
    spool.begin();
    // Written in pieces, as writeFlowJson does: a chunk may fill in the middle of an item.
    for (const part of it.text.match(/.{1,7}/gsu) ?? []) spool.out.str(part);
    spool.commit(it.k1, it.k2);
  }
}

const quoted = (s: string) => (s.match(/.{1,7}/gsu) ?? []).map((p) => JSON.stringify(p)).join('');

describe('TextSpool', () => {
  test('items come out in (k1, k2) order, each whole, across many small chunks, with the separators given', () => {
    // A fixed pseudo-random order (not tuned to anything): keys repeat in k1 so k2 decides.
    let x = 12345;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const items = Array.from({ length: 3000 }, (_, i) => ({ text: `item ${i} ${'y'.repeat(Math.floor(rnd() * 300))}`, k1: Math.floor(rnd() * 50), k2: i }));
    const spool = new TextSpool(1e9, 'f', 'test', 'fix', 4096);
    fill(spool, items);
    expect(spool.length).toBe(3000);
    const want = [...items].sort((a, b) => a.k1 - b.k1 || a.k2 - b.k2).map((it, j) => `${j ? ',' : '['}${quoted(it.text)}`).join('');
    const pieces = [...spool.pieces((j) => (j ? ',' : '['))];
    expect(pieces.length).toBeGreaterThan(0);
    expect(pieces.join('')).toBe(want);
    expect(spool.length).toBe(0);
  });

  test('non-ASCII text (escaped or not by JSON.stringify) comes back as the same characters', () => {
    const items = ['ß', 'fw "quoted" \u2028 ✓', '日本語のテキスト', 'plain', '\u0000\u001f'].map((text, i) => ({ text, k1: -i, k2: 0 }));
    const spool = new TextSpool(1e9, 'f', 'test', 'fix', 64);
    fill(spool, items);
    expect([...spool.pieces(() => '|')].join('')).toBe([...items].reverse().map((it) => `|${quoted(it.text)}`).join(''));
  });

  test('an item longer than the 1 MB output piece comes out whole', () => {
    const long = 'z'.repeat(3 << 20);
    const spool = new TextSpool(1e9, 'f', 'test', 'fix', 1 << 16);
    fill(spool, [{ text: 'b', k1: 2, k2: 0 }, { text: long, k1: 1, k2: 0 }]);
    expect([...spool.pieces((j) => String(j))].join('')).toBe(`0${quoted(long)}1"b"`);
  });

  test('past its budget it throws a MemoryLimitError naming the file, what is held and the fix', () => {
    const spool = new TextSpool(10_000, 'cap.pcap', 'the JSON document', 'use --csv');
    let err: unknown;
    try {
      fill(spool, Array.from({ length: 1000 }, (_, i) => ({ text: 'x'.repeat(100), k1: i, k2: 0 })));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MemoryLimitError);
    expect((err as MemoryLimitError).describe()).toMatch(/^cap\.pcap: \d+ connections held for the JSON document fill 0 MiB, past the 0 MiB allowed \(Node's heap limit\): use --csv$/);
  });
});

describe('TextBytes', () => {
  test('numbers are written as JSON.stringify writes them', () => {
    const xs = [0, 1, 9, 10, 99, 100, 4294967295, 4294967296, 2 ** 53, -1, -0, 0.1, 1644232313.123456, 1e21, 1e-7, 123.456e-10, NaN, Infinity, null];
    const w = new TextBytes(8);
    for (const x of xs) {
      w.at = 0;
      w.num(x);
      expect([x, w.text()]).toEqual([x, JSON.stringify(x)]);
    }
  });
});
