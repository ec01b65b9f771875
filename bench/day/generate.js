#!/usr/bin/env node
'use strict';
// A seeded day (or days) of the story's traffic: rotated pcap sets at the firewall and the server,
// stunnel's lines in a daily-rotated syslog `messages` set among other programs' lines, the
// backend's access log, faults at drawn times, alibi.json (the analyze config) and truth.json.
// See README.md beside this file.
//
//   node bench/day/generate.js --seed N --out DIR [--days 1] [--start 2026-11-30T00:00:00Z]
//        [--scale 1] [--faults default|none|KIND:DUR[@ISO],…] [--hours H] [--gzip-level 6]
const fs = require('node:fs');
const path = require('node:path');
const { Rng } = require('./rng');
const { Vantage } = require('./pcap');
const { Zone, Stamp, RotatedLog, LogBuckets } = require('./logs');
const { Load, makeClients, schedule, ip, ipStr } = require('./model');
const { World, runSession } = require('./session');
const { Noise } = require('./noise');

const USAGE = 'usage: node bench/day/generate.js --seed N --out DIR [--days 1] [--start 2026-11-30T00:00:00Z] [--scale 1] [--faults default|none|KIND:DUR[@ISO],…] [--hours H]';
// New sessions per second at the daily peak for --scale 1 (calibrated: ≥ 25 M packets a vantage a day)
const PEAK_SESSIONS = 11;
const TZ = 'Europe/Berlin';
const HOST = 'web1';
const SERVER_IP = ip(10, 20, 0, 10);

