/**
 * @module logs/program
 * The program tag and message of a syslog line, read on raw bytes: RFC 3164
 * (`Nov 25 13:37:59 host stunnel[1234]: msg`, `stunnel: msg`), journalctl short-iso
 * (`2026-11-25T13:37:59+0100 host stunnel[1234]: msg`) and RFC 5424
 * (`<34>1 2026-11-25T13:37:59Z host stunnel 1234 - - msg`). A syslog file mixes programs; the
 * scanner keeps one program's lines (`program`) and the line classifier reads the message.
 */

/** Which syslog layout a format writes, or NONE for formats without a program tag. */
export const enum SyslogLayout {
  NONE = 0,
  RFC3164 = 1,
  RFC5424 = 2,
  JOURNAL = 3,
}

/** The layout of a format by name (`syslog`, `rfc5424`, `journal`; others carry no tag). */
export function syslogLayout(format: string): SyslogLayout {
  return format === 'syslog' ? SyslogLayout.RFC3164 : format === 'rfc5424' ? SyslogLayout.RFC5424 : format === 'journal' ? SyslogLayout.JOURNAL : SyslogLayout.NONE;
}

/** Where a line's fields are: reused for every line (no allocation per line). */
export class SyslogFields {
  /** The program tag `b[tagStart, tagEnd)` (without `[pid]` and `:`). */
  tagStart = 0;
  tagEnd = 0;
  /** Start of the message (after `tag[pid]: `, or RFC 5424's structured data). */
  msg = 0;
  /** Severity from `<PRI>` (PRI & 7), -1 when the line has no PRI. */
  severity = -1;
}

const SP = 32;
const LT = 60;
const GT = 62;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const BACKSLASH = 92;
const DASH = 45;

/** Index after the token at `i` and the spaces following it. */
function skipToken(b: Uint8Array, i: number, e: number): number {
  while (i < e && b[i] !== SP) i++;
  while (i < e && b[i] === SP) i++;
  return i;
}

/**
 * Reads the tag and message of a syslog line `b[s, e)` (its timestamp already read) into `f`.
 * False when the line has no tag where the layout puts one.
 */
export function readSyslogFields(b: Uint8Array, s: number, e: number, layout: SyslogLayout, f: SyslogFields): boolean {
  let i = s;
  f.severity = -1;
  if (i < e && b[i] === LT) {
    let pri = 0;
    let j = i + 1;
    while (j < e && j - i < 5 && b[j] >= 48 && b[j] <= 57) pri = pri * 10 + b[j++] - 48;
    if (j < e && b[j] === GT && j > i + 1) {
      f.severity = pri & 7;
      i = j + 1;
    }
  }
  if (layout === SyslogLayout.RFC5424) {
    i = skipToken(b, skipToken(b, skipToken(b, i, e), e), e); // version, timestamp, host
    f.tagStart = i;
    while (i < e && b[i] !== SP) i++;
    f.tagEnd = i;
    if (f.tagEnd === f.tagStart || (f.tagEnd - f.tagStart === 1 && b[f.tagStart] === DASH)) return false;
    i = skipToken(b, skipToken(b, i + 1, e), e); // procid, msgid
    if (i < e && b[i] === LBRACKET) {
      // Structured data: [id k="v" …][…]; `\]` inside a value is escaped.
      while (i < e && b[i] === LBRACKET) {
        i++;
        while (i < e && b[i] !== RBRACKET) i += b[i] === BACKSLASH ? 2 : 1;
        i++;
      }
    } else if (i < e) i++; // the `-` of no structured data
    if (i < e && b[i] === SP) i++;
    // A UTF-8 BOM may start the message.
    if (e - i >= 3 && b[i] === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) i += 3;
    f.msg = Math.min(i, e);
    return true;
  }
  // RFC 3164: `Mmm dd hh:mm:ss ` is 15 bytes and a space (a padded day keeps the width); with
  // a fraction, or in a journal line, the timestamp tokens are skipped. Then a host name, unless
  // that token is already the tag (`prog:`, `prog[pid]:`: files written without host names).
  if (layout === SyslogLayout.RFC3164 && b[i + 15] === SP && b[i + 16] !== SP) i += 16;
  else {
    i = skipToken(b, i, e);
    if (layout === SyslogLayout.RFC3164) i = skipToken(b, skipToken(b, i, e), e);
  }
  let j = i;
  let c = 0;
  while (j < e && (c = b[j]) !== SP && c !== COLON && c !== LBRACKET) j++;
  if (c === SP) {
    // `host prog…`: the tag is the next token.
    i = j + 1;
    j = i;
    while (j < e && (c = b[j]) !== SP && c !== COLON && c !== LBRACKET) j++;
  }
  f.tagStart = i;
  f.tagEnd = j;
  if (j === i) return false;
  if (c === LBRACKET) {
    while (j < e && b[j] !== RBRACKET) j++;
    j++;
  }
  if (j < e && b[j] === COLON) j++;
  if (j < e && b[j] === SP) j++;
  f.msg = j < e ? j : e;
  return true;
}

/** Is the tag of `f` exactly `name` (bytes)? */
export function tagIs(b: Uint8Array, f: SyslogFields, name: Uint8Array): boolean {
  const n = name.length;
  if (f.tagEnd - f.tagStart !== n) return false;
  for (let k = 0, i = f.tagStart; k < n; k++, i++) if (b[i] !== name[k]) return false;
  return true;
}

/**
 * One program's lines of a syslog file: the rest are skipped, with their continuation lines.
 * Counts both. A format without a program tag (`tagged` false) has every entry counted as the
 * program's only through its continuation lines: the scanner reads no tag then.
 */
export class ProgramFilter {
  readonly fields = new SyslogFields();
  /** The current entry is another program's: its continuation lines are skipped with it. */
  skipping = false;
  /** Lines of the program (continuations included), and other programs' lines skipped. */
  lines = 0;
  otherLines = 0;

  /** How the lines are laid out; NONE (no tag to read) until the format is known. */
  layout = SyslogLayout.NONE;

  constructor(private readonly name: Uint8Array) {}

  /** Is the entry line `b[s, e)` the program's? Else it and its continuation lines are skipped. */
  own(b: Uint8Array, s: number, e: number): boolean {
    if (!readSyslogFields(b, s, e, this.layout, this.fields) || !tagIs(b, this.fields, this.name)) {
      this.otherLines++;
      this.skipping = true;
      return false;
    }
    this.skipping = false;
    this.lines++;
    return true;
  }

  /** A continuation line: false when it belongs to a skipped entry. */
  continued(): boolean {
    if (this.skipping) {
      this.otherLines++;
      return false;
    }
    this.lines++;
    return true;
  }
}
