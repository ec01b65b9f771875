/**
 * @module cli/worker
 * `alibi worker --queue redis://host:port [--concurrency N]`: scans the jobs of a queue
 * (`alibi scan … --queue`) into partials until SIGTERM or SIGINT.
 */
import { ArgumentError } from '../errors';
import { forTerminal } from '../report/escape';
import { startScanWorker, type ScanWorkerEvent } from '../distribute/worker';
import { CliIo, EXIT_OK, parse } from './common';

export const WORKER_HELP = `usage: alibi worker --queue URL [--concurrency N] [--name NAME]

Runs scan jobs from a queue (BullMQ on Redis) until SIGTERM or SIGINT: each job is a capture,
or a contiguous part of a rotated set, that \`alibi scan … --queue URL\` queued; its partial is
written into the job's partials folder as this machine sees that path. Start one on every
machine that can read the captures (the same paths); needs the optional "bullmq" and
"ioredis" packages and a Redis server (Debian: apt-get install redis-server).

  --queue URL          redis://[user:password@]host[:port][/db][?queue=NAME] (rediss:// for TLS);
                       the queue NAME defaults to alibi-scan
  --concurrency N      jobs at once, each on its own thread (default 1; a scan keeps ~2 cores busy)
  --name NAME          this worker's name in the queue (default: BullMQ's)
  --lock-duration MS   a job's lock, renewed while it runs (default 30000, or
                       $ALIBI_WORKER_LOCK_DURATION); a killed worker's job goes to another
                       worker at most lock-duration + stalled-interval after
  --stalled-interval MS  how often to look for jobs whose worker died (default 30000, or
                       $ALIBI_WORKER_STALLED_INTERVAL)
  --quiet              no line per job on stderr

SIGTERM or SIGINT: finish the jobs running, then exit 0; a second signal exits at once (the
jobs running go back to the queue for another worker once their lock runs out).
`;

function ms(flag: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`${flag} must be a whole number of milliseconds >= 1, not "${v}"`);
  return n;
}

export async function workerCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    name: { type: 'string' },
    'lock-duration': { type: 'string' },
    'stalled-interval': { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout(WORKER_HELP);
    return EXIT_OK;
  }
  if (positionals.length) throw new ArgumentError(`worker takes no positional arguments (got "${positionals[0]}")`);
  if (!values.queue) throw new ArgumentError('worker needs --queue redis://host:port');
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ArgumentError(`--concurrency must be a whole number >= 1, not "${values.concurrency}"`);
  const lockDuration = ms('--lock-duration', values['lock-duration'] ?? process.env.ALIBI_WORKER_LOCK_DURATION);
  const stalledInterval = ms('--stalled-interval', values['stalled-interval'] ?? process.env.ALIBI_WORKER_STALLED_INTERVAL);
  const say = (s: string) => { if (!values.quiet) io.stderr(s); };
  const log = (e: ScanWorkerEvent) => {
    if (e.type === 'active') say(`started ${forTerminal(e.part)}\n`);
    else if (e.type === 'completed') say(`done ${forTerminal(e.part)}: ${e.result.packets} packets, ${e.result.written.length} files\n`);
    else if (e.type === 'failed') io.stderr(`failed ${forTerminal(e.part)}${e.willRetry ? ' (will be retried)' : ''}: ${forTerminal(e.reason.split('\n')[0])}\n`);
    else io.stderr(`alibi worker: queue: ${forTerminal(e.message)}\n`);
  };
  const worker = await startScanWorker({ queue: values.queue, concurrency, name: values.name, lockDuration, stalledInterval, onEvent: log });
  say(`alibi worker ${forTerminal(worker.name)}: waiting for jobs (concurrency ${concurrency})\n`);
  await new Promise<void>((resolve) => {
    let closing = false;
    const stop = (sig: NodeJS.Signals) => {
      if (closing) {
        io.stderr(`alibi worker: ${sig} again: leaving the running jobs to the queue\n`);
        worker.close(true).finally(resolve);
        return;
      }
      closing = true;
      say(`alibi worker: ${sig}: finishing the running jobs\n`);
      worker.close().then(resolve, resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  say('alibi worker: stopped\n');
  return EXIT_OK;
}
