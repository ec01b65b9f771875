/**
 * @module capture/set
 * A vantage recorded as several files (`tcpdump -C/-G -w fw.pcap` → fw.pcap0 fw.pcap1 …, gzip
 * or not, pcap and pcapng mixed) read as ONE capture in time order, whatever order the files are
 * listed in. Node-only (opens files by path), like `node.ts`.
 *
 * - Creation: {@link openCaptureSet}(files, options); {@link expandCaptureFiles}(spec, baseDir)
 *   turns paths, globs and directories into the file list.
 * - Accessors: `files` (time order), `members` (per file: first, last, packets, duplicates),
 *   `first`, `last`, `packets`, `duplicates`, `gaps`, `warnings`, `maxOpen`, progress
 *   (`inputOffset`/`inputSize`).
 * - Output: `next()` / iteration, the same reused-record contract as `CaptureReader`.
 *
 * How the merge works: every file is peeked once at creation for its first packet time (one
 * 64 KiB reader at a time, closed straight away), then the files are merged by packet time over
 * their heads. A file is opened only when the merge reaches its first packet, so rotations that
 * do not overlap keep one reader (one 1 MiB window) open however many files the set has;
 * overlapping files interleave by time. Within a file the file's order is kept (captures can be
 * out of order by microseconds: nothing is re-sorted inside a file). Equal times go to the file
 * that started earlier, as mergecap does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlibiError, ArgumentError, InputError, type Warning } from '../errors';
import { openCapture } from './file';
import type { InterfaceInfo } from './format';
import { isGzip } from './gzip';
import { sniffPcap } from './pcap';
import { sniffPcapng } from './pcapng';
import { hasMagic, naturalCompare, segmentRegExp } from '../glob';
import type { CaptureReader, ReaderOptions, ReaderState } from './reader';
import type { PacketRecord } from './record';

/** Options of {@link openCaptureSet}: the reader's, plus the set's own. */
export interface CaptureSetOptions extends ReaderOptions {
  /** Read window per open file (default 1 MiB, as `openCapture`). */
  chunkSize?: number;
  /** A pause between two files longer than this (s) is a coverage gap. Default 60. */
  gapThreshold?: number;
}

/** A stretch no file covers: the capture was not running (not an outage). Epoch seconds. */
export interface CoverageGap {
  /** The file whose last packet starts the gap, and the file whose first packet ends it. */
  after: string;
  before: string;
  start: number;
  end: number;
}

/** One file of the set, as far as it has been read. */
export interface CaptureSetMember {
  readonly file: string;
  /** Time of the first packet (epoch s), null for a file without packets. */
  readonly first: number | null;
  /** Time of the latest packet read so far; null before any. */
  readonly last: number | null;
  /** Packets read from this file (duplicates included). */
  readonly packets: number;
  /** Packets of this file dropped as duplicates of another file's packet. */
  readonly duplicates: number;
  readonly format: 'pcap' | 'pcapng' | null;
  /** Compressed file size on disk (bytes). */
  readonly inputSize: number;
}

/** Gap threshold default: tcpdump -G rotations are back to back; a minute apart is a stopped capture. */
const DEFAULT_GAP = 60;
/** `openCapture`'s window. */
const DEFAULT_CHUNK = 1 << 20;
/** The peek at a file's first packet reads through a small window (the reader's minimum). */
const PEEK_CHUNK = 1 << 16;

/** Internal state of one member. Times as (sec, ns) pairs: exact for µs and ns captures alike. */
class Member implements CaptureSetMember {
  reader: CaptureReader | null = null;
  head: PacketRecord | null = null;
  headSec = 0;
  headNs = 0;
  first: number | null = null;
  firstSec = 0;
  firstNs = 0;
  last: number | null = null;
  packets = 0;
  duplicates = 0;
  format: 'pcap' | 'pcapng' | null = null;
  finished = false;
  /** Warnings found when the file ended (kept by the set) — or by the peek of an empty file. */
  warnings: readonly Warning[] = [];
  warningsDropped = 0;
  /** Inflated as it is read: the file size says nothing of the capture's. */
  compressed = false;
  /** The read window lent by the set while the file is open. */
  window: Uint8Array | null = null;
  /** Place in the time order of first packets: equal head times go to the lower rank. */
  rank = 0;
  constructor(readonly file: string, readonly inputSize: number) {}

