/**
 * @module distribute/worker
 * A BullMQ worker that scans the jobs of a queue into partials (`alibi worker`). Each job runs
 * `scanToPartial` in a worker thread (BullMQ's sandboxed processor, `processor.js`), so the
 * main thread keeps renewing the job's lock while the scan runs.
 *
 * A worker that dies mid-job (SIGKILL, a crash, the machine) loses nothing: its lock on the job
 * runs out after `lockDuration`, and the stalled-job check of any live worker (every
 * `stalledInterval`) puts the job back on the queue for another. The partial is written
 * atomically under the job's part name, so a job run twice leaves one partial, the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError } from '../errors';
import type { ScanJob, ScanJobResult } from '../partial/partial';
import { checkRedis, connectionOf, loadBullmq, parseQueueUrl } from './bull';

/** Options of {@link startScanWorker}. */
export interface ScanWorkerOptions {
  /** The queue: `redis://host:port[/db][?queue=NAME]`. */
  queue: string;
  /** Jobs run at once by this process, each in its own thread (default 1: a scan keeps about two cores busy). */
  concurrency?: number;
  /** Name shown in the queue for the jobs this worker runs (`processedBy`); default BullMQ's. */
  name?: string;
  /**
   * How long (ms) a job's lock lasts without renewal (renewed every half of it while the job
   * runs); a dead worker's job is given to another after at most this plus `stalledInterval`.
   * Default 30,000 (BullMQ's).
   */
  lockDuration?: number;
  /** How often (ms) this worker looks for jobs whose lock ran out. Default 30,000 (BullMQ's). */
  stalledInterval?: number;
  /** How many times a job may lose its worker before it fails (default 1, BullMQ's). */
  maxStalledCount?: number;
  /** Run scans on the main thread instead of a worker thread (only for a processor file that cannot be loaded: tests from source). */
  inProcess?: boolean;
  /** Told of each job as it starts, finishes or fails, and of connection errors. */
  onEvent?: (e: ScanWorkerEvent) => void;
}

/** What a worker reports. */
export type ScanWorkerEvent =
  | { type: 'active'; id: string; part: string }
  | { type: 'completed'; id: string; part: string; result: ScanJobResult }
  | { type: 'failed'; id: string; part: string; reason: string; willRetry: boolean }
  | { type: 'error'; message: string };

/** A running worker: `close()` stops taking jobs and resolves when the running ones are done. */
export interface ScanWorker {
  readonly name: string;
  /** Graceful: waits for the jobs running (`force`: abandons them; the queue gives them to another worker). */
  close(force?: boolean): Promise<void>;
}

/**
 * Starts a worker on the queue (after checking Redis answers: a `QueueError` naming the URL
 * when it does not).
 * @example
 * const w = await startScanWorker({ queue: 'redis://10.0.0.5:6379', concurrency: 2 });
 * process.once('SIGTERM', () => w.close());
 */
export async function startScanWorker(opts: ScanWorkerOptions): Promise<ScanWorker> {
  const target = parseQueueUrl(opts.queue);
  const { Worker } = loadBullmq();
  for (const [k, v] of Object.entries({ concurrency: opts.concurrency, lockDuration: opts.lockDuration, stalledInterval: opts.stalledInterval, maxStalledCount: opts.maxStalledCount })) {
    if (v !== undefined && (!Number.isInteger(v) || v < (k === 'maxStalledCount' ? 0 : 1))) throw new ArgumentError(`${k} must be a whole number ${k === 'maxStalledCount' ? '>= 0' : '>= 1'}, not ${v}`);
  }
  await checkRedis(target);
  const file = path.join(__dirname, 'processor.js');
  const inProcess = opts.inProcess || !fs.existsSync(file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const processor = inProcess ? (require('./processor') as { default: (job: { data: ScanJob }) => Promise<ScanJobResult> }).default : file;
  const workerOpts: Record<string, unknown> = { connection: connectionOf(target), concurrency: opts.concurrency ?? 1, useWorkerThreads: true };
  if (opts.name !== undefined) workerOpts.name = opts.name;
  if (opts.lockDuration !== undefined) workerOpts.lockDuration = opts.lockDuration;
  if (opts.stalledInterval !== undefined) workerOpts.stalledInterval = opts.stalledInterval;
  if (opts.maxStalledCount !== undefined) workerOpts.maxStalledCount = opts.maxStalledCount;
  const worker = new Worker(target.name, processor, workerOpts);
  const tell = opts.onEvent ?? (() => {});
  type J = { id: string; data: ScanJob; attemptsMade: number; opts: { attempts?: number } };
  const part = (job: J) => job.data?.part ?? job.id;
  worker.on('active', (job: J) => tell({ type: 'active', id: job.id, part: part(job) }));
  worker.on('completed', (job: J, result: ScanJobResult) => tell({ type: 'completed', id: job.id, part: part(job), result }));
  worker.on('failed', (job: J | undefined, err: Error) => {
    if (!job) return;
    const willRetry = err.name !== 'UnrecoverableError' && job.attemptsMade < (job.opts.attempts ?? 1);
    tell({ type: 'failed', id: job.id, part: part(job), reason: err.message, willRetry });
  });
  // A connection error repeats while BullMQ reconnects: told once until it changes.
  let lastError = '';
  worker.on('error', (e: Error) => {
    const m = e?.message ?? String(e);
    if (m !== lastError) tell({ type: 'error', message: m });
    lastError = m;
  });
  await worker.waitUntilReady();
  return {
    name: (opts.name ?? worker.opts?.name ?? worker.id ?? target.name) as string,
    close: (force = false) => worker.close(force) as Promise<void>,
  };
}
