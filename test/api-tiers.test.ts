/**
 * Three API tiers (#21): the core `pcap-alibi` loads no Node built-in module, `pcap-alibi/analysis`
 * and `pcap-alibi/node` add the Node-bound rest; every type an entry's functions take or return is
 * exported; examples/ import the published entry names only.
 *
 * The core is checked twice. Statically: the import graph of lib/index.ts (every `import`,
 * `export … from`, `require()` and `import()` that is not type-only, relative ones followed into
 * lib/, a package's name only looked at) reaches no built-in; a failure names the chain of files.
 * By loading: a child `node` loads lib/index.ts (transpiled as it goes) with `Module._load`
 * refusing any built-in a lib/ file asks for. Both are shown to fail on lib/node.ts, which does
 * load Node modules; planting `import * as fs from 'node:fs'` in a core module fails both too.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ENTRIES, entryApi, REPO } from './helpers/api';

const LIB = path.join(REPO, 'lib');
const BUILTIN = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTIN.has(spec);
const rel = (f: string) => path.relative(REPO, f);

/** The module specifiers a file loads when it runs: type-only imports and exports are left out. */
function runtimeImports(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const literal = (e: ts.Node | undefined) => (e && ts.isStringLiteral(e) ? e.text : null);
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const onlyTypes = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!onlyTypes) out.push(literal(n.moduleSpecifier)!);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      const onlyTypes = n.isTypeOnly || (!!n.exportClause && ts.isNamedExports(n.exportClause) && n.exportClause.elements.length > 0 && n.exportClause.elements.every((e) => e.isTypeOnly));
      if (!onlyTypes) out.push(literal(n.moduleSpecifier)!);
    } else if (ts.isImportEqualsDeclaration(n) && !n.isTypeOnly && ts.isExternalModuleReference(n.moduleReference)) {
      out.push(literal(n.moduleReference.expression)!);
    } else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
      const s = literal(n.arguments[0]);
      if (s !== null) out.push(s);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function resolveTs(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base + '.ts', path.join(base, 'index.ts')]) if (fs.existsSync(c)) return c;
  throw new Error(`${rel(from)}: cannot resolve "${spec}"`);
}

/** Every lib/ file the entry loads, and each chain of files that ends in a Node built-in. */
function importGraph(entry: string): { files: Set<string>; builtinChains: string[] } {
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  const builtinChains: string[] = [];
  const chain = (f: string | null): string[] => (f === null ? [] : [...chain(parent.get(f)!), rel(f)]);
  while (queue.length > 0) {
    const f = queue.shift()!;
    for (const spec of runtimeImports(f)) {
      if (spec.startsWith('.')) {
        const t = resolveTs(f, spec);
        if (!parent.has(t)) {
          parent.set(t, f);
          queue.push(t);
        }
      } else if (isBuiltin(spec)) {
        builtinChains.push([...chain(f), spec].join(' -> '));
      } // else a package: allowed (its own platform builds are its business)
    }
  }
  return { files: new Set(parent.keys()), builtinChains };
}

/**
 * Loads `entry` in a child `node`: .ts files transpiled on require, and any Node built-in that a
 * lib/ file asks for refused. Returns the lib/ files loaded, or the refusal.
 */
function loadRefusingBuiltins(entry: string): { ok: boolean; loaded: string[]; error: string } {
  const script = `
    const fs = require('node:fs'), path = require('node:path'), Module = require('node:module');
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    const LIB = ${JSON.stringify(LIB + path.sep)};
    const builtin = new Set(Module.builtinModules);
    require.extensions['.ts'] = (m, file) => {
      const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
      m._compile(js, file);
    };
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
      if ((request.startsWith('node:') || builtin.has(request)) && parent && parent.filename && parent.filename.startsWith(LIB)) {
        throw new Error(path.relative(LIB, parent.filename) + ' loads the Node built-in ' + request);
      }
      return load.apply(this, arguments);
    };
    const m = require(process.argv[1]);
    if (Object.keys(m).length === 0) throw new Error('nothing exported');
    console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(LIB))));
  `;
  const r = spawnSync(process.execPath, ['-e', script, entry], { encoding: 'utf8', timeout: 60_000 });
  const error = /Error: ([^\n]*)/.exec(r.stderr)?.[1] ?? r.stderr.trim();
  return r.status === 0 ? { ok: true, loaded: JSON.parse(r.stdout), error: '' } : { ok: false, loaded: [], error };
}