  /** Reads this member's next packet into `head` (null at its end). */
  advance(): void {
    const p = this.reader!.next();
    this.head = p;
    if (p === null) return;
    this.headSec = p.tsSec;
    this.headNs = p.tsNs;
    this.packets++;
    const t = p.tsSec + p.tsFrac / p.tsRes;
    if (this.last === null || t > this.last) this.last = t;
  }
}

/** (sec, ns) order: negative when a is earlier. */
function cmpTime(aSec: number, aNs: number, bSec: number, bNs: number): number {
  return aSec - bSec || aNs - bNs;
}

/** The same packet twice: identical time, lengths, link type and captured bytes. */
function samePacket(a: Member, b: Member): boolean {
  const p = a.head!;
  const q = b.head!;
  if (a.headSec !== b.headSec || a.headNs !== b.headNs) return false;
  if (p.capLen !== q.capLen || p.origLen !== q.origLen || p.linkType !== q.linkType) return false;
  const pb = p.bytes;
  const qb = q.bytes;
  for (let i = 0, n = p.capLen, po = p.offset, qo = q.offset; i < n; i++) if (pb[po + i] !== qb[qo + i]) return false;
  return true;
}

/**
 * Several capture files read as one capture, merged by packet time. The record handed out is
 * the current file reader's own: **valid until the next `next()`; copy what you keep**. Its
 * `index` is renumbered across the set; `fileOffset` is in its own file (see `current`).
 */
export class CaptureSetReader implements ReaderState, Iterable<PacketRecord> {
  /** Members in time order of their first packets (files without packets last). */
  private readonly order: Member[];
  /** Members not opened yet, in time order; `pendingAt` is the next one. */
  private pendingAt = 0;
  private readonly open: Member[] = [];
  /** The member whose head was handed out last: advanced on the next call. */
  private yielded: Member | null = null;
  private readonly setWarnings: Warning[] = [];
  private dropped = 0;
  private readonly maxWarnings: number;
  private readonly gapThreshold: number;
  private readonly chunkSize: number | undefined;
  /**
   * Read windows of closed files, lent to the next ones: a set of 200 rotations keeps as many
   * windows as files were open at once, not 200 for the garbage collector to find.
   */
  private readonly freeWindows: Uint8Array[] = [];
  private coverageEnd = -Infinity;
  private coverageFile = '';
  private closedBytes = 0;
  /** Packets handed out (duplicates not counted). */
  packets = 0;
  /** Packets dropped because another file already had them (the rotation boundary). */
  duplicates = 0;
  /** Stretches no file covers longer than the gap threshold, in time order. */
  readonly gaps: CoverageGap[] = [];
  /** Most files open at once so far: 1 for rotations that do not overlap. */
  maxOpen = 0;
  /** Read windows made so far: closed files lend theirs to the next, so this stays at `maxOpen`. */
  windows = 0;
  first: number | null = null;
  last: number | null = null;

  /** Peeks every file for its first packet time (see {@link openCaptureSet}). */
  constructor(files: string[], private readonly opts: CaptureSetOptions = {}) {
    const { members, warnings } = peekAll(files, opts, new Uint8Array(PEEK_CHUNK));
    this.order = members;
    this.maxWarnings = opts.maxWarnings ?? 1000;
    this.gapThreshold = opts.gapThreshold ?? DEFAULT_GAP;
    this.chunkSize = opts.chunkSize;
    for (const w of warnings) this.pushWarning(w);
    // Files without packets are done already: their peek read them whole.
    for (const m of members) if (m.first === null) this.collect(m);
  }

