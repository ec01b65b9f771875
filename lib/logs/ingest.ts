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
import { concatBytes } from '../bytes/concat';
import { fastBytes, latin1Bytes, utf8 } from '../bytes/text';
import { ArgumentError, LogFormatError, type Warning } from '../errors';
import { IntervalGrid, WIDER_INTERVALS } from '../grid';
import { detectSilences, GapTracker, SILENCE_DEFAULTS, type SilenceReport } from '../silence/detect';
import { builtinFormats, detectFormat, fallbackFormats, lineBreak, type LogFormat } from './formats';
import { LineClass, lineClassifier, StunnelBody, stunnelClassifier, stunnelMaybe, type LineClassifier } from './lineclass';
import { Resolution, Stamp, SyslogYear, ZoneResolver } from './parse';
import { readSyslogFields, SyslogFields, SyslogLayout, syslogLayout, tagIs } from './program';

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

/** Event columns: epoch seconds and 1-based line numbers of the counted entries, in log order. */
export interface LogEvents {
  time: Float64Array;
  line: Uint32Array;
}

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

/** Auto-detection waits for this many lines (or bytes, or the end). */
const DETECT_LINES = 64;
const DETECT_BYTES = 1 << 24; // a first line of megabytes (a dumped blob) must not hide the rest
/**
 * Largest bin span kept: 2^20 bins (12 days at 1 s, 2 years at 1 min); entries beyond are unparsed
 * (garbled dates). Was 2^25: one bit flipped in a year made `alibi logs` build 31.5 M bins and
 * die out of memory after 220 s (fuzz finding log:9:12076).
 */
const MAX_BINS = 1 << 20;
/** WIDER_INTERVALS in µs. */
const WIDTHS = WIDER_INTERVALS.map((x) => x * 1e6);
/**
 * A time this far (µs) from the entry before it is held as a possible outlier: half a year, so
 * that a monthly job's log is never held, while a clock not set (1970) or a flipped year digit is.
 */
const FAR_US = 180 * 86400e6;
/** Far entries held at most: more in a row and the log really moved. */
const QUARANTINE = 8;
const EMPTY = new Uint8Array(0);

/**
 * A push parser for one log. Feed it chunks with {@link push}, then call {@link finish}.
 * Usable on any `Uint8Array` source; `scanLog` (logs/read, Node) wraps it for files and streams.
 */
export class LogScanner {
  private fmt: LogFormat | null;
  private readonly detected: boolean;
  private readonly st = new Stamp();
  private readonly resolver: ZoneResolver;
  private years: SyslogYear | null = null;
  private readonly maxLineBytes: number;
  private readonly maxWarn: number;
  private readonly match: RegExp | undefined;
  private widthUs: number;
  private interval: number;
  private widenedFrom = 0;
  private readonly winLo: number;
  /** A window was asked for (analyze): entries outside it are not binned, bins never widened. */
  private readonly windowed: boolean;
  private readonly winHi: number;
  // the bins' entries' first and last times (entries outside the window are not binned)
  private binLo = Infinity;
  private binHi = -Infinity;
  // outliers: entries far from the time the log was at, held until the log shows where it goes
  private anchor = NaN;
  private anchorSet = false;
  /** The first lines lie together (see sampleAnchor): a far line before 16 entries can be held. */
  private denseStart = false;
  private readonly qT = new Float64Array(QUARANTINE);
  private readonly qLine = new Uint32Array(QUARANTINE);
  private qN = 0;
  private outliers = 0;
  /** The file being read (a set changes it: {@link nextFile}); warnings name it. */
  private file: string | null;
  /** Lines of the files before this one: warnings count lines from 1 in each file. */
  private lineBase = 0;

