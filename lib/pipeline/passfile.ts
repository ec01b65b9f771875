/**
 * @module pipeline/passfile
 * One pass over a capture file on two cores: a worker thread reads and decodes (the reader and
 * `PacketDecoder`), this thread keeps the flow table and the observers, and decoded packets
 * cross in 64-byte units through a shared ring (decode/handoff). The capture is still read
 * once, and the results are the same as `CapturePass.packet` on every packet in one thread
 * (tested record for record); on one core, or with `threads: false`, it is that loop.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ReaderState } from '../capture/reader';
import { PacketRecord } from '../capture/record';
import type { DecoderSummary } from '../decode/decoder';
import { CTL_OFFSET, CTL_STRIDE, FAILED, handoffBuffers, SLOT_UNITS, SLOTS, UNIT, UnitReader } from '../decode/handoff';
import { ErrorData, errorFromData } from '../errors';
import { openCapture } from '../capture/file';
import { openCaptureSet, type CoverageGap } from '../capture/set';
import { clockShift } from '../capture/clock';
import { compiledScript } from '../scripts';
import type { CapturePass, PassResult } from './pass';

export interface PassFileOptions {
  /**
   * Decode in a worker thread while this thread accounts flows (default: for files of 16 MiB
   * and more, when the machine has two cores or more and the compiled worker script is present;
   * starting a thread costs ~0.1 s, more than a small file takes).
   */
  threads?: boolean;
  /** Called about every 4096 packets with the bytes read so far and the file size (compressed ones for a gzip capture). */
  onProgress?: (offset: number, size: number | undefined) => void;
  /** A rotated set read as one capture in time order (`openCaptureSet`) instead of `file` alone. */
  files?: string[];
  /** The set's coverage-gap threshold (s). */
  gapThreshold?: number;
  /** Seconds added to every packet time before it is decoded (a configured clock correction). */
  clockOffset?: number;
  /**
   * Called after each slot of decoded packets (threaded pass): a promise it returns is awaited
   * before the next, so a caller streaming output as flows finish can wait for a slow reader.
   */
  onSlot?: () => Promise<void> | undefined;
}

export interface PassFileResult extends PassResult {
  /** The reader's final state (format, interfaces, warnings, offset, packets). */
  reader: ReaderState;
  /** Whether the packets were decoded in a worker thread. */
  threaded: boolean;
  /** For a set of several files: their time order and the stretches no file covers. */
  set?: { files: string[]; gaps: CoverageGap[] };
}

/** Smallest file decoded in a second thread by default. */
export const THREAD_MIN_BYTES = 16 * 1024 * 1024;
/** Live flows finished per turn at the end of a threaded pass with a consumer (`onSlot`). */
const FLUSH_PORTION = 8192;

