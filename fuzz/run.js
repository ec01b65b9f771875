#!/usr/bin/env node
/**
 * @module fuzz/run
 * `npm run fuzz [-- --seconds N] [--seed S] [--workers W] [--case-ms T] [--heap-mb M] [--save]`
 * `npm run fuzz -- --target config [--seconds N] [--seed S]`: config and command lines (fuzz/config.js)
 *
 * Mutates the real corpus (../shared/corpus, read in place) and test/fixtures/captures/*.pcap*,
 * plus the log fixtures, and runs every case through the built library (dist/: run `npm run
 * build` first) in worker threads. A worker that does not answer within --case-ms is killed and
 * its case is a hang finding; a worker whose heap passes --heap-mb dies and its case is a memory
 * finding; any problem reported by the engine (untyped throw, unlocated error, readings that
 * disagree, …) is a finding. Findings are printed with their id (`seed:case`, reproducible:
 * `--replay seed:case`) and, with --save, written to test/fixtures/fuzz/ as regression fixtures.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const ROOT = path.resolve(__dirname, '..');

/** Seed captures: the corpus (read in place, never copied) and the repository's own fixtures. */
function loadSeeds() {
  const dirs = [process.env.ALIBI_CORPUS ?? path.resolve(ROOT, '../shared/corpus'), path.join(ROOT, 'test/fixtures/captures'), path.join(ROOT, 'test/fixtures/captures/states')];
  const seeds = [];
  for (const d of dirs) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (!fs.statSync(p).isFile() || /\.(md|json|sh|py|txt)$/.test(f) || f === 'VERSION') continue;
      seeds.push({ name: path.relative(ROOT, p), bytes: new Uint8Array(fs.readFileSync(p)) });
    }
  }
  return seeds;
}

function loadLogSeeds() {
  const d = path.join(ROOT, 'test/fixtures/logs');
  return fs.readdirSync(d).filter((f) => f.endsWith('.log')).sort().map((f) => ({ name: `test/fixtures/logs/${f}`, bytes: new Uint8Array(fs.readFileSync(path.join(d, f))) }));
}

function distLib() {
  const d = (m) => require(path.join(ROOT, 'dist', m));
  return {
    ...d('errors'), ...d('capture/reader'), ...d('pass'), ...d('metrics/series'),
    parseLogText: d('logs/index').parseLogText, readLog: d('logs/index').readLog,
    CONN_STATES: ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'],
  };
}

module.exports = { loadSeeds, loadLogSeeds };

if (!isMainThread) {
  // Worker: runs the cases it is sent, one at a time, and answers each.
  const engine = require('./engine');
  const lib = distLib();
  const seeds = loadSeeds();
  const logSeeds = loadLogSeeds();
  const zlib = require('node:zlib');
  parentPort.on('message', async ({ n, seed, log }) => {
    const t0 = Date.now();
    const h0 = process.memoryUsage().heapUsed;
    let problems;
    let c;
    try {
      if (log) {
        c = engine.makeLogCase(logSeeds, seed, n, zlib);
        problems = (await engine.runLog(lib, c)).problems;
      } else {
        c = engine.makeCase(seeds, seed, n, undefined, zlib);
        problems = (await engine.runCapture(lib, c.bytes, c.chunk)).problems;
      }
    } catch (e) {
      problems = [`harness: ${e && e.stack}`];
    }
    const grown = process.memoryUsage().heapUsed - h0;
    parentPort.postMessage({ n, ms: Date.now() - t0, grown, problems, id: c && c.id, seed: c && c.seed, notes: c && c.notes });
  });
  // Warm-up (module loading, luxon zones, JIT) outside any case's time limit.
  (async () => {
    await engine.runLog(lib, engine.makeLogCase(logSeeds, 0, 0, zlib)).catch(() => undefined);
    await engine.runCapture(lib, engine.makeCase(seeds, 0, 0).bytes).catch(() => undefined);
    parentPort.postMessage({ ready: true });
  })();
  return;
}

function args() {
  const a = process.argv.slice(2);
  const o = { seconds: 60, seed: Date.now() % 1e9, workers: Math.max(1, Math.min(4, os.cpus().length)), caseMs: 10000, heapMb: 768, save: false, replay: null, logs: 0.2 };
  for (let i = 0; i < a.length; i++) {
    const k = a[i];
    const v = () => a[++i];
    if (k === '--seconds') o.seconds = Number(v());
    else if (k === '--seed') o.seed = Number(v());
    else if (k === '--workers') o.workers = Number(v());
    else if (k === '--case-ms') o.caseMs = Number(v());
    else if (k === '--heap-mb') o.heapMb = Number(v());
    else if (k === '--logs') o.logs = Number(v());
    else if (k === '--save') o.save = true;
    else if (k === '--replay') o.replay = v();
    else if (k === '--help' || k === '-h') {
      console.log('usage: npm run fuzz -- [--seconds 60] [--seed S] [--workers W] [--case-ms 10000] [--heap-mb 768] [--logs 0.2] [--save] [--replay SEED:CASE|log:SEED:CASE]');
      process.exit(0);
    } else { console.error(`fuzz: unknown option ${k}`); process.exit(2); }
  }
  return o;
}

function saveFinding(f, bytes, ext) {
  const dir = path.join(ROOT, 'test/fixtures/fuzz');
  fs.mkdirSync(dir, { recursive: true });
  const name = `${f.id.replace(/:/g, '-')}.${ext}`;
  fs.writeFileSync(path.join(dir, name), bytes);
  fs.appendFileSync(path.join(dir, 'findings.log'), JSON.stringify({ file: name, id: f.id, seed: f.seed, notes: f.notes, format: f.format, problems: f.problems.map((p) => p.split('\n')[0]) }) + '\n');
  return name;
}

