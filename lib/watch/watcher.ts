/**
 * @module watch/watcher
 * `alibi watch` as a library: packets (live, or any {@link PacketSource}) and followed logs on one
 * epoch grid; every interval the rolling window is put on a Timeline and handed to the same
 * `findIncidents` that `analyze` runs (detectors, mergeSignals, decide). An incident starts when
 * a window that is still open (its last signal within the merge gap of now) appears, and ends when
 * no new signal could extend it any more — the same merge rule analyze uses, so a watch and a
 * later analyze of the saved files agree on what one incident is.
 *
 * For each incident, with `out`: `capture.pcap` (the flight recorder's packets from `keep` before
 * the start, then every packet until the end), `<component>.log` (the same window's lines),
 * `alibi.json` (the analyze config for those files) and `analyze.json` (its document).
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, AnalyzeConfig } from '../analyze';
import { findIncidents } from '../correlate/incidents';
import type { IncidentDoc } from '../correlate/model';
import type { PacketRecord } from '../capture/record';
import { Timeline } from '../correlate/timeline';
import type { VerdictInput } from '../correlate/verdict';
import { ArgumentError } from '../errors';
import { isoSeconds } from '../time';
import { LiveLog, LiveLogSpec, LineSink } from './livelog';
import { LiveSource } from './live';
import { PcapWriter } from './pcapwriter';
import { FlightRecorder } from './recorder';
import { RollingSeries, WatchService } from './series';
import type { EvidenceItem } from '../correlate/evidence';

/** Where packets come from: {@link LiveSource}, or a replay in tests. */
export interface PacketSource {
  /** LINKTYPE of the packets (known once started). */
  readonly linkType: number;
  start(onPacket: (rec: PacketRecord) => void): void;
  stop(): void;
}

export interface WatchOptions {
  /** Interface to capture on (ignored when `source` is given). */
  iface?: string;
  /** BPF filter; default `tcp`, or `tcp port P` with `port`. */
  filter?: string;
  /** The service port: its connections are the service's series (component: the first log's). */
  port?: number;
  /** Services in full (component, optional host, port), in addition to `port`. */
  services?: WatchService[];
  logs?: LiveLogSpec[];
  /** Bin width, seconds (default 1). */
  interval?: number;
  /** Seconds of packets before an incident to save (default 600). */
  keep?: number;
  /** Rolling window the baselines are taken over, seconds (default max(600, 2 × keep)). */
  window?: number;
  /** No incident is looked for before this many seconds of data (default 30). */
  warmup?: number;
  /** Folder for the incident files (none written without it). */
  out?: string;
  /** Vantage name (default: the interface, or `live`). */
  vantage?: string;
  /** Flight-recorder caps (default 128 MiB, 1,000,000 packets); raw log bytes kept per log (32 MiB). */
  maxBytes?: number;
  maxPackets?: number;
  maxLogBytes?: number;
  /** Log poll period, ms (default 200). */
  pollMs?: number;
  /** A bin is evaluated this long after it ends (late packets, buffered log writes), seconds (default 0.5). */
  lag?: number;
  /** Read logs from their start instead of their end. */
  logsFromStart?: boolean;
  /** Run analyze on each saved incident (default true). */
  analyze?: boolean;
  /** Epoch seconds now; default the wall clock (tests inject one). */
  now?: () => number;
  source?: PacketSource;
}

/** What `incident-start` and `incident-end` carry (`incident-end` adds `end`, `duration`, `files`). */
export interface WatchIncident {
  id: number;
  start: string;
  end: string | null;
  duration: number | null;
  /** When the watcher decided (epoch ISO). */
  at: string;
  culprit: IncidentDoc['culprit'];
  summary: string;
  evidence: EvidenceItem[];
  signals: IncidentDoc['signals'];
  /** Folder with the incident's files (with `out`). */
  dir?: string;
  /** Set when the watch stopped with the incident still open. */
  interrupted?: boolean;
}

