/**
 * @module watch/livelog
 * One followed log as the watcher sees it: its lines parsed with the same readers and zones as
 * `alibi logs` / `analyze` (a fresh scanner per batch of complete lines, the format fixed once
 * detected), the entry times of the rolling window (for lines per bin and silences, decided by the
 * same `detectSilences`), and the raw lines of the last `--keep` for the flight recorder. Both
 * are rings with hard caps (entries; bytes), so a log that explodes cannot exhaust memory.
 */
import * as fs from 'node:fs';
import type { LogFormat } from '../logs/formats';
import { formatByName } from '../logs/formats';
import { scanOptions } from '../logs';
import { scanBytes, ScanOptions } from '../logs/ingest';
import { IntervalGrid } from '../grid';
import { detectSilences, EventGaps, GapTracker, SILENCE_DEFAULTS } from '../silence/detect';
import type { LogView } from '../correlate/verdict';
import type { Timeline } from '../correlate/timeline';
import { AlibiError } from '../errors';
import { LogFollower } from './follow';

export interface LiveLogSpec {
  file: string;
  component: string;
  timezone?: string;
  /** `auto` (default) or a format name / luxon format, as `alibi logs --format`. */
  format?: string;
}

export interface LiveLogOptions {
  /** Bin width, seconds. */
  interval: number;
  /** Seconds of entry times kept (the rolling window). */
  window: number;
  /** Seconds of raw lines kept (keep + detection delay). */
  retainLines: number;
  /** Cap on raw line bytes kept (default 32 MiB). */
  maxLineBytes?: number;
  /** Cap on entry times kept (default 2,000,000). */
  maxEntries?: number;
  /** Start at the file's start instead of its end. */
  fromStart?: boolean;
}

/**
 * A followed, parsed log.
 *
 * Creation: `new LiveLog(spec, opts)`. Transformation: `poll(now)` (returns the new raw lines with
 * their times), `expire(now)`. Output: `view(timeline, coverFrom, evalEnd)`, `linesSince(t)`.
 * @example
 * const log = new LiveLog({ file: 'access.log', component: 'app' }, { interval: 1, window: 600, retainLines: 660 });
 * log.poll(Date.now() / 1000); //=> [{ t: 1700000000.1, line: <Buffer …> }, …]
 */
export class LiveLog {
  readonly follower: LogFollower;
  private opts: ScanOptions;
  private format: LogFormat | null;
  /** Entry times (float epoch s), in arrival order; ring. */
  private readonly times: Float64Array;
  private tHead = 0;
  private tN = 0;
  /** Raw lines with their entry's time. */
  private lines: { t: number; line: Buffer }[] = [];
  private lHead = 0;
  private lBytes = 0;
  private lastT = NaN;
  /** Entries dropped by the caps before their time was up. */
  evictedEarly = 0;
  entries = 0;
  rawLines = 0;
  /** The last parse problem (format not recognised yet, …), reported once per kind by the watcher. */
  problem: AlibiError | null = null;

  constructor(readonly spec: LiveLogSpec, private readonly lo: LiveLogOptions) {
    this.follower = new LogFollower(spec.file, { fromEnd: !lo.fromStart });
    this.opts = scanOptions({ tz: spec.timezone, format: spec.format, interval: lo.interval, keepEvents: true, file: spec.file });
    this.format = this.opts.format;
    this.times = new Float64Array(Math.max(1024, lo.maxEntries ?? 2_000_000));
  }

  /** The zone local times are read in (IANA name). */
  get timezone(): string { return this.opts.zoneName; }

  /** Reads and parses what was appended; returns the new raw lines with their times. */
  poll(now: number): { t: number; line: Buffer }[] {
    const ev = this.follower.poll();
    if (!ev.data) return [];
    return this.ingest(ev.data, now);
  }

  /** Parses complete lines (LF-terminated). Exposed for tests and other sources. */
  ingest(data: Buffer, now: number): { t: number; line: Buffer }[] {
    let times: Float64Array | null = null;
    let lineNo: Uint32Array | null = null;
    try {
      const res = scanBytes(data, { ...this.opts, format: this.format, mtime: now, year: undefined });
      if (!this.format && res.detected) {
        this.format = formatByName(res.format);
        this.opts = { ...this.opts, format: this.format };
      }
      times = res.events?.time ?? null;
      lineNo = res.events?.line ?? null;
      this.problem = null;
    } catch (e) {
      this.problem = e instanceof AlibiError ? e : new AlibiError((e as Error).message, { file: this.spec.file });
    }
    const out: { t: number; line: Buffer }[] = [];
    let k = 0;
    let no = 0;
    for (let s = 0; s < data.length;) {
      let e = data.indexOf(10, s);
      if (e < 0) e = data.length;
      no++;
      if (times && lineNo && k < lineNo.length && lineNo[k] === no) {
        this.lastT = times[k];
        this.addTime(times[k]);
        k++;
      }
      // Continuations and unparsed lines belong to the entry before them (or to now).
      const t = this.lastT === this.lastT ? this.lastT : now;
      const line = Buffer.from(data.subarray(s, Math.min(e + 1, data.length)));
      out.push({ t, line });
      this.addLine(t, line);
      s = e + 1;
    }
    this.rawLines += no;
    this.expire(now);
    return out;
  }

