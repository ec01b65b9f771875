/**
 * @module correlate/worker
 * Worker-thread entry: scans one capture and posts the plain result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AlibiError } from '../errors';
import { scanCapture, ScanRequest } from './scan';

try {
  const scan = scanCapture(workerData as ScanRequest);
  parentPort!.postMessage({ ok: true, scan });
} catch (e) {
  const err = e as AlibiError;
  parentPort!.postMessage({ ok: false, error: { name: err.name, message: err.message, file: err.file, offset: err.offset, packet: err.packet } });
}