describe('the core, pcap-alibi, loads no Node built-in', () => {
  const entry = path.join(LIB, 'index.ts');

  test('its static import graph reaches none (a failure names the chain of files)', () => {
    expect(importGraph(entry).builtinChains).toEqual([]);
  });

  test('loaded with every built-in refused to lib/ files, it loads, and only files of that graph', () => {
    const r = loadRefusingBuiltins(entry);
    expect(r.error).toBe('');
    const graph = importGraph(entry).files;
    expect(r.loaded.filter((f) => !graph.has(f)).map(rel)).toEqual([]);
    expect(r.loaded.length).toBeGreaterThan(40);
  });

  test('both checks can fail: on pcap-alibi/node they find the built-ins', () => {
    const nodeEntry = path.join(LIB, 'node.ts');
    expect(importGraph(nodeEntry).builtinChains).toContain('lib/node.ts -> lib/capture/file.ts -> node:fs');
    const r = loadRefusingBuiltins(nodeEntry);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/ loads the Node built-in (node:)?\w+/);
  });

  test('the Node globals still used in the core are these, and no new ones (Buffer: Node, Bun, Deno; not a browser)', () => {
    // Not imports, so the checks above do not see them; listed so that none is added unseen.
    const NAMES = new Set(['Buffer', 'process', 'global', '__dirname', '__filename', 'setImmediate']);
    const found: Record<string, string[]> = {};
    for (const f of importGraph(entry).files) {
      const sf = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
      const names = new Set<string>();
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n) && NAMES.has(n.text)) {
          const p = n.parent;
          const member = (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p);
          const type = ts.isTypeReferenceNode(p) || ts.isQualifiedName(p);
          if (!member && !type) names.add(n.text);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
      if (names.size > 0) found[rel(f)] = [...names].sort();
    }
    expect(found).toEqual(KNOWN_NODE_GLOBALS);
  });

  test('no lib/ module imports the package by its own name', () => {
    const all = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const self = all(LIB).flatMap((f) => runtimeImports(f).filter((s) => s === 'pcap-alibi' || s.startsWith('pcap-alibi/')).map((s) => `${rel(f)}: ${s}`));
    expect(self).toEqual([]);
  });
});

/**
 * None since #21: the core's byte-to-text work goes through bytes/text, which uses Node's Buffer
 * when the runtime has one (its native latin1 decoding and byte search) and Uint8Array and
 * TextDecoder otherwise — the test below runs the core with the global removed.
 */
const KNOWN_NODE_GLOBALS: Record<string, string[]> = {};

