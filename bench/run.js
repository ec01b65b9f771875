#!/usr/bin/env node
/**
 * The benchmark (`npm run bench`): ours next to cat, capinfos and tshark, measured in the same run.
 *
 *   node bench/run.js [CAPTURE] [--runs N] [--skip-tshark] [--tshark-sample N] [--skip-logs] [--skip-analyze] [--skip-rotated] [--skip-flood] [--skip-outputs] [--skip-days] [--no-build]
 *
 * It runs `npm run build` first (dist/ is what is measured; --no-build uses dist/ as it is).
 * CAPTURE defaults to $ALIBI_BENCH_CAPTURE or /work/bigcap/big.pcap (made by
 * ../shared/bench/make-big-capture.sh, outside the repo); the pcapng twin is the same path with
 * `.pcapng` ($ALIBI_BENCH_CAPTURE_NG overrides). Every contender runs as its own child process,
 * `--runs` times (default 3), timed by wall clock with its peak RSS from `/usr/bin/time -v`
 * (or the child's own process.resourceUsage() when /usr/bin/time is missing); the table shows
 * medians. The machine's load average is printed before and after: other work on the machine
 * inflates wall times.
 *
 * tshark on the whole big capture takes minutes and ~6 GB: `--tshark-sample N` runs it (and our
 * flows, for a like-for-like ratio) on the first N packets instead (cut with `editcap -r`), and
 * says so; `--skip-tshark` leaves it out.
 *
 * Output: a table on stdout and bench/results.json.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

// ---------------------------------------------------------------- child modes (one measurement each)

/** Reading alone: every record, touching its length (what any consumer does). */
function childRead(file) {
  const { openCapture } = require(path.join(DIST, 'node.js'));
  const t0 = process.hrtime.bigint();
  const r = openCapture(file);
  let packets = 0;
  let bytes = 0;
  for (let p; (p = r.next()) !== null; ) {
    packets++;
    bytes += p.capLen;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { packets, capturedBytes: bytes, fileBytes: fs.statSync(file).size, seconds };
}

/**
 * Decode + flow table with full accounting (keepFlows: false), optionally with the series
 * observer, through `passFile` as `alibi flows` / `alibi series` run it: on one thread, or with
 * the decoding in a worker thread (forced on or off, so each row is what it says whatever the
 * machine).
 */
async function childFlows(file, withSeries, threads) {
  const { passFile } = require(path.join(DIST, 'node.js'));
  const { CapturePass } = require(path.join(DIST, 'pipeline', 'pass.js'));
  let observer;
  if (withSeries) {
    const { SeriesAccumulator } = require(path.join(DIST, 'metrics', 'series.js'));
    observer = new SeriesAccumulator({ interval: 1 });
  }
  const t0 = process.hrtime.bigint();
  const pass = new CapturePass({ keepFlows: false, observer });
  const res = await passFile(file, pass, { threads });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (res.threaded !== threads) throw new Error(`passFile ran ${res.threaded ? 'two threads' : 'one thread'}, not the one asked for`);
  const out = { packets: res.packets, tcpPackets: res.tcpPackets, connections: pass.table.started, seconds };
  if (observer) out.bins = observer.columns().length;
  return out;
}

async function child(mode, file) {
  let out;
  if (mode === 'read') out = childRead(file);
  else if (mode === 'flows') out = await childFlows(file, false, false);
  else if (mode === 'flows+series') out = await childFlows(file, true, false);
  else if (mode === 'flows2') out = await childFlows(file, false, true);
  else if (mode === 'flows2+series') out = await childFlows(file, true, true);
  else throw new Error(`unknown child mode ${mode}`);
  out.maxRssKiB = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify(out) + '\n');
}

// ---------------------------------------------------------------- parent

