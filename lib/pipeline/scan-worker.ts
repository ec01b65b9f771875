/**
 * @module pipeline/scan-worker
 * Worker-thread entry: scans one capture and posts the plain result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorData } from '../errors';
import { postTransferring } from './transfer';
import { scanCapture, ScanRequest } from './scan';

try {
  const scan = scanCapture(workerData as ScanRequest);
  postTransferring(parentPort!, { ok: true, scan });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: errorData(e) });
}
