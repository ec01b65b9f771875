/**
 * @module partial/flows-worker
 * Worker-thread entry of FlowRowsThreaded: takes each slot of copied flow records from the ring,
 * turns them into rows through Flow views (FlowColumnBatcher, as in the scanning thread) and
 * writes the Parquet file under its temporary name; posts `{ ok }` on its port once sealed, or
 * the error (then sets the ring's FAILED word, so a scanning thread waiting on the ring stops).
 */
import { workerData } from 'node:worker_threads';
import { errorData } from '../errors';
import { COPIED_RECORD_BYTES, Flow, FlowRecordCopies } from '../flow/flow';
import { FlowColumnBatcher } from '../report/flowcolumns';
import { FLOW_COLUMNS } from '../report/schema';
import { AtomicParquet } from './atomic';
import { CTL_FAILED, CTL_STRIDE, END, SLOT_BYTES, SLOT_RECORDS, SLOTS, type FlowRowsWorkerData } from './flowrows';

const { tmp, vantage, data, ctl: ctlBuffer, port } = workerData as FlowRowsWorkerData;
const ctl = new Int32Array(ctlBuffer);
const words = new Int32Array(data);
let file: AtomicParquet | null = null;
try {
  file = new AtomicParquet(tmp, FLOW_COLUMNS, tmp);
  const out = file;
  const batcher = new FlowColumnBatcher(vantage, (t) => out.add(t));
  const copies = Array.from({ length: SLOTS }, (_, s) => new FlowRecordCopies(data, s * SLOT_BYTES, SLOT_RECORDS));
  const views = copies.map((c) => new Flow(c));
  for (let slot = 0; ; slot = (slot + 1) % SLOTS) {
    const at = slot * CTL_STRIDE;
    let n: number;
    while ((n = Atomics.load(ctl, at)) === 0) {
      if (Atomics.load(ctl, CTL_FAILED) !== 0) throw new Error('the scan stopped');
      Atomics.wait(ctl, at, 0, 200);
    }
    if (n === END) break;
    // long histories' tails: [record, length, characters…] after the records
    const c = copies[slot];
    c.more.clear();
    let p = slot * (SLOT_BYTES / 4) + (SLOT_RECORDS * COPIED_RECORD_BYTES) / 4;
    for (let k = 0, spills = words[p++]; k < spills; k++) {
      const idx = words[p++], len = words[p++];
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(words[p++]);
      c.more.set(idx, s);
    }
    const v = views[slot];
    for (let k = 0; k < n; k++) {
      v.idx = k;
      batcher.add(v);
    }
    Atomics.store(ctl, at, 0);
    Atomics.notify(ctl, at);
  }
  batcher.flush();
  file.seal();
  port.postMessage({ ok: true });
} catch (e) {
  file?.abort();
  // the error first, then the flag the scanning thread checks before reading it
  port.postMessage({ ok: false, error: errorData(e) });
  Atomics.store(ctl, CTL_FAILED, 1);
  for (let s = 0; s < SLOTS; s++) Atomics.notify(ctl, s * CTL_STRIDE);
}