  /** The files in time order (those without packets last). */
  get files(): string[] {
    return this.order.map((m) => m.file);
  }
  get members(): readonly CaptureSetMember[] {
    return this.order;
  }
  /** The file the last packet came from. */
  get current(): string | null {
    return this.yielded?.file ?? null;
  }
  get warnings(): readonly Warning[] {
    return this.setWarnings;
  }
  get warningsDropped(): number {
    return this.dropped;
  }
  /** The format of the first file (a set may mix pcap and pcapng: see `members`). */
  get format(): 'pcap' | 'pcapng' | null {
    return this.order[0]?.format ?? null;
  }
  get byteOrder(): 'le' | 'be' | null {
    return this.open[0]?.reader?.byteOrder ?? null;
  }
  get interfaces(): readonly InterfaceInfo[] {
    return this.open[0]?.reader?.interfaces ?? [];
  }
  /** Bytes read from the files so far and their total size on disk: for progress. */
  get inputOffset(): number {
    let n = this.closedBytes;
    for (const m of this.open) n += m.reader?.inputOffset ?? 0;
    return n;
  }
  get inputSize(): number {
    return this.order.reduce((s, m) => s + m.inputSize, 0);
  }
  get offset(): number {
    return this.inputOffset;
  }
  get size(): number {
    return this.inputSize;
  }

  /** The next packet in time order, or null at the end of the last file. */
  next(): PacketRecord | null {
    const y = this.yielded;
    if (y !== null) {
      this.yielded = null;
      y.advance();
      if (y.head === null) this.retire(y);
    }
    this.openDue();
    const open = this.open;
    if (open.length === 0) return null;
    // The earliest head; equal times go to the earlier file (lower rank).
    let best = open[0];
    for (let i = 1; i < open.length; i++) {
      const m = open[i];
      const c = cmpTime(m.headSec, m.headNs, best.headSec, best.headNs);
      if (c < 0 || (c === 0 && m.rank < best.rank)) best = m;
    }
    if (open.length > 1) this.dropDuplicatesOf(best);
    const p = best.head!;
    p.index = this.packets++;
    const t = p.tsSec + p.tsFrac / p.tsRes;
    if (this.first === null) this.first = t;
    if (this.last === null || t > this.last) this.last = t;
    if (t > this.coverageEnd) {
      this.coverageEnd = t;
      this.coverageFile = best.file;
    }
    this.yielded = best;
    return p;
  }

  /** Releases every open file (called automatically at the end). */
  close(): void {
    for (const m of this.open) m.reader?.close();
  }

  [Symbol.iterator](): Iterator<PacketRecord> {
    return {
      next: (): IteratorResult<PacketRecord> => {
        const r = this.next();
        return r === null ? { value: undefined, done: true } : { value: r, done: false };
      },
    };
  }

  /**
   * Opens the files whose first packet the merge has reached: every file starting at or
   * before the earliest open head (equal times too, so a boundary duplicate meets its twin),
   * or the next file when none is open.
   */
  private openDue(): void {
    const order = this.order;
    while (this.pendingAt < order.length) {
      const m = order[this.pendingAt];
      if (m.first === null) return;
      if (this.open.length > 0) {
        for (const o of this.open) if (cmpTime(m.firstSec, m.firstNs, o.headSec, o.headNs) > 0) return;
      } else if (this.coverageEnd > -Infinity && m.first - this.coverageEnd > this.gapThreshold) {
        this.gaps.push({ after: this.coverageFile, before: m.file, start: this.coverageEnd, end: m.first });
      }
      this.pendingAt++;
      m.window = this.freeWindows.pop() ?? this.newWindow();
      m.reader = openCapture(m.file, { ...this.opts, file: m.file, window: m.window });
      m.last = null;
      m.packets = 0;
      m.advance();
      if (m.head === null) {
        // Shorter than at the peek (the file changed): nothing to merge.
        this.retire(m);
        continue;
      }
      this.open.push(m);
      if (this.open.length > this.maxOpen) this.maxOpen = this.open.length;
    }
  }

  private newWindow(): Uint8Array {
    this.windows++;
    return new Uint8Array(Math.max(this.chunkSize ?? DEFAULT_CHUNK, PEEK_CHUNK));
  }

