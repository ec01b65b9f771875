/**
 * @module logs/ingest
 * One pass over a log's bytes, in constant memory: split lines, read timestamps, bin on the fly,
 * collect gaps on the fly. The log itself is never held: a 1 GB log costs the bins (one counter per
 * interval between the first and the last entry) and the candidate silences, plus — only when
 * asked for — the event columns.
 *
 * Inputs here: a Uint8Array or a string, pushed in chunks or whole (`scanBytes`; gzip, recognised
 * by its magic bytes, inflated by bytes/gunzip). No Node module: paths, stdin and streams are read
 * by logs/read.
 *
 * Line rules (README "Reading logs"):
 * - Lines end at LF; a CR before it is dropped. Bytes are never decoded for the timestamp, so
 *   invalid UTF-8 and NUL bytes are harmless. A UTF-8 BOM at the start is skipped.
 * - A line longer than `maxLineBytes` (64 KiB) is cut: its prefix is kept (the timestamp is at
 *   the start) and a `line_too_long` warning is given.
 * - Every line is exactly one of: **parsed** (its timestamp was read), **continuation** (blank,
 *   starting with white space, or not starting like an entry of this format — a stack trace;
 *   it belongs to the entry before it), or **unparsed** (should start an entry but no timestamp is
 *   readable, or a control byte starts it): `lines = parsed + unparsed + continuation` — plus
 *   `otherProgramLines` when one program's lines are picked from a syslog file (`program`).
 * - Each counted entry's first line is classified (error, restart: see logs/lineclass), per bin.
 * - Times that go backwards are kept and counted (`backwards`).
 * - With a match pattern, an entry counts when its first line or any of its continuation lines
 *   matches; only those entries make the bins and silences.
 */
import { DateTime, type Zone } from 'luxon';
import { gunzipBytes } from '../bytes/gunzip';
import { fastBytes, latin1Bytes, utf8 } from '../bytes/text';
import { ArgumentError, LogFormatError, type Warning } from '../errors';
import type { IntervalGrid } from '../grid';
import { detectSilences, EventGaps, GapTracker, SILENCE_DEFAULTS, type SilenceReport } from '../silence/detect';
import { LogBins, MAX_BINS } from './bins';
import { EventColumns, type LogEvents } from './events';
import { builtinFormats, detectFormat, fallbackFormats, lineBreak, type LogFormat } from './formats';
import { DETECT_BYTES, DETECT_LINES, DetectionBuffer, enoughToDetect, LineCarry } from './framing';
import { LineClass, lineClassifier, StunnelBody, stunnelClassifier, stunnelMaybe, type LineClassifier } from './lineclass';
import { OutlierHold } from './outliers';
import { Resolution, Stamp, SyslogYear, YearWalk, ZoneResolver } from './parse';
import { ProgramFilter, SyslogLayout, syslogLayout } from './program';
import { ClassTally } from './tally';
import { WarningLog } from './warnlog';

/** Resolved options of one scan (see `readLog` in logs/index.ts for the user-facing ones). */
export interface ScanOptions {
  /** The format, or null to detect it from the first lines. */
  format: LogFormat | null;
  /** Zone for local times without an offset, and its name and origin for the report. */
  zone: Zone;
  zoneName: string;
  zoneSource: 'option' | 'machine';
  /** Bin width, seconds (whole milliseconds). */
  interval: number;
  /** `--min-gap`, seconds; absent = adaptive. */
  minGap?: number;
  /** Count only entries matching this. */
  match?: RegExp;
  /** Keep the (time, line) columns of the counted entries. */
  keepEvents?: boolean;
  /** Name for warnings. */
  file?: string;
  /** Year of the first line of a yearless (RFC 3164) log. */
  year?: number;
  /** The file's modification time (epoch seconds): the year of a yearless log's last lines. */
  mtime?: number;
  /** Longest line kept, bytes (default 65536). */
  maxLineBytes?: number;
  /** Warnings listed individually per kind before a summary (default 5). */
  maxWarnings?: number;
  /** Fall-back hour: how far (s) a time must go back to switch to the later offset (default 300). */
  repeatTolerance?: number;
  /**
   * Keep only this program's lines of a syslog file (its tag: `stunnel` in `host stunnel[12]:`);
   * other programs' lines are skipped, neither counted nor unparsed. Formats without a program
   * tag ignore it (with a `program_ignored` warning).
   */
  program?: string;
  /** `program` came from the caller's default (the component's name), not the user: a format with no tag reads every line without a warning. */
  programDefault?: boolean;
  /**
   * Bin and look for silences only inside [start, end] (epoch seconds); entries outside are read
   * and counted as parsed, not binned, and the interval is never widened (analyze: a log kept for
   * weeks around captures of an hour).
   */
  window?: { start: number; end: number };
}

