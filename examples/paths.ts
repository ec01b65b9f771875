/**
 * @module examples/paths
 * Where the example captures are: the repository's `captures/` folder, found from this file
 * whether the examples run from source (jest) or compiled (`tmp/examples/`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A path inside the repository's `captures/` folder. */
export function capture(...parts: string[]): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const c = path.join(dir, 'captures');
    if (fs.existsSync(path.join(c, 'README.md'))) return path.join(c, ...parts);
    if (path.dirname(dir) === dir) throw new Error(`no captures/ folder above ${__dirname}`);
  }
}

/** Formats rows as a plain text table with a header line (numbers right-aligned). */
export function table(head: string[], rows: (string | number | null)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === null ? '-' : typeof c === 'number' ? c.toLocaleString('en-US', { maximumFractionDigits: 3 }) : c)))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  return cells.map((r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}