  /** Other files' heads identical to `best`'s are the same packet written twice: skip them. */
  private dropDuplicatesOf(best: Member): void {
    for (let i = 0; i < this.open.length; i++) {
      const m = this.open[i];
      if (m === best) continue;
      while (m.head !== null && samePacket(best, m)) {
        m.duplicates++;
        this.duplicates++;
        m.advance();
      }
      if (m.head === null) {
        this.retire(m);
        i--;
      }
    }
  }

  /** A member at its end: close it, keep its warnings and byte count. */
  private retire(m: Member): void {
    const i = this.open.indexOf(m);
    if (i >= 0) this.open.splice(i, 1);
    this.collect(m);
  }

  private collect(m: Member): void {
    if (m.finished) return;
    m.finished = true;
    const r = m.reader;
    if (r !== null) {
      m.format = r.format ?? m.format;
      m.warnings = r.warnings;
      m.warningsDropped = r.warningsDropped;
      this.closedBytes += r.inputSize ?? m.inputSize;
      r.close();
      m.reader = null;
      // Closed, and the caller is past its last record (valid until the next call): reusable.
      if (m.window !== null) this.freeWindows.push(m.window);
      m.window = null;
    } else {
      this.closedBytes += m.inputSize;
    }
    for (const w of m.warnings) this.pushWarning(w);
    this.dropped += m.warningsDropped;
  }

  private pushWarning(w: Warning): void {
    if (this.setWarnings.length < this.maxWarnings) this.setWarnings.push(w);
    else this.dropped++;
  }
}

/** What a peek learned: the first packet's time, or the reason the file cannot be read. */
type Peek = { member: Member } | { error: AlibiError; file: string };

function peekFile(file: string, opts: CaptureSetOptions, window: Uint8Array): Peek {
  let size = 0;
  let r: CaptureReader | null = null;
  try {
    size = fs.statSync(file).size;
    r = openCapture(file, { ...opts, file, window });
    const m = new Member(file, size);
    const p = r.next();
    m.format = r.format;
    m.compressed = r.compression === 'gzip';
    if (p === null) {
      // No packet: the peek read the whole file, its warnings are final.
      m.warnings = r.warnings;
      m.warningsDropped = r.warningsDropped;
    } else {
      m.firstSec = p.tsSec;
      m.firstNs = p.tsNs;
      m.first = p.tsSec + p.tsFrac / p.tsRes;
    }
    return { member: m };
  } catch (e) {
    if (e instanceof AlibiError) return { error: e, file };
    return { error: new InputError(`cannot read: ${(e as Error).message}`, { file }, { cause: e }), file };
  } finally {
    r?.close();
  }
}

/**
 * Peeks each file (one at a time) and orders the readable ones by first packet time; ties by
 * name (fw.pcap2 before fw.pcap10), files without packets last. Unreadable files become
 * warnings, or the first one's error when no file is readable.
 */
function peekAll(files: string[], opts: CaptureSetOptions, window: Uint8Array): { members: Member[]; warnings: Warning[] } {
  if (files.length === 0) throw new ArgumentError('a capture set needs at least one file');
  // One window for every peek: each reads a first packet and is closed before the next.
  const peeks = [...new Set(files)].map((f) => peekFile(f, opts, window));
  const members: Member[] = [];
  const warnings: Warning[] = [];
  for (const p of peeks) if ('member' in p) members.push(p.member);
  for (const p of peeks) {
    if (!('error' in p)) continue;
    if (members.length === 0) throw p.error;
    warnings.push({ file: p.file, offset: 0, packet: null, reason: `not read: ${p.error.message}`, code: 'unreadable_file' });
  }
  members.sort((a, b) => {
    if (a.first === null || b.first === null) return a.first === null ? (b.first === null ? naturalCompare(a.file, b.file) : 1) : -1;
    return cmpTime(a.firstSec, a.firstNs, b.firstSec, b.firstNs) || naturalCompare(a.file, b.file);
  });
  members.forEach((m, i) => (m.rank = i));
  return { members, warnings };
}