  // one program of a syslog file, and line classes
  private readonly programName: Uint8Array | null;
  private layout = SyslogLayout.NONE;
  /**
   * The syslog fields of each line are read (a program is picked). A plain boolean on the hot
   * path: with isolatedModules, another module's const enum is a property load per use.
   */
  private tagged = false;
  private readonly fields = new SyslogFields();
  private classify: LineClassifier | null = null;
  /** The current entry is another program's: its continuation lines are skipped with it. */
  private skipping = false;
  private programLines = 0;
  private otherProgramLines = 0;
  private errors = 0;
  private restarts = 0;
  private readonly errorSamples: string[] = [];
  private readonly restartSamples: string[] = [];

  // yearless logs: the years given to the first and the last line, and the last line's date
  private firstYear = 0;
  private lastYear = 0;
  private lastMonth = 0;
  private lastDay = 0;
  private lastSecOfDay = 0;

  // counters
  private lines = 0;
  private parsed = 0;
  private unparsed = 0;
  private continuation = 0;
  private backwards = 0;
  private counted = 0;
  private dstGap = 0;
  private dstAmbiguous = 0;
  private cutLines = 0;
  private fracDigits = 0;
  private usedZone = false;
  private firstUnparsed = '';
  private firstUnparsedLine = 0;
  /** Formats tried on lines the detected one cannot read (null when the format was named). */
  private others: LogFormat[] | null = null;
  private lastOther: LogFormat | null = null;
  private widenedLine = 0;
  /** Some line carried an absolute time (an epoch). */
  private absolute = false;
  /** Resolution of the last DST-affected line (to warn once per repeated-hour pass). */
  private lastAmbiguous: Resolution = Resolution.UNIQUE;
  private firstOffset = NaN;

  /** The line break: LF, or CR in a log that has no LF (see `lineBreak`), set by the first bytes. */
  private eol = 10;
  private eolSet = false;

  // detection buffer
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private pendingLines = 0;

  // a line straddling chunks: kept bytes, and the line's full length so far
  private carry = new Uint8Array(256);
  private carryLen = 0;
  private carryTotal = 0;

  // times, epoch µs
  private firstUs = Infinity;
  private firstLine = 0;
  private lastUs = -Infinity;
  private lastLine = 0;
  private prevUs = -Infinity;
  /** Latest counted time and its line: gaps are measured from it. */
  private maxUs = -Infinity;
  private maxLine = 0;
  private minCountedUs = Infinity;
  private minCountedLine = 0;

  // bins: counts[i] is absolute bin (binBase + i)
  private bins = new Uint32Array(0);
  private errBins = new Uint32Array(0);
  private rstBins = new Uint32Array(0);
  private binBase = 0;

  private readonly gaps: GapTracker;

  // match mode: the entry waiting for its continuation lines
  private pendUs = NaN;
  private pendLine = 0;
  private pendMatched = false;
  private pendClass: number = LineClass.NONE;
  /** Classify in scan() after the lines were counted (no match pattern; see scan). */
  private readonly classifyAfter: boolean;
  /** stunnel's own format: the classifier's state, read by the pre-check in scan(). */
  private stunnelBody: StunnelBody | null = null;

  private pendText = '';

  // events
  private evCap = 0;
  private evTime: Float64Array | null = null;
  private evLine: Uint32Array | null = null;

  private readonly warnings: Warning[] = [];
  private readonly warnCounts = new Map<string, { n: number; firstSkipped: number }>();

