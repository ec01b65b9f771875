/**
 * @module cli/common
 * What every subcommand shares: output sinks, argument errors, opening inputs by path or `-`,
 * and turning errors into one clear line and an exit code (SPEC.md: 0 output, 1 unreadable, 2 usage).
 */
import { compileFilter, parseFilter, type PacketFilter } from '../decode/bpf';
import { forTerminal, forTerminalLines } from '../report/escape';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { AlibiError, ArgumentError, MemoryLimitError } from '../errors';
import { getHeapStatistics } from 'node:v8';
import { AsyncCaptureReader, CaptureReader } from '../capture/reader';
import type { PacketRecord } from '../capture/record';
import { openCapture, openCaptureStream } from '../capture/file';
import type { CapturePass, PassResult } from '../pipeline/pass';
import { passFile } from '../pipeline/passfile';
import { Progress, progressBar } from './progress';
import { TextSpool } from './spool';
import { utf8 } from '../bytes/text';

export type { CliIo } from './io';
import type { CliIo } from './io';

export const EXIT_OK = 0;
export const EXIT_UNREADABLE = 1;
export const EXIT_USAGE = 2;

/** parseArgs that reports unknown options as ArgumentError (exit 2). */
export interface ParsedArgs {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  values: Record<string, any>;
  positionals: string[];
}
export function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = true): ParsedArgs {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new ArgumentError((e as Error).message);
  }
}

/** Opens a capture for reading: a path (sync, chunked) or `-` (stdin, async). */
export function openInput(path: string, io: CliIo): CaptureReader | AsyncCaptureReader {
  if (path === '-') return openCaptureStream(io.stdin ?? process.stdin, { file: '-' });
  return openCapture(path);
}

/**
 * One pass of a capture path into `pass` (a file: decoded on a second core, see `passFile`;
 * `-`: stdin), with a progress bar on a TTY unless `quiet`.
 */
export async function runPass(path: string, pass: CapturePass, io: CliIo, quiet: boolean, onSlot?: () => Promise<void> | undefined): Promise<PassResult> {
  if (path === '-') {
    const reader = openInput(path, io);
    await forEachPacket(reader, (p) => pass.packet(p));
    return pass.finish(reader, path);
  }
  let bar: Progress | null = null;
  try {
    return await passFile(path, pass, { onProgress: (done, size) => (bar ??= progressBar(io, path, size, { quiet })).update(done), onSlot });
  } finally {
    (bar as Progress | null)?.end();
  }
}

/** Runs `fn` on each packet of either reader kind. */
export async function forEachPacket(reader: CaptureReader | AsyncCaptureReader, fn: (p: PacketRecord) => void): Promise<void> {
  if (reader instanceof CaptureReader) {
    for (let p = reader.next(); p !== null; p = reader.next()) fn(p);
  } else {
    for (let p = await reader.next(); p !== null; p = await reader.next()) fn(p);
  }
}

/** Maps an error to one line on stderr and an exit code; stack only with --debug. */
export function reportError(e: unknown, io: CliIo, debug = false): number {
  if (e instanceof ArgumentError) {
    io.stderr(`alibi: ${forTerminalLines(e.message)} (see --help)\n`);
    return EXIT_USAGE;
  }
  if (e instanceof AlibiError) {
    io.stderr(`alibi: ${forTerminalLines(e.describe())}\n`);
    if (debug && e.stack) io.stderr(e.stack + '\n');
    return EXIT_UNREADABLE;
  }
  io.stderr(`alibi: internal error: ${forTerminalLines((e as Error)?.message ?? String(e))}\n`);
  if (debug && (e as Error)?.stack) io.stderr((e as Error).stack + '\n');
  return EXIT_UNREADABLE;
}

/**
 * For outputs that must hold every record before writing (sorted text, JSON, Arrow): a check to
 * call per record that throws a `MemoryLimitError` (exit 1, with what to do) once the heap is
 * nearly full, instead of letting V8 abort the process at its limit (a SYN flood of millions of
 * connections did: exit 134 after two minutes). It looks at the heap every 16,384 records (about
 * 10 MB of records). The limit V8 reports includes the young generation (48 MiB on 64-bit), which
 * held records cannot use: the check stops 64 MiB short of it, and at 85% of large heaps.
 */