export type { LogEvents } from './events';

/** Everything one pass over a log found. Times are epoch seconds (float); null when no entry. */
export interface LogScanResult {
  /** Format name used (`stunnel`, …, `luxon:<fmt>`), `unknown` for an empty log. */
  format: string;
  formatDescription: string;
  /** The format was detected (not named by the caller). */
  detected: boolean;
  /** Zone the local times were read in, or the log's own offset (`-05:00`) when every line had one. */
  timezone: string;
  /** `option` (--tz), `machine` (default zone), `log` (offsets in the lines), `epoch` (absolute). */
  zoneSource: 'option' | 'machine' | 'log' | 'epoch';
  lines: number;
  parsed: number;
  unparsed: number;
  continuation: number;
  /** Entries whose time is earlier than the entry before them. */
  backwards: number;
  /** Entries counted in bins and silences (= parsed without a match pattern). */
  counted: number;
  /** Local times in a spring-forward gap / in a repeated fall-back hour. */
  dstGap: number;
  dstAmbiguous: number;
  /** Lines cut at maxLineBytes. */
  cutLines: number;
  first: number | null;
  last: number | null;
  /** Fraction digits the log's times carry (0 for stunnel, 3 for $msec, 6 for RFC 5424 µs). */
  fracDigits: number;
  /** Bin width, seconds: the one asked for, or wider when the log spans too many (`intervalWidened`). */
  interval: number;
  /** The bins were widened from this interval (s) so that every line is kept: the log spans more than 2^20 of them. */
  intervalWidened?: number;
  /** Entries whose time was far (> 180 days) from their neighbours and which the log then came back from: skipped, counted in `unparsed`. */
  outliers: number;
  /** Grid of the bins: bin 0 starts at `grid.origin`; null when there is no entry. */
  grid: IntervalGrid | null;
  /** Counted entries per bin, every bin from the first to the last entry (zeros included). */
  counts: Uint32Array;
  /** Of those, per bin (same grid): errors, and restarts (start-up banners); see logs/lineclass. */
  errorCounts: Uint32Array;
  restartCounts: Uint32Array;
  /** Totals of errorCounts / restartCounts, and the first few such lines (raw text). */
  errors: number;
  restarts: number;
  errorSamples: string[];
  restartSamples: string[];
  /** The program kept (`ScanOptions.program`), null when none was asked or the format has no tag. */
  program: string | null;
  /** Lines of that program (continuations included), and lines of other programs skipped. */
  programLines: number;
  otherProgramLines: number;
  /** Year of the first line of a yearless (RFC 3164) log, as assumed or given; absent otherwise. */
  assumedYear?: number;
  /** The files read, oldest first (a rotated set: see `readLogSet`). */
  files?: string[];
  silence: SilenceReport;
  events?: LogEvents;
  warnings: Warning[];
}

const EMPTY = new Uint8Array(0);

/**
 * A push parser for one log. Feed it chunks with {@link push}, then call {@link finish}.
 * Usable on any `Uint8Array` source; `scanLog` (logs/read, Node) wraps it for files and streams.
 *
 * The parts it drives, each its own module: framing (the line across chunks, the bytes held for
 * detection), the format's timestamp reader with the zone and year rules (logs/parse), one
 * program's lines of a syslog file (logs/program), held outliers (logs/outliers), the bins and
 * class tallies (logs/bins, logs/tally), the gaps (silence/detect), the event columns
 * (logs/events) and the warnings (logs/warnlog). What stays here is the order of the steps for
 * each line, and the counters of the result.
 */