  constructor(private readonly opts: ScanOptions) {
    IntervalGrid.forStart(0, 0, opts.interval); // validates the width (whole ms, ≥ 1 ms)
    this.widthUs = Math.round(opts.interval * 1e6);
    this.interval = opts.interval;
    this.winLo = opts.window ? opts.window.start * 1e6 : -Infinity;
    this.winHi = opts.window ? opts.window.end * 1e6 : Infinity;
    this.windowed = opts.window !== undefined;
    this.fmt = opts.format;
    this.detected = opts.format === null;
    this.resolver = new ZoneResolver(opts.zone, opts.repeatTolerance ?? 300);
    this.maxLineBytes = opts.maxLineBytes ?? 65536;
    this.maxWarn = opts.maxWarnings ?? 5;
    this.match = opts.match;
    this.file = opts.file ?? null;
    this.programName = opts.program ? latin1Bytes(opts.program) : null;
    this.classifyAfter = !opts.match;
    if (opts.minGap !== undefined && !(opts.minGap > 0)) throw new ArgumentError(`min-gap must be > 0, got ${opts.minGap}`);
    this.gaps = new GapTracker(Math.round(Math.min(opts.minGap ?? SILENCE_DEFAULTS.floor, SILENCE_DEFAULTS.floor) * 1e6));
    if (opts.keepEvents) {
      this.evCap = 1024;
      this.evTime = new Float64Array(this.evCap);
      this.evLine = new Uint32Array(this.evCap);
    }
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
    if (!this.fmt && this.pending.length === 0 && enoughToDetect(b)) {
      this.detectFrom(b); // one big chunk: detect in place, no copy
      this.scan(b);
      return;
    }
    if (!this.fmt) {
      this.pending.push(fastBytes(new Uint8Array(b))); // copied: the caller may reuse its buffer
      this.pendingBytes += b.length;
      for (let i = b.indexOf(10); i >= 0 && this.pendingLines < DETECT_LINES; i = b.indexOf(10, i + 1)) this.pendingLines++;
      if (this.pendingLines >= DETECT_LINES || this.pendingBytes >= DETECT_BYTES) this.detect();
      return;
    }
    this.scan(b);
  }

  /** Ends the log: the last unterminated line, the pending entry, bins and silences. */
  finish(): LogScanResult {
    if (!this.fmt && this.pendingBytes > 0) this.detect();
    if (this.carryTotal > 0) this.flushCarry();
    // Far entries the log never came back from are its real end (a jump, then the rest).
    if (this.qN > 0) this.keepQuarantine();
    if (this.match && this.pendUs === this.pendUs && this.pendMatched) this.countPending();
    this.pendUs = NaN;
    return this.result();
  }

  /**
   * The next file of a set read as one log (`readLogSet`): a last line without LF ends with its
   * file; warnings name the new file and number its lines from 1.
   */
  nextFile(name: string): void {
    if (!this.fmt && this.pendingBytes > 0) this.detect();
    if (this.carryTotal > 0) this.flushCarry();
    this.file = name;
    this.lineBase = this.lines;
  }

  /**
   * A yearless log's years: the first and last line's (as assumed) and the last line's month,
   * day and second of the day — to check the assumption against a file time. Null otherwise.
   */
  yearInfo(): { first: number; last: number; month: number; day: number; secOfDay: number } | null {
    if (this.firstYear === 0) return null;
    return { first: this.firstYear, last: this.lastYear, month: this.lastMonth, day: this.lastDay, secOfDay: this.lastSecOfDay };
  }

  // ---- detection --------------------------------------------------------------------------------

