/**
 * The folders show the pipeline and depend one way (#21): every import in lib/ goes to its own
 * layer or one below, and no module reaches itself through its imports (what `npx madge
 * --circular` checks, type-only imports included). A new import that runs back up the pipeline —
 * the flow table reaching into metrics, a CLI command living in logs/, a report importing the
 * analysis — fails here with the file and the import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const LIB = path.resolve(__dirname, '..', 'lib');

/** Layers, lowest first. A module is in the layer of its first folder (or its own name at the top). */
const LAYERS: string[][] = [
  ['errors', 'time', 'grid', 'glob', 'bytes', 'scripts', 'names'],
  ['capture'],
  ['decode'],
  ['flow'],
  ['metrics'],
  ['pipeline'],
  ['silence'],
  ['logs'],
  ['config'],
  ['correlate'],
  ['report'],
  ['partial'],
  ['analyze'],
  ['eval', 'watch', 'distribute'],
  ['cli'],
  ['node', 'analysis', 'index'],
];
const rank = new Map<string, number>();
LAYERS.forEach((names, i) => names.forEach((n) => rank.set(n, i)));

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `lib/flow/table.ts` → `flow`; `lib/analyze.ts` → `analyze`; `lib/cli.ts` → `cli`. */
function layerOf(file: string): string {
  const rel = path.relative(LIB, file).split(path.sep);
  return rel.length > 1 ? rel[0] : rel[0].replace(/\.ts$/, '');
}

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null; // a package
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base + '.ts', path.join(base, 'index.ts')]) if (fs.existsSync(c)) return c;
  throw new Error(`${path.relative(LIB, from)}: cannot resolve import "${spec}"`);
}

const all = files(LIB);
const imports = new Map<string, string[]>();
for (const f of all) {
  const src = fs.readFileSync(f, 'utf8');
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g)].map((m) => m[1]);
  imports.set(f, specs.map((s) => resolve(f, s)).filter((x): x is string => x !== null));
}

test('every module of lib/ is in a layer', () => {
  const unknown = [...new Set(all.map(layerOf))].filter((l) => !rank.has(l));
  expect(unknown).toEqual([]);
});

test('imports go down the pipeline, never up', () => {
  const up: string[] = [];
  for (const [f, targets] of imports) {
    for (const t of targets) {
      const a = layerOf(f);
      const b = layerOf(t);
      if (rank.get(b)! > rank.get(a)!) up.push(`${path.relative(LIB, f)} (${a}) imports ${path.relative(LIB, t)} (${b})`);
    }
  }
  expect(up).toEqual([]);
});

test('no import cycle, type-only imports included', () => {
  const cycles: string[] = [];
  const state = new Map<string, 1 | 2>(); // 1 on the path, 2 done
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 1);
    stack.push(f);
    for (const t of imports.get(f) ?? []) {
      if (state.get(t) === 1) cycles.push(stack.slice(stack.indexOf(t)).concat(t).map((x) => path.relative(LIB, x)).join(' > '));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of all) if (!state.has(f)) visit(f);
  expect(cycles).toEqual([]);
});

test('the checks see real imports (a guard against a regex that matches nothing)', () => {
  const table = imports.get(path.join(LIB, 'flow', 'table.ts'))!;
  expect(table).toContain(path.join(LIB, 'flow', 'flow.ts'));
  expect([...imports.values()].reduce((n, t) => n + t.length, 0)).toBeGreaterThan(300);
});
