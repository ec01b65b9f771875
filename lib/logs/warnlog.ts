/**
 * @module logs/warnlog
 * A scan's warnings: the first few of each kind listed with their file and line, the rest of
 * that kind summed up in one line at the end (a log of a million bad lines gives six warnings,
 * not a million).
 */
import type { Warning } from '../errors';

export class WarningLog {
  /** The file being read (a rotated set changes it); warnings name it. */
  file: string | null;
  /** Lines of the files before this one: warnings count lines from 1 in each file. */
  lineBase = 0;
  private readonly listed: Warning[] = [];
  private readonly kinds = new Map<string, { n: number; firstSkipped: number }>();

  /** `max`: warnings listed individually per kind before the summary. */
  constructor(file: string | null, private readonly max: number) {
    this.file = file;
  }

  /** The number of line `no` (counted over the whole scan) in its own file. */
  local(no: number): number {
    return no - this.lineBase;
  }

  /** A warning of kind `code` about line `no` (counted over the whole scan). */
  warn(code: string, no: number, reason: string): void {
    let c = this.kinds.get(code);
    if (!c) this.kinds.set(code, (c = { n: 0, firstSkipped: 0 }));
    c.n++;
    const line = this.local(no);
    if (c.n <= this.max) this.listed.push({ file: this.file, line, reason, code });
    else if (c.n === this.max + 1) c.firstSkipped = line;
  }

  /** A warning about the whole file, listed whatever the count. */
  add(w: Warning): void {
    this.listed.push(w);
  }

  /** The warnings listed, then a summary line per kind that had more. */
  all(): Warning[] {
    const out = this.listed.slice();
    for (const [code, c] of this.kinds) {
      if (c.n > this.max) {
        out.push({
          file: this.file,
          line: c.firstSkipped,
          reason: `${c.n - this.max} more lines like the above (${code}), the first of them at line ${c.firstSkipped}`,
          code,
        });
      }
    }
    return out;
  }
}