function parseArgs(argv) {
  const o = { file: null, runs: 5, flowRuns: 21, skipTshark: false, tsharkSample: 0, skipLogs: false, skipAnalyze: false, skipRotated: false, rotatedPackets: 1000000, skipFlood: false, floodConnections: 10000000, skipDays: false, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Math.max(1, Number(argv[++i]));
    else if (a === '--flow-runs') o.flowRuns = Math.max(1, Number(argv[++i]));
    else if (a === '--skip-tshark') o.skipTshark = true;
    else if (a === '--tshark-sample') o.tsharkSample = Number(argv[++i]);
    else if (a === '--skip-logs') o.skipLogs = true;
    else if (a === '--skip-analyze') o.skipAnalyze = true;
    else if (a === '--skip-rotated') o.skipRotated = true;
    else if (a === '--rotated-packets') o.rotatedPackets = Number(argv[++i]);
    else if (a === '--skip-flood') o.skipFlood = true;
    else if (a === '--skip-days') o.skipDays = true;
    else if (a === '--skip-outputs') o.skipOutputs = true;
    else if (a === '--flood-connections') o.floodConnections = Number(argv[++i]);
    else if (a === '--no-build') o.build = false;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node bench/run.js [CAPTURE] [--runs N] [--flow-runs N] [--skip-tshark] [--tshark-sample N] [--skip-logs] [--skip-analyze] [--skip-rotated] [--rotated-packets K] [--skip-flood] [--flood-connections N] [--skip-outputs] [--skip-days] [--no-build]');
      process.exit(0);
    } else if (!a.startsWith('-')) o.file = a;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const HAVE_TIME = fs.existsSync('/usr/bin/time');

/** Runs a command once: wall seconds, peak RSS (KiB), stdout. */
function measure(cmd, args, { shell = false } = {}) {
  let argv = shell ? ['sh', '-c', cmd] : [cmd, ...args];
  if (HAVE_TIME) argv = ['/usr/bin/time', '-v', ...argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${(r.stderr || '').slice(-2000)}`);
  const err = r.stderr || '';
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const u = /User time \(seconds\): ([\d.]+)/.exec(err);
  const k = /System time \(seconds\): ([\d.]+)/.exec(err);
  // CPU time (user + system) next to wall time: on a shared machine wall time includes waiting.
  return { seconds, cpuSeconds: u && k ? Number(u[1]) + Number(k[1]) : null, maxRssKiB: m ? Number(m[1]) : null, stdout: r.stdout };
}

/** One of our child modes: the child's own timing (excludes node start-up) and peak RSS. */
function measureOurs(mode, file) {
  const r = measure(process.execPath, [__filename, '--child', mode, file]);
  const line = r.stdout.trim().split('\n').pop();
  const out = JSON.parse(line);
  out.processSeconds = r.seconds;
  out.cpuSeconds = r.cpuSeconds;
  if (r.maxRssKiB) out.maxRssKiB = r.maxRssKiB;
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** First and third quartiles (medians of the lower and upper halves). */
function quartiles(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return [median(s.slice(0, h || 1)), median(s.slice(s.length - (h || 1)))];
}

/** Medians of several runs of one contender; every run is kept. */
function summarize(all) {
  const seconds = median(all.map((r) => r.seconds));
  const rss = all.map((r) => r.maxRssKiB).filter((x) => x != null);
  const cpu = all.map((r) => r.cpuSeconds).filter((x) => x != null);
  return {
    ...all[0],
    seconds,
    cpuSeconds: cpu.length ? median(cpu) : null,
    maxRssKiB: rss.length ? median(rss) : null,
    runs: all.map((r) => +r.seconds.toFixed(3)),
    cpuRuns: cpu.map((x) => +x.toFixed(3)),
  };
}

/** Runs `fn` `runs` times; keeps every run and the medians. */
function repeat(runs, fn) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(fn());
  return summarize(all);
}

/**
 * Runs several contenders round-robin, the order reversed every other round (A B C, C B A, …),
 * so that load from other work on the machine falls on all of them alike, not on whichever ran
 * during a busy minute or always ran first.
 */
function rounds(runs, tasks) {
  const all = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
  const order = Object.entries(tasks);
  for (let i = 0; i < runs; i++) for (const [k, fn] of i % 2 ? [...order].reverse() : order) all[k].push(fn());
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, summarize(v)]));
}

function mib(kib) {
  return kib == null ? '-' : `${(kib / 1024).toFixed(0)} MiB`;
}

/** Runs a bench script that prints its table and then its figures as a last JSON line: prints the table, returns the figures. */
function jsonChild(script, args) {
  const r = spawnSync(process.execPath, [path.join(__dirname, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = (r.stdout || '').trimEnd().split('\n');
  try {
    const figures = JSON.parse(lines[lines.length - 1]);
    console.log(lines.slice(0, -1).join('\n'));
    return figures;
  } catch {
    console.log(`bench/${script} exited ${r.status}: ${(r.stderr || '').slice(-500)}`);
    return { error: `bench/${script} exited ${r.status}` };
  }
}

function main() {
  if (process.argv[2] === '--child') {
    child(process.argv[3], process.argv[4]).catch((e) => {
      console.error(e);
      process.exit(1);
    });
    return;
  }
  const opts = parseArgs(process.argv.slice(2));
  const file = path.resolve(opts.file || process.env.ALIBI_BENCH_CAPTURE || '/work/bigcap/big.pcap');
  if (!fs.existsSync(file)) {
    console.log(`benchmark capture ${file} not found. Make it (root, ~3 minutes, ~5 GB, outside the repo):`);
    console.log('  sudo ../shared/bench/make-big-capture.sh /work/bigcap');
    console.log('then run `npm run bench` again (or pass a capture path, or set ALIBI_BENCH_CAPTURE).');
    return;
  }
  const ng = process.env.ALIBI_BENCH_CAPTURE_NG || file.replace(/\.pcap$/, '.pcapng');
  const haveNg = ng !== file && fs.existsSync(ng);

  if (opts.build) {
    console.error('building dist/ (npm run build) ...');
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0) throw new Error('npm run build failed');
  } else if (!fs.existsSync(path.join(DIST, 'pipeline', 'pass.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (or drop --no-build)');
  }

  const ver = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.split('\n')[0].trim() : null;
  };
  const doc = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release() },
    versions: { node: process.version, tshark: ver('tshark', ['--version']), capinfos: ver('capinfos', ['--version']), pcapAlibi: require(path.join(ROOT, 'package.json')).version },
    loadBefore: os.loadavg().map((x) => +x.toFixed(2)),
    capture: { file, bytes: fs.statSync(file).size, pcapng: haveNg ? ng : null, pcapngBytes: haveNg ? fs.statSync(ng).size : null },
    runs: opts.runs,
    flowRuns: opts.flowRuns,
    rows: {},
  };
  const rows = doc.rows;
  const log = (s) => console.error(s);

  // Warm the page cache so every contender reads from memory (the cat rows show that speed).
  log('warming the page cache ...');
  measure(`cat '${file}' > /dev/null`, [], { shell: true });
  if (haveNg) measure(`cat '${ng}' > /dev/null`, [], { shell: true });

  log('cat, capinfos -c, ours reading (round-robin) ...');
  const readTasks = {
    cat: () => measure(`cat '${file}' > /dev/null`, [], { shell: true }),
    capinfos: () => measure('capinfos', ['-c', file]),
    readPcap: () => measureOurs('read', file),
  };
  if (haveNg) {
    readTasks.catNg = () => measure(`cat '${ng}' > /dev/null`, [], { shell: true });
    readTasks.capinfosNg = () => measure('capinfos', ['-c', ng]);
    readTasks.readPcapng = () => measureOurs('read', ng);
  }
  Object.assign(rows, rounds(opts.runs, readTasks));
  const packets = rows.readPcap.packets;

  log('ours: flows and flows + series, one and two threads (round-robin) ...');
  const flowTasks = {
    flows: () => measureOurs('flows', file),
    flowsSeries: () => measureOurs('flows+series', file),
    flows2: () => measureOurs('flows2', file),
    flows2Series: () => measureOurs('flows2+series', file),
  };
  // More rounds here: the flows + series ratio is a small difference between two noisy figures.
  Object.assign(rows, rounds(opts.flowRuns, flowTasks));

  // tshark: whole capture, or the first N packets (and ours on the same N, like for like).
  if (opts.skipTshark) {
    rows.tshark = { skipped: '--skip-tshark' };
  } else {
    let tfile = file;
    let sample = null;
    if (opts.tsharkSample > 0 && opts.tsharkSample < packets) {
      sample = path.join(os.tmpdir(), `alibi-bench-sample-${process.pid}.pcap`);
      spawnSync('editcap', ['-r', file, sample, `1-${opts.tsharkSample}`], { stdio: 'inherit' });
      tfile = sample;
    }
    try {
      log(`tshark -q -z conv,tcp on ${sample ? `the first ${opts.tsharkSample} packets` : 'the whole capture (minutes)'} ...`);
      // tshark once on the whole capture (minutes, GBs); on a sample, as many runs as ours.
      rows.tshark = repeat(sample ? opts.runs : 1, () => measure('tshark', ['-q', '-z', 'conv,tcp', '-r', tfile]));
      rows.tshark.packets = sample ? opts.tsharkSample : packets;
      rows.tshark.sample = sample !== null;
      delete rows.tshark.stdout;
      if (sample) rows.flowsOnTsharkSample = repeat(opts.runs, () => measureOurs('flows', sample));
    } finally {
      if (sample) fs.rmSync(sample, { force: true });
    }
  }

  if (opts.skipLogs) {
    rows.logs = { skipped: '--skip-logs' };
  } else {
    log('bench/logs.js (log parsing; takes a while) ...');
    const r = spawnSync(process.execPath, [path.join(__dirname, 'logs.js')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const out = r.stdout || '';
    const cut = out.indexOf('\n\n');
    try {
      rows.logs = { ...JSON.parse(cut > 0 ? out.slice(0, cut) : out), table: cut > 0 ? out.slice(cut + 2).trimEnd() : '' };
    } catch {
      rows.logs = { error: `bench/logs.js exited ${r.status}`, output: out.slice(-2000) + (r.stderr || '').slice(-2000) };
    }
  }
  doc.loadAfter = os.loadavg().map((x) => +x.toFixed(2));
  for (const v of Object.values(rows)) delete v.stdout;

  // ---------------------------------------------------------------- derived figures and the table
  const MB = 1e6;
  const rate = (n, s) => n / s;
  const fileBytes = doc.capture.bytes;
  const d = (doc.derived = {});
  d.readPcapPacketsPerSecond = rate(packets, rows.readPcap.seconds);
  d.readPcapMBPerSecond = rate(fileBytes, rows.readPcap.seconds) / MB;
  d.readVsCapinfos = rows.capinfos.seconds / rows.readPcap.seconds;
  if (haveNg) {
    d.readPcapngPacketsPerSecond = rate(rows.readPcapng.packets, rows.readPcapng.seconds);
    d.readPcapngMBPerSecond = rate(doc.capture.pcapngBytes, rows.readPcapng.seconds) / MB;
    d.pcapngOverPcapTime = rows.readPcapng.seconds / rows.readPcap.seconds;
  }
  d.flowsPacketsPerSecond = rate(rows.flows.packets, rows.flows.seconds);
  // Each round's runs are back to back: their ratio is less exposed to the machine's drift than
  // the ratio of two medians taken over minutes.
  const paired = (a, b) => a.runs.map((x, i) => b.runs[i] / x);
  {
    d.flowsSeriesOverFlows = rows.flowsSeries.seconds / rows.flows.seconds;
    const pairs = paired(rows.flows, rows.flowsSeries);
    d.flowsSeriesOverFlowsPerRound = pairs.map((x) => +x.toFixed(3));
    d.flowsSeriesOverFlowsPairedMedian = median(pairs);
    d.flowsSeriesOverFlowsPairedQuartiles = quartiles(pairs);
  }
  {
    d.flows2PacketsPerSecond = rate(rows.flows2.packets, rows.flows2.seconds);
    d.flows2OverFlows = rows.flows2.seconds / rows.flows.seconds;
    d.flows2OverFlowsPairedMedian = median(paired(rows.flows, rows.flows2));
    d.flows2SeriesOverFlows2 = rows.flows2Series.seconds / rows.flows2.seconds;
    const pairs = paired(rows.flows2, rows.flows2Series);
    d.flows2SeriesOverFlows2PerRound = pairs.map((x) => +x.toFixed(3));
    d.flows2SeriesOverFlows2PairedMedian = median(pairs);
    d.flows2SeriesOverFlows2PairedQuartiles = quartiles(pairs);
  }
  if (rows.tshark.seconds) {
    d.tsharkPacketsPerSecond = rate(rows.tshark.packets, rows.tshark.seconds);
    d.flowsOverTsharkRate = d.flowsPacketsPerSecond / d.tsharkPacketsPerSecond;
    d.flows2OverTsharkRate = d.flows2PacketsPerSecond / d.tsharkPacketsPerSecond;
    d.tsharkRatioBasis = rows.tshark.sample
      ? `per-packet rates: tshark on the first ${rows.tshark.packets} packets vs ours on the whole capture (ours on the same sample: ${rate(rows.flowsOnTsharkSample.packets, rows.flowsOnTsharkSample.seconds).toFixed(0)} packets/s, ratio ${(rate(rows.flowsOnTsharkSample.packets, rows.flowsOnTsharkSample.seconds) / d.tsharkPacketsPerSecond).toFixed(1)}x)`
      : 'whole capture, same packets';
  }

  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(doc, null, 2) + '\n');

  const M = (x) => `${(x / 1e6).toFixed(2)} M pkt/s`;
  console.log(`pcap-alibi bench  ${doc.date}  node ${process.version}  ${doc.machine.cpus} CPUs (${doc.machine.cpuModel})  ${doc.machine.memGiB} GiB`);
  console.log(`capture: ${file}  ${(fileBytes / 1e9).toFixed(2)} GB  ${packets} packets${haveNg ? `  (+ ${ng})` : ''}`);
  console.log(`load average before ${doc.loadBefore.join(' ')}, after ${doc.loadAfter.join(' ')}; median of ${opts.runs} runs (flows rows: ${opts.flowRuns}), contenders interleaved (all runs in results.json)`);
  console.log('seconds = wall clock (rates use it); cpu s = user + system time of the process (ours: includes node start-up)');
  console.log('');
  const hdr = `${'contender'.padEnd(44)} ${'seconds'.padStart(8)} ${'cpu s'.padStart(7)} ${'rate'.padStart(16)} ${'MB/s'.padStart(8)} ${'peak RSS'.padStart(10)}`;
  console.log(hdr);
  console.log('-'.repeat(hdr.length));
  const row = (name, r, n, bytes) => {
    if (!r || r.skipped || r.error) {
      console.log(`${name.padEnd(44)} skipped: ${r ? r.skipped || r.error : 'not run'}`);
      return;
    }
    console.log(`${name.padEnd(44)} ${r.seconds.toFixed(2).padStart(8)} ${(r.cpuSeconds != null ? r.cpuSeconds.toFixed(2) : '-').padStart(7)} ${(n ? M(n / r.seconds) : '').padStart(16)} ${(bytes ? ((bytes / r.seconds) / MB).toFixed(0) : '').padStart(8)} ${mib(r.maxRssKiB).padStart(10)}`);
  };
  row('cat FILE > /dev/null', rows.cat, 0, fileBytes);
  if (haveNg) row('cat FILE.pcapng > /dev/null', rows.catNg, 0, doc.capture.pcapngBytes);
  row('capinfos -c (pcap)', rows.capinfos, packets, fileBytes);
  if (haveNg) row('capinfos -c (pcapng)', rows.capinfosNg, packets, doc.capture.pcapngBytes);
  row('ours: read (pcap)', rows.readPcap, packets, fileBytes);
  if (haveNg) row('ours: read (pcapng)', rows.readPcapng, rows.readPcapng.packets, doc.capture.pcapngBytes);
  row(`tshark -q -z conv,tcp${rows.tshark.sample ? ` (first ${rows.tshark.packets} pkts)` : ''}`, rows.tshark, rows.tshark.packets, 0);
  if (rows.flowsOnTsharkSample) row(`ours: flows (same first ${rows.tshark.packets} pkts)`, rows.flowsOnTsharkSample, rows.flowsOnTsharkSample.packets, 0);
  row('ours: flows (decode + flow table), 1 thread', rows.flows, rows.flows.packets, fileBytes);
  row('ours: flows + series (1 s bins), 1 thread', rows.flowsSeries, rows.flowsSeries.packets, fileBytes);
  row('ours: flows, 2 threads (as alibi flows)', rows.flows2, rows.flows2.packets, fileBytes);
  row('ours: flows + series, 2 threads', rows.flows2Series, rows.flows2Series.packets, fileBytes);
  console.log('');
  console.log(`reading: ${(d.readVsCapinfos).toFixed(2)}x capinfos -c speed (target >= 1)` + (haveNg ? `; pcapng takes ${d.pcapngOverPcapTime.toFixed(2)}x the pcap time (target <= 1.25)` : ''));
  console.log(`flows: ${M(d.flowsPacketsPerSecond)} (target >= 3 M), peak ${mib(rows.flows.maxRssKiB)} (target <= 200 MiB), ${rows.flows.connections} connections` +
    (d.flowsOverTsharkRate ? `; ${d.flowsOverTsharkRate.toFixed(1)}x tshark (${d.tsharkRatioBasis})` : ''));
  console.log(`flows + series: ${d.flowsSeriesOverFlows.toFixed(2)}x the flows time (ratio of medians; target <= 1.15); per round ${d.flowsSeriesOverFlowsPerRound.join(', ')}, median ${d.flowsSeriesOverFlowsPairedMedian.toFixed(2)}x, quartiles ${d.flowsSeriesOverFlowsPairedQuartiles.map((x) => x.toFixed(2)).join('-')}x`);
  {
    console.log(`flows, 2 threads (decode in a worker, as alibi flows does): ${M(d.flows2PacketsPerSecond)} (target >= 3 M), peak ${mib(rows.flows2.maxRssKiB)}, ${(1 / d.flows2OverFlows).toFixed(2)}x the one-thread speed (paired median ${(1 / d.flows2OverFlowsPairedMedian).toFixed(2)}x)` +
      (d.flows2OverTsharkRate ? `; ${d.flows2OverTsharkRate.toFixed(1)}x tshark` : ''));
    console.log(`flows + series, 2 threads: ${d.flows2SeriesOverFlows2.toFixed(2)}x the 2-thread flows time (ratio of medians; target <= 1.15); per round ${d.flows2SeriesOverFlows2PerRound.join(', ')}, median ${d.flows2SeriesOverFlows2PairedMedian.toFixed(2)}x, quartiles ${d.flows2SeriesOverFlows2PairedQuartiles.map((x) => x.toFixed(2)).join('-')}x`);
  }
  if (rows.logs.table) {
    console.log('');
    console.log('logs (bench/logs.js):');
    console.log(rows.logs.table);
  } else if (rows.logs.skipped || rows.logs.error) console.log(`\nlogs: ${rows.logs.skipped || rows.logs.error}`);
  if (!opts.skipAnalyze) {
    // analyze (issue 7): two large captures + the 1 GB log, worker threads vs one thread.
    console.log('');
    const r = spawnSync(process.execPath, [path.join(__dirname, 'analyze.js'), path.dirname(doc.capture.file)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    console.log((r.stdout || '').trimEnd() || `bench/analyze.js exited ${r.status}: ${(r.stderr || '').slice(-500)}`);
  }
  if (!opts.skipRotated) {
    // A vantage as a rotated set (issue 16): the first K packets of the benchmark capture cut into
    // 200 files, analysed as a folder next to the single file: memory of one file, both cores.
    console.log('');
    doc.rows.rotated = jsonChild('rotated.js', [file, '200', '--packets', String(opts.rotatedPackets), '--json']);
    fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(doc, null, 2) + '\n');
  }
  if (!opts.skipOutputs) {
    // alibi flows end to end in every output format, next to argus (issue 19).
    console.log('');
    doc.rows.outputs = jsonChild('outputs.js', [file, '--runs', String(opts.runs), '--json']);
    fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(doc, null, 2) + '\n');
  }
  if (!opts.skipFlood) {
    // A SYN flood of 10 M connections (issue 22): memory of the live table, not of the flood.
    console.log('');
    doc.rows.flood = jsonChild('flood.js', ['--connections', String(opts.floodConnections), '--json']);
    fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(doc, null, 2) + '\n');
  }
  if (!opts.skipDays) {
    // A generated day at full size, two vantages and its syslog (issue 20): analyze directly and
    // through partials, the verdict scored against the day's truth.
    console.log('');
    doc.rows.days = jsonChild('days.js', ['--json']);
    fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(doc, null, 2) + '\n');
  }
  console.log('\nwritten: bench/results.json');
}

main();
