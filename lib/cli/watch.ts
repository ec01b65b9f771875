/**
 * @module cli/watch
 * `alibi watch --iface IF [--filter BPF] [--port P] --log FILE@COMPONENT[:TZ]… [--keep 10m] [--out DIR] [--json]`
 */
import { ArgumentError } from '../errors';
import { parseDuration } from '../time';
import { watch, Watcher, WatchIncident, WatchOptions } from '../watch/watcher';
import { CliIo, EXIT_OK, parse } from './common';
import { forTerminal } from '../report/escape';

export const WATCH_HELP = `usage: alibi watch --iface IF [--filter BPF] [--port P] --log FILE@COMPONENT[:TZ] ...
                   [--keep 10m] [--out DIR] [--json]

Captures live (libpcap, through the optional "cap" package; needs root or CAP_NET_RAW), follows
the logs as they grow (rotation and truncation handled), and every interval re-runs analyze's
detectors and verdict over a rolling window. Prints one line when an incident starts and one when
it ends, naming the suspected component with its evidence. Ctrl-C stops (an open incident is
closed and saved).
  --iface IF                 interface to capture on
  --filter BPF               capture filter (default: "tcp port P" with --port, else "tcp")
  --port P                   the service's port: its connections are the service (component: the
                             first --log's); without it the busiest server is taken after warm-up
  --log FILE@COMPONENT[:TZ]  a component's log, followed from its end (repeatable)
  --keep D                   packets kept before an incident and saved with it (default 10m)
  --out DIR                  for each incident, a folder: capture.pcap (from --keep before it to its
                             end), <component>.log (the same window), alibi.json (open it with
                             "alibi analyze DIR/…/alibi.json") and analyze.json
  --json                     one JSON object per line instead of text
  --interval D               bin width (default 1s)
  --window D                 rolling baseline window (default max(10m, 2 × keep))
  --warmup D                 no incident before this much data (default 30s)
  --max-memory BYTES         flight-recorder arena (default 128MiB; also capped at 1,000,000 packets)
  --stats                    a status line on stderr every interval
`;

function bytesArg(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g|kib|mib|gib|kb|mb|gb)?b?$/i.exec(s.trim());
  if (!m) throw new ArgumentError(`--max-memory: expected e.g. 256MiB, got "${s}"`);
  const u = (m[2] ?? '').toLowerCase()[0];
  const n = Math.round(Number(m[1]) * (u === 'k' ? 1024 : u === 'm' ? 1 << 20 : u === 'g' ? 1 << 30 : 1));
  // The arena is one buffer: Node allocates at most 4 GiB at once.
  if (!(n >= 1 << 16 && n <= 2 ** 32)) throw new ArgumentError(`--max-memory must be between 64KiB and 4GiB, got "${s}"`);
  return n;
}

/** One alert line. */
export function alertLine(kind: 'start' | 'end', i: WatchIncident): string {
  const c = i.culprit;
  const who = `${c.component} (${c.kind}, confidence ${c.confidence})`;
  const head = kind === 'start'
    ? `${i.at} INCIDENT ${i.id} STARTED at ${i.start}: suspect ${who}`
    : `${i.at} INCIDENT ${i.id} ENDED ${i.start} – ${i.end} (${i.duration} s${i.interrupted ? ', watch stopped' : ''}): ${who}`;
  return forTerminal(`${head} — ${i.summary} Evidence: ${i.evidence.map((e) => e.text).join('; ')}${i.dir ? ` [${i.dir}]` : ''}`) + '\n';
}

export function optionsFromFlags(v: Record<string, unknown>): WatchOptions {
  if (typeof v.iface !== 'string' || !v.iface) throw new ArgumentError('--iface is required');
  const logs = ((v.log as string[] | undefined) ?? []).map((l) => {
    const i = l.lastIndexOf('@');
    if (i <= 0 || i === l.length - 1) throw new ArgumentError(`--log must be FILE@COMPONENT[:TZ], got "${l}"`);
    const file = l.slice(0, i), rest = l.slice(i + 1);
    const k = rest.indexOf(':');
    return k > 0 ? { file, component: rest.slice(0, k), timezone: rest.slice(k + 1) } : { file, component: rest };
  });
  let port: number | undefined;
  if (v.port !== undefined) {
    port = Number(v.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ArgumentError(`--port must be 1–65535, got "${v.port}"`);
  }
  const dur = (k: string) => (typeof v[k] === 'string' ? parseDuration(v[k] as string, `--${k}`) : undefined);
  return {
    iface: v.iface, filter: v.filter as string | undefined, port, logs,
    keep: dur('keep'), interval: dur('interval'), window: dur('window'), warmup: dur('warmup'),
    out: v.out as string | undefined,
    maxBytes: typeof v['max-memory'] === 'string' ? bytesArg(v['max-memory']) : undefined,
  };
}

export async function watchCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    iface: { type: 'string', short: 'i' },
    filter: { type: 'string' },
    port: { type: 'string' },
    log: { type: 'string', multiple: true },
    keep: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    interval: { type: 'string' },
    window: { type: 'string' },
    warmup: { type: 'string' },
    'max-memory': { type: 'string' },
    stats: { type: 'boolean' },
  }, false);
  if (values.help) {
    io.stdout(WATCH_HELP);
    return EXIT_OK;
  }
  void positionals;
  const opts = optionsFromFlags(values);
  const w: Watcher = watch(opts); // throws LiveCaptureError (exit 1, one clear line)
  const asJson = Boolean(values.json);
  const emit = (kind: 'start' | 'end') => (i: WatchIncident) => io.stdout(asJson ? JSON.stringify({ event: `incident-${kind}`, ...i }) + '\n' : alertLine(kind, i));
  w.on('incident-start', emit('start'));
  w.on('incident-end', emit('end'));
  w.on('incident-saved', (s: { dir: string; files: string[] }) => io.stderr(forTerminal(`alibi watch: saved ${s.dir}: ${s.files.join(', ')}`) + '\n'));
  w.on('error', (e: Error) => io.stderr(forTerminal(`alibi watch: ${e.message}`) + '\n'));
  if (values.stats) {
    w.on('stats', (s) => io.stderr(`${s.at} ${s.packets} packets, recorder ${s.recorder.packets} packets / ${(s.recorder.bytes / 1048576).toFixed(1)} MiB${s.openIncident ? `, incident ${s.openIncident} open` : ''}\n`));
  }
  io.stderr(forTerminal(`alibi watch: capturing on ${opts.iface} (filter "${opts.filter ?? (opts.port ? `tcp port ${opts.port}` : 'tcp')}"); ${opts.logs!.length} log(s); Ctrl-C to stop`) + '\n');
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      w.stop().then(resolve, resolve);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
  return EXIT_OK;
}
