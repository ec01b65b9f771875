/**
 * @module distribute/processor
 * What a worker runs for each job, in a worker thread of its own (BullMQ's sandboxed processor):
 * the scan is synchronous work, and on the worker's main thread it would stop the lock renewals
 * that tell the queue the job is alive. This file is loaded by path (`processor.js` beside it).
 */
import { scanToPartial, type ScanJob, type ScanJobResult } from '../partial/partial';
import { jobError } from './bull';

/** Scans one job's files into its partial; a failure is thrown as {@link jobError} makes it. */
export default async function runScanJob(job: { data: ScanJob }): Promise<ScanJobResult> {
  try {
    return await scanToPartial(job.data);
  } catch (e) {
    throw jobError(e);
  }
}
