/**
 * One record layout in two languages (#21): the flow record's field indices are written in the
 * WebAssembly core's C (`table.c`: `enum { F_START_SEC, … }`) and in the TypeScript views that
 * read the records (`flow.ts`: `const enum F { START_SEC = 0, … }`). Nothing at run time compares
 * them, so this does: every TS member has the C member of the same name and value, and each C
 * enum that TS mirrors has no member TS lacks (besides the ones listed as C-only).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const C = fs.readFileSync(path.resolve(__dirname, '../../lib/flow/wasm/table.c'), 'utf8');
const TS = fs.readFileSync(path.resolve(__dirname, '../../lib/flow/flow.ts'), 'utf8');

/** `A, B = 5, C` → {A: 0, B: 5, C: 6} (C's and TypeScript's implicit numbering). */
function members(body: string): Map<string, number> {
  const out = new Map<string, number>();
  let next = 0;
  for (const raw of body.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').split(',')) {
    const m = /^\s*([A-Z_0-9]+)\s*(?:=\s*(\d+))?\s*$/.exec(raw);
    if (!m) continue;
    const v = m[2] !== undefined ? Number(m[2]) : next;
    out.set(m[1], v);
    next = v + 1;
  }
  return out;
}

/** Every anonymous C enum's members, by name. */
function cEnums(): Map<string, number> {
  const all = new Map<string, number>();
  for (const m of C.matchAll(/enum\s*\{([^}]*)\}/g)) for (const [k, v] of members(m[1])) all.set(k, v);
  return all;
}

function tsEnum(name: string): Map<string, number> {
  const m = new RegExp(`const enum ${name} \\{([^}]*)\\}`).exec(TS);
  if (!m) throw new Error(`flow.ts has no const enum ${name}`);
  return members(m[1]);
}

const c = cEnums();

describe.each([
  // TS enum, C prefix, C members TS does not need (written and read by the core only)
  ['F', 'F_', []],
  ['DF', 'DF_', ['DF_LAST_ADVANCE', 'DF_LAST_ACK_T']],
  ['I', 'I_', []],
  ['DI', 'DI_', ['DI_NEXT_SEQ', 'DI_LAST_ACK', 'DI_BITS', 'DI_LAST_WIN', 'DI_H_SYN', 'DI_H_FIN', 'DI_H_RST', 'DI_ZEEK_LAST_SEQ', 'DI_RXMIT', 'DI_ZW']],
  ['FB', 'FB_', ['FB_SYNACK_SEEN']],
] as const)('flow.ts %s and table.c %s*', (tsName, prefix, cOnly) => {
  const ts = tsEnum(tsName);
  test('every TypeScript member is the C member of that name, with its value', () => {
    expect(ts.size).toBeGreaterThan(1);
    const diff = [...ts].filter(([k, v]) => c.get(prefix + k) !== v).map(([k, v]) => `${tsName}.${k} = ${v}, C ${prefix}${k} = ${c.get(prefix + k)}`);
    expect(diff).toEqual([]);
  });
  test('C has no member of it that TypeScript lacks, besides the core-only ones', () => {
    const missing = [...c.keys()].filter((k) => k.startsWith(prefix) && !ts.has(k.slice(prefix.length)) && !(cOnly as readonly string[]).includes(k));
    expect(missing).toEqual([]);
  });
});

test('the parser reads implicit numbering as C does (a guard for the checks above)', () => {
  expect([...members('A, B = 5, C, D = 9').entries()]).toEqual([['A', 0], ['B', 5], ['C', 6], ['D', 9]]);
  expect(c.get('F_S2C')).toBe(13);
  expect(c.get('I_COUNT')).toBe(54);
});

test('the series row: table.c counts into the places metrics/catalog.ts gives (metrics.h is generated from it)', () => {
  const { cHeader, METRICS, NC } = require('../../lib/metrics/catalog') as typeof import('../../lib/metrics/catalog');
  const header = fs.readFileSync(path.resolve(__dirname, '../../lib/flow/wasm/metrics.h'), 'utf8');
  // The committed header is what the catalog generates (`npm run build:wasm` writes it).
  expect(header).toBe(cHeader());
  // table.c takes its row places from that header only: no enum of its own names a C_ member.
  expect(C).toContain('#include "metrics.h"');
  expect([...c.keys()].filter((k) => k.startsWith('C_'))).toEqual([]);
  const h = new Map<string, number>();
  for (const m of header.matchAll(/enum\s*\{([^}]*)\}/g)) for (const [k, v] of members(m[1])) h.set(k, v);
  expect(METRICS.map((m, i) => h.get(m.c) === i)).toEqual(METRICS.map(() => true));
  expect(h.get('NC')).toBe(NC);
  // Every C_ name table.c counts into is one the header defines.
  const used = new Set([...C.matchAll(/\bC_[A-Z0-9_]+/g)].map((m) => m[0]));
  expect([...used].filter((k) => !h.has(k))).toEqual([]);
  expect(used.size).toBeGreaterThan(15);
});