type WaitAsync = (a: Int32Array, i: number, v: number, timeout?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/**
 * Reads `file` once into `pass` (its flow table and observer) and finishes it.
 *
 * In the threaded pass the observer sees records rebuilt from the handoff: time, lengths and
 * index are the packet's; `bytes` is empty and `linkType`, `ifaceId` and `fileOffset` are not
 * set, and the segment (`table.segment`) carries the first 8 payload bytes only.
 * @example
 * const series = new SeriesAccumulator({ interval: 1 });
 * const res = await passFile('big.pcap', new CapturePass({ observer: series }));
 * res.flows.length; series.columns();
 */
export async function passFile(file: string, pass: CapturePass, opts: PassFileOptions = {}): Promise<PassFileResult> {
  const script = opts.threads === false || waitAsync === undefined ? null : compiledScript('pipeline/decode-worker.js');
  const files = opts.files && opts.files.length > 1 ? opts.files : null;
  const size = files ? files.reduce((n, f) => n + (fileSize(f) ?? 0), 0) : fileSize(file);
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  if (script === null || pass.filtered || (opts.threads === undefined && (cores < 2 || size === undefined || size < THREAD_MIN_BYTES))) return passInThisThread(file, pass, opts);

  const { data, ctl: ctlBuffer } = handoffBuffers();
  const ctl = new Int32Array(ctlBuffer);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(script, { workerData: { file, files, gapThreshold: opts.gapThreshold, clockOffset: opts.clockOffset, data, ctl: ctlBuffer, port: port2 }, transferList: [port2] });
  // A worker that dies without a word (it cannot load, runs out of memory) wakes the wait below.
  let crashed: Error | null = null;
  const wake = () => {
    for (let s = 0; s < SLOTS; s++) Atomics.notify(ctl, s * CTL_STRIDE);
  };
  worker.once('error', (e) => { crashed = e; wake(); });
  worker.once('exit', (code) => { crashed ??= new Error(`decoding thread exited (${code})`); wake(); });

  const units = new UnitReader(data, new PacketRecord());
  let slot = 0;
  let end: number;
  try {
    for (;;) {
      const at = slot * CTL_STRIDE;
      let n = Atomics.load(ctl, at);
      while (n === 0) {
        // A finished worker may be reported before its last slot is seen: look again first.
        if (crashed !== null && (n = Atomics.load(ctl, at)) === 0) throw crashed;
        const w = waitAsync!(ctl, at, 0, 1000);
        if (w.async) await w.value;
        n = Atomics.load(ctl, at);
      }
      if (n < 0) {
        end = n;
        break;
      }
      drain(units, pass, slot * SLOT_UNITS * UNIT, n);
      Atomics.store(ctl, at, 0);
      Atomics.notify(ctl, at);
      slot = (slot + 1) % SLOTS;
      opts.onProgress?.(Atomics.load(ctl, CTL_OFFSET) * 1024, size);
      const wait = opts.onSlot?.();
      if (wait) await wait;
    }
    const m = receiveMessageOnPort(port1)?.message as { ok: boolean; state?: ReaderState; decoded?: DecoderSummary; error?: ErrorData; set?: PassFileResult['set'] } | undefined;
    if (m === undefined) throw new Error('decoding thread ended without its summary');
    if (end === FAILED || !m.ok) throw errorFromData(m.error ?? { name: 'AlibiError', message: 'decoding thread failed' });
    opts.onProgress?.(size ?? m.state!.offset, size);
    // The flows still live finish in portions with the consumer's turn in between: a streaming
    // writer (Arrow, Parquet, CSV) writes each portion before the next is made.
    if (opts.onSlot) {
      while (pass.table.flushSome(FLUSH_PORTION)) {
        const wait = opts.onSlot();
        if (wait) await wait;
      }
    }
    return { ...pass.finish(m.state!, file, m.decoded!), reader: m.state!, threaded: true, ...(m.set ? { set: m.set } : {}) };
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/**
 * Accounts `n` units of a slot starting at word `o` (a separate function: the hot loop stays
 * optimised). The flow table's core reads the units itself; this thread reads them too only for
 * a per-packet observer.
 */
function drain(units: UnitReader, pass: CapturePass, o: number, n: number): void {
  const at = pass.table.loadUnits(units.words, o, n * UNIT);
  if (!pass.observed) {
    pass.acceptUnits(at, n);
    return;
  }
  const end = o + n * UNIT;
  const seg = units.seg;
  const rec = units.rec;
  for (let a = at - o; o < end; ) {
    const st = units.read(o);
    pass.acceptUnit(rec, st, seg, a + o);
    o += units.last6 ? 2 * UNIT : UNIT;
  }
}

function passInThisThread(file: string, pass: CapturePass, opts: PassFileOptions): PassFileResult {
  const set = opts.files && opts.files.length > 1 ? openCaptureSet(opts.files, { gapThreshold: opts.gapThreshold }) : null;
  const reader = set ?? openCapture(file);
  const size = reader.inputSize;
  const progress = opts.onProgress;
  const shift = clockShift(opts.clockOffset);
  let k = 0;
  for (let p = reader.next(); p !== null; p = reader.next()) {
    pass.packet(shift === null ? p : shift(p));
    if (progress !== undefined && (++k & 4095) === 0) progress(reader.inputOffset, size);
  }
  progress?.(reader.inputOffset, size);
  return { ...pass.finish(reader, file), reader, threaded: false, ...(set ? { set: { files: set.files, gaps: set.gaps } } : {}) };
}

function fileSize(file: string): number | undefined {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}
