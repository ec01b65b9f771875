/**
 * @module cli/progress
 * A progress bar on stderr for long inputs: bytes read of the total. Only when stderr is a TTY,
 * never under --json (SPEC.md), never for small inputs; redrawn at most every 100 ms on one line,
 * which is cleared when the input is done so the report starts on a clean line.
 */
import type { CliIo } from './io';
import { forTerminal } from '../report/escape';

/** Inputs smaller than this finish before a bar would be worth drawing. */
export const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

export interface Progress {
  /** Bytes read so far (cheap to call often: redraws are throttled). */
  update(done: number): void;
  /** Clears the bar. */
  end(): void;
}

const SILENT: Progress = { update() {}, end() {} };

export interface ProgressOptions {
  /** True under --json (and any other machine output): no bar. */
  quiet?: boolean;
  /** Smallest total that gets a bar (default PROGRESS_MIN_BYTES). */
  minBytes?: number;
  /** Clock in ms (tests); default Date.now. */
  now?: () => number;
  /** Bar width in characters (default 30). */
  width?: number;
}

function mb(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

/**
 * A bar for reading `total` bytes of `label`, or a silent one when stderr is not a TTY, output is
 * for machines, or the total is unknown (stdin) or small.
 * @example
 * const bar = progressBar(io, 'big.pcap', reader.size, { quiet: values.json });
 * bar.update(reader.offset); … bar.end();
 */
export function progressBar(io: Pick<CliIo, 'stderr' | 'isTTY'>, label: string, total: number | undefined, opts: ProgressOptions = {}): Progress {
  if (!io.isTTY || opts.quiet || total === undefined || !(total >= (opts.minBytes ?? PROGRESS_MIN_BYTES)) || total <= 0) return SILENT;
  const now = opts.now ?? Date.now;
  const width = opts.width ?? 30;
  const name = label.length > 40 ? `…${label.slice(-39)}` : label;
  let last = -Infinity;
  let drawn = false;
  return {
    update(done: number) {
      const t = now();
      if (t - last < 100) return;
      last = t;
      const f = Math.max(0, Math.min(1, done / total));
      const full = Math.round(f * width);
      io.stderr(`\r${forTerminal(name)} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}% ${mb(done)} of ${mb(total)}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}

/** A one-line note on a TTY (e.g. while analyze reads in worker threads), cleared by `end()`. */
export function progressNote(io: Pick<CliIo, 'stderr' | 'isTTY'>, text: string, opts: { quiet?: boolean } = {}): Progress {
  if (!io.isTTY || opts.quiet) return SILENT;
  io.stderr(`${forTerminal(text)}\x1b[K`);
  return { update() {}, end() { io.stderr('\r\x1b[K'); } };
}

/**
 * Progress of one capture read packet by packet: call `tick()` per packet (the reader's offset is
 * looked at every 4096 packets), `end()` after the last.
 */
export function captureProgress(io: Pick<CliIo, 'stderr' | 'isTTY'>, reader: { readonly offset: number; readonly size?: number; readonly inputOffset?: number; readonly inputSize?: number }, label: string, opts: ProgressOptions = {}): { tick(): void; end(): void } {
  // A gzip capture: compressed bytes read of the file's size.
  const bar = progressBar(io, label, reader.inputSize ?? reader.size, opts);
  if (bar === SILENT) return { tick() {}, end() {} };
  let n = 0;
  return {
    tick() {
      if ((++n & 4095) === 0) bar.update(reader.inputOffset ?? reader.offset);
    },
    end() {
      bar.end();
    },
  };
}
