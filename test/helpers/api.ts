/**
 * @module test/helpers/api
 * The package's entry points as the TypeScript checker sees them: what each exports (values and
 * types), and the named types the exports' signatures reach. Used by test/api-tiers.test.ts and
 * test/readme.test.ts.
 */
import * as path from 'node:path';
import * as ts from 'typescript';

export const REPO = path.resolve(__dirname, '..', '..');
const LIB = path.join(REPO, 'lib') + path.sep;

/** Entry name (as a user imports it) → its source (what dist/<name>.js is built from). */
export const ENTRIES: Readonly<Record<string, string>> = {
  'pcap-alibi': 'lib/index.ts',
  'pcap-alibi/analysis': 'lib/analysis.ts',
  'pcap-alibi/node': 'lib/node.ts',
};

export interface Exported {
  /** The exported name. */
  name: string;
  /** The declaration it names (aliases followed). */
  symbol: ts.Symbol;
  /** A value (function, class, constant) the entry exports as a value; else a type only. */
  value: boolean;
}

export interface Api {
  checker: ts.TypeChecker;
  /** Entry name → its exports by name. */
  exports: Map<string, Map<string, Exported>>;
  /** The named lib/ types in one export's signatures and members (see `surface`). */
  surface(symbol: ts.Symbol): Set<ts.Symbol>;
  /** The named lib/ types the parameters and results of a function, or a class's constructor, name. */
  signatureTypes(symbol: ts.Symbol): Set<ts.Symbol>;
  /** `lib/x.ts` of a symbol's first declaration. */
  where(symbol: ts.Symbol): string;
}

let cached: Api | null = null;

/** One program over the three entries (a few seconds; built once per test file). */
export function entryApi(): Api {
  if (cached) return cached;
  const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram(Object.values(ENTRIES).map((f) => path.join(REPO, f)), config.options);
  const checker = program.getTypeChecker();
  const real = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const inLib = (s: ts.Symbol | undefined): s is ts.Symbol => !!s?.declarations?.some((d) => d.getSourceFile().fileName.startsWith(LIB));
  const internal = (d: ts.Declaration | undefined) => !!d && ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal');
  const typeOnly = (s: ts.Symbol) => !!s.declarations?.some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));

  const byEntry = new Map<string, Map<string, Exported>>();
  for (const [name, file] of Object.entries(ENTRIES)) {
    const sf = program.getSourceFile(path.join(REPO, file))!;
    const list = new Map<string, Exported>();
    for (const s of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) {
      const r = real(s);
      list.set(s.name, { name: s.name, symbol: r, value: (r.flags & ts.SymbolFlags.Value) !== 0 && !typeOnly(s) });
    }
    byEntry.set(name, list);
  }

  const NAMED = ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum | ts.SymbolFlags.TypeAlias;
  /** The named lib/ types `t` is made of: itself, union members, type arguments, a literal's members. */
  function named(t: ts.Type, out: Set<ts.Symbol>, seen: Set<ts.Type>): void {
    if (seen.has(t)) return;
    seen.add(t);
    if (t.aliasSymbol && inLib(t.aliasSymbol)) {
      out.add(t.aliasSymbol);
      for (const a of t.aliasTypeArguments ?? []) named(a, out, seen);
      return;
    }
    if (t.isUnionOrIntersection()) {
      for (const x of t.types) named(x, out, seen);
      return;
    }
    const sym = t.getSymbol();
    if (inLib(sym) && sym.flags & ts.SymbolFlags.EnumMember) out.add((sym as ts.Symbol & { parent: ts.Symbol }).parent);
    else if (inLib(sym) && sym.flags & NAMED) out.add(sym);
    if (t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) {
      for (const a of checker.getTypeArguments(t as ts.TypeReference)) named(a, out, seen);
    }
    if (inLib(sym) && sym.flags & NAMED) return; // a named type's own members are its surface
    for (const sig of t.getCallSignatures()) signature(sig, out, seen);
    if (sym && sym.flags & ts.SymbolFlags.TypeLiteral) for (const p of t.getProperties()) member(p, out, seen);
  }
  function signature(sig: ts.Signature, out: Set<ts.Symbol>, seen: Set<ts.Type>): void {
    for (const p of sig.getParameters()) named(checker.getTypeOfSymbol(p), out, seen);
    named(sig.getReturnType(), out, seen);
  }
  function member(p: ts.Symbol, out: Set<ts.Symbol>, seen: Set<ts.Type>): void {
    const d = p.valueDeclaration ?? p.declarations?.[0];
    if (p.name.startsWith('#') || p.name === 'prototype' || internal(d)) return;
    if (d && ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return;
    const t = checker.getTypeOfSymbol(p);
    if (p.flags & ts.SymbolFlags.Method) for (const sig of t.getCallSignatures()) signature(sig, out, seen);
    else named(t, out, seen);
  }

  function surface(symbol: ts.Symbol): Set<ts.Symbol> {
    const out = new Set<ts.Symbol>();
    const seen = new Set<ts.Type>();
    if (symbol.flags & ts.SymbolFlags.Function) for (const sig of checker.getTypeOfSymbol(symbol).getCallSignatures()) signature(sig, out, seen);
    if (symbol.flags & ts.SymbolFlags.Class) {
      const ctor = checker.getTypeOfSymbol(symbol);
      for (const sig of ctor.getConstructSignatures()) if (!internal(sig.getDeclaration())) for (const p of sig.getParameters()) named(checker.getTypeOfSymbol(p), out, seen);
      for (const p of ctor.getProperties()) member(p, out, seen); // statics
    }
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      const it = checker.getDeclaredTypeOfSymbol(symbol) as ts.InterfaceType;
      for (const p of it.getProperties()) member(p, out, seen);
      // An interface's base is named where it is extended; a class's inherited members are its own.
      if (!(symbol.flags & ts.SymbolFlags.Class)) for (const b of checker.getBaseTypes(it)) named(b, out, seen);
    }
    if (symbol.flags & ts.SymbolFlags.TypeAlias) {
      const t = checker.getDeclaredTypeOfSymbol(symbol);
      const parts = t.isUnionOrIntersection() ? t.types : [t];
      for (const x of parts) {
        if (x.aliasSymbol === symbol) continue;
        named(x, out, seen);
        if (!x.isUnionOrIntersection() && !(x.getSymbol() && x.getSymbol()!.flags & NAMED)) for (const p of x.getProperties()) member(p, out, seen);
      }
    }
    if (symbol.flags & ts.SymbolFlags.Variable) named(checker.getTypeOfSymbol(symbol), out, seen);
    out.delete(symbol);
    return out;
  }

  function signatureTypes(symbol: ts.Symbol): Set<ts.Symbol> {
    const out = new Set<ts.Symbol>();
    const seen = new Set<ts.Type>();
    const t = checker.getTypeOfSymbol(symbol);
    if (symbol.flags & ts.SymbolFlags.Function) for (const sig of t.getCallSignatures()) signature(sig, out, seen);
    if (symbol.flags & ts.SymbolFlags.Class) for (const sig of t.getConstructSignatures()) if (!internal(sig.getDeclaration())) for (const p of sig.getParameters()) named(checker.getTypeOfSymbol(p), out, seen);
    out.delete(symbol);
    return out;
  }

  const where = (s: ts.Symbol) => path.relative(REPO, s.declarations![0].getSourceFile().fileName);
  cached = { checker, exports: byEntry, surface, signatureTypes, where };
  return cached;
}