async function main() {
  const o = args();
  const engine = require('./engine');
  if (o.replay) {
    const lib = distLib();
    const parts = o.replay.split(':');
    const isLog = parts[0] === 'log';
    const [seed, n] = (isLog ? parts.slice(1) : parts).map(Number);
    const c = isLog ? engine.makeLogCase(loadLogSeeds(), seed, n, require('node:zlib')) : engine.makeCase(loadSeeds(), seed, n, undefined, require('node:zlib'));
    console.log(`case ${c.id} from ${c.seed}: ${c.notes.join('; ')} (${c.bytes.length} bytes)`);
    const r = isLog ? await engine.runLog(lib, c) : await engine.runCapture(lib, c.bytes, c.chunk);
    console.log(JSON.stringify(r, null, 1));
    if (o.save) console.log('saved', saveFinding({ ...c, problems: r.problems }, c.bytes, isLog ? (c.gz ? 'log.gz' : 'log') : 'bin'));
    return;
  }
  const end = Date.now() + o.seconds * 1000;
  let next = 0;
  let done = 0;
  let logCases = 0;
  const findings = [];
  const slow = { max: 0, id: null };
  let maxGrown = 0;
  console.log(`fuzz: seed ${o.seed}, ${o.workers} workers, ${o.seconds} s, case limit ${o.caseMs} ms, heap limit ${o.heapMb} MB`);

  // Whether case n is a log case: decided by the seed too, so ids replay.
  const isLogCase = (n) => engine.rng(o.seed, n ^ 0x2545f491).next() < o.logs;

  function finding(msg) {
    findings.push(msg);
    console.log(`FINDING ${msg.id}${msg.seed ? ` (${msg.seed}: ${(msg.notes || []).join('; ')})` : ''}\n  ${msg.problems.map((p) => p.split('\n')[0]).join('\n  ')}`);
    if (o.save) {
      const isLog = msg.id.startsWith('log:');
      const parts = msg.id.split(':');
      const [seed, n] = (isLog ? parts.slice(1) : parts).map(Number);
      const c = isLog ? engine.makeLogCase(loadLogSeeds(), seed, n, require('node:zlib')) : engine.makeCase(loadSeeds(), seed, n, undefined, require('node:zlib'));
      console.log(`  saved test/fixtures/fuzz/${saveFinding({ ...msg, seed: c.seed, notes: c.notes, format: c.format }, c.bytes, isLog ? (c.gz ? 'log.gz' : 'log') : 'bin')}`);
    }
  }

  await new Promise((resolveAll) => {
    let live = 0;
    function spawn() {
      live++;
      const w = new Worker(__filename, { resourceLimits: { maxOldGenerationSizeMb: o.heapMb } });
      let current = null;
      let timer = null;
      const give = () => {
        if (Date.now() >= end) { w.terminate(); return; }
        const n = next++;
        const log = isLogCase(n);
        current = { n, log, id: log ? `log:${o.seed}:${n}` : `${o.seed}:${n}` };
        timer = setTimeout(() => {
          finding({ id: current.id, problems: [`hang: no answer within ${o.caseMs} ms`] });
          current = null;
          w.terminate();
        }, o.caseMs);
        w.postMessage({ n, seed: o.seed, log });
      };
      w.on('message', (m) => {
        if (m.ready) { give(); return; }
        clearTimeout(timer);
        done++;
        if (m.id && m.id.startsWith('log:')) logCases++;
        if (m.ms > slow.max) { slow.max = m.ms; slow.id = m.id; }
        if (m.grown > maxGrown) maxGrown = m.grown;
        if (m.problems.length) finding({ id: m.id, seed: m.seed, notes: m.notes, problems: m.problems });
        current = null;
        give();
      });
      w.on('error', (e) => {
        clearTimeout(timer);
        if (current) finding({ id: current.id, problems: [`worker died: ${e && e.message} (heap limit ${o.heapMb} MB?)`] });
        current = null;
      });
      w.on('exit', () => {
        clearTimeout(timer);
        live--;
        if (Date.now() < end) spawn();
        else if (live === 0) resolveAll();
      });
    }
    for (let i = 0; i < o.workers; i++) spawn();
    const progress = setInterval(() => {
      if (process.stderr.isTTY) process.stderr.write(`\r${done} cases, ${findings.length} findings   `);
    }, 1000);
    progress.unref();
  });
  const summary = { seed: o.seed, seconds: o.seconds, cases: done, captureCases: done - logCases, logCases, findings: findings.length, slowestCaseMs: slow.max, slowestCase: slow.id, maxHeapGrowthMb: +(maxGrown / 2 ** 20).toFixed(1) };
  console.log(JSON.stringify(summary));
  process.exitCode = findings.length ? 1 : 0;
}

// `npm run fuzz -- --target config`: the config and command-line fuzzer (fuzz/config.js) instead.
const targetAt = process.argv.indexOf('--target');
if (require.main === module && targetAt >= 0) {
  const target = process.argv[targetAt + 1];
  if (target !== 'config' && target !== 'captures') { console.error(`fuzz: --target must be captures or config, got ${target}`); process.exit(2); }
  process.argv.splice(targetAt, 2);
  if (target === 'config') require('./config').main();
  else main().catch((e) => { console.error(e); process.exit(1); });
} else if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
