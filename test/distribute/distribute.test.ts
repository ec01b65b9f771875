/**
 * Distributed scans (#20): a rotated capture set cut into jobs on BullMQ (a real redis-server,
 * started here on a free port, nothing saved), run by three `alibi worker` processes, one of
 * them SIGKILLed in the middle of a job; the partials they write are byte for byte those of one
 * process running the same jobs (`scanToPartial` in-process), and `alibi sql` over them counts
 * the capture's packets as `alibi info` does. Skipped, saying so, where redis-server is not
 * installed (CI's .ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanToPartial, type ScanJob, type ScanJobResult } from '../../lib/partial/partial';
import { scanJobId, scanJobs } from '../../lib/distribute/jobs';
import { distributeScan } from '../../lib/distribute/queue';
import { QueueError, parseQueueUrl } from '../../lib/distribute/bull';
import { UnknownFormatError } from '../../lib/errors';
import { main } from '../../lib/cli';
import { REPO } from '../helpers/corpus';

/** The CLI run in this process (no process start, DuckDB loaded once): exit code, stdout, stderr. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

const HAVE_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!HAVE_REDIS) {
  // eslint-disable-next-line no-console
  console.warn('distributed scan tests skipped: redis-server is not installed (apt-get install redis-server)');
}
const d = HAVE_REDIS ? describe : describe.skip;

const CLI = path.join(REPO, 'dist', 'cli.js');
const SOURCE = path.join(REPO, 'captures/stunnel-freeze/firewall.pcap');
const SERVICES = [{ component: 'stunnel', host: '10.0.2.2', port: 443 }];
/** Short locks so a killed worker's job is back on the queue within ~3.5 s (defaults: 30 s each). */
const LOCK_MS = 3000;
const STALLED_MS = 500;

/**
 * Cuts a classic pcap into files of `n` packets each (`editcap -c n -F pcap` does the same): the
 * rotated set, named as `tcpdump -C` names it.
 */
function splitPcap(src: string, dir: string, n: number): string[] {
  const b = fs.readFileSync(src);
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const files: string[] = [];
  fs.mkdirSync(dir, { recursive: true });
  for (let off = 24; off < b.length; ) {
    const start = off;
    for (let c = 0; c < n && off < b.length; c++) off += 16 + (le ? b.readUInt32LE(off + 8) : b.readUInt32BE(off + 8));
    const f = path.join(dir, `firewall.pcap${files.length}`);
    fs.writeFileSync(f, Buffer.concat([b.subarray(0, 24), b.subarray(start, off)]));
    files.push(f);
  }
  return files;
}

/** Every non-hidden file under `dir`, relative, sorted (a killed writer's temp file is hidden). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something on `port` answers PING with +PONG (rejects after `ms`). */
async function redisUp(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.setTimeout(500, () => c.destroy());
      c.once('error', () => resolve(false));
      c.once('close', () => resolve(false));
      c.once('data', (b) => {
        c.destroy();
        resolve(b.toString().startsWith('+PONG'));
      });
      c.once('connect', () => c.write('PING\r\n'));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server did not answer on port ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A worker process and everything it wrote on stderr so far. */
interface WorkerProc {
  name: string;
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

function startWorker(queue: string, name: string, onLine: (w: WorkerProc, line: string) => void): WorkerProc {
  const child = spawn(process.execPath, [CLI, 'worker', '--queue', queue, '--name', name], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ALIBI_WORKER_LOCK_DURATION: String(LOCK_MS), ALIBI_WORKER_STALLED_INTERVAL: String(STALLED_MS) },
  });
  const w: WorkerProc = { name, child, log: '', exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    w.log += s;
    const lines = (partial + s).split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine(w, l);
  });
  return w;
}

/** `p`, or `fallback` after `ms` (the timer cleared either way: no handle left for jest). */
async function within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when `test` holds (checked every 50 ms); rejects with `what` after `ms`. */
async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