  private addTime(t: number): void {
    const cap = this.times.length;
    if (this.tN === cap) {
      this.tHead = (this.tHead + 1) % cap;
      this.tN--;
      this.evictedEarly++;
    }
    this.times[(this.tHead + this.tN) % cap] = t;
    this.tN++;
    this.entries++;
  }

  private addLine(t: number, line: Buffer): void {
    this.lines.push({ t, line });
    this.lBytes += line.length;
    const max = this.lo.maxLineBytes ?? 32 << 20;
    while (this.lBytes > max && this.lHead < this.lines.length) this.lBytes -= this.lines[this.lHead++].line.length;
    this.compact();
  }

  private compact(): void {
    if (this.lHead > 4096 && this.lHead * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.lHead);
      this.lHead = 0;
    }
  }

  /** Lets go of entry times older than the window and lines older than retainLines. */
  expire(now: number): void {
    const cap = this.times.length;
    const tLimit = now - this.lo.window;
    while (this.tN > 0 && this.times[this.tHead] < tLimit) { this.tHead = (this.tHead + 1) % cap; this.tN--; }
    const lLimit = now - this.lo.retainLines;
    while (this.lHead < this.lines.length && this.lines[this.lHead].t < lLimit) this.lBytes -= this.lines[this.lHead++].line.length;
    this.compact();
  }

  /** Raw lines whose entry time is ≥ `from`, oldest first. */
  linesSince(from: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = this.lHead; i < this.lines.length; i++) if (this.lines[i].t >= from) out.push(this.lines[i].line);
    return out;
  }

  /**
   * The log on the timeline, as analyze builds it: lines per bin and silences over the window.
   * A silence still going on at `evalEnd` is closed there (live, there is no next line yet).
   * `coverFrom`: the first timeline bin the log was followed in.
   */
  view(tl: Timeline, coverFrom: number, evalEnd: number): LogView {
    const lines = new Float64Array(tl.length);
    const iv = tl.interval;
    const cap = this.times.length;
    const from = tl.startOf(coverFrom);
    const gaps = new GapTracker(Math.round(SILENCE_DEFAULTS.floor * 1e6));
    const events = new EventGaps(gaps);
    for (let i = 0; i < this.tN; i++) {
      const t = this.times[(this.tHead + i) % cap];
      if (t < from || t >= evalEnd) continue;
      const b = tl.binOf(t);
      if (b >= 0 && b < tl.length) lines[b]++;
      events.add(Math.round(t * 1e6), 0);
    }
    const endUs = Math.round(evalEnd * 1e6);
    if (events.maxUs !== -Infinity && endUs > events.maxUs) gaps.add(events.maxUs, endUs, 0, 0);
    const counts = new Uint32Array(Math.max(0, tl.length - coverFrom));
    for (let i = 0; i < counts.length; i++) counts[i] = lines[coverFrom + i];
    const rep = detectSilences(gaps, new IntervalGrid(0, 0, iv), tl.firstBin + coverFrom, counts);
    const silences = rep.silences.map((si) => ({ from: tl.binOf(si.start), to: tl.binOf(si.end) + 1, start: si.start, end: si.end, kind: si.kind }));
    return { component: this.spec.component, cover: [coverFrom, tl.length], lines, silences };
  }

  close(): void {
    this.follower.close();
  }
}

/** Writes lines to a file as they come (append). */
export class LineSink {
  private fd: number;
  lines = 0;
  constructor(readonly path: string) {
    // A new file only: never an existing one, never through a symbolic link (watch runs as root).
    this.fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
  }
  write(lines: Buffer[]): void {
    if (this.fd < 0 || !lines.length) return;
    const b = Buffer.concat(lines);
    let off = 0;
    while (off < b.length) off += fs.writeSync(this.fd, b, off, b.length - off);
    this.lines += lines.length;
  }
  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
