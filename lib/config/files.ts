/**
 * @module config/files
 * A config's file specs to absolute paths: a plain path as written, a folder as its files, a glob
 * (`*`, `?`, `[…]`, `**`) as the files it matches. Node 20 has no fs.globSync, and the subset a
 * config needs is small. Matches are sorted in natural order (`fw.pcap2` before `fw.pcap10`), so
 * a rotated set reads the same on every machine; the readers put the files in time order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The files of one spec, and what is wrong with its parts (index = position in a list). */
export interface Expansion {
  files: string[];
  problems: { index?: number; message: string; code: 'no_match' | 'empty_folder' | 'is_a_folder' }[];
}

export { hasMagic, naturalCompare, segmentRegExp } from '../glob';
import { hasMagic, naturalCompare, segmentRegExp } from '../glob';

function stat(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** A folder's regular files (links followed), hidden ones left out, natural order. */
export function folderFiles(dir: string): string[] {
  return readDir(dir)
    .filter((d) => !d.name.startsWith('.'))
    .map((d) => path.join(dir, d.name))
    .filter((p) => stat(p)?.isFile())
    .sort(naturalCompare);
}

/**
 * The regular files an absolute glob matches, natural order. `**` is any number of folders (not
 * following links, so a loop of links cannot hang it); a hidden name matches only a pattern that
 * starts with a dot, as in a shell.
 * Returns the folder searched (the pattern's literal start) for messages.
 */
export function globFiles(pattern: string): { files: string[]; root: string } {
  const abs = path.resolve(pattern);
  const segs = abs.split(path.sep).filter((s, i) => s !== '' || i === 0);
  let k = 1;
  while (k < segs.length && !hasMagic(segs[k])) k++;
  const root = segs.slice(0, k).join(path.sep) || path.sep;
  const rest = segs.slice(k);
  if (rest[rest.length - 1] === '**') rest.push('*');
  const out = new Set<string>();
  const walk = (dir: string, i: number): void => {
    const seg = rest[i];
    const last = i === rest.length - 1;
    if (seg === '**') {
      walk(dir, i + 1);
      for (const d of readDir(dir)) if (d.isDirectory() && !d.name.startsWith('.')) walk(path.join(dir, d.name), i);
      return;
    }
    const names = hasMagic(seg) ? readDir(dir).map((d) => d.name).filter((n) => (!n.startsWith('.') || seg.startsWith('.')) && segmentRegExp(seg).test(n)) : [seg];
    for (const n of names) {
      const p = path.join(dir, n);
      const st = stat(p);
      if (last ? st?.isFile() : st?.isDirectory()) {
        if (last) out.add(p);
        else walk(p, i + 1);
      }
    }
  };
  if (rest.length === 0) {
    if (stat(root)?.isFile()) out.add(root);
  } else walk(root, 0);
  return { files: [...out].sort(naturalCompare), root };
}

/** A path from the config, absolute. */
export function resolvePath(p: string, baseDir: string): string {
  return path.resolve(baseDir, p);
}

/**
 * The files of a `files` spec (a list, or one string): each part is a plain path (kept as
 * written, even when missing: the reader reports that), a folder (its files) or a glob (its
 * matches). A part that is an existing file is taken literally even with `[` in its name. Order:
 * the list's, each folder or glob sorted; a file named twice is read once.
 * @example expandFiles('fw/*.pcap*', '/cases/42').files //=> ['/cases/42/fw/fw.pcap', '/cases/42/fw/fw.pcap1', …]
 */
export function expandFiles(spec: string | readonly string[], baseDir: string): Expansion {
  const parts = typeof spec === 'string' ? [spec] : spec;
  const files: string[] = [];
  const problems: Expansion['problems'] = [];
  parts.forEach((part, i) => {
    const index = typeof spec === 'string' ? undefined : i;
    const abs = resolvePath(part, baseDir);
    const st = stat(abs);
    if (st?.isDirectory()) {
      const got = folderFiles(abs);
      if (got.length === 0) problems.push({ index, code: 'empty_folder', message: `the folder ${abs} has no files (hidden files are left out)` });
      files.push(...got);
    } else if (!st && hasMagic(part)) {
      const { files: got, root } = globFiles(abs);
      if (got.length === 0) problems.push({ index, code: 'no_match', message: `"${part}" matches no file in ${root}${stat(root)?.isDirectory() ? '' : ' (no such folder)'}` });
      files.push(...got);
    } else files.push(abs);
  });
  return { files: [...new Set(files)], problems };
}

/** A `file` spec: one path as written; a folder is a mistake (that is what `files` is for). */
export function expandFile(spec: string, baseDir: string): Expansion {
  const abs = resolvePath(spec, baseDir);
  if (stat(abs)?.isDirectory()) return { files: [], problems: [{ code: 'is_a_folder', message: `${abs} is a folder; use "files" to read every file in it` }] };
  return { files: [abs], problems: [] };
}