export class LogScanner {
  private fmt: LogFormat | null;
  private readonly detected: boolean;
  private readonly st = new Stamp();
  private readonly resolver: ZoneResolver;
  private years: YearWalk | null = null;
  private readonly maxLineBytes: number;
  private readonly match: RegExp | undefined;
  /** A window was asked for (analyze): entries outside it are not binned, bins never widened. */
  private readonly windowed: boolean;
  private readonly winLo: number;
  private readonly winHi: number;

  private readonly bins: LogBins;
  private readonly tally: ClassTally;
  private readonly outliers = new OutlierHold();
  private readonly gaps: EventGaps;
  private readonly events: EventColumns | null;
  private readonly warnings: WarningLog;
  private readonly carry: LineCarry;
  private readonly held = new DetectionBuffer();

  /** Set when a program is picked (`program`): its lines are kept, and counted. */
  private readonly program: ProgramFilter | null;
  /**
   * The syslog fields of each line are read (a program is picked and the format has a tag). A
   * plain boolean on the hot path: with isolatedModules, another module's const enum is a
   * property load per use.
   */
  private tagged = false;
  private classify: LineClassifier | null = null;
  /** stunnel's own format: the classifier's state, read by the pre-check in scan(). */
  private stunnelBody: StunnelBody | null = null;
  /** Classify in scan() after the lines were counted (no match pattern; see scan). */
  private readonly classifyAfter: boolean;
  /** Formats tried on lines the detected one cannot read (null when the format was named). */
  private others: LogFormat[] | null = null;
  private lastOther: LogFormat | null = null;

  /** The line break: LF, or CR in a log that has no LF (see `lineBreak`), set by the first bytes. */
  private eol = 10;
  private eolSet = false;

  // counters of the result
  private lines = 0;
  private parsed = 0;
  private unparsed = 0;
  private continuation = 0;
  private backwards = 0;
  private counted = 0;
  private dstGap = 0;
  private dstAmbiguous = 0;
  private cutLines = 0;
  private outlierCount = 0;
  private fracDigits = 0;
  private usedZone = false;
  /** Some line carried an absolute time (an epoch). */
  private absolute = false;
  private firstOffset = NaN;
  /** Resolution of the last DST-affected line (to warn once per repeated-hour pass). */
  private lastAmbiguous: Resolution = Resolution.UNIQUE;
  private firstUnparsed = '';
  private firstUnparsedLine = 0;

  // the log's extent, epoch µs (entries binned or not), and the time of the entry read last
  private firstUs = Infinity;
  private firstLine = 0;
  private lastUs = -Infinity;
  private lastLine = 0;
  private prevUs = -Infinity;

  // match mode: the entry waiting for its continuation lines
  private pendUs = NaN;
  private pendLine = 0;
  private pendMatched = false;
  private pendClass: number = LineClass.NONE;
  private pendText = '';

  constructor(private readonly opts: ScanOptions) {
    this.bins = new LogBins(opts.interval);
    this.tally = new ClassTally(this.bins);
    this.winLo = opts.window ? opts.window.start * 1e6 : -Infinity;
    this.winHi = opts.window ? opts.window.end * 1e6 : Infinity;
    this.windowed = opts.window !== undefined;
    this.fmt = opts.format;
    this.detected = opts.format === null;
    this.resolver = new ZoneResolver(opts.zone, opts.repeatTolerance ?? 300);
    this.maxLineBytes = opts.maxLineBytes ?? 65536;
    this.carry = new LineCarry(this.maxLineBytes + 1);
    this.warnings = new WarningLog(opts.file ?? null, opts.maxWarnings ?? 5);
    this.match = opts.match;
    this.program = opts.program ? new ProgramFilter(latin1Bytes(opts.program)) : null;
    this.classifyAfter = !opts.match;
    if (opts.minGap !== undefined && !(opts.minGap > 0)) throw new ArgumentError(`min-gap must be > 0, got ${opts.minGap}`);
    this.gaps = new EventGaps(new GapTracker(Math.round(Math.min(opts.minGap ?? SILENCE_DEFAULTS.floor, SILENCE_DEFAULTS.floor) * 1e6)));
    this.events = opts.keepEvents ? new EventColumns() : null;
    if (this.fmt) this.prepareFormat();
  }

