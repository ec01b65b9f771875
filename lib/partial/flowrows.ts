/**
 * @module partial/flowrows
 * A part's flow rows (`flows/<part>.parquet`), written as connections finish: in this thread, or
 * — when the scan runs on two threads — in a third, so the thread that keeps the flow table only
 * copies each finished record (360 bytes) into shared memory.
 *
 * Why: a day's vantage finishes half a million connections; turning each into a row (address
 * text, state, history, times) and the rows into Parquet pages took 2-2.5 s of the flow table's
 * thread, the scan's critical path, while the decoding thread waited half the time. The rows and
 * the file are the same bytes either way (FlowColumnBatcher over a Flow view of the copies).
 *
 * The ring: SLOTS slots of SLOT_RECORDS copied records each, plus a spill area for the rare
 * history longer than a record holds. A slot's control word is 0 (empty: the writer may fill
 * it), n > 0 (n records for the encoder) or END. The writer blocks while the encoder is a whole
 * ring behind (bounded memory); an encoder that fails sets FAILED, and the writer throws its error.
 */
import * as fs from 'node:fs';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { errorFromData, type ErrorData } from '../errors';
import { COPIED_RECORD_BYTES, type Flow } from '../flow/flow';
import { FlowColumnBatcher } from '../report/flowcolumns';
import { FLOW_COLUMNS } from '../report/schema';
import { AtomicParquet, temporaryName } from './atomic';

export const SLOTS = 4;
export const SLOT_RECORDS = 4096;
/** Bytes per slot for long histories' tails: entries of [record, length, characters…] in int32s. */
export const SPILL_BYTES = 32 * 1024;
export const SLOT_BYTES = SLOT_RECORDS * COPIED_RECORD_BYTES + SPILL_BYTES;
/** Control words: one per slot, 16 apart (a cache line each), then FAILED. */
export const CTL_STRIDE = 16;
export const CTL_FAILED = SLOTS * CTL_STRIDE;
export const END = -1;

/** Where finished flows go: `add` each (a view, read now), then `finish`, then `commit` (or `abort`). */
export interface FlowRows {
  add(f: Flow): void;
  /** Every row written and the file sealed (not yet in place). */
  finish(): Promise<void>;
  /** Renames the sealed file into place. */
  commit(): void;
  abort(): void;
}

/** The rows encoded in this thread. */
export class FlowRowsHere implements FlowRows {
  private readonly file: AtomicParquet;
  private readonly batcher: FlowColumnBatcher;
  constructor(file: string, vantage: string) {
    this.file = new AtomicParquet(file, FLOW_COLUMNS);
    this.batcher = new FlowColumnBatcher(vantage, (t) => this.file.add(t));
  }
  add(f: Flow): void {
    this.batcher.add(f);
  }
  async finish(): Promise<void> {
    this.batcher.flush();
    this.file.seal();
  }
  commit(): void {
    this.file.close();
  }
  abort(): void {
    this.file.abort();
  }
}

/** What the encoding thread is given. */
export interface FlowRowsWorkerData {
  tmp: string;
  vantage: string;
  data: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  /** Where the thread says it is done (`{ ok: true }`) or why it failed (`{ ok: false, error }`). */
  port: MessagePort;
}

type Outcome = { ok: boolean; error?: ErrorData };

/** The rows encoded in a worker thread (`script`: the compiled partial/flows-worker). */
export class FlowRowsThreaded implements FlowRows {
  private readonly tmp: string;
  private readonly ctl: Int32Array;
  private readonly words: Int32Array;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly done: Promise<void>;
  private slot = 0;
  private n = 0;
  private spills = 0;
  private spillAt = 0;
  private claimed = false;
  private failure: Error | null = null;

