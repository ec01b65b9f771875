/**
 * @module distribute/queue
 * Scans on many machines through BullMQ on Redis: {@link distributeScan} puts one job per
 * {@link ScanJob} on the queue and waits for the workers (`alibi worker`, see
 * `distribute/worker`) to write the partials. BullMQ (optional) is loaded on first use.
 */
import * as fs from 'node:fs';
import type { ScanJob, ScanJobResult } from '../partial/partial';
import { checkRedis, connectionOf, jobErrorFrom, loadBullmq, parseQueueUrl, QueueError } from './bull';
import { scanJobId } from './jobs';

/** Options of {@link distributeScan}. */
export interface DistributeOptions {
  /** The queue: `redis://host:port[/db][?queue=NAME]` (see `parseQueueUrl`). */
  queue: string;
  jobs: ScanJob[];
  /** Give up (a `timeout` QueueError) when the jobs are not all done after this long; default: wait. */
  timeoutMs?: number;
  /** Called as jobs finish: (finished so far, all). Called with (0, n) once the jobs are queued. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The options each job is queued with. `attempts: 2`: a job that fails with anything but our
 * typed errors (which say the input is bad and would fail again) is run once more, a second
 * later. Finished jobs are kept a day (failed ones a week), so a submission repeated within the
 * day returns the kept results without scanning again. A job whose worker dies is not a failure:
 * BullMQ's stalled-job check gives it back to the queue (see `startScanWorker`).
 */
export const JOB_OPTIONS = {
  attempts: 2,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Whether the files a finished job wrote are all still there (seen from here: the folder is shared, or this is the machine). */
function writtenStill(r: ScanJobResult | undefined): boolean {
  return !!r && Array.isArray(r.written) && r.written.every((f) => fs.existsSync(f));
}

/** Jobs added per round trip. */
const ADD_BATCH = 500;

/**
 * Queues one job per scan job and resolves with their results in job order, once every job is
 * done. Job ids are deterministic ({@link scanJobId}): submitting the same jobs again (after an
 * interruption, or twice at once) queues nothing new, waits for the jobs already there, and
 * re-runs those that had failed and those whose partial files are gone. A job that fails for good rejects with its error (the typed
 * error the worker met, rebuilt). Redis unreachable or BullMQ missing: a `QueueError` naming
 * the URL, at once.
 * @example
 * const jobs = scanJobs(files, { vantage: 'firewall', out: '/data/partials', interval: 1, services, filesPerJob: 4 });
 * const results = await distributeScan({ queue: 'redis://10.0.0.5:6379', jobs, onProgress: (d, n) => console.error(`${d}/${n}`) });
 * results.map((r) => r.part) //=> ['firewall-0000', 'firewall-0001', …]
 */
export async function distributeScan(opts: DistributeOptions): Promise<ScanJobResult[]> {
  const target = parseQueueUrl(opts.queue);
  const { Queue, QueueEvents } = loadBullmq();
  const total = opts.jobs.length;
  if (total === 0) return [];
  await checkRedis(target);
  const connection = connectionOf(target);
  const queue = new Queue(target.name, { connection });
  const events = new QueueEvents(target.name, { connection });
  // Errors reach the waits below; BullMQ reconnects by itself.
  queue.on('error', () => {});
  events.on('error', () => {});
  // Each job's wait listens for the queue closing: one listener per job, not a leak.
  queue.setMaxListeners(total + 10);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const ids = opts.jobs.map(scanJobId);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const jobs: any[] = [];
    for (let i = 0; i < total; i += ADD_BATCH) {
      jobs.push(...(await queue.addBulk(opts.jobs.slice(i, i + ADD_BATCH).map((data, k) => ({ name: 'scan', data, opts: { ...JOB_OPTIONS, jobId: ids[i + k] } })))));
    }
    // Kept from an earlier submission: run again if it failed (the input may have been fixed), or
    // if what it wrote is gone (the folder was cleared to scan again).
    for (const job of jobs) {
      const state = await job.getState();
      if (state === 'failed') await job.retry('failed');
      else if (state === 'completed' && !writtenStill((await queue.getJob(job.id))?.returnvalue)) await job.retry('completed');
    }
    let done = 0;
    opts.onProgress?.(0, total);
    const all = Promise.all(
      jobs.map(async (job: { waitUntilFinished(ev: unknown): Promise<ScanJobResult> }, i: number) => {
        let r: ScanJobResult;
        try {
          r = await job.waitUntilFinished(events);
        } catch (e) {
          throw jobErrorFrom((e as Error).message ?? String(e), opts.jobs[i].part ?? ids[i]);
        }
        opts.onProgress?.(++done, total);
        return r;
      }),
    );
    if (opts.timeoutMs === undefined) return await all;
    const ms = opts.timeoutMs;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueError(`${total - done} of ${total} scan jobs not done after ${ms} ms on ${target.display}: is a worker running (alibi worker --queue ${target.display})?`, 'timeout')), ms);
    });
    all.catch(() => {});
    return await Promise.race([all, late]);
  } finally {
    clearTimeout(timer);
    await events.close().catch(() => {});
    await queue.close().catch(() => {});
  }
}
