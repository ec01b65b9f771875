/**
 * @module distribute/jobs
 * How a rotated capture set is cut into scan jobs: the files in time order, in contiguous runs
 * of `filesPerJob`, each run one {@link ScanJob} with a deterministic part name
 * (`firewall-0003`) and a deterministic queue id, so the same set cut twice gives the same jobs
 * and a job submitted twice runs (or is kept) once.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { ArgumentError } from '../errors';
import { naturalCompare, openCaptureSet } from '../capture/set';
import { safeName, type ScanJob } from '../partial/partial';

/** Options of {@link scanJobs}: what every job shares (a ScanJob's fields but its files), and how many files each takes. */
export type ScanJobsOptions = Omit<ScanJob, 'files'> & {
  /** Files per job (default 4, as `alibi scan --queue`). */
  filesPerJob?: number;
  /** The stem of the part names (default: the vantage): `<part>-0000`, `<part>-0001`, … */
  part?: string;
};

/**
 * Cuts a capture set into scan jobs: the files in time order of their first packets (each file
 * is peeked for its first packet, as `openCaptureSet` does; files it cannot read go last, in
 * name order, so the job that holds them reports why), cut into contiguous runs of
 * `filesPerJob`. Part names are `<vantage or part>-<4-digit index>`, the vantage made safe for a file
 * name. Paths are made absolute.
 * @example
 * scanJobs(['fw.pcap1', 'fw.pcap0', 'fw.pcap2'], { vantage: 'firewall', out: 'partials', interval: 1, services: [], filesPerJob: 2 })
 * //=> [{ part: 'firewall-0000', files: ['/data/fw.pcap0', '/data/fw.pcap1'], … },
 * //    { part: 'firewall-0001', files: ['/data/fw.pcap2'], … }]
 */
export function scanJobs(files: string[], opts: ScanJobsOptions): ScanJob[] {
  if (files.length === 0) throw new ArgumentError('scan jobs need at least one capture file');
  const per = opts.filesPerJob ?? 4;
  if (!Number.isInteger(per) || per < 1) throw new ArgumentError(`files per job must be a whole number >= 1, not ${per}`);
  if (!opts.vantage) throw new ArgumentError('scan jobs need a vantage name');
  if (!(opts.interval > 0)) throw new ArgumentError(`the interval must be > 0 s, not ${opts.interval}`);
  const abs = [...new Set(files.map((f) => path.resolve(f)))];
  const set = openCaptureSet(abs);
  let ordered: string[];
  try {
    ordered = set.files;
  } finally {
    set.close();
  }
  const unread = abs.filter((f) => !ordered.includes(f)).sort(naturalCompare);
  ordered = [...ordered, ...unread];
  const out = path.resolve(opts.out);
  const stem = safeName(opts.part ?? opts.vantage);
  const jobs: ScanJob[] = [];
  for (let i = 0, k = 0; i < ordered.length; i += per, k++) {
    const job: ScanJob = { files: ordered.slice(i, i + per), vantage: opts.vantage, out, interval: opts.interval, services: opts.services.map((s) => ({ ...s })), part: `${stem}-${String(k).padStart(4, '0')}` };
    if (opts.filter !== undefined) job.filter = opts.filter;
    if (opts.clockOffset !== undefined) job.clockOffset = opts.clockOffset;
    if (opts.threads !== undefined) job.threads = opts.threads;
    jobs.push(job);
  }
  return jobs;
}


/**
 * The job's id on the queue: its part name and a hash of everything it does (files, vantage,
 * folder, interval, services, filter, clock offset). The same job submitted again has the same
 * id, so the queue keeps one; a changed job (another folder, another interval) has another.
 * @example
 * scanJobId(job) //=> 'firewall-0003.5f0c2a9e41d7b6c3'
 */
export function scanJobId(job: ScanJob): string {
  const h = createHash('sha256').update(stableJson(job)).digest('hex').slice(0, 16);
  // BullMQ ids are Redis key parts: no ':' (and not a bare integer).
  return `${(job.part ?? safeName(job.vantage)).replace(/:/g, '_')}.${h}`;
}

/** JSON with object keys sorted, so equal jobs hash equal whatever order their keys were set in. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