export function heldRecordsGuard(file: string, what: string, fix: string): () => void {
  let n = 0;
  const limit = getHeapStatistics().heap_size_limit;
  const stop = Math.min(limit * 0.85, limit - 64 * 2 ** 20);
  const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
  return () => {
    if ((++n & 0x3fff) !== 0) return;
    const used = getHeapStatistics().used_heap_size;
    if (used > stop) {
      throw new MemoryLimitError(`${n.toLocaleString('en-US')} connections held for ${what} fill ${mib(used)} of the ${mib(limit)} heap: ${fix}, or give Node more heap (NODE_OPTIONS=--max-old-space-size=MiB)`, { file });
    }
  };
}

/** `file: offset N, packet M: reason` lines for human output. */
export function warningLines(ws: readonly { file: string | null; offset?: number | null; packet?: number | null; line?: number; reason: string }[]): string {
  return ws
    .map((w) => {
      const at = w.line !== undefined ? `line ${w.line}` : `offset ${w.offset ?? '?'}, packet ${w.packet ?? '?'}`;
      return `warning: ${forTerminal(w.file ?? '<input>')}: ${at}: ${forTerminal(w.reason)}\n`;
    })
    .join('');
}

export function json(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * The text of `json(doc)`, in pieces: each element of the array `doc[arrayKey]` is stringified on
 * its own. One JSON.stringify of a big capture's flows (~1.2 KB each) would pass V8's longest
 * string (2^29 characters) at about 450,000 connections; pieces never come near it.
 */
export function* jsonPieces(doc: Record<string, unknown>, arrayKey: string, item: (v: never) => string = (v) => (JSON.stringify(v, null, 2) ?? 'null').replace(/\n/g, '\n    ')): Generator<string | Uint8Array> {
  const keys = Object.keys(doc).filter((k) => doc[k] !== undefined && typeof doc[k] !== 'function');
  yield '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = doc[k];
    yield `${i ? ',' : ''}\n  ${JSON.stringify(k)}: `;
    if (k === arrayKey && Array.isArray(v) && v.length > 0) {
      yield '[';
      for (let j = 0; j < v.length; j++) yield `${j ? ',' : ''}\n    ${item(v[j] as never)}`;
      yield '\n  ]';
    } else if (k === arrayKey && v instanceof TextSpool) {
      // Items already rendered (by `item`) and kept as bytes: written in the spool's order.
      if (v.length === 0) yield '[]';
      else {
        yield '[';
        yield* v.pieces((j) => (j ? ',\n    ' : '\n    '));
        yield '\n  ]';
      }
    } else {
      yield JSON.stringify(v, null, 2).replace(/\n/g, '\n  ');
    }
  }
  yield keys.length ? '\n}\n' : '}\n';
}

/**
 * Writes pieces of text to stdout in writes of about 1 MB, waiting when stdout says it is full:
 * Node queues what a pipe cannot take yet in memory, and without the wait a 480 MB document piped
 * into a slower reader was all queued at once (4.2 GB peak for `alibi flows big.pcap --json | sha1sum`).
 */
export async function writePieces(io: Pick<CliIo, 'stdout' | 'stdoutBytes' | 'drained'>, pieces: Iterable<string | Uint8Array>): Promise<void> {
  let buf = '';
  const wait = async (more: void | boolean) => {
    if (more === false && io.drained) await io.drained();
  };
  for (const p of pieces) {
    if (typeof p !== 'string') {
      // Bytes (a spool's items): written as they are, after the text before them.
      if (buf) await wait(io.stdout(buf));
      buf = '';
      await wait(io.stdoutBytes ? io.stdoutBytes(p) : io.stdout(utf8(p)));
      continue;
    }
    buf += p;
    if (buf.length >= 1 << 20) {
      const more = io.stdout(buf);
      buf = '';
      await wait(more);
    }
  }
  if (buf) io.stdout(buf);
}

/**
 * `--filter EXPR`: the tcpdump expression compiled (a mistake is a usage error naming the
 * character), or undefined when none was given or it is empty (tcpdump's '' keeps everything).
 */
export function packetFilterFlag(expr: string | undefined): PacketFilter | undefined {
  if (expr === undefined || parseFilter(expr) === null) return undefined;
  return compileFilter(expr);
}

/**
 * The `--port` / `--host` test (`flowFilter` on live flows, `recordFilter` on records), its
 * library message ("port must be …") named as the flag the user typed.
 */
export function portHostFlags<T>(make: (port?: string, host?: string) => T, values: { port?: string; host?: string }): T {
  try {
    return make(values.port, values.host);
  } catch (e) {
    throw new ArgumentError(`--${(e as Error).message}`);
  }
}