  private detect(): void {
    const all = fastBytes(concatBytes(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
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
    if (this.fmt!.name === 'stunnel') {
      this.stunnelBody = new StunnelBody();
      this.classify = stunnelClassifier(this.stunnelBody);
    } else this.classify = lineClassifier(this.fmt!.name);
    if (this.programName) {
      this.layout = syslogLayout(this.fmt!.name);
      this.tagged = this.layout !== SyslogLayout.NONE;
      if (!this.tagged && !this.opts.programDefault) {
        this.warnings.push({ file: this.file, reason: `program "${this.opts.program}" not applied: ${this.fmt!.name} lines carry no program tag (syslog, rfc5424 and journal do)`, code: 'program_ignored' });
      }
    }
    if (!this.fmt!.yearless) return;
    const o = this.opts;
    if (o.year !== undefined) this.years = new SyslogYear(o.year);
    else if (o.mtime !== undefined) {
      const m = DateTime.fromSeconds(o.mtime, { zone: o.zone });
      this.years = new SyslogYear(undefined, m.year, m.month);
    } else if (this.fmt!.name.startsWith('auto')) {
      // Any format at a given field (--time-field without --format): most carry a year; one that
      // does not takes the current one.
      const now = DateTime.now().setZone(o.zone);
      this.years = new SyslogYear(undefined, now.year, now.month);
    } else {
      throw new ArgumentError(`${this.fmt!.name} lines carry no year: give the year of the first line (year, alibi --year) or the file's modification time`);
    }
  }

  // ---- lines ----------------------------------------------------------------------------------------

  private scan(b: Uint8Array): void {
    let pos = 0;
    const n = b.length;
    const eol = this.eol;
    if (this.carryTotal > 0) {
      const nl = b.indexOf(eol);
      if (nl < 0) {
        this.appendCarry(b, 0, n);
        return;
      }
      this.appendCarry(b, 0, nl);
      this.flushCarry();
      pos = nl + 1;
    }
    // Line classes are taken here, after the line was counted, not in line()/entry(): this loop
    // is V8's optimisation unit, and a classifier inlined deep in it made V8 stop inlining the
    // timestamp reader (+15% on the 1 GB stunnel log). A stunnel line is classified only when
    // four byte tests say it may be an error or a restart (`stunnelMaybe`).
    if (!this.anchorSet) {
      this.anchorSet = true;
      this.anchor = this.sampleAnchor(b, pos);
    }
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
    if (pos < n) this.appendCarry(b, pos, n);
  }

  private appendCarry(b: Uint8Array, s: number, e: number): void {
    const keep = Math.min(e - s, this.maxLineBytes + 1 - this.carryLen);
    if (keep > 0) {
      if (this.carryLen + keep > this.carry.length) {
        const c = new Uint8Array(Math.min(Math.max(this.carry.length * 2, this.carryLen + keep), this.maxLineBytes + 1));
        c.set(this.carry.subarray(0, this.carryLen));
        this.carry = c;
      }
      this.carry.set(b.subarray(s, s + keep), this.carryLen);
      this.carryLen += keep;
    }
    this.carryTotal += e - s;
  }

  private flushCarry(): void {
    const truncated = this.carryTotal > this.carryLen;
    const counted = this.counted;
    this.line(this.carry, 0, this.carryLen, truncated);
    if (counted !== this.counted && this.classifyAfter) this.lineClass(this.carry, 0, this.carryLen, this.prevUs);
    this.carryLen = 0;
    this.carryTotal = 0;
  }

  /** One line `b[s, e)` without its LF. `truncated`: bytes past `e` were already dropped. */
  private line(b: Uint8Array, s: number, e: number, truncated: boolean): void {
    const no = ++this.lines;
    if (!truncated && e > s && b[e - 1] === 13) e--;
    if (no === 1 && e - s >= 3 && b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    if (truncated || e - s > this.maxLineBytes) {
      if (e - s > this.maxLineBytes) e = s + this.maxLineBytes;
      this.cutLines++;
      this.warn('line_too_long', no, `line longer than ${this.maxLineBytes} bytes: cut, its first ${this.maxLineBytes} bytes kept`);
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
        if (st.year === 0) this.yearOf(st);
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
    const f = this.fields;
    if (!readSyslogFields(b, s, e, this.layout, f) || !tagIs(b, f, this.programName!)) {
      // Another program's line: skipped, but its date still walks the year forward.
      if (st.year === 0 && st.epochUs !== st.epochUs) this.yearOf(st);
      this.otherProgramLines++;
      this.skipping = true;
      return false;
    }
    this.skipping = false;
    this.programLines++;
    return true;
  }

  /** Gives a yearless line its year (the {@link SyslogYear} walk) and notes it. */
  private yearOf(st: Stamp): void {
    st.year = this.years!.yearFor(st.month);
    if (this.firstYear === 0) this.firstYear = st.year;
    this.lastYear = st.year;
    this.lastMonth = st.month;
    this.lastDay = st.day;
    this.lastSecOfDay = st.hour * 3600 + st.minute * 60 + st.second;
  }

  private continued(b: Uint8Array, s: number, e: number): void {
    if (this.skipping) {
      this.otherProgramLines++;
      return;
    }
    if (this.programName) this.programLines++;
    this.continuation++;
    if (this.match && this.pendUs === this.pendUs && !this.pendMatched) {
      this.pendMatched = this.match.test(utf8(b, s, e));
    }
  }

  private bad(no: number, reason: string): void {
    if (this.unparsed++ === 0) {
      this.firstUnparsed = `line ${no - this.lineBase}: ${reason}`;
      this.firstUnparsedLine = no - this.lineBase;
    }
    this.warn('unparsable_timestamp', no, reason);
  }

  /** Counts a DST line; warns on every gap line, and once when a repeated hour starts or switches. */
  private dst(no: number): void {
    const r = this.resolver.resolution;
    if (r === Resolution.GAP) {
      this.dstGap++;
      this.warn('dst_gap', no, `local time does not exist in ${this.opts.zoneName} (spring-forward gap): read with the offset before the change, i.e. moved forward by the gap`);
    } else {
      this.dstAmbiguous++;
      if (r !== this.lastAmbiguous) {
        this.warn(
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
    const a = this.anchor;
    if ((t - a > FAR_US || a - t > FAR_US) && (this.parsed >= 16 || this.denseStart) && this.backwards * 64 <= this.parsed) {
      if (this.qN < QUARANTINE) {
        this.qT[this.qN] = t;
        this.qLine[this.qN++] = no;
        return;
      }
      this.keepQuarantine();
    } else if (this.qN > 0) this.dropQuarantine();
    this.anchor = t;
    if (this.windowed && (t < this.winLo || t > this.winHi)) {
      this.read(t, no); // outside the window asked for: read, not binned
      return;
    }
    // Room in the bins for every parsed time: wider bins when the log spans too many.
    const abs = Math.floor(t / this.widthUs);
    const bin = abs - this.binBase;
    if ((bin < 0 || bin >= this.bins.length) && !this.growBins(abs) && !(!this.windowed && this.widen(t, no) && this.growBins(Math.floor(t / this.widthUs)))) {
      this.bad(no, `time ${new Date(t / 1000).toISOString()} is more than ${MAX_BINS} intervals away from the log's other times (use a larger --interval for a longer log)`);
      return;
    }
    if (this.windowed) {
      if (t < this.binLo) this.binLo = t;
      if (t > this.binHi) this.binHi = t;
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
  private keepQuarantine(): void {
    const n = this.qN;
    this.qN = 0;
    for (let k = 0; k < n; k++) {
      this.anchor = NaN; // each passes entry()'s check (a held run may be months apart itself)
      this.entry(this.qT[k], this.qLine[k], EMPTY, 0, 0);
    }
    this.anchor = this.qT[n - 1];
  }

  /** The held far entries were outliers: the log came back. Skipped, each a warning. */
  private dropQuarantine(): void {
    for (let k = 0; k < this.qN; k++) {
      const t = this.qT[k];
      this.unparsed++;
      this.outliers++;
      const days = Math.abs(t - this.anchor) / 86400e6;
      this.warn('time_outlier', this.qLine[k], `time ${new Date(t / 1000).toISOString()} is ${days.toFixed(0)} days from the lines around it (a clock not yet set, a garbled date): skipped as an outlier`);
    }
    this.qN = 0;
  }

  /**
   * Where the log's first lines are: the median time of those in `b` that carry a full date. A
   * first line far from it (1970 from a clock not yet set) is then held as an outlier candidate.
   */
  private sampleAnchor(b: Uint8Array, pos: number): number {
    const fmt = this.fmt;
    if (!fmt || fmt.yearless) return NaN;
    const st = new Stamp();
    const times: number[] = [];
    for (let i = pos; i < b.length && times.length < DETECT_LINES; ) {
      let nl = b.indexOf(this.eol, i);
      if (nl < 0) nl = b.length;
      if (fmt.read(b, i, Math.min(nl, i + 4096), st)) {
        if (st.epochUs === st.epochUs) times.push(st.epochUs);
        else if (st.year !== 0) times.push((st.wallSeconds() - (st.offset === st.offset ? st.offset : 0)) * 1e6);
      }
      i = nl + 1;
    }
    if (times.length < 3) return NaN;
    times.sort((x, y) => x - y);
    const mid = times[times.length >> 1];
    // Only a log whose first lines lie together has a place to come back to (one line a year has none).
    const near = times.filter((t) => Math.abs(t - mid) <= FAR_US).length;
    this.denseStart = near >= 0.75 * times.length;
    return this.denseStart ? mid : NaN;
  }


  /** The class of the entry held for its continuation lines (match mode). */
  private pendingClass(b: Uint8Array, s: number, e: number): void {
    const cls = this.classify!(b, s, e, this.tagged ? this.fields : null);
    this.pendClass = cls;
    this.pendText = cls !== 0 && this.wantSample(cls) ? sampleText(b, s, e) : '';
  }

  /** Classifies the counted line `b[s, e)` of time `t` (no match pattern) and tallies it. */
  private lineClass(b: Uint8Array, s: number, e: number, t: number): void {
    if (e > s && b[e - 1] === 13) e--;
    if (b[s] === 0xef && e - s >= 3 && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    if (e - s > this.maxLineBytes) e = s + this.maxLineBytes;
    // Called right after the line was read: the syslog fields read for `program` are its own.
    const cls = this.classify!(b, s, e, this.tagged ? this.fields : null);
    if (cls !== 0) this.tally(t, cls, this.wantSample(cls) ? sampleText(b, s, e) : '');
  }

  /** Counts the entry held for its continuation lines (match mode). */
  private countPending(): void {
    this.count(this.pendUs, this.pendLine);
    if (this.pendClass !== LineClass.NONE) this.tally(this.pendUs, this.pendClass, this.pendText);
  }

  private wantSample(cls: number): boolean {
    return ((cls & LineClass.ERROR) !== 0 && this.errorSamples.length < SAMPLES) || ((cls & LineClass.RESTART) !== 0 && this.restartSamples.length < SAMPLES);
  }

  /** An error / restart among the counted entries: its bin, the total, a sample. */
  private tally(t: number, cls: number, text: string): void {
    const i = Math.floor(t / this.widthUs) - this.binBase;
    if (cls & LineClass.ERROR) {
      this.errBins[i]++;
      this.errors++;
      if (this.errorSamples.length < SAMPLES) this.errorSamples.push(text);
    }
    if (cls & LineClass.RESTART) {
      this.rstBins[i]++;
      this.restarts++;
      if (this.restartSamples.length < SAMPLES) this.restartSamples.push(text);
    }
  }

  /** An entry that counts: bins, gaps, events. */
  private count(t: number, no: number): void {
    this.counted++;
    this.bins[Math.floor(t / this.widthUs) - this.binBase]++;
    if (t > this.maxUs) {
      if (this.maxUs !== -Infinity) this.gaps.add(this.maxUs, t, this.maxLine, no);
      this.maxUs = t;
      this.maxLine = no;
    } else {
      this.gaps.addZero();
      if (t === this.maxUs) this.maxLine = no; // a silence starts at the *last* line at that time
    }
    if (t < this.minCountedUs) {
      this.minCountedUs = t;
      this.minCountedLine = no;
    }
    if (this.evTime) {
      if (this.counted > this.evCap) {
        this.evCap *= 2;
        const tt = new Float64Array(this.evCap);
        tt.set(this.evTime);
        const ll = new Uint32Array(this.evCap);
        ll.set(this.evLine!);
        this.evTime = tt;
        this.evLine = ll;
      }
      this.evTime[this.counted - 1] = t / 1e6;
      this.evLine![this.counted - 1] = no;
    }
  }

  /** Makes absolute bin `abs` addressable; false when the span would exceed MAX_BINS. */
  /**
   * Widens the bins to the next width of {@link WIDTHS} (a multiple of the current one, so bins
   * merge whole) at which the span to `t` fits in MAX_BINS. False when none does.
   */
  private widen(t: number, no: number): boolean {
    const old = this.widthUs;
    const lo = Math.min(this.binBase * old, t);
    const hi = Math.max((this.binBase + this.bins.length) * old, t + old);
    // Wide enough for a few times the span so far (no widening again at every step), and at most
    // 65,536 bins: a 216 KB log over three years is 26,000 hourly bins, not a million empty ones.
    const w = WIDTHS.find((x) => x > old && x % old === 0 && (hi - lo) / x + 4096 <= MAX_BINS >> 4);
    if (w === undefined) return false;
    const base = Math.floor(lo / w) - 1024;
    const len = Math.min(MAX_BINS, Math.ceil(hi / w) - base + 1024);
    const merged = (a: Uint32Array): Uint32Array => {
      const n = new Uint32Array(len);
      for (let i = 0; i < a.length; i++) if (a[i] !== 0) n[Math.floor(((this.binBase + i) * old) / w) - base] += a[i];
      return n;
    };
    this.bins = merged(this.bins);
    this.errBins = merged(this.errBins);
    this.rstBins = merged(this.rstBins);
    this.binBase = base;
    if (this.widenedFrom === 0) {
      this.widenedFrom = this.interval;
      this.widenedLine = no;
    }
    this.widthUs = w;
    this.interval = w / 1e6;
    return true;
  }

  private growBins(abs: number): boolean {
    if (this.bins.length === 0) {
      this.binBase = abs - 1024;
      this.bins = new Uint32Array(4096);
      this.errBins = new Uint32Array(4096);
      this.rstBins = new Uint32Array(4096);
      return true;
    }
    const lo = Math.min(this.binBase, abs);
    const hi = Math.max(this.binBase + this.bins.length, abs + 1);
    if (hi - lo > MAX_BINS) return false;
    // Double, leaving room on the side that grew.
    const len = Math.min(MAX_BINS, Math.max(this.bins.length * 2, hi - lo + 1024));
    const base = abs < this.binBase ? Math.max(hi - len, abs - (len - (hi - lo)))  : lo;
    const moved = (a: Uint32Array) => {
      const n = new Uint32Array(len);
      n.set(a, this.binBase - base);
      return n;
    };
    this.bins = moved(this.bins);
    this.errBins = moved(this.errBins);
    this.rstBins = moved(this.rstBins);
    this.binBase = base;
    return true;
  }

  private warn(code: string, line: number, reason: string): void {
    let c = this.warnCounts.get(code);
    if (!c) this.warnCounts.set(code, (c = { n: 0, firstSkipped: 0 }));
    c.n++;
    line -= this.lineBase;
    if (c.n <= this.maxWarn) this.warnings.push({ file: this.file, line, reason, code });
    else if (c.n === this.maxWarn + 1) c.firstSkipped = line;
  }

  // ---- the result -----------------------------------------------------------------------------------

  private result(): LogScanResult {
    const warnings = this.warnings.slice();
    for (const [code, c] of this.warnCounts) {
      if (c.n > this.maxWarn) {
        warnings.push({
          file: this.file,
          line: c.firstSkipped,
          reason: `${c.n - this.maxWarn} more lines like the above (${code}), the first of them at line ${c.firstSkipped}`,
          code,
        });
      }
    }
    const any = this.parsed > 0;
    // With a match pattern, the stretches before the first and after the last counted entry are
    // gaps too (the event stopped while the log went on).
    if (this.match && any) {
      if (this.counted === 0) this.gaps.add(this.firstUs, this.lastUs, this.firstLine, this.lastLine);
      else {
        if (this.minCountedUs > this.firstUs) this.gaps.add(this.firstUs, this.minCountedUs, this.firstLine, this.minCountedLine);
        if (this.lastUs > this.maxUs) this.gaps.add(this.maxUs, this.lastUs, this.maxLine, this.lastLine);
      }
    }
    let grid: IntervalGrid | null = null;
    let counts = new Uint32Array(0);
    let errorCounts = counts;
    let restartCounts = counts;
    const lo = this.windowed ? this.binLo : this.firstUs;
    const hi = this.windowed ? this.binHi : this.lastUs;
    if (lo <= hi) {
      const b0 = Math.floor(lo / this.widthUs);
      const b1 = Math.floor(hi / this.widthUs);
      counts = this.bins.slice(b0 - this.binBase, b1 - this.binBase + 1);
      errorCounts = this.errBins.slice(b0 - this.binBase, b1 - this.binBase + 1);
      restartCounts = this.rstBins.slice(b0 - this.binBase, b1 - this.binBase + 1);
      const startUs = b0 * this.widthUs;
      const sec = Math.floor(startUs / 1e6);
      grid = new IntervalGrid(sec, (startUs - sec * 1e6) * 1000, this.interval);
    }
    if (this.widenedFrom > 0) {
      warnings.unshift({
        file: this.file,
        line: this.widenedLine - this.lineBase,
        code: 'interval_widened',
        reason: `the log spans ${((this.lastUs - this.firstUs) / 86400e6).toFixed(1)} days, more than ${MAX_BINS} bins of ${this.widenedFrom} s: bins widened to ${this.interval} s so that every line is kept (give interval, alibi --interval, to choose)`,
      });
    }
    const silence = detectSilences(this.gaps, grid, 0, counts, { minGap: this.opts.minGap });

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
        file: this.file,
        line: this.firstUnparsedLine,
        code: 'format_mismatch',
        reason: `format ${this.fmt.name} read the time of only ${this.parsed} of ${this.parsed + this.unparsed} lines (${this.firstUnparsed}); name the format (format, alibi --format) or say where the time is (timeField or timeRegex, alibi --time-field or --time-regex)`,
      });
    }
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
      interval: this.interval,
      outliers: this.outliers,
      grid,
      counts,
      errorCounts,
      restartCounts,
      errors: this.errors,
      restarts: this.restarts,
      errorSamples: this.errorSamples.slice(),
      restartSamples: this.restartSamples.slice(),
      program: this.tagged ? this.opts.program! : null,
      programLines: this.programLines,
      otherProgramLines: this.otherProgramLines,
      silence,
      warnings,
    };
    if (this.firstYear !== 0) out.assumedYear = this.firstYear;
    if (this.widenedFrom > 0) out.intervalWidened = this.widenedFrom;
    if (this.evTime) out.events = { time: this.evTime.slice(0, this.counted), line: this.evLine!.slice(0, this.counted) };
    return out;
  }
}

/** Sample lines kept per class. */
const SAMPLES = 5;

/** A line for a sample: its text (bad UTF-8 becomes U+FFFD; reports escape it), cut at 300 bytes. */
function sampleText(b: Uint8Array, s: number, e: number): string {
  return utf8(b, s, Math.min(e, s + 300));
}

/** Does this chunk alone hold enough lines (or bytes) to detect the format? */
function enoughToDetect(b: Uint8Array): boolean {
  if (b.length >= DETECT_BYTES) return true;
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) if (++n >= DETECT_LINES) return true;
  return false;
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