  /** Feeds the next bytes of the log. The chunk is not kept after the call returns. */
  push(chunk: Uint8Array): void {
    const b = fastBytes(chunk);
    if (b.length === 0) return;
    if (!this.eolSet) {
      this.eol = lineBreak(b);
      this.eolSet = true;
    }
    if (!this.fmt && this.held.empty && enoughToDetect(b)) {
      this.detectFrom(b); // one big chunk: detect in place, no copy
      this.scan(b);
      return;
    }
    if (!this.fmt) {
      if (this.held.add(b)) this.detect();
      return;
    }
    this.scan(b);
  }

  /** Ends the log: the last unterminated line, the pending entry, bins and silences. */
  finish(): LogScanResult {
    if (!this.fmt && this.held.bytes > 0) this.detect();
    if (this.carry.total > 0) this.flushCarry();
    // Far entries the log never came back from are its real end (a jump, then the rest).
    if (this.outliers.held > 0) this.keepHeld();
    if (this.match && this.pendUs === this.pendUs && this.pendMatched) this.countPending();
    this.pendUs = NaN;
    return this.result();
  }

  /**
   * The next file of a set read as one log (`readLogSet`): a last line without LF ends with its
   * file; warnings name the new file and number its lines from 1.
   */
  nextFile(name: string): void {
    if (!this.fmt && this.held.bytes > 0) this.detect();
    if (this.carry.total > 0) this.flushCarry();
    this.warnings.file = name;
    this.warnings.lineBase = this.lines;
  }

  /**
   * A yearless log's years: the first and last line's (as assumed) and the last line's month,
   * day and second of the day — to check the assumption against a file time. Null otherwise.
   */
  yearInfo(): { first: number; last: number; month: number; day: number; secOfDay: number } | null {
    return this.years?.info() ?? null;
  }

  // ---- detection --------------------------------------------------------------------------------

  private detect(): void {
    const all = this.held.take();
    this.detectFrom(all);
    this.scan(all);
  }

  private detectFrom(all: Uint8Array): void {
    const found = detectFormat(all.subarray(0, Math.min(all.length, DETECT_BYTES)), DETECT_LINES);
    if (!found) {
      throw new LogFormatError(
        `no known timestamp format in the first lines (tried ${builtinFormats().map((f) => f.name).join(', ')}, at the start of each of the first fields); name one with --format, or say where the time is with --time-field or --time-regex`,
        { file: this.opts.file, line: 1 },
      );
    }
    this.fmt = found.format;
    this.others = fallbackFormats().filter((f) => f.name !== found.format.name);
    this.prepareFormat();
  }

  private prepareFormat(): void {
    const fmt = this.fmt!;
    if (fmt.name === 'stunnel') {
      this.stunnelBody = new StunnelBody();
      this.classify = stunnelClassifier(this.stunnelBody);
    } else this.classify = lineClassifier(fmt.name);
    if (this.program) {
      const layout = syslogLayout(fmt.name);
      this.tagged = layout !== SyslogLayout.NONE;
      this.program.layout = layout;
      if (!this.tagged && !this.opts.programDefault) {
        this.warnings.add({ file: this.warnings.file, reason: `program "${this.opts.program}" not applied: ${fmt.name} lines carry no program tag (syslog, rfc5424 and journal do)`, code: 'program_ignored' });
      }
    }
    if (!fmt.yearless) return;
    const o = this.opts;
    if (o.year !== undefined) this.years = new YearWalk(new SyslogYear(o.year));
    else if (o.mtime !== undefined) {
      const m = DateTime.fromSeconds(o.mtime, { zone: o.zone });
      this.years = new YearWalk(new SyslogYear(undefined, m.year, m.month));
    } else if (fmt.name.startsWith('auto')) {
      // Any format at a given field (--time-field without --format): most carry a year; one that
      // does not takes the current one.
      const now = DateTime.now().setZone(o.zone);
      this.years = new YearWalk(new SyslogYear(undefined, now.year, now.month));
    } else {
      throw new ArgumentError(`${fmt.name} lines carry no year: give the year of the first line (year, alibi --year) or the file's modification time`);
    }
  }

  // ---- lines ----------------------------------------------------------------------------------------

