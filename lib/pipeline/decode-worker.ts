/**
 * @module pipeline/decode-worker
 * Worker-thread entry of `passFile`: reads and decodes one capture file and writes the decoded
 * packets into the handoff ring; at the end posts the reader's state and the decoder's summary
 * (or the typed error, as data) on its port, then marks the ring ended.
 */
import { MessagePort, workerData } from 'node:worker_threads';
import { errorData } from '../errors';
import { openCapture } from '../capture/file';
import { clockShift } from '../capture/clock';
import { openCaptureSet } from '../capture/set';
import { PacketDecoder } from '../decode/decoder';
import { CTL_OFFSET, CTL_STRIDE, END, FAILED, SLOTS, UnitWriter } from '../decode/handoff';

export interface DecodeWorkerData {
  file: string;
  /** A rotated set read as one capture (openCaptureSet), with its gap threshold (s). */
  files?: string[] | null;
  gapThreshold?: number;
  /** Seconds added to every packet time (a configured clock correction). */
  clockOffset?: number;
  data: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  port: MessagePort;
}

const { file, files, gapThreshold, clockOffset, data, ctl: ctlBuffer, port } = workerData as DecodeWorkerData;
const ctl = new Int32Array(ctlBuffer);
const out = new UnitWriter(data);
let slot = 0;

/** Waits until the accounting thread has emptied `slot`. */
function claim(s: number): void {
  const at = s * CTL_STRIDE;
  for (let v; (v = Atomics.load(ctl, at)) !== 0; ) Atomics.wait(ctl, at, v);
  out.begin(s);
}

/** Hands over what the current slot holds (if anything) and moves to the next one. */
function handOver(): void {
  if (out.count === 0) return;
  publish(out.count);
  slot = (slot + 1) % SLOTS;
  claim(slot);
}

function publish(value: number): void {
  const at = slot * CTL_STRIDE;
  Atomics.store(ctl, at, value);
  Atomics.notify(ctl, at);
}

try {
  const set = files && files.length > 1 ? openCaptureSet(files, { gapThreshold }) : null;
  const reader = set ?? openCapture(file);
  const shift = clockShift(clockOffset);
  const d = new PacketDecoder();
  claim(slot);
  for (let r = reader.next(); r !== null; r = reader.next()) {
    const p = shift === null ? r : shift(r);
    d.issues.offset = p.fileOffset;
    out.put(p, d.decode(p.bytes, p.offset, p.capLen, p.origLen, p.linkType, p.index), d.seg);
    if (out.full) {
      Atomics.store(ctl, CTL_OFFSET, Math.floor(reader.inputOffset / 1024)); // KiB: int32 holds 2 TiB
      handOver();
    }
  }
  handOver();
  const state = {
    format: reader.format,
    byteOrder: reader.byteOrder,
    interfaces: reader.interfaces,
    warnings: reader.warnings,
    offset: reader.offset,
    packets: reader.packets,
    warningsDropped: reader.warningsDropped,
  };
  port.postMessage({ ok: true, state, decoded: d.summary(), ...(set ? { set: { files: set.files, gaps: set.gaps } } : {}) });
  publish(END);
} catch (e) {
  // What was decoded before the error is still handed over, as the one-thread pass keeps it.
  handOver();
  port.postMessage({ ok: false, error: errorData(e) });
  publish(FAILED);
}
