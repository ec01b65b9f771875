/**
 * @module logs/lineclass
 * Which log lines are errors and which are restarts, for the verdict: a component whose log
 * fills with `Connection reset` or 5xx after an outage, or that printed its start-up banner in
 * the middle of an incident, tells something its line rate alone does not.
 *
 * - **error**: a level of error or worse (stunnel `LOG3`…`LOG0`; nginx `[error]`, `[crit]`,
 *   `[alert]`, `[emerg]`; syslog `<PRI>` severity ≤ 3; `ERROR`/`FATAL`/`CRITICAL`/… words), the
 *   text of a failure (`connect() failed` and any other `…() failed`, `upstream timed out`,
 *   `Connection refused`, `Connection reset`, `reset by peer`, `queue full`), or an access-log
 *   HTTP status 5xx (the field after the quoted request, in CLF/combined and the lab's format).
 * - **restart**: a start-up banner (stunnel `stunnel 5.68 on …` and `Configuration successful`
 *   from its `[ui]` thread; nginx `start worker processes`, `using the "epoll" event method`), or
 *   a message that starts with `Starting`/`Started` or ends with `starting`/`started`.
 *
 * Speed: a classifier is picked once per format, and reads the level where the format puts it
 * (a few byte compares). The text search (a regex on the decoded message) runs only where the
 * level does not decide: stunnel's per-connection `LOG5` lines are checked at the message start
 * only (that is where stunnel writes `Connection reset`), access-log lines stop at their status.
 */
import { latin1 } from '../bytes/text';
import { readSyslogFields, SyslogFields, SyslogLayout } from './program';

/** Bits: a line may be both (a daemon that logs its restart as an error). */
export const enum LineClass {
  NONE = 0,
  ERROR = 1,
  RESTART = 2,
}

/**
 * Classifies the line `b[s, e)` (the whole line, timestamp included). `f`: its syslog fields when
 * the scanner has read them already (the layout is syslog), else null.
 */
export type LineClassifier = (b: Uint8Array, s: number, e: number, f: SyslogFields | null) => LineClass;

const ERROR_TEXT = /\w\(\) failed|upstream timed out|[Cc]onnection refused|[Cc]onnection reset|reset by peer|queue (?:is )?full|\b(?:ERROR|FATAL|CRITICAL|CRIT|EMERG|ALERT|SEVERE|PANIC)\b/;
const RESTART_TEXT = /^(?:Starting|Started)\b|\b(?:starting|started)(?: up)?[.!]*$|^start worker processes|^using the "\w+" event method|^Configuration successful/;
/**
 * A superset of both, made of literals V8 scans fast (135 ns a syslog line against 260–400 for
 * the two above joined): most lines match neither, and this one pass says so.
 */
const MAYBE_TEXT = /\(\) failed|timed out|onnection re(?:fused|set)|reset by peer|queue (?:is )?full|[A-Z]{4}|tart|^using the|^Configuration/;

function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
const CONNECTION_RESET = bytesOf('Connection reset');
const CONFIGURATION_SUCCESSFUL = bytesOf('Configuration successful');
const STUNNEL_SP = bytesOf('stunnel ');

function startsWith(b: Uint8Array, i: number, e: number, w: Uint8Array): boolean {
  if (e - i < w.length) return false;
  for (let k = 0; k < w.length; k++) if (b[i + k] !== w[k]) return false;
  return true;
}