d('distributed scans: BullMQ workers on Redis', () => {
  let tmp: string;
  let redis: ChildProcess | null = null;
  let queue: string;
  const workers: WorkerProc[] = [];
  let files: string[];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-distribute-'));
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp], { stdio: 'ignore' });
    await redisUp(port, 10000);
    queue = `redis://127.0.0.1:${port}?queue=test`;
    // 7,632 packets in 8 files of 1,000 (the last 632), listed out of order.
    files = splitPcap(SOURCE, path.join(tmp, 'set'), 1000).reverse();
  }, 20000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => within(w.exited, 3000, 'timeout')));
    redis?.kill('SIGKILL');
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('cuts a rotated set into contiguous jobs in time order, with deterministic part names and ids', () => {
    const opts = { vantage: 'firewall', out: path.join(tmp, 'x'), interval: 1, services: SERVICES, filesPerJob: 3 };
    const jobs = scanJobs(files, opts);
    expect(jobs.map((j) => [j.part, j.files.map((f) => path.basename(f))])).toEqual([
      ['firewall-0000', ['firewall.pcap0', 'firewall.pcap1', 'firewall.pcap2']],
      ['firewall-0001', ['firewall.pcap3', 'firewall.pcap4', 'firewall.pcap5']],
      ['firewall-0002', ['firewall.pcap6', 'firewall.pcap7']],
    ]);
    expect(scanJobs([...files].sort(), opts).map(scanJobId)).toEqual(jobs.map(scanJobId));
    expect(scanJobId(scanJobs(files, { ...opts, interval: 5 })[0])).not.toEqual(scanJobId(jobs[0]));
    expect(scanJobId(jobs[0])).toMatch(/^firewall-0000\.[0-9a-f]{16}$/);
  });

  it('three workers, one SIGKILLed mid-job: the partials equal one process\'s, byte for byte', async () => {
    const t0 = Date.now();
    const opts = { vantage: 'firewall', interval: 1, services: SERVICES, filesPerJob: 1 };
    const jobs = scanJobs(files, { ...opts, out: path.join(tmp, 'distributed') });
    expect(jobs).toHaveLength(8);

    // One process, the same jobs.
    const single: ScanJobResult[] = [];
    for (const j of scanJobs(files, { ...opts, out: path.join(tmp, 'single') })) single.push(await scanToPartial(j));
    const t1 = Date.now();

    let killed: { worker: WorkerProc; part: string } | null = null;
    const done = new Map<string, string>(); // part -> worker that finished it
    const onLine = (w: WorkerProc, line: string) => {
      const started = /^started (\S+)/.exec(line);
      if (started && !killed) {
        // The first job to start: its worker dies before the scan (a worker thread it starts) can end.
        killed = { worker: w, part: started[1] };
        w.child.kill('SIGKILL');
      }
      const finished = /^done (\S+):/.exec(line);
      if (finished) done.set(finished[1], w.name);
    };
    for (const name of ['w1', 'w2', 'w3']) workers.push(startWorker(queue, name, onLine));
    await until(() => workers.every((w) => w.log.includes('waiting for jobs')), 15000, `3 workers ready (logs: ${workers.map((w) => w.log).join(' | ')})`);

    const progress: number[] = [];
    const results = await distributeScan({ queue, jobs, timeoutMs: 40000, onProgress: (n) => progress.push(n) });
    const elapsed = (Date.now() - t1) / 1000;
    // A worker's "done" line can reach us after the queue's completion event.
    await until(() => done.size === jobs.length, 5000, `a "done" line for each job (got ${[...done.keys()]})`);

    // The job of the killed worker was finished by another one (so it was killed before finishing it).
    expect(killed).not.toBeNull();
    const k = killed as unknown as { worker: WorkerProc; part: string };
    expect(await k.worker.exited).toBeNull();
    expect(k.worker.child.signalCode).toBe('SIGKILL');
    expect(k.worker.log).not.toContain(`done ${k.part}:`);
    expect(done.get(k.part)).toBeDefined();
    expect(done.get(k.part)).not.toBe(k.worker.name);
    expect([...done.keys()].sort()).toEqual(jobs.map((j) => j.part).sort());
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);

    // The same results, in job order, and the same files with the same bytes.
    const strip = (r: ScanJobResult) => ({ ...r, written: r.written.map((f) => path.relative(path.dirname(path.dirname(f)), f)) });
    expect(results.map(strip)).toEqual(single.map(strip));
    const a = tree(path.join(tmp, 'distributed'));
    const b = tree(path.join(tmp, 'single'));
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThanOrEqual(8 * 3);
    for (const f of a) {
      expect([f, fs.readFileSync(path.join(tmp, 'distributed', f)).equals(fs.readFileSync(path.join(tmp, 'single', f)))]).toEqual([f, true]);
    }

    // SQL over the partials counts what alibi info counts.
    const info = JSON.parse((await run(['info', SOURCE, '--json'])).stdout) as { packets: number };
    const sql = await run(['sql', 'SELECT vantage, sum(packets) AS packets, count(*) AS parts FROM parts GROUP BY ALL', path.join(tmp, 'distributed'), '--json']);
    expect(sql.stderr).toBe('');
    expect(sql.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ vantage: 'firewall', packets: info.packets, parts: 8 }]);
    const series = await run(['sql', 'SELECT sum(packets)::BIGINT AS packets FROM series WHERE service IS NULL', path.join(tmp, 'distributed'), '--csv']);
    expect(series.stdout).toBe(`packets\n${info.packets}\n`);
    // eslint-disable-next-line no-console
    console.log(`distributed: ${jobs.length} jobs on 3 workers, ${k.worker.name} SIGKILLed in ${k.part} (finished by ${done.get(k.part)}): ${elapsed.toFixed(1)} s from the workers' start (one process: ${((t1 - t0) / 1000).toFixed(1)} s); ${a.length} files equal to one process's`);
  }, 60000);

  it('a job submitted again is not run again (the kept results come back), unless its partial is gone', async () => {
    const out = path.join(tmp, 'distributed');
    const jobs = scanJobs(files, { vantage: 'firewall', interval: 1, services: SERVICES, filesPerJob: 1, out });
    const since = workers.map((w) => w.log.length);
    const startedSince = () => workers.flatMap((w, i) => w.log.slice(since[i]).split('\n').filter((l) => l.startsWith('started ')));
    const results = await distributeScan({ queue, jobs, timeoutMs: 10000 });
    expect(results.map((r) => r.part)).toEqual(jobs.map((j) => j.part));
    expect(startedSince()).toEqual([]);
    // The folder of one part cleared: that job runs again, and writes the same bytes.
    const gone = results[3].written;
    const bytes = gone.map((f) => fs.readFileSync(f));
    for (const f of gone) fs.rmSync(f);
    await distributeScan({ queue, jobs, timeoutMs: 15000 });
    await until(() => startedSince().length > 0, 5000, 'the job to start again');
    expect(startedSince()).toEqual([`started ${jobs[3].part}`]);
    expect(gone.map((f, i) => fs.readFileSync(f).equals(bytes[i]))).toEqual(gone.map(() => true));
  }, 30000);

  it('a job that fails for good rejects with the typed error the worker met', async () => {
    const bad = path.join(tmp, 'not-a-capture.pcap');
    fs.writeFileSync(bad, 'garbage, not a capture\n');
    const job: ScanJob = { files: [bad], vantage: 'firewall', out: path.join(tmp, 'bad'), interval: 1, services: [], part: 'bad-0000' };
    const err = await distributeScan({ queue, jobs: [job], timeoutMs: 15000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownFormatError);
    expect((err as UnknownFormatError).file).toBe(bad);
    // Typed errors are not retried: it ran once. Submitted again, a failed job runs again.
    const runs = () => workers.reduce((n, w) => n + w.log.split('\n').filter((l) => l === 'started bad-0000').length, 0);
    expect(runs()).toBe(1);
    expect(await distributeScan({ queue, jobs: [job], timeoutMs: 15000 }).catch((e: unknown) => e)).toBeInstanceOf(UnknownFormatError);
    await until(() => runs() === 2, 5000, 'the failed job to run a second time');
  }, 30000);

  it('SIGTERM stops a worker gracefully (exit 0)', async () => {
    const live = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    expect(live.length).toBe(2);
    for (const w of live) w.child.kill('SIGTERM');
    const codes = await within(Promise.all(live.map((w) => w.exited)), 10000, 'timeout');
    expect(codes).toEqual([0, 0]);
    for (const w of live) expect(w.log).toContain('alibi worker: stopped');
  }, 15000);
});