export interface WatchStats {
  at: string;
  packets: number;
  bytes: number;
  recorder: { packets: number; bytes: number; oldest: string | null; evictedEarly: number };
  logs: { component: string; file: string; lines: number; entries: number; rotations: number; truncations: number }[];
  openIncident: number | null;
  services: { component: string; host?: string; port: number }[];
}

interface OpenIncident {
  id: number;
  fromBin: number;
  toBin: number;
  startT: number;
  doc: IncidentDoc;
  dir?: string;
  pcap?: PcapWriter;
  sinks?: LineSink[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The watcher. Events: `incident-start` ({@link WatchIncident}), `incident-end`
 * ({@link WatchIncident}), `incident-saved` ({ id, dir, files }), `stats` ({@link WatchStats}),
 * `error` (a non-fatal problem: a log that cannot be read, an incident that could not be saved).
 *
 * Creation: {@link watch} (starts it) or `new Watcher(opts)` + `start()`. Transformation: `packet()`,
 * `pollLogs()`, `evaluate()` (driven by timers once started; callable directly with an injected
 * clock), `stop()`. Output: the events, `incidents`.
 */
export class Watcher extends EventEmitter {
  readonly interval: number;
  readonly keep: number;
  readonly window: number;
  readonly warmup: number;
  readonly vantage: string;
  readonly series: RollingSeries;
  readonly recorder: FlightRecorder;
  readonly logs: LiveLog[];
  readonly source: PacketSource | null;
  /** Incidents ended so far. */
  readonly incidents: WatchIncident[] = [];
  private readonly now: () => number;
  private readonly lag: number;
  private readonly mergeGap: number;
  private startT = NaN;
  private startBin = 0;
  private open: OpenIncident | null = null;
  private lastEndBin = -Infinity;
  private nextId = 1;
  private timers: NodeJS.Timeout[] = [];
  private pending: Promise<void>[] = [];
  private packets = 0;
  private bytes = 0;
  private inferred = false;
  private readonly reported = new Set<string>();
  private stopped = false;

  constructor(readonly opts: WatchOptions) {
    super();
    this.interval = opts.interval ?? 1;
    this.keep = opts.keep ?? 600;
    this.window = opts.window ?? Math.max(600, 2 * this.keep);
    this.warmup = opts.warmup ?? 30;
    if (!(this.interval > 0) || !(this.keep >= 0) || !(this.window >= 10 * this.interval)) throw new ArgumentError(`watch: interval ${this.interval}s, keep ${this.keep}s and window ${this.window}s do not fit (the window needs at least 10 intervals)`);
    this.vantage = opts.vantage ?? opts.iface ?? 'live';
    this.now = opts.now ?? (() => Date.now() / 1000);
    this.lag = opts.lag ?? 0.5;
    // analyze's merge gap (findIncidents): signals this close belong to one incident.
    this.mergeGap = Math.max(2, Math.ceil(10 / this.interval));
    const logs = opts.logs ?? [];
    const services: WatchService[] = [...(opts.services ?? [])];
    if (opts.port !== undefined && !services.some((s) => s.port === opts.port)) services.unshift({ component: logs[0]?.component ?? 'service', port: opts.port });
    this.series = new RollingSeries({ interval: this.interval, window: this.window, services, vantage: this.vantage });
    // The recorder keeps `keep` before the start as the start is decided: plus the detection delay.
    const retain = this.keep + this.warmup + 120;
    this.recorder = new FlightRecorder({ retain, maxBytes: opts.maxBytes, maxPackets: opts.maxPackets });
    this.logs = logs.map((l) => new LiveLog(l, { interval: this.interval, window: this.window, retainLines: retain, maxLineBytes: opts.maxLogBytes, fromStart: opts.logsFromStart }));
    this.source = opts.source ?? (opts.iface ? new LiveSource({ iface: opts.iface, filter: opts.filter ?? (opts.port ? `tcp port ${opts.port}` : 'tcp'), now: this.now }) : null);
    if (opts.out) fs.mkdirSync(opts.out, { recursive: true });
  }

  /** Starts the capture and the timers. Throws LiveCaptureError when capture cannot start. */
  start(): this {
    this.begin(this.now());
    this.source?.start((rec) => this.packet(rec));
    const pollMs = this.opts.pollMs ?? 200;
    this.timers.push(setInterval(() => this.pollLogs(), pollMs));
    const tick = () => {
      if (this.stopped) return;
      this.evaluate();
      // Next evaluation just after the next bin edge plus the lag.
      const t = this.now();
      const next = (Math.floor((t - this.lag) / this.interval) + 1) * this.interval + this.lag;
      this.timers[1] = setTimeout(tick, Math.max(10, (next - t) * 1000));
    };
    this.timers.push(setTimeout(tick, this.interval * 1000));
    return this;
  }

  /** Marks the start of the watch (called by start(); tests with an injected clock call it). */
  begin(t: number): void {
    this.startT = t;
    this.startBin = Math.floor(t / this.interval) + 1; // the first whole bin
    this.pollLogs(t);
  }

  /** One packet (the record is not kept: the recorder and the pcap copy its bytes). */
  packet(rec: PacketRecord): void {
    this.packets++;
    this.bytes += rec.origLen;
    this.recorder.add(rec);
    this.open?.pcap?.write(rec.tsSec, rec.tsRes === 1e6 ? rec.tsFrac : Math.floor(rec.tsNs / 1000), rec.bytes, rec.capLen, rec.origLen, rec.offset);
    this.series.pass.packet(rec);
  }

  /** Reads what the logs appended. */
  pollLogs(now = this.now()): void {
    this.logs.forEach((l, i) => {
      let got: { t: number; line: Buffer }[] = [];
      try {
        got = l.poll(now);
      } catch (e) {
        this.problem(`log ${l.spec.file}`, e as Error);
        return;
      }
      if (l.problem) this.problem(`log ${l.spec.file}`, l.problem);
      if (got.length && this.open?.sinks) this.open.sinks[i].write(got.map((g) => g.line));
    });
  }

  private problem(what: string, e: Error): void {
    const key = `${what}: ${e.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    if (this.listenerCount('error') > 0) this.emit('error', Object.assign(e, { message: key }));
  }

  /** Re-evaluates the rolling window at `now`; emits incident events. */
  evaluate(now = this.now()): void {
    const iv = this.interval;
    const E = Math.floor((now - this.lag) / iv); // bins < E are complete
    this.recorder.expire(now);
    for (const l of this.logs) l.expire(now);
    if (now - this.startT >= this.warmup && E > this.startBin) {
      if (!this.inferred) this.inferService();
      this.correlate(E);
    }
    this.emit('stats', this.stats(now));
  }

  /** Without a port, the busiest server becomes the service (as analyze infers it). */
  private inferService(): void {
    this.inferred = true;
    if (this.series.services.length) return;
    const top = this.series.topServers(1)[0];
    if (!top) return;
    this.series.addService({ component: this.logs[0]?.spec.component ?? 'service', host: top.host, port: top.port });
  }

  private correlate(E: number): void {
    const W = Math.ceil(this.window / this.interval);
    const tl = new Timeline(this.interval, E - W, W);
    const coverFrom = Math.max(0, this.startBin - tl.firstBin);
    const capture = this.series.view(tl, coverFrom, this.vantage);
    const evalEnd = tl.startOf(W);
    const logs = this.logs.map((l) => l.view(tl, coverFrom, evalEnd));
    const services = this.series.services.map((s) => ({ component: s.component, host: s.host ?? this.hostOf(s.port), port: s.port }));
    // Live: the window's end is now, so a drop reaching it is the outage in progress, not an edge.
    const input: VerdictInput = { timeline: tl, captures: [capture], logs, services, path: [this.vantage], comparisons: [], live: true };
    const { groups, incidents } = findIncidents(input);
    const abs = groups.map((g, i) => ({ from: g.from + tl.firstBin, to: g.to + tl.firstBin, doc: incidents[i] }));
    const o = this.open;
    if (o) {
      const mine = abs.filter((g) => g.to > o.fromBin && g.from <= o.toBin + this.mergeGap);
      if (mine.length) {
        o.toBin = Math.max(o.toBin, ...mine.map((g) => g.to));
        o.doc = mine[mine.length - 1].doc;
      }
      if (!mine.length || o.toBin + this.mergeGap < E) this.end(o, false);
      return;
    }
    // A new incident: still open (or so recent it could still grow), and not the tail of one already reported.
    const fresh = abs.filter((g) => g.to + this.mergeGap >= E && g.from >= this.lastEndBin);
    if (!fresh.length) return;
    const g = fresh[0];
    this.startIncident(g.from, g.to, g.doc);
  }

  private hostOf(port: number): string {
    return this.series.topServers(50).find((s) => s.port === port)?.host ?? '';
  }

  private startIncident(fromBin: number, toBin: number, doc: IncidentDoc): void {
    const startT = fromBin * this.interval;
    const o: OpenIncident = { id: this.nextId++, fromBin, toBin, startT, doc };
    if (this.opts.out) {
      try {
        const stamp = isoSeconds(startT, 0).replace(/[:]/g, '').replace(/\.\d+/, '');
        o.dir = newDir(path.join(this.opts.out, `incident-${stamp}-${o.id}`));
        o.pcap = PcapWriter.create(path.join(o.dir, 'capture.pcap'), this.source?.linkType || 1);
        this.recorder.dump(o.pcap, startT - this.keep);
        o.pcap.flush();
        const names = logNames(this.logs.map((l) => l.spec));
        o.sinks = this.logs.map((l, k) => {
          const s = new LineSink(path.join(o.dir!, names[k]));
          s.write(l.linesSince(startT - this.keep));
          return s;
        });
      } catch (e) {
        this.problem(`incident ${o.id}`, e as Error);
      }
    }
    this.open = o;
    this.emit('incident-start', this.describe(o, false));
  }

  private describe(o: OpenIncident, ended: boolean, interrupted = false): WatchIncident {
    const start = o.fromBin * this.interval;
    const end = o.toBin * this.interval;
    const digits = this.interval % 1 ? 3 : 0;
    return {
      id: o.id,
      start: isoSeconds(start, digits),
      end: ended ? isoSeconds(end, digits) : null,
      duration: ended ? round3(end - start) : null,
      at: isoSeconds(this.now(), 3),
      culprit: o.doc.culprit,
      summary: o.doc.summary,
      evidence: o.doc.evidence,
      signals: o.doc.signals,
      ...(o.dir ? { dir: o.dir } : {}),
      ...(interrupted ? { interrupted: true } : {}),
    };
  }

  private end(o: OpenIncident, interrupted: boolean): void {
    this.open = null;
    this.lastEndBin = o.toBin;
    const inc = this.describe(o, true, interrupted);
    this.incidents.push(inc);
    try {
      o.pcap?.close();
      o.sinks?.forEach((s) => s.close());
    } catch (e) {
      this.problem(`incident ${o.id}`, e as Error);
    }
    this.emit('incident-end', inc);
    if (o.dir) this.pending.push(this.save(o, inc).catch((e) => this.problem(`incident ${o.id}: analyze`, e as Error)));
  }

  /** alibi.json + analyze.json beside the pcap and the logs. */
  private async save(o: OpenIncident, inc: WatchIncident): Promise<void> {
    const dir = o.dir!;
    const cfg: AnalyzeConfig = {
      interval: `${Math.round(this.interval * 1000)}ms`,
      captures: [{ file: 'capture.pcap', vantage: this.vantage }],
      logs: this.logs.map((l, k) => ({ file: logNames(this.logs.map((x) => x.spec))[k], component: l.spec.component, timezone: l.spec.timezone ?? l.timezone, ...(l.spec.format && l.spec.format !== 'auto' ? { format: l.spec.format } : {}) })),
      services: this.series.services.map((s) => ({ component: s.component, host: s.host || this.hostOf(s.port), port: s.port })).filter((s) => s.host),
      path: [this.vantage],
    };
    if (!cfg.services!.length) delete cfg.services;
    writeNew(path.join(dir, 'alibi.json'), JSON.stringify(cfg, null, 2) + '\n');
    writeNew(path.join(dir, 'incident.json'), JSON.stringify(inc, null, 2) + '\n');
    const files = ['capture.pcap', ...(cfg.logs ?? []).map((l) => l.file), 'alibi.json', 'incident.json'];
    if (this.opts.analyze !== false) {
      const doc = await analyze({ ...cfg, baseDir: dir, parallel: false });
      const { timeline, connections, ...printed } = doc;
      void timeline, void connections;
      writeNew(path.join(dir, 'analyze.json'), JSON.stringify(printed, null, 2) + '\n');
      files.push('analyze.json');
    }
    this.emit('incident-saved', { id: o.id, dir, files });
  }

  private stats(now: number): WatchStats {
    const r = this.recorder;
    return {
      at: isoSeconds(now, 3),
      packets: this.packets,
      bytes: this.bytes,
      recorder: { packets: r.count, bytes: r.bytesUsed, oldest: r.oldest === null ? null : isoSeconds(r.oldest, 6), evictedEarly: r.evictedEarly },
      logs: this.logs.map((l) => ({ component: l.spec.component, file: l.spec.file, lines: l.rawLines, entries: l.entries, rotations: l.follower.rotations, truncations: l.follower.truncations })),
      openIncident: this.open?.id ?? null,
      services: this.series.services.map((s) => ({ ...s })),
    };
  }

  /** Stops capture and timers; an open incident ends here (`interrupted`) and is saved. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) { clearTimeout(t); clearInterval(t); }
    this.timers = [];
    this.source?.stop();
    this.pollLogs();
    if (this.open) {
      const E = Math.floor(this.now() / this.interval);
      this.open.toBin = Math.max(this.open.toBin, E);
      this.end(this.open, true);
    }
    await Promise.all(this.pending);
    for (const l of this.logs) l.close();
  }
}

/**
 * The file names the logs are saved under in an incident folder: the component's name made safe,
 * and a number after it where two logs would share one (an access and an error log of one
 * component, or `a/b` and `a_b`), so no two logs are written into one file.
 */
export function logNames(specs: readonly LiveLogSpec[]): string[] {
  const used = new Set<string>();
  return specs.map((l) => {
    const base = l.component.replace(/[^A-Za-z0-9._-]/g, '_');
    let name = `${base}.log`;
    for (let k = 2; used.has(name); k++) name = `${base}-${k}.log`;
    used.add(name);
    return name;
  });
}

/** Opens a new file for writing: never an existing one, never through a symbolic link. */
export function createNew(file: string): number {
  return fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
}

/** Writes a new file (see {@link createNew}). */
function writeNew(file: string, text: string): void {
  const fd = createNew(file);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Makes the incident folder: a new one, never one that exists (it could hold links planted to
 * make a root-run watch overwrite other files); `-2`, `-3`, … after the name when it is taken.
 */
export function newDir(base: string): string {
  for (let k = 1; ; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || k >= 100) throw e;
    }
  }
}

/**
 * Starts watching: live capture on `iface` (through `cap`) and the logs, alerts as events.
 * Throws {@link LiveCaptureError} at once when capture cannot start (cap missing, no privileges).
 * @example
 * const w = watch({ iface: 'eth0', port: 443, logs: [{ file: '/var/log/stunnel.log', component: 'stunnel' }], out: 'incidents' });
 * w.on('incident-start', (i) => console.log(i.culprit)); //=> { component: 'stunnel', kind: 'application', confidence: 0.82 }
 * process.on('SIGINT', () => w.stop());
 */
export function watch(options: WatchOptions): Watcher {
  return new Watcher(options).start();
}