  constructor(private readonly file: string, vantage: string, script: string) {
    this.tmp = temporaryName(file);
    const data = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
    const ctl = new SharedArrayBuffer((CTL_FAILED + 1) * 4);
    this.ctl = new Int32Array(ctl);
    this.words = new Int32Array(data);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(script, { workerData: { tmp: this.tmp, vantage, data, ctl, port: port2 } satisfies FlowRowsWorkerData, transferList: [port2] });
    this.done = new Promise<void>((resolve, reject) => {
      const settle = (m: Outcome) => (m.ok ? resolve() : reject(this.failed(m)));
      port1.once('message', settle);
      this.worker.once('error', (e) => reject((this.failure ??= e)));
      // the exit can be seen before the port's last message: look for it first
      this.worker.once('exit', () => {
        const m = receiveMessageOnPort(port1)?.message as Outcome | undefined;
        if (m !== undefined) settle(m);
        else reject(this.failure ?? new Error('flow rows thread ended without a word'));
      });
    });
    this.done.catch(() => undefined).finally(() => port1.close());
  }

  /** The thread's error, rebuilt (typed, with where) from what it posted. */
  private failed(m: Outcome | undefined): Error {
    return (this.failure ??= errorFromData(m?.error ?? { name: 'AlibiError', message: 'flow rows thread failed' }));
  }

  add(f: Flow): void {
    if (!this.claimed) this.claim();
    const base = this.slot * (SLOT_BYTES / 4);
    const tail = f.store.copyRecord(f.idx, this.words, base + this.n * (COPIED_RECORD_BYTES / 4));
    if (tail !== '' && !this.spill(tail)) {
      // the slot's spill area is full: hand the slot over without this record, which goes first in the next
      this.publish(this.n);
      this.claim();
      f.store.copyRecord(f.idx, this.words, this.slot * (SLOT_BYTES / 4));
      this.spill(tail);
    }
    if (++this.n === SLOT_RECORDS) this.publish(this.n);
  }

  async finish(): Promise<void> {
    if (this.n > 0) this.publish(this.n);
    this.claim();
    this.publish(END);
    await this.done;
  }

  commit(): void {
    fs.renameSync(this.tmp, this.file);
  }

  abort(): void {
    Atomics.store(this.ctl, CTL_FAILED, 1);
    void this.worker.terminate().finally(() => fs.rmSync(this.tmp, { force: true }));
  }

  /** Waits until the current slot is empty (the encoder has taken what it held). */
  private claim(): void {
    const at = this.slot * CTL_STRIDE;
    for (let v; (v = Atomics.load(this.ctl, at)) !== 0; ) {
      // the thread failed: its error is on the port (read now; this thread is not returning to its event loop)
      if (Atomics.load(this.ctl, CTL_FAILED) !== 0) throw this.failure ?? this.failed(receiveMessageOnPort(this.port)?.message as Outcome | undefined);
      Atomics.wait(this.ctl, at, v, 200);
    }
    this.claimed = true;
    this.n = 0;
    this.spills = 0;
    this.spillAt = this.spillCountAt() + 1;
  }

  /** Puts record n's history tail in the slot's spill area; false when it does not fit. */
  private spill(tail: string): boolean {
    const end = (this.slot + 1) * (SLOT_BYTES / 4);
    // histories are ASCII letters (Zeek's); one this long does not occur: keep what fits
    const text = tail.length > SPILL_BYTES / 4 - 3 ? tail.slice(0, SPILL_BYTES / 4 - 3) : tail;
    if (this.spillAt + 2 + text.length > end) return false;
    const w = this.words;
    w[this.spillAt++] = this.n;
    w[this.spillAt++] = text.length;
    for (let i = 0; i < text.length; i++) w[this.spillAt++] = text.charCodeAt(i);
    w[this.spillCountAt()] = ++this.spills;
    return true;
  }

  /** Int32 index of the current slot's spill count (its spill entries follow). */
  private spillCountAt(): number {
    return this.slot * (SLOT_BYTES / 4) + (SLOT_RECORDS * COPIED_RECORD_BYTES) / 4;
  }

  private publish(value: number): void {
    const at = this.slot * CTL_STRIDE;
    if (this.spills === 0) this.words[this.spillCountAt()] = 0;
    Atomics.store(this.ctl, at, value);
    Atomics.notify(this.ctl, at);
    this.slot = (this.slot + 1) % SLOTS;
    this.claimed = false;
  }
}
