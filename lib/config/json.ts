/**
 * @module config/json
 * JSON text to a value, with the mistakes people make in hand-written JSON said plainly: where
 * (line and column, which Node 20's JSON.parse does not always give), what was expected, and keys
 * written twice (JSON.parse keeps the last silently; one of the two was meant).
 */

/** A syntax error's place and what was expected there. */
export interface JsonSyntaxProblem {
  line: number;
  column: number;
  message: string;
}

/** A key that appears twice in one object: its object's path and the key. */
export interface DuplicateKey {
  path: (string | number)[];
  key: string;
}

class Stop {
  constructor(readonly pos: number, readonly what: string) {}
}

/**
 * Walks the text as JSON (RFC 8259) without building values: the first syntax error's position,
 * and every duplicate key. Small on purpose: configs are a few kB.
 */
export function scanJson(text: string): { error?: { pos: number; what: string }; duplicates: DuplicateKey[] } {
  const duplicates: DuplicateKey[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const stop = (what: string): never => {
    throw new Stop(i, what);
  };
  const str = (): string => {
    const start = ++i;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) stop('a closing quote (a string cannot span lines; write \\n)');
      if (text[i] === '\\') {
        // Checked at the backslash, so the column points at it.
        const e = text[i + 1] ?? '';
        if (!/["\\/bfnrtu]/.test(e)) stop('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX): a backslash in a Windows path is written \\\\');
        if (e === 'u' && !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) stop('four hex digits after \\u');
        i++;
      }
      i++;
    }
    if (i >= text.length) stop('a closing quote');
    const raw = text.slice(start, i++);
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  };
  const value = (p: (string | number)[]): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      const keys = new Set<string>();
      for (;;) {
        ws();
        if (text[i] !== '"') stop(text[i] === '}' ? 'another key after the comma (JSON allows no trailing comma)' : 'a key in double quotes');
        const k = str();
        if (keys.has(k)) duplicates.push({ path: p, key: k });
        keys.add(k);
        ws();
        if (text[i] !== ':') stop('":" after the key');
        i++;
        value([...p, k]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        stop('"," or "}" after the value');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (let n = 0; ; n++) {
        ws();
        if (text[i] === ']') stop('another value after the comma (JSON allows no trailing comma)');
        value([...p, n]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        stop('"," or "]" after the value');
      }
    }
    if (c === '"') { str(); return; }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
    m.lastIndex = i;
    if (m.exec(text)) { i = m.lastIndex; return; }
    if (c === '/') stop('a value (JSON has no comments)');
    if (c === "'") stop('a value (JSON strings use double quotes)');
    stop(i >= text.length ? 'a value (the text ends here)' : 'a value');
  };
  try {
    value([]);
    ws();
    if (i < text.length) stop('the end of the text (one JSON value per file)');
  } catch (e) {
    if (e instanceof Stop) return { error: { pos: e.pos, what: e.what }, duplicates };
    throw e;
  }
  return { duplicates };
}

/** 1-based line and column of a character position. */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, column: pos - before.lastIndexOf('\n') };
}

/**
 * Parses config text: the value and its duplicate keys, or where and why it is not JSON. A
 * leading byte-order mark is allowed (editors on Windows write one).
 * @example parseJsonText('{"a": 1,}') //=> { ok: false, problem: { line: 1, column: 9, message: 'expected another key after the comma (JSON allows no trailing comma)' } }
 */
export function parseJsonText(text: string): { ok: true; value: unknown; duplicates: DuplicateKey[] } | { ok: false; problem: JsonSyntaxProblem } {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const scan = scanJson(t);
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch (e) {
    // The engine is the judge of validity; the scan says where, in words about configs.
    const at = scan.error ?? { pos: Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? 0), what: (e as Error).message };
    return { ok: false, problem: { ...lineColumn(t, at.pos), message: scan.error ? `expected ${at.what}` : at.what } };
  }
  return { ok: true, value, duplicates: scan.duplicates };
}