  private scan(b: Uint8Array): void {
    let pos = 0;
    const n = b.length;
    const eol = this.eol;
    if (this.carry.total > 0) {
      const nl = b.indexOf(eol);
      if (nl < 0) {
        this.carry.append(b, 0, n);
        return;
      }
      this.carry.append(b, 0, nl);
      this.flushCarry();
      pos = nl + 1;
    }
    // Line classes are taken here, after the line was counted, not in line()/entry(): this loop
    // is V8's optimisation unit, and a classifier inlined deep in it made V8 stop inlining the
    // timestamp reader (+15% on the 1 GB stunnel log). A stunnel line is classified only when
    // four byte tests say it may be an error or a restart (`stunnelMaybe`).
    if (!this.outliers.sampled) this.outliers.sample(this.fmt, b, pos, eol, DETECT_LINES);
    const record = this.classifyAfter;
    const gate = this.stunnelBody;
    while (pos < n) {
      const nl = b.indexOf(eol, pos);
      if (nl < 0) break;
      const counted = this.counted;
      this.line(b, pos, nl, false);
      if (record && counted !== this.counted && (gate === null || stunnelMaybe(b, pos + 20, gate.close))) {
        // Without a match pattern the entry counted is the entry parsed last: its time is prevUs.
        this.lineClass(b, pos, nl, this.prevUs);
      }
      pos = nl + 1;
    }
    if (pos < n) this.carry.append(b, pos, n);
  }

  private flushCarry(): void {
    const c = this.carry;
    const counted = this.counted;
    this.line(c.bytes, 0, c.length, c.cut);
    if (counted !== this.counted && this.classifyAfter) this.lineClass(c.bytes, 0, c.length, this.prevUs);
    c.clear();
  }