/** The text rules on the message `b[m, e)`. */
export function textClass(b: Uint8Array, m: number, e: number): LineClass {
  if (m >= e) return LineClass.NONE;
  const t = latin1(b, m, Math.min(e, m + 2048));
  if (!MAYBE_TEXT.test(t)) return LineClass.NONE;
  return (ERROR_TEXT.test(t) ? LineClass.ERROR : 0) | (RESTART_TEXT.test(t) ? LineClass.RESTART : 0);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * stunnel's body `LOGn[id]: message` at `i`; -1 when `b[i…]` is not one. The level decides
 * errors (n ≤ 3); a notice is an error only when its message starts with `Connection reset`
 * (stunnel's LOG5 for a peer reset), a restart when the `[ui]` thread prints the banner.
 *
 * This runs on every line of a busy stunnel log (the 1 GB benchmark: 11 M lines), so it reads
 * as few bytes as it can: the level digit, the `u` of `[ui]`, the `]` after the id — probed
 * first where the previous line had it (connection ids grow slowly, so their length rarely
 * changes) — and the `C`…`r` of `Connection reset`; the full compare only when those match.
 */
export class StunnelBody {
  /** Offset of `]` from `LOG` on the previous line (read by {@link stunnelMaybe}). */
  close = 7;

  classify(b: Uint8Array, i: number, e: number): LineClass | -1 {
    if (e - i < 8 || b[i] !== 76 || b[i + 1] !== 79 || b[i + 2] !== 71 || b[i + 4] !== 91) return -1;
    const level = b[i + 3];
    if (level < 48 || level > 57) return -1;
    if (level <= 51) return LineClass.ERROR; // LOG0..LOG3
    let j = i + this.close;
    if (b[j] !== 93 || j >= e) {
      j = i + 5;
      const lim = Math.min(e, i + 48);
      while (j < lim && b[j] !== 93) j++;
      this.close = j - i;
    }
    const m = j + 3; // after `]: `
    if (b[m] === 67 && b[m + 11] === 114 && b[m + 12] === 101 && startsWith(b, m, e, CONNECTION_RESET)) return LineClass.ERROR;
    if (b[i + 5] === 117 && b[i + 6] === 105 && j === i + 7) {
      // [ui]: the configuration / start-up thread.
      if ((startsWith(b, m, e, STUNNEL_SP) && isDigit(b[m + 8])) || startsWith(b, m, e, CONFIGURATION_SUCCESSFUL)) return LineClass.RESTART;
    }
    return LineClass.NONE;
  }
}

/**
 * May the stunnel body at `i` (`LOGn[id]: …`) be an error or a restart? False means certainly
 * neither: a notice (n > 3), not the `[ui]` thread, the `]` where the previous line had it, and
 * no `r` where `Connection reset` has one. Four byte tests, for the scanner's hot loop.
 */
export function stunnelMaybe(b: Uint8Array, i: number, close: number): boolean {
  const j = i + close;
  return b[i + 3] <= 51 || b[i + 5] === 117 || b[j] !== 93 || b[j + 14] === 114;
}

/** stunnel's own file: `2026.11.25 08:37:59 LOG5[0]: …` (`body`: shared with the pre-check). */
export function stunnelClassifier(body = new StunnelBody()): LineClassifier {
  return (b, s, e) => {
    const c = body.classify(b, s + 20, e);
    return c === -1 ? textClass(b, s, e) : c;
  };
}

/** nginx error log: `2026/11/25 19:07:07 [notice] 21151#21151: message`. */
const nginxErrorLine: LineClassifier = (b, s, e) => {
  const i = s + 20;
  if (e - i < 8 || b[i] !== 91) return textClass(b, s, e);
  const c = b[i + 1];
  // [error] [emerg] [crit] [alert]: `e` is error or emerg, never another level.
  if (c === 101 || c === 99 || c === 97) return LineClass.ERROR;
  // The message starts after `] pid#tid: ` (and `*cid ` for a connection's lines).
  let m = i + 2;
  while (m < e && b[m] !== 93) m++;
  m += 2;
  while (m < e && b[m] !== 32) m++;
  m++;
  if (m < e && b[m] === 42) {
    while (m < e && b[m] !== 32) m++;
    m++;
  }
  return textClass(b, m, e);
};

/**
 * An access log (CLF/combined, nginx `$time_iso8601 … "GET / HTTP/1.1" 200 …`, `$msec`): the
 * status after the quoted request decides; a line without one gets the text rules.
 */
const accessOrTextLine: LineClassifier = (b, s, e) => {
  const lim = Math.min(e, s + 512);
  let i = s;
  while (i < lim && b[i] !== 34) i++;
  if (i < lim) {
    i++;
    while (i < lim && b[i] !== 34) i += b[i] === 92 ? 2 : 1;
    if (i + 4 < e && b[i + 1] === 32 && isDigit(b[i + 2]) && isDigit(b[i + 3]) && isDigit(b[i + 4]) && (i + 5 === e || b[i + 5] === 32)) {
      return b[i + 2] === 53 ? LineClass.ERROR : LineClass.NONE;
    }
  }
  // No status: an application's log. Its message starts after the timestamp (the first token).
  let m = s;
  while (m < lim && b[m] !== 32) m++;
  return textClass(b, m + 1, e);
};

/** A syslog line: severity from `<PRI>`, stunnel's body inside the message, else text. */
function syslogLine(layout: SyslogLayout): LineClassifier {
  const own = new SyslogFields();
  const body = new StunnelBody();
  return (b, s, e, f) => {
    if (f === null) {
      if (!readSyslogFields(b, s, e, layout, own)) return textClass(b, s, e);
      f = own;
    }
    let c: number = f.severity >= 0 && f.severity <= 3 ? LineClass.ERROR : LineClass.NONE;
    const st = body.classify(b, f.msg, e);
    c |= st === -1 ? textClass(b, f.msg, e) : st;
    return c;
  };
}

/** The classifier for a format, by its name (see formats.ts). */
export function lineClassifier(format: string): LineClassifier {
  switch (format) {
    case 'stunnel':
      return stunnelClassifier();
    case 'nginx-error':
      return nginxErrorLine;
    case 'syslog':
      return syslogLine(SyslogLayout.RFC3164);
    case 'rfc5424':
      return syslogLine(SyslogLayout.RFC5424);
    case 'journal':
      return syslogLine(SyslogLayout.JOURNAL);
    default:
      return accessOrTextLine;
  }
}