/**
 * Opens a set of capture files as one capture in time order. A file that is not a capture at
 * all throws its typed error when the set has no other readable file; otherwise it becomes an
 * `unreadable_file` warning and the rest is read.
 * @example
 * const r = openCaptureSet(['fw.pcap1', 'fw.pcap0.gz', 'fw.pcap2']);
 * r.files //=> ['fw.pcap0.gz', 'fw.pcap1', 'fw.pcap2']
 * for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
 * pass.finish(r, 'firewall'); r.gaps //=> [] (no stretch > 60 s without a file)
 */
export function openCaptureSet(files: string[], opts: CaptureSetOptions = {}): CaptureSetReader {
  return new CaptureSetReader(files, opts);
}

// ---- file lists ------------------------------------------------------------------------------------

export { naturalCompare } from '../glob';

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The files under `dir` matching the glob segments `segs` (`**` = any depth, dot names only when asked). */
function globWalk(dir: string, segs: string[], out: string[]): void {
  if (segs.length === 0) return;
  const [seg, ...rest] = segs;
  if (seg === '**') {
    globWalk(dir, rest, out); // zero directories
    for (const e of listDir(dir)) {
      if (e.name.startsWith('.')) continue;
      if (isDirEntry(dir, e)) globWalk(path.join(dir, e.name), segs, out);
    }
    return;
  }
  if (!hasMagic(seg)) {
    const p = path.join(dir, seg);
    if (rest.length === 0) {
      if (isFile(p)) out.push(p);
    } else globWalk(p, rest, out);
    return;
  }
  const re = segmentRegExp(seg);
  for (const e of listDir(dir)) {
    if (e.name.startsWith('.') && !seg.startsWith('.')) continue;
    if (!re.test(e.name)) continue;
    const p = path.join(dir, e.name);
    if (rest.length === 0) {
      if (isFile(p)) out.push(p);
    } else if (isDirEntry(dir, e)) globWalk(p, rest, out);
  }
}

function isDirEntry(dir: string, e: fs.Dirent): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return fs.statSync(path.join(dir, e.name)).isDirectory();
  } catch {
    return false;
  }
}

/** A file whose first bytes are a pcap, pcapng or gzip magic. */
export function looksLikeCapture(file: string): boolean {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, 'r');
    const head = new Uint8Array(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    if (n < 4) return false;
    return sniffPcap(head) !== null || sniffPcapng(head) || isGzip(head);
  } catch {
    return false;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/**
 * Paths, globs and directories → the sorted list of existing capture files. A glob has `*`, `?`,
 * `[...]` and `**` (any depth); a directory gives its regular files that start like a capture
 * (pcap, pcapng or gzip magic). Relative entries resolve against `baseDir`. A glob matching
 * nothing, or a path that does not exist, is an ArgumentError naming it.
 * @example
 * expandCaptureFiles('fw/*.pcap*', '/cases/42') //=> ['/cases/42/fw/fw.pcap0', '/cases/42/fw/fw.pcap1', …, '/cases/42/fw/fw.pcap10']
 */
export function expandCaptureFiles(spec: string | string[], baseDir: string): string[] {
  const out: string[] = [];
  for (const entry of Array.isArray(spec) ? spec : [spec]) {
    const abs = path.resolve(baseDir, entry);
    if (hasMagic(entry)) {
      // The part before the first segment with a glob character is a plain directory.
      const segs = abs.split(path.sep);
      const firstGlob = segs.findIndex((s) => hasMagic(s));
      const root = segs.slice(0, firstGlob).join(path.sep) || path.sep;
      const found: string[] = [];
      globWalk(root, segs.slice(firstGlob), found);
      if (found.length === 0) throw new ArgumentError(`no file matches ${entry} (in ${baseDir})`, { file: entry });
      out.push(...found);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw new ArgumentError(`no such file or directory: ${entry} (in ${baseDir})`, { file: entry });
    }
    if (st.isDirectory()) {
      const found = listDir(abs)
        .map((e) => path.join(abs, e.name))
        .filter((p) => isFile(p) && looksLikeCapture(p));
      if (found.length === 0) throw new ArgumentError(`no capture file (pcap, pcapng or gzip) in directory ${entry}`, { file: entry });
      out.push(...found);
    } else out.push(abs);
  }
  return [...new Set(out)].sort(naturalCompare);
}