describe('the core runs where there is no Buffer (a browser, a notebook)', () => {
  /**
   * Runs the core's readers (.ts transpiled on require) in a child, with or without the Buffer
   * global, on a pcapng with interface names and on logs of several kinds (syslog with another
   * program's lines and a non-ASCII byte, stunnel, access and error logs, gzip), and prints what
   * they found.
   */
  function run(withoutBuffer: boolean): { nodeBytes: boolean; out: unknown } {
    const script = `
      ${withoutBuffer ? 'delete globalThis.Buffer;' : ''}
      const fs = require('node:fs'), zlib = require('node:zlib');
      const ts = require(${JSON.stringify(require.resolve('typescript'))});
      require.extensions['.ts'] = (m, file) => {
        m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'), { fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText, file);
      };
      const core = require(${JSON.stringify(path.join(LIB, 'index.ts'))});
      const { NODE_BYTES, latin1, utf8, latin1Bytes } = require(${JSON.stringify(path.join(LIB, 'bytes', 'text.ts'))});
      const bytes = (f) => new Uint8Array(fs.readFileSync(f));
      const all = Uint8Array.from({ length: 20000 }, (_, i) => i % 256);
      const mixed = new Uint8Array([...new TextEncoder().encode('h\u00e9llo \u2713 '), 0xff, 0x41]);
      const out = { bytesText: { latin1: latin1(all, 3, 19990), utf8: utf8(mixed, 1, mixed.length), bytes: Array.from(latin1Bytes('\u00e9a\u00ff')) } };
      const r = core.readCapture(bytes(${JSON.stringify(path.join(REPO, 'test/fixtures/captures/loop.pcapng'))}));
      const pass = new core.CapturePass({ keepFlows: true });
      for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
      out.capture = { interfaces: r.interfaces.map((i) => [i.name ?? null, i.linkType]), flows: pass.finish(r, 'loop.pcapng').flows.map((f) => [f.client.ip, f.server.port, f.bytes.c2s, f.state]) };
      const syslog = Array.from({ length: 120 }, (_, i) => {
        const t = 'Feb  7 11:' + String(10 + Math.floor(i / 60)).padStart(2, '0') + ':' + String(i % 60).padStart(2, '0');
        return i % 3 === 0 ? t + ' web1 cron[12]: job caf\\u00e9 ' + i : t + ' web1 stunnel[4]: LOG5[ui]: Service [https] accepted connection from 10.0.0.' + (i % 200) + ':5' + i;
      }).join('\\n') + '\\n';
      const logs = {
        syslog: core.parseLogText(Uint8Array.from(syslog, (c) => c.charCodeAt(0)), { program: 'stunnel', year: 2022, tz: 'UTC' }),
        stunnel: core.parseLogText(bytes(${JSON.stringify(path.join(REPO, 'captures/stunnel-freeze/stunnel.log'))}), { tz: 'America/New_York' }),
        access: core.parseLogText(bytes(${JSON.stringify(path.join(REPO, 'captures/stunnel-freeze/access.log'))})),
        error: core.parseLogText(bytes(${JSON.stringify(path.join(REPO, 'captures/stunnel-freeze/error.log'))}), { tz: 'UTC' }),
        gzip: core.parseLogText(new Uint8Array(zlib.gzipSync(fs.readFileSync(${JSON.stringify(path.join(REPO, 'captures/stunnel-freeze/access.log'))})))),
        text: core.parseLogText(fs.readFileSync(${JSON.stringify(path.join(REPO, 'captures/stunnel-freeze/error.log'))}, 'utf8'), { tz: 'UTC' }),
      };
      for (const [k, v] of Object.entries(logs)) out[k] = { format: v.format, lines: v.lines, counted: v.counted, parsed: v.parsed, first: v.first, last: v.last, programLines: v.programLines, otherProgramLines: v.otherProgramLines, errorSamples: v.errorSamples, counts: Array.from(v.counts), warnings: v.warnings.map((w) => w.reason), silences: v.silence.silences.length };
      console.log(JSON.stringify({ nodeBytes: NODE_BYTES, out }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  }

  test('the same captures and logs read the same, with Buffer and without it', () => {
    const plain = run(true);
    const node = run(false);
    expect([plain.nodeBytes, node.nodeBytes]).toEqual([false, true]);
    expect(plain.out).toEqual(node.out);
    const t = (node.out as { bytesText: { latin1: string; utf8: string; bytes: number[] } }).bytesText;
    expect(t.latin1).toBe(Array.from({ length: 19987 }, (_, i) => String.fromCharCode((i + 3) % 256)).join(''));
    expect([t.utf8, t.bytes]).toEqual(['\u00e9llo \u2713 \ufffdA', [0xe9, 0x61, 0xff]]);
    const o = node.out as Record<string, { lines: number; counted: number; otherProgramLines: number; format: string }> & { capture: { interfaces: unknown[]; flows: unknown[] } };
    expect(o.capture.flows.length).toBeGreaterThan(0);
    expect(o.capture.interfaces.length).toBeGreaterThan(0);
    for (const k of ['syslog', 'stunnel', 'access', 'error', 'gzip', 'text']) expect([k, o[k].counted > 0]).toEqual([k, true]);
    expect([o.syslog.counted, o.syslog.otherProgramLines]).toEqual([80, 40]); // stunnel's lines only, cron's left out
  });
});

describe('the entry points', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

  test('package.json exports, tsconfig paths and jest moduleNameMapper name the same three entries and sources', () => {
    const exportsMap: Record<string, { types: string; default: string }> = pkg.exports;
    const fromExports = Object.entries(exportsMap)
      .filter(([k]) => k !== './package.json')
      .map(([k, v]) => {
        const base = v.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
        expect(v.types).toBe(`./dist/${base}.d.ts`);
        return [k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`, `lib/${base}.ts`];
      });
    expect(Object.fromEntries(fromExports)).toEqual(ENTRIES);

    const tsconfig = ts.readConfigFile(path.join(REPO, 'tsconfig.json'), ts.sys.readFile).config;
    const paths: Record<string, string[]> = tsconfig.compilerOptions.paths;
    expect(Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, v.map((p) => p.replace(/^\.\//, ''))]))).toEqual(Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, [v]])));

    const mapper: Record<string, string> = require(path.join(REPO, 'jest.config.js')).moduleNameMapper;
    for (const [name, source] of Object.entries(ENTRIES)) {
      const hits = Object.entries(mapper).filter(([re]) => new RegExp(re).test(name));
      expect(hits).toHaveLength(1);
      expect(name.replace(new RegExp(hits[0][0]), hits[0][1])).toBe(`<rootDir>/${source}`);
    }
  });

  test('typesVersions gives the subpath entries the same declarations (for TypeScript\'s node10 resolution, which reads no exports map)', () => {
    const subpaths = Object.entries(pkg.exports as Record<string, { types: string }>).filter(([k]) => k !== '.' && k !== './package.json');
    expect(subpaths.length).toBe(2);
    const tv: Record<string, string[]> = pkg.typesVersions['*'];
    expect(Object.fromEntries(subpaths.map(([k, v]) => [k.slice(2), [v.types.replace(/^\.\//, '')]]))).toEqual(tv);
  });

  test('values: the Node edge adds to the core and repeats none of it; analysis is a subset of the two', () => {
    const { exports } = entryApi();
    const values = (e: string) => new Map([...exports.get(e)!.values()].filter((x) => x.value).map((x) => [x.symbol, x.name]));
    const core = values('pcap-alibi');
    const node = values('pcap-alibi/node');
    expect([...node].filter(([s]) => core.has(s)).map(([, n]) => n)).toEqual([]);
    expect([...values('pcap-alibi/analysis')].filter(([s]) => !core.has(s) && !node.has(s)).map(([, n]) => n)).toEqual([]);
  });

  test('every type an entry\'s functions and constructors take or return is exported by that entry', () => {
    const api = entryApi();
    const missing: string[] = [];
    for (const [entry, list] of api.exports) {
      const own = new Set([...list.values()].map((x) => x.symbol));
      for (const x of list.values()) {
        if (!x.value) continue;
        for (const t of api.signatureTypes(x.symbol)) if (!own.has(t) && !INTERNAL.has(t.name)) missing.push(`${entry}: ${t.name} (${api.where(t)}), used by ${x.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('every type reachable from an entry\'s exports (members of its types too) is exported by it or by the core', () => {
    const api = entryApi();
    const core = new Set([...api.exports.get('pcap-alibi')!.values()].map((x) => x.symbol));
    const missing: string[] = [];
    const internalSeen = new Set<string>();
    for (const [entry, list] of api.exports) {
      const own = new Set([...list.values()].map((x) => x.symbol));
      for (const x of list.values()) {
        if (entry !== 'pcap-alibi' && core.has(x.symbol)) continue; // checked as the core's
        for (const t of api.surface(x.symbol)) {
          if (own.has(t) || core.has(t)) continue;
          if (INTERNAL.has(t.name)) internalSeen.add(t.name);
          else missing.push(`${entry}: ${t.name} (${api.where(t)}), reached from ${x.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect([...INTERNAL].filter((n) => !internalSeen.has(n))).toEqual([]); // the list holds no stale name
  });
});

/**
 * Types that public classes show through members the library's own modules use, which a user
 * has no reason to name: left out of the entries on purpose (their own surfaces are the decoder,
 * the WebAssembly flow store and watch's internals).
 */
const INTERNAL = new Set([
  'FormatParser', // CaptureReader.parser: the pcap/pcapng block parser the reader drives
  'PacketDecoder', // CapturePass.decoder: the layer views; its summary is in PassResult
  'DecoderSummary', // CapturePass.finish's third argument, given by passFile's worker
  'FlowStore', // FlowTable.store: the WebAssembly flow records
  'FlowRecordSource', // Flow.store: the live records (FlowStore) or copies of finished ones (partial/flowrows)
  'CoreFilter', // FlowTable.startSeries, FlowFilter.core: the port/host filter handed to WebAssembly
  'RollingSeries', // Watcher.series: watch's rolling window of capture series
  'LiveLog', // Watcher.logs: watch's followed logs
]);

describe('examples/ use the published entry names only', () => {
  const EX = path.join(REPO, 'examples');

  test('every example imports pcap-alibi, pcap-alibi/analysis, pcap-alibi/node, Node modules or its own files', () => {
    const bad: string[] = [];
    for (const f of fs.readdirSync(EX).filter((n) => n.endsWith('.ts'))) {
      for (const spec of runtimeImports(path.join(EX, f))) {
        const ok = spec in ENTRIES || isBuiltin(spec) || (spec.startsWith('./') && !spec.includes('..'));
        if (!ok) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('the notebook imports the built entries (dist/ files of the exports map) only', () => {
    const nb = JSON.parse(fs.readFileSync(path.join(EX, 'explore.ipynb'), 'utf8'));
    const code: string = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').map((c: { source: string[] }) => c.source.join('')).join('\n');
    const specs = [...code.matchAll(/\bfrom\s+'([^']+)'|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
    const built = new Set(Object.values(ENTRIES).map((s) => '../' + s.replace(/^lib\//, 'dist/').replace(/\.ts$/, '').replace(/\/index$/, '')));
    expect(specs.length).toBeGreaterThan(0);
    expect(specs.filter((s) => !built.has(s))).toEqual([]);
  });
});