  /** One line `b[s, e)` without its LF. `truncated`: bytes past `e` were already dropped. */
  private line(b: Uint8Array, s: number, e: number, truncated: boolean): void {
    const no = ++this.lines;
    if (!truncated && e > s && b[e - 1] === 13) e--;
    if (no === 1 && e - s >= 3 && b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    if (truncated || e - s > this.maxLineBytes) {
      if (e - s > this.maxLineBytes) e = s + this.maxLineBytes;
      this.cutLines++;
      this.warnings.warn('line_too_long', no, `line longer than ${this.maxLineBytes} bytes: cut, its first ${this.maxLineBytes} bytes kept`);
    }
    const st = this.st;
    const fmt = this.fmt!;
    if (fmt.read(b, s, e, st) || (this.others !== null && this.readOther(b, s, e, st))) {
      // Kept out of line (as the line classes are, see scan): the code inlined here must stay small.
      if (this.tagged && !this.ownProgram(b, s, e, st)) return;
      let t: number;
      if (st.epochUs === st.epochUs) {
        t = st.epochUs;
        this.absolute = true;
      } else {
        if (st.year === 0) this.years!.assign(st);
        if (st.year < 1970 || st.year > 2200) {
          this.bad(no, `implausible year ${st.year}`);
          return;
        }
        const wall = st.wallSeconds();
        if (st.offset === st.offset) {
          t = (wall - st.offset) * 1e6 + st.micros;
          if (st.offset !== this.firstOffset && this.firstOffset !== this.firstOffset) this.firstOffset = st.offset;
        } else {
          t = this.resolver.toUtc(wall) * 1e6 + st.micros;
          this.usedZone = true;
          if (this.resolver.resolution !== Resolution.UNIQUE) this.dst(no);
        }
      }
      if (st.fracDigits > this.fracDigits) this.fracDigits = st.fracDigits;
      this.entry(t, no, b, s, e);
      return;
    }
    const c = s < e ? b[s] : 32;
    if (c === 32 || c === 9) {
      this.continued(b, s, e);
    } else if (c < 32 || c === 127) {
      this.bad(no, `line starts with control byte 0x${c.toString(16).padStart(2, '0')} (binary data?)`);
    } else if (fmt.startsEntry(b, s, e)) {
      this.bad(no, `no ${fmt.name} timestamp readable at the line start: "${printable(b, s, e)}"`);
    } else {
      this.continued(b, s, e);
    }
  }

  /**
   * A line of a detected log that its format cannot read, in another format with a year at its
   * start (optionally glued to a word: `raft2026/12/03 …`): a second logger writing into the file.
   * The format that read one last is tried first.
   */
  private readOther(b: Uint8Array, s: number, e: number, st: Stamp): boolean {
    const c = b[s];
    if (c === 32 || c === 9 || s >= e) return false;
    let i = s;
    while (i < e && i - s < 16 && ((b[i] | 0x20) >= 0x61 && (b[i] | 0x20) <= 0x7a)) i++;
    if (i > s && !(i < e && b[i] >= 0x30 && b[i] <= 0x39)) i = s; // letters not glued to a date
    const others = this.others!;
    if (this.lastOther !== null && this.lastOther.read(b, i, e, st)) return true;
    for (const f of others) {
      if (f !== this.lastOther && f.read(b, i, e, st)) {
        this.lastOther = f;
        return true;
      }
    }
    return false;
  }

  /** Is this the program's line? Else it is skipped, and its continuation lines with it. */
  private ownProgram(b: Uint8Array, s: number, e: number, st: Stamp): boolean {
    if (this.program!.own(b, s, e)) return true;
    // Another program's line: skipped, but its date still walks the year forward.
    if (st.year === 0 && st.epochUs !== st.epochUs) this.years!.assign(st);
    return false;
  }

  private continued(b: Uint8Array, s: number, e: number): void {
    if (this.program !== null && !this.program.continued()) return;
    this.continuation++;
    if (this.match && this.pendUs === this.pendUs && !this.pendMatched) {
      this.pendMatched = this.match.test(utf8(b, s, e));
    }
  }

  private bad(no: number, reason: string): void {
    if (this.unparsed++ === 0) {
      this.firstUnparsedLine = this.warnings.local(no);
      this.firstUnparsed = `line ${this.firstUnparsedLine}: ${reason}`;
    }
    this.warnings.warn('unparsable_timestamp', no, reason);
  }

  /** Counts a DST line; warns on every gap line, and once when a repeated hour starts or switches. */
  private dst(no: number): void {
    const r = this.resolver.resolution;
    if (r === Resolution.GAP) {
      this.dstGap++;
      this.warnings.warn('dst_gap', no, `local time does not exist in ${this.opts.zoneName} (spring-forward gap): read with the offset before the change, i.e. moved forward by the gap`);
    } else {
      this.dstAmbiguous++;
      if (r !== this.lastAmbiguous) {
        this.warnings.warn(
          'dst_repeated_hour',
          no,
          r === Resolution.AMBIGUOUS_LATER
            ? `repeated fall-back hour in ${this.opts.zoneName}: the time went back, from here read with the later offset`
            : `repeated fall-back hour in ${this.opts.zoneName}: read with the earlier offset until the time goes back`,
        );
      }
    }
    this.lastAmbiguous = r;
  }

  private entry(t: number, no: number, b: Uint8Array, s: number, e: number): void {
    // A time far from where the log is (a clock not yet set at boot, a flipped bit) is held: if
    // the log comes back it was an outlier, if it stays there the log moved.
    // Only in a log in time order: one whose lines step back often (merged or shuffled records,
    // LogHub's HPC) has no "where the log is" for a far line to be far from.
    const o = this.outliers;
    if (o.far(t) && (this.parsed >= 16 || o.dense) && this.backwards * 64 <= this.parsed) {
      if (o.hold(t, no)) return;
      this.keepHeld();
    } else if (o.held > 0) this.dropHeld();
    o.anchor = t;
    if (this.windowed && (t < this.winLo || t > this.winHi)) {
      this.read(t, no); // outside the window asked for: read, not binned
      return;
    }
    // Room in the bins for every parsed time: wider bins when the log spans too many.
    if (!this.bins.place(t, no, !this.windowed)) {
      this.bad(no, `time ${new Date(t / 1000).toISOString()} is more than ${MAX_BINS} intervals away from the log's other times (use a larger --interval for a longer log)`);
      return;
    }
    this.read(t, no);
    if (!this.match) {
      this.count(t, no);
      return;
    }
    if (this.pendUs === this.pendUs && this.pendMatched) this.countPending();
    this.pendUs = t;
    this.pendLine = no;
    this.pendMatched = this.match.test(utf8(b, s, e));
    this.pendingClass(b, s, e);
  }

  /** An entry read: counted as parsed, and the log's first and last times (binned or not). */
  private read(t: number, no: number): void {
    this.parsed++;
    if (t < this.prevUs) this.backwards++;
    this.prevUs = t;
    if (t < this.firstUs) {
      this.firstUs = t;
      this.firstLine = no;
    }
    if (t >= this.lastUs) {
      this.lastUs = t;
      this.lastLine = no;
    }
  }

  /** The held far entries were real: counted (without their text: neither matched nor classified). */
  private keepHeld(): void {
    const o = this.outliers;
    const n = o.held;
    o.held = 0;
    for (let k = 0; k < n; k++) {
      o.anchor = NaN; // each passes entry()'s check (a held run may be months apart itself)
      this.entry(o.times[k], o.lines[k], EMPTY, 0, 0);
    }
    o.anchor = o.times[n - 1];
  }

  /** The held far entries were outliers: the log came back. Skipped, each a warning. */
  private dropHeld(): void {
    const o = this.outliers;
    for (let k = 0; k < o.held; k++) {
      const t = o.times[k];
      this.unparsed++;
      this.outlierCount++;
      const days = Math.abs(t - o.anchor) / 86400e6;
      this.warnings.warn('time_outlier', o.lines[k], `time ${new Date(t / 1000).toISOString()} is ${days.toFixed(0)} days from the lines around it (a clock not yet set, a garbled date): skipped as an outlier`);
    }
    o.held = 0;
  }

  /** The class of the entry held for its continuation lines (match mode). */
  private pendingClass(b: Uint8Array, s: number, e: number): void {
    const cls = this.classify!(b, s, e, this.tagged ? this.program!.fields : null);
    this.pendClass = cls;
    this.pendText = cls !== 0 && this.tally.wantSample(cls) ? sampleText(b, s, e) : '';
  }

  /** Classifies the counted line `b[s, e)` of time `t` (no match pattern) and tallies it. */
  private lineClass(b: Uint8Array, s: number, e: number, t: number): void {
    if (e > s && b[e - 1] === 13) e--;
    if (b[s] === 0xef && e - s >= 3 && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    if (e - s > this.maxLineBytes) e = s + this.maxLineBytes;
    // Called right after the line was read: the syslog fields read for `program` are its own.
    const cls = this.classify!(b, s, e, this.tagged ? this.program!.fields : null);
    if (cls !== 0) this.tally.add(t, cls, this.tally.wantSample(cls) ? sampleText(b, s, e) : '');
  }

  /** Counts the entry held for its continuation lines (match mode). */
  private countPending(): void {
    this.count(this.pendUs, this.pendLine);
    if (this.pendClass !== LineClass.NONE) this.tally.add(this.pendUs, this.pendClass, this.pendText);
  }

  /** An entry that counts: bins, gaps, events. */
  private count(t: number, no: number): void {
    this.counted++;
    this.bins.count(t);
    this.gaps.add(t, no);
    if (this.events !== null) this.events.add(t, no);
  }

  // ---- the result -----------------------------------------------------------------------------------

  private result(): LogScanResult {
    const warnings = this.warnings.all();
    const any = this.parsed > 0;
    // With a match pattern, the stretches before the first and after the last counted entry are
    // gaps too (the event stopped while the log went on).
    if (this.match && any) this.gaps.edges(this.firstUs, this.lastUs, this.firstLine, this.lastLine, this.counted > 0);
    const { grid, counts, errorCounts, restartCounts } = this.bins.cut();
    const bins = this.bins;
    if (bins.widenedFrom > 0) {
      warnings.unshift({
        file: this.warnings.file,
        line: this.warnings.local(bins.widenedLine),
        code: 'interval_widened',
        reason: `the log spans ${((this.lastUs - this.firstUs) / 86400e6).toFixed(1)} days, more than ${MAX_BINS} bins of ${bins.widenedFrom} s: bins widened to ${bins.interval} s so that every line is kept (give interval, alibi --interval, to choose)`,
      });
    }
    const silence = detectSilences(this.gaps.gaps, grid, 0, counts, { minGap: this.opts.minGap });

    let timezone = this.opts.zoneName;
    let zoneSource: LogScanResult['zoneSource'] = this.opts.zoneSource;
    if (any && !this.usedZone) {
      if (this.firstOffset === this.firstOffset) {
        timezone = formatOffset(this.firstOffset);
        zoneSource = 'log';
      } else if (this.absolute) {
        timezone = 'UTC';
        zoneSource = 'epoch';
      }
    }
    // A format that reads under half of the lines meant to carry a time is likely the wrong one.
    if (this.fmt && this.unparsed > this.parsed && this.unparsed >= 2) {
      warnings.unshift({
        file: this.warnings.file,
        line: this.firstUnparsedLine,
        code: 'format_mismatch',
        reason: `format ${this.fmt.name} read the time of only ${this.parsed} of ${this.parsed + this.unparsed} lines (${this.firstUnparsed}); name the format (format, alibi --format) or say where the time is (timeField or timeRegex, alibi --time-field or --time-regex)`,
      });
    }
    const t = this.tally;
    const out: LogScanResult = {
      format: this.fmt ? this.fmt.name : 'unknown',
      formatDescription: this.fmt ? this.fmt.description : 'empty log',
      detected: this.detected,
      timezone,
      zoneSource,
      lines: this.lines,
      parsed: this.parsed,
      unparsed: this.unparsed,
      continuation: this.continuation,
      backwards: this.backwards,
      counted: this.counted,
      dstGap: this.dstGap,
      dstAmbiguous: this.dstAmbiguous,
      cutLines: this.cutLines,
      first: any ? this.firstUs / 1e6 : null,
      last: any ? this.lastUs / 1e6 : null,
      fracDigits: this.fracDigits,
      interval: bins.interval,
      outliers: this.outlierCount,
      grid,
      counts,
      errorCounts,
      restartCounts,
      errors: t.errors,
      restarts: t.restarts,
      errorSamples: t.errorSamples.slice(),
      restartSamples: t.restartSamples.slice(),
      program: this.tagged ? this.opts.program! : null,
      programLines: this.program?.lines ?? 0,
      otherProgramLines: this.program?.otherLines ?? 0,
      silence,
      warnings,
    };
    const years = this.years?.info();
    if (years) out.assumedYear = years.first;
    if (bins.widenedFrom > 0) out.intervalWidened = bins.widenedFrom;
    if (this.events !== null) out.events = this.events.columns();
    return out;
  }
}

/** A line for a sample: its text (bad UTF-8 becomes U+FFFD; reports escape it), cut at 300 bytes. */
function sampleText(b: Uint8Array, s: number, e: number): string {
  return utf8(b, s, Math.min(e, s + 300));
}

/** `-05:00`, `+05:30`, `UTC` for 0. */
export function formatOffset(sec: number): string {
  if (sec === 0) return 'UTC';
  const a = Math.abs(sec) / 60;
  return `${sec < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The first bytes of a line for a warning, non-printable bytes as `\xNN`. */
function printable(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e && i < s + 40; i++) {
    const c = b[i];
    out += c >= 32 && c < 127 ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
  }
  return e - s > 40 ? out + '…' : out;
}

// ---- sources ---------------------------------------------------------------------------------------

/**
 * Scans an in-memory log (sync). Gzip bytes are inflated first (bytes/gunzip: fflate, trailers
 * checked as zlib checks them, so this runs without Node): a stream cut off or damaged keeps what
 * inflated and adds an `input_damaged` warning; bad data before any output is a LogFormatError.
 */
export function scanBytes(data: Uint8Array | string, opts: ScanOptions): LogScanResult {
  const s = new LogScanner(opts);
  const b = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    const gz = gunzipBytes(b);
    if (gz.damage !== null && gz.length === 0 && !gz.cutOff) {
      throw new LogFormatError(`bad gzip data: ${gz.damage}`, { file: opts.file, line: 1 });
    }
    for (const chunk of gz.chunks) s.push(chunk);
    const res = s.finish();
    if (gz.damage !== null) res.warnings.push({ file: opts.file ?? null, line: res.lines, reason: `input damaged after line ${res.lines}: ${gz.damage}`, code: 'input_damaged' });
    return res;
  }
  s.push(b);
  return s.finish();
}
