/**
 * @module cli/progress
 * A progress bar on stderr for long inputs: bytes read of the total. Only when stderr is a TTY,
 * never under --json (SPEC.md), never for small inputs; redrawn at most every 100 ms on one line
 * with the rate and the time left, and cleared when the input is done (so the report starts on a
 * clean line) or on Ctrl-C (so the prompt does).
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
  const t0 = now();
  let last = -Infinity;
  let drawn = false;
  // Ctrl-C while the bar is drawn: clear it, so the shell prompt does not start after it. The
  // listener only clears; the signal's default (exit) is restored by re-raising it.
  const onSignal = (sig: NodeJS.Signals) => {
    if (drawn) io.stderr('\r\x1b[K');
    drawn = false;
    detach();
    process.kill(process.pid, sig);
  };
  const detach = () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    update(done: number) {
      const t = now();
      if (t - last < 100) return;
      last = t;
      const f = Math.max(0, Math.min(1, done / total));
      const full = Math.round(f * width);
      io.stderr(`\r${forTerminal(name)} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}% ${mb(done)} of ${mb(total)}${rateAndEta(done, total, t - t0)}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
      detach();
    },
  };
}

/**
 * `, 312 MB/s, 0:07 left` once a second has passed (before, a rate would be noise); empty before.
 * @example rateAndEta(500e6, 1000e6, 2000) //=> ', 250 MB/s, 0:02 left'
 */
export function rateAndEta(done: number, total: number, elapsedMs: number): string {
  if (elapsedMs < 1000 || done <= 0) return '';
  const rate = done / (elapsedMs / 1000);
  const left = Math.max(0, Math.ceil((total - done) / rate));
  const eta = left >= 3600 ? `${Math.floor(left / 3600)}:${String(Math.floor((left % 3600) / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}` : `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return `, ${rate >= 1e9 ? `${(rate / 1e9).toFixed(2)} GB/s` : `${Math.round(rate / 1e6)} MB/s`}, ${eta} left`;
}

/** A one-line note on a TTY (e.g. while analyze reads in worker threads), cleared by `end()`. */
export function progressNote(io: Pick<CliIo, 'stderr' | 'isTTY'>, text: string, opts: { quiet?: boolean } = {}): Progress {
  if (!io.isTTY || opts.quiet) return SILENT;
  io.stderr(`${forTerminal(text)}\x1b[K`);
  let drawn = true;
  const clear = () => {
    if (drawn) io.stderr('\r\x1b[K');
    drawn = false;
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    clear();
    process.kill(process.pid, sig);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { update() {}, end: clear };
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
