/**
 * @module distribute/bull
 * The optional BullMQ (and its Redis driver, ioredis) loaded on first use, the queue URL, and
 * the typed error for everything that can go wrong between us and the queue. Nothing here is
 * loaded unless a distributed scan or a worker is asked for, so the library works without them.
 */
import { AlibiError, ArgumentError, errorData, errorFromData, type ErrorData } from '../errors';

/** Why the queue failed us: `unavailable` (bullmq/ioredis not installed), `unreachable` (Redis), `failed` (a job failed for good), `timeout`. */
export type QueueErrorReason = 'unavailable' | 'unreachable' | 'failed' | 'timeout';

/** A distributed scan or a worker could not do its work; `reason` says what to do about it. */
export class QueueError extends AlibiError {
  constructor(message: string, readonly reason: QueueErrorReason, options?: { cause?: unknown }) {
    super(message, {}, options);
  }
  override get code() {
    return `queue_${this.reason}`;
  }
  override describe(): string {
    return this.message;
  }
}

/** The queue named by a `--queue` URL. */
export interface QueueTarget {
  /** The Redis URL given to ioredis (without our `queue` parameter). */
  url: string;
  /** The BullMQ queue name: `?queue=NAME`, default {@link DEFAULT_QUEUE}. */
  name: string;
  /** The URL for messages: the password replaced by `***`. */
  display: string;
}

/** The queue name when the URL names none. */
export const DEFAULT_QUEUE = 'alibi-scan';

/**
 * Reads a queue URL: `redis://[user:password@]host[:port][/db][?queue=NAME]` (`rediss://` for
 * TLS). One queue per set of machines that can read the same files: workers take any job of
 * their queue, so machines that each hold their own captures each get a queue (`?queue=fw1`).
 * @example
 * parseQueueUrl('redis://10.0.0.5:6379?queue=firewall')
 * //=> { url: 'redis://10.0.0.5:6379', name: 'firewall', display: 'redis://10.0.0.5:6379?queue=firewall' }
 */
export function parseQueueUrl(queue: string): QueueTarget {
  let u: URL;
  try {
    u = new URL(queue);
  } catch {
    throw new ArgumentError(`--queue must be a Redis URL like redis://host:6379, not "${queue}"`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ArgumentError(`--queue must be a redis:// or rediss:// URL, not "${u.protocol}//…"`);
  if (!u.hostname) throw new ArgumentError(`--queue names no host: "${queue}"`);
  const name = u.searchParams.get('queue') ?? DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new ArgumentError(`the queue name may hold letters, digits, ".", "_" and "-" only, not "${name}"`);
  u.searchParams.delete('queue');
  const url = u.toString();
  if (u.password) u.password = '***';
  const shown = u.toString().replace(/\?$/, '');
  return { url: url.replace(/\?$/, ''), name, display: name === DEFAULT_QUEUE ? shown : `${shown}${shown.includes('?') ? '&' : '?'}queue=${name}` };
}

// ---- the optional modules --------------------------------------------------------------------

/** The parts of BullMQ used here, typed locally so the library compiles without it. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface BullModule {
  Queue: new (name: string, opts: any) => any;
  Worker: new (name: string, processor: any, opts: any) => any;
  QueueEvents: new (name: string, opts: any) => any;
}
type RedisCtor = new (url: string, opts: Record<string, unknown>) => {
  connect(): Promise<void>;
  ping(): Promise<string>;
  disconnect(): void;
  on(ev: 'error', fn: (e: Error) => void): void;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

let bull: BullModule | null = null;

/**
 * Loads BullMQ (and checks ioredis, its Redis driver, loads too); throws {@link QueueError}
 * `unavailable` when either is missing.
 */
export function loadBullmq(): BullModule {
  if (bull) return bull;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('bullmq') as BullModule;
    loadRedis();
    bull = m;
    return m;
  } catch (e) {
    if (e instanceof QueueError) throw e;
    throw unavailable('bullmq', e);
  }
}

function loadRedis(): RedisCtor {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('ioredis') as { default?: RedisCtor; Redis?: RedisCtor } & RedisCtor;
    return m.Redis ?? m.default ?? m;
  } catch (e) {
    throw unavailable('ioredis', e);
  }
}

function unavailable(pkg: string, e: unknown): QueueError {
  const detail = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ? 'it is not installed' : (e as Error).message;
  return new QueueError(`distributed scans need the optional "bullmq" and "ioredis" packages, and for "${pkg}" ${detail}: run "npm install bullmq ioredis"`, 'unavailable', { cause: e });
}

/**
 * Connects to the queue's Redis once, without retrying, and pings it: a wrong host or port is a
 * {@link QueueError} `unreachable` that names the URL at once, instead of BullMQ's connection
 * retrying for ever.
 */
export async function checkRedis(target: QueueTarget, timeoutMs = 5000): Promise<void> {
  const Redis = loadRedis();
  const c = new Redis(target.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false, disconnectTimeout: 200 });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than the rejection ("Connection is closed").
  let cause: Error | null = null;
  c.on('error', (e) => (cause ??= e));
  try {
    await c.connect();
    await c.ping();
  } catch (e) {
    const why = cause ?? (e as Error);
    throw new QueueError(`cannot reach Redis at ${target.display}: ${why.message || String(why)} (is redis-server running there, and its port open to this machine?)`, 'unreachable', { cause: why });
  } finally {
    c.disconnect();
  }
}

/** BullMQ connection options for a target: the URL, and no per-command retry limit (BullMQ asks for it). */
export function connectionOf(target: QueueTarget): { url: string; maxRetriesPerRequest: null } {
  return { url: target.url, maxRetriesPerRequest: null };
}

// ---- errors across the queue -----------------------------------------------------------------

const MARK = 'alibi-error ';

/**
 * What a job throws when its scan fails: for our typed errors (a damaged capture, a bad
 * argument: running it again gives the same), an error BullMQ does not retry, whose message is
 * the error's one line and, on a last line, the error as data (see {@link jobErrorFrom}).
 * Anything else (I/O on a shared disk, …) is thrown as it is, and retried.
 */
export function jobError(e: unknown): Error {
  if (!(e instanceof AlibiError)) return e instanceof Error ? e : new Error(String(e));
  const err = new Error(`${e.describe()}\n${MARK}${JSON.stringify(errorData(e))}`);
  err.name = 'UnrecoverableError';
  return err;
}

/** The typed error a failed job's reason carries (see {@link jobError}), or a `failed` QueueError naming the part. */
export function jobErrorFrom(reason: string, part: string): AlibiError {
  const lines = reason.split('\n');
  const last = lines[lines.length - 1];
  if (last.startsWith(MARK)) {
    try {
      return errorFromData(JSON.parse(last.slice(MARK.length)) as ErrorData);
    } catch {
      // not ours after all: reported as it is, below
    }
  }
  return new QueueError(`scan job ${part} failed: ${reason}`, 'failed');
}