function parseArgs(argv) {
  const o = { seed: null, out: null, days: 1, start: '2026-11-30T00:00:00Z', scale: 1, faults: 'default', hours: null, gzipLevel: 6 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--seed': o.seed = Number(v()); break;
      case '--out': o.out = v(); break;
      case '--days': o.days = Number(v()); break;
      case '--start': o.start = v(); break;
      case '--scale': o.scale = Number(v()); break;
      case '--faults': o.faults = v(); break;
      case '--hours': o.hours = Number(v()); break;
      case '--gzip-level': o.gzipLevel = Number(v()); break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (!Number.isInteger(o.seed) || !o.out) throw new Error('--seed N and --out DIR are required');
  if (!(o.days > 0) || !(o.scale > 0) || Number.isNaN(Date.parse(o.start))) throw new Error('bad --days, --scale or --start');
  return o;
}

class Heap { // min-heap of retries by time
  constructor() { this.a = []; }
  push(x) { const a = this.a; a.push(x); let i = a.length - 1; while (i > 0) { const j = (i - 1) >> 1; if (a[j].t <= x.t) break; a[i] = a[j]; i = j; } a[i] = x; }
  peek() { return this.a[0]; }
  pop() {
    const a = this.a; const top = a[0]; const last = a.pop();
    if (a.length) { let i = 0; for (;;) { let c = 2 * i + 1; if (c >= a.length) break; if (c + 1 < a.length && a[c + 1].t < a[c].t) c++; if (a[c].t >= last.t) break; a[i] = a[c]; i = c; } a[i] = last; }
    return top;
  }
  get size() { return this.a.length; }
}

async function main() {
  let o;
  try { o = parseArgs(process.argv.slice(2)); } catch (e) { console.error(`${e.message}\n${USAGE}`); process.exit(2); }
  const t0 = process.hrtime.bigint();
  const out = path.resolve(o.out);
  for (const d of ['firewall', 'server', 'logs']) fs.rmSync(path.join(out, d), { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'logs'), { recursive: true });

  const startMs = Date.parse(o.start);
  const hours = o.hours || o.days * 24;
  const endMs = startMs + hours * 3.6e6;
  const rng = new Rng(o.seed, 'world');
  const srvOffUs = Math.round(rng.uniform(-2e6, 2e6));
  const delayUs = Math.round(rng.uniform(180, 450));
  const jitterUs = 25;
  const faults = schedule(o.seed, o.faults, startMs, endMs, Math.ceil(hours / 24));
  const zone = new Zone(TZ);

  const mac = (s) => Buffer.from(s.split(':').map((x) => parseInt(x, 16)));
  const fw = new Vantage({ name: 'firewall', dir: path.join(out, 'firewall'), prefix: 'fw', macs: [mac('00:1c:73:2a:9b:01'), mac('00:1c:73:2a:9b:02')] });
  const srv = new Vantage({ name: 'server', dir: path.join(out, 'server'), prefix: 'srv', macs: [mac('00:1c:73:2a:9b:02'), mac('52:54:00:3e:91:0a')] });
  fw.from = startMs * 1000; fw.cut = endMs * 1000;
  srv.from = startMs * 1000 + srvOffUs; srv.cut = endMs * 1000 + srvOffUs;

  // local days (server clock) the logs cover, for the rotation names
  const logDays = [];
  for (let ms = startMs + srvOffUs / 1000; ; ms += 3.6e6) {
    const d = zone.localDay(Math.min(ms, endMs + srvOffUs / 1000 - 1));
    if (!logDays.includes(d)) logDays.push(d);
    if (ms >= endMs + srvOffUs / 1000 - 1) break;
  }
  const messages = new RotatedLog(path.join(out, 'logs'), 'messages', zone, logDays);
  const access = new RotatedLog(path.join(out, 'logs'), 'access.log', zone, logDays);
  const stunnelLog = new LogBuckets();
  const accessLog = new LogBuckets();
  const { clients, cum } = makeClients(o.seed, 8000);
  const pool = new Rng(o.seed, 'bytes').fill(Buffer.allocUnsafe(1 << 16));
  const retries = new Heap();
  const W = new World({
    rng: new Rng(o.seed, 'sessions'), fw, srv, clients, cum, serverIp: SERVER_IP, faults,
    stunnelLog, accessLog, srvOffUs, delayUs, jitterUs, pool,
    flight13: 758 + rng.int(0, 2900), srvTs: rng.u32(),
    retry: (t, cl, attempt, n) => retries.push({ t, cl, attempt, n }),
  });
  W.flight12 = W.flight13 + 170;
  const load = new Load(o.seed, zone, PEAK_SESSIONS * o.scale);
  const arrivals = new Rng(o.seed, 'arrivals');
  const noise = new Noise(o.seed, o.scale, SERVER_IP, startMs - 11.3 * 864e5);
  const stunnelPid = rng.int(700, 2400);
  const stamp = new Stamp(zone);
  const srvOffMs = srvOffUs / 1000;

  const noiseBuf = [];
  let ord = new Uint32Array(4096);
  const tAt = [];
  const txt = [];
  function writeSorted(log, stampKind) { // lines in tAt/txt, by time (stable)
    const n = tAt.length;
    if (ord.length < n) ord = new Uint32Array(n * 2);
    const idx = ord.subarray(0, n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) => tAt[a] - tAt[b] || a - b);
    const lo = startMs + srvOffMs, hi = endMs + srvOffMs;
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      const t = tAt[i];
      if (t < lo || t >= hi) continue;
      const s = stamp.at(t);
      log.write(t, stampKind ? `${s.sys} ${HOST} ${txt[i]}` : `${s.iso} ${txt[i]}`);
    }
    tAt.length = 0; txt.length = 0;
  }
  const stunnelTag = `stunnel[${stunnelPid}]: `;
  function flushLogs(untilSec) { // server-clock seconds < untilSec are final
    for (; logSec < untilSec; logSec++) {
      noiseBuf.length = 0;
      if (logSec * 1000 >= startMs + srvOffMs - 1000 && logSec * 1000 < endMs + srvOffMs) noise.second(logSec, noiseBuf);
      for (let i = 0; i < noiseBuf.length; i += 2) { tAt.push(noiseBuf[i]); txt.push(noiseBuf[i + 1]); }
      const st = stunnelLog.take(logSec);
      if (st) for (let i = 0; i < st.length; i += 2) { tAt.push(st[i]); txt.push(stunnelTag + st[i + 1]); }
      writeSorted(messages, true);
      const ac = accessLog.take(logSec);
      if (ac) { for (let i = 0; i < ac.length; i += 2) { tAt.push(ac[i]); txt.push(ac[i + 1]); } writeSorted(access, false); }
    }
  }
  let logSec = Math.floor((startMs + srvOffMs) / 1000) - 2;

  const startSec = startMs / 1000, endSec = endMs / 1000;
  const times = [];
  let lastReport = Date.now();
  for (let sec = startSec; sec < endSec; sec++) {
    const n = arrivals.poisson(load.rate(sec));
    times.length = 0;
    for (let i = 0; i < n; i++) times.push(sec * 1e6 + Math.floor(arrivals.next() * 1e6));
    times.sort((a, b) => a - b);
    let k = 0;
    const limit = (sec + 1) * 1e6;
    for (;;) {
      const rt = retries.size ? retries.peek().t : Infinity;
      const at = k < n ? times[k] : Infinity;
      if (rt >= limit && at >= limit) break;
      if (rt < at) { const r = retries.pop(); runSession(W, r.cl, r.t, r.attempt, r.n); } else { runSession(W, clients[arrivals.weighted(cum)], at, 0, 0); k++; }
    }
    fw.flushUntil(sec - 1);
    srv.flushUntil(Math.floor((sec * 1e6 + srvOffUs) / 1e6) - 2);
    flushLogs(Math.floor(sec + srvOffMs / 1000) - 2);
    if (process.stderr.isTTY && Date.now() - lastReport > 2000) {
      lastReport = Date.now();
      process.stderr.write(`\r${new Date(sec * 1000).toISOString()}  ${fw.packets.toLocaleString()} packets at the firewall   `);
    }
  }
  fw.close(); srv.close();
  flushLogs(Math.ceil(endSec + srvOffMs / 1000) + 2);
  messages.close(); access.close();
  const tGen = Number(process.hrtime.bigint() - t0) / 1e9;
  await Promise.all([messages.compress(o.gzipLevel), access.compress(o.gzipLevel)]);
  const tAll = Number(process.hrtime.bigint() - t0) / 1e9;
  if (process.stderr.isTTY) process.stderr.write('\n');

  const iso = (us) => new Date(Math.floor(us / 1000)).toISOString().replace('Z', `${String(Math.round(us % 1000)).padStart(3, '0')}Z`).replace(/\.(\d{3})(\d{3})Z$/, '.$1$2Z');
  const config = {
    interval: '1s',
    captures: [
      { vantage: 'firewall', files: 'firewall/*.pcap*' },
      { vantage: 'server', files: 'server/*.pcap*' },
    ],
    logs: [
      { files: messages.files.map((f) => `logs/${f.file}`).reverse(), component: 'stunnel', program: 'stunnel', timezone: TZ, year: new Date(startMs + srvOffMs + zone.offsetMin(startMs) * 60000).getUTCFullYear() },
      { files: access.files.map((f) => `logs/${f.file}`).reverse(), component: 'backend' },
    ],
    services: [
      { component: 'stunnel', host: ipStr(SERVER_IP), port: 443 },
      { component: 'backend', host: '127.0.0.1', port: 8080 },
    ],
    path: ['firewall', 'server'],
  };
  fs.writeFileSync(path.join(out, 'alibi.json'), JSON.stringify(config, null, 2) + '\n');
  const vant = (v) => ({ dir: path.relative(out, v.dir), packets: v.packets, wireBytes: v.bytes, fileBytes: v.fileBytes, files: v.files, lateAdjusted: v.late });
  const truth = {
    generator: 'bench/day/generate.js',
    seed: o.seed,
    args: { days: o.days, hours, start: new Date(startMs).toISOString(), scale: o.scale, faults: o.faults },
    window: { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() },
    faults: faults.map((f) => ({
      id: f.id, type: f.type, start: iso(f.startUs), end: iso(f.endUs), duration: (f.endUs - f.startUs) / 1e6,
      culprit: { component: f.component, kind: f.kind }, what: f.what,
      ...(f.type === 'stunnel-freeze' ? { acceptQueueFilled: f.queued } : f.type === 'backend-stall' ? { backlogFilled: f.queued } : {}),
    })),
    clocks: {
      reference: 'firewall (true time)',
      serverOffsetSeconds: srvOffUs / 1e6,
      note: 'server clock = true time + serverOffsetSeconds; the server capture, stunnel\'s syslog lines and the access log carry it',
      pathDelayMicros: { base: delayUs, jitterMeanExp: jitterUs },
    },
    timezone: { syslog: TZ, accessLog: TZ },
    server: { ip: ipStr(SERVER_IP), port: 443, backend: '127.0.0.1:8080', host: HOST, stunnelPid },
    vantages: { firewall: vant(fw), server: vant(srv) },
    logs: {
      messages: { lines: messages.lines, bytes: messages.bytes, files: messages.files.map(({ tmp, ...f }) => f) },
      access: { lines: access.lines, bytes: access.bytes, files: access.files.map(({ tmp, ...f }) => f) },
    },
    stats: W.stats,
    tls: { serverFlightBytes13: W.flight13, serverFlightBytes12: W.flight12 },
    generationSeconds: { generate: Number(tGen.toFixed(1)), withCompression: Number(tAll.toFixed(1)) },
  };
  fs.writeFileSync(path.join(out, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  console.log(`${out}: ${fw.packets.toLocaleString()} + ${srv.packets.toLocaleString()} packets (firewall + server), ${(fw.fileBytes / 1e6).toFixed(0)} + ${(srv.fileBytes / 1e6).toFixed(0)} MB; syslog ${(messages.bytes / 1e6).toFixed(0)} MB (${messages.lines.toLocaleString()} lines), access log ${(access.bytes / 1e6).toFixed(0)} MB; ${faults.length} faults; ${tGen.toFixed(1)} s (${tAll.toFixed(1)} s with gzip)`);
}

main().catch((e) => { console.error(e.stack || e); process.exit(1); });
