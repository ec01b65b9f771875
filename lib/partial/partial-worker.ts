/**
 * @module partial/partial-worker
 * Worker-thread entry: reads one vantage's partials (Parquet, decoded in parquet-wasm) and posts
 * the merged scan back, so the main thread reads the logs meanwhile and the wasm memory the
 * decoding grew is given back when the thread ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorData } from '../errors';
import { postTransferring } from '../pipeline/transfer';
import { mergeScans } from '../correlate/split';
import { readPartialScans, type PartialExpectation } from './partial';

try {
  const { dir, want } = workerData as { dir: string; want: PartialExpectation };
  const scan = mergeScans(readPartialScans(dir, want));
  postTransferring(parentPort!, { ok: true, scan });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: errorData(e) });
}
