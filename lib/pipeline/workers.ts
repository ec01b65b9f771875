/**
 * @module pipeline/workers
 * Several captures are read in parallel, one worker thread each (up to the core count): each
 * capture is still read once, and the main thread only merges plain columns.
 */
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { ErrorData, errorFromData } from '../errors';
import { compiledScript } from '../scripts';
import { IntervalGrid } from '../grid';
import type { SeriesColumns } from '../metrics/series';
import { CaptureScan, ScanRequest, scanCapture } from './scan';

function revive(cols: SeriesColumns): SeriesColumns {
  const g = cols.grid as unknown as { originSec: number; originNs: number; widthNs: number };
  return { ...cols, grid: new IntervalGrid(g.originSec, g.originNs, g.widthNs / 1e9) };
}

/** The compiled worker script, or null (then the caller scans in this thread). */
export function workerScript(): string | null {
  return compiledScript('pipeline/scan-worker.js');
}

export async function scanInWorkers(reqs: ScanRequest[]): Promise<CaptureScan[]> {
  const script = workerScript();
  if (script === null) return reqs.map((r) => scanCapture(r));
  return scansInWorkers(script, reqs);
}

/**
 * Runs worker script `script` once per item of `data` (its workerData), up to the core count at
 * once, each posting back one scan (`{ ok, scan }` or `{ ok: false, error }`); the scans in order.
 */
export async function scansInWorkers(script: string, data: unknown[]): Promise<CaptureScan[]> {
  const limit = Math.max(1, Math.min(data.length, os.availableParallelism?.() ?? os.cpus().length));
  const out: CaptureScan[] = new Array(data.length);
  let next = 0;
  const runOne = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(script, { workerData: data[i] });
      w.once('message', (m: { ok: boolean; scan?: CaptureScan; error?: ErrorData }) => {
        if (m.ok && m.scan) {
          const s = m.scan;
          s.all = revive(s.all);
          for (const k of Object.keys(s.services)) s.services[k] = revive(s.services[k]);
          out[i] = s;
          resolve();
        } else {
          // Errors cross the thread as data: rebuild the typed error (same class) that still says where.
          reject(errorFromData(m.error ?? { name: 'AlibiError', message: 'worker failed' }));
        }
      });
      w.once('error', reject);
    });
  const lanes = Array.from({ length: limit }, async () => {
    while (next < data.length) await runOne(next++);
  });
  await Promise.all(lanes);
  return out;
}