describe('distributed scans: clear errors', () => {
  it('Redis unreachable: a QueueError that names the URL, at once', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const job: ScanJob = { files: [SOURCE], vantage: 'firewall', out: os.tmpdir(), interval: 1, services: [] };
    const err = await distributeScan({ queue: url, jobs: [job] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueError);
    expect((err as QueueError).reason).toBe('unreachable');
    expect((err as QueueError).message).toContain(url);
    const r = await run(['worker', '--queue', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach Redis at ${url}`);
  });

  it('bullmq, ioredis or @duckdb/node-api missing: the command names the package to install (exit 1)', () => {
    // A preloaded hook makes the packages look uninstalled, as on `npm ci --omit=optional`.
    const hook = path.join(os.tmpdir(), `alibi-hide-${process.pid}.js`);
    fs.writeFileSync(hook, `const M = require('module'); const hidden = new Set(process.env.ALIBI_HIDE.split(','));
const orig = M._resolveFilename;
M._resolveFilename = function (req, ...rest) {
  if (hidden.has(req)) { const e = new Error('Cannot find module ' + req); e.code = 'MODULE_NOT_FOUND'; throw e; }
  return orig.call(this, req, ...rest);
};`);
    try {
      const hidden = (hide: string, args: string[]) => spawnSync(process.execPath, ['-r', hook, CLI, ...args], { encoding: 'utf8', env: { ...process.env, ALIBI_HIDE: hide } });
      const w = hidden('bullmq', ['worker', '--queue', 'redis://127.0.0.1:1']);
      expect([w.status, w.stderr]).toEqual([1, 'alibi: distributed scans need the optional "bullmq" and "ioredis" packages, and for "bullmq" it is not installed: run "npm install bullmq ioredis"\n']);
      const r = hidden('@duckdb/node-api', ['sql', 'SELECT 1', os.tmpdir()]);
      expect([r.status, r.stderr]).toEqual([1, 'alibi: SQL over partials needs the optional "@duckdb/node-api" package, and it is not installed: run "npm install @duckdb/node-api"\n']);
      // The rest of the CLI does not need them.
      expect(hidden('bullmq,ioredis,@duckdb/node-api', ['info', SOURCE]).status).toBe(0);
    } finally {
      fs.rmSync(hook, { force: true });
    }
  });

  it('a queue URL that is not redis:// is a usage error; the password is never shown', async () => {
    expect((await run(['worker', '--queue', 'http://example.org'])).code).toBe(2);
    expect(parseQueueUrl('redis://:s3cret@10.0.0.5:6379/2?queue=fw1')).toEqual({ url: 'redis://:s3cret@10.0.0.5:6379/2', name: 'fw1', display: 'redis://:***@10.0.0.5:6379/2?queue=fw1' });
    expect(parseQueueUrl('redis://10.0.0.5')).toEqual({ url: 'redis://10.0.0.5', name: 'alibi-scan', display: 'redis://10.0.0.5' });
  });
});

describe('alibi sql over a partials folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-sql-'));
    await scanToPartial({ files: [SOURCE], vantage: 'firewall', out: path.join(dir, 'partials'), interval: 1, services: SERVICES, part: 'firewall-0000' });
    // A writer's hidden temporary file is not a part.
    fs.writeFileSync(path.join(dir, 'partials', 'series', '.firewall-0001.parquet.tmp-1-abc'), 'half-written');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const p = () => path.join(dir, 'partials');

  it('makes one view per table folder; text, JSON lines and CSV give the same rows', async () => {
    const q = 'SELECT service, sum(packets)::BIGINT AS packets, count(*) AS bins FROM series GROUP BY ALL ORDER BY service NULLS FIRST';
    const text = await run(['sql', q, p()]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^service\s+packets\s+bins$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([['NULL', '7632'], ['stunnel', '7632']]);
    expect(text.stderr).toBe('(2 rows)\n');
    const rows = (await run(['sql', q, p(), '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.service, r.packets])).toEqual([[null, 7632], ['stunnel', 7632]]);
    expect(typeof rows[0].bins).toBe('number');
    expect((await run(['sql', q, p(), '--csv'])).stdout).toBe(`service,packets,bins\n,7632,${rows[0].bins}\nstunnel,7632,${rows[1].bins}\n`);
    expect((await run(['sql', 'SELECT table_name FROM information_schema.tables ORDER BY 1', p(), '--csv'])).stdout).toBe('table_name\nflows\nledger\nparts\nseries\n');
  });

  it('says what went wrong: DuckDB\'s message (exit 1), a missing folder (exit 1), no folder or no table (exit 2)', async () => {
    const bad = await run(['sql', 'SELECT nope FROM series', p()]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('DuckDB: Binder Error')]);
    expect((await run(['sql', 'SELECT 1', path.join(dir, 'absent')])).code).toBe(1);
    expect((await run(['sql', 'SELECT 1'])).code).toBe(2);
    expect((await run(['sql', 'SELECT 1', dir])).code).toBe(2);
    expect((await run(['sql', 'SELECT 1', p(), '--json', '--csv'])).code).toBe(2);
  });
});
