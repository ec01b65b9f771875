/**
 * Big outputs are written in pieces: the text is exactly what one JSON.stringify gives (the SPEC
 * document, 2-space indentation), and a document longer than V8's longest string still comes out.
 */
import { json, jsonPieces, writePieces } from '../../lib/cli/common';
import { flowsCommand, flowTextLine } from '../../lib/cli/flows';
import { seriesCommand } from '../../lib/cli/series';
import * as path from 'node:path';

const LAB = path.resolve(__dirname, '../../captures/stunnel-freeze/server.pcap');

async function capture(cmd: typeof flowsCommand, args: string[]): Promise<{ out: string; writes: number }> {
  const parts: string[] = [];
  const code = await cmd(args, { stdout: (s) => void parts.push(s), stderr: () => {} });
  expect(code).toBe(0);
  return { out: parts.join(''), writes: parts.length };
}

describe('JSON in pieces', () => {
  test('equals JSON.stringify(doc, null, 2) for empty, nested and undefined-holding documents', () => {
    const docs: Record<string, unknown>[] = [
      {},
      { items: [] },
      { items: [], warnings: [] },
      { a: 1, items: [{ x: [1, 2, { y: 'z"\n' }], u: undefined }, null, 'ß', [[]]], b: { c: [] }, d: undefined, e: null },
      { items: 'not an array', more: [1] },
    ];
    for (const d of docs) expect([...jsonPieces(d, 'items')].join('')).toBe(json(d));
  });

  test('alibi flows --json (a connection per line) and series --json (as JSON.stringify(doc, null, 2)) print their layout byte for byte on a lab capture', async () => {
    const f = await capture(flowsCommand, [LAB, '--json']);
    const doc = JSON.parse(f.out);
    expect(doc.flows.length).toBeGreaterThan(100);
    const warnings = JSON.stringify(doc.warnings, null, 2).replace(/\n/g, '\n  ');
    expect(f.out).toBe(`{\n  "flows": [\n${doc.flows.map((x: unknown) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ],\n  "warnings": ${warnings}\n}\n`);
    expect(f.out.split('\n').filter((l) => l.startsWith('    {"id":'))).toHaveLength(doc.flows.length);
    const s = await capture(seriesCommand, [LAB, '--json']);
    const sdoc = JSON.parse(s.out);
    expect(sdoc.bins.length).toBeGreaterThan(60);
    expect(s.out).toBe(json(sdoc));
    // CSV and text keep one line per record
    const c = await capture(flowsCommand, [LAB, '--csv']);
    expect(c.out.trimEnd().split('\n')).toHaveLength(doc.flows.length + 1);
    const t = await capture(flowsCommand, [LAB]);
    expect(t.out.trimEnd().split('\n')).toHaveLength(doc.flows.length + 1);
    // The listing (spooled as bytes) is the JSON's records in the JSON's order, a line each.
    expect(t.out.slice(t.out.indexOf('\n') + 1)).toBe(doc.flows.map(flowTextLine).join(''));
  });

  test('a document longer than the longest V8 string (2^29 characters) is written, in ~1 MB writes', async () => {
    const big = 'x'.repeat(1000);
    const items = Array.from({ length: 560_000 }, (_, i) => ({ id: i, s: big }));
    let total = 0;
    let writes = 0;
    let maxWrite = 0;
    await writePieces({ stdout: (t) => { total += t.length; writes++; maxWrite = Math.max(maxWrite, t.length); } }, jsonPieces({ items, warnings: [] }, 'items'));
    expect(total).toBeGreaterThan(2 ** 29);
    expect(maxWrite).toBeLessThan(2 ** 21);
    expect(writes).toBeGreaterThan(500);
  }, 60_000);

  test('a full stdout is waited for: no write while it is full', async () => {
    let full = false;
    let waits = 0;
    let writesWhileFull = 0;
    let total = 0;
    const io = {
      stdout: (t: string) => {
        if (full) writesWhileFull++;
        total += t.length;
        full = true; // every write fills it, as a pipe whose reader is slower
        return false;
      },
      drained: async () => {
        waits++;
        await new Promise((r) => setImmediate(r));
        full = false;
      },
    };
    const items = Array.from({ length: 5000 }, (_, i) => ({ id: i, s: 'y'.repeat(1000) }));
    await writePieces(io, jsonPieces({ items }, 'items'));
    expect(writesWhileFull).toBe(0);
    expect(waits).toBeGreaterThan(3);
    expect(total).toBe(json({ items }).length);
  });
});
