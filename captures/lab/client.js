#!/usr/bin/env node
// pcap-alibi outage lab: bounded HTTPS load generator (node built-ins only).
//
// Open-loop: a request is started every 1/rate s (±40 % jitter), whatever the
// state of the earlier ones, as real user traffic does. A request reuses an idle
// kept-alive connection with probability --keepalive, otherwise it opens a new
// TCP+TLS connection from one of the --sources addresses. A request that has no
// complete response after --timeout ms is aborted: an established connection
// is reset (SO_LINGER 0 -> TCP RST, like curl/LBs) in 80 % of the cases and
// closed with FIN otherwise; a connection still in SYN_SENT is just closed (the
// kernel sends nothing). Failed requests are retried on a new connection after
// 1 s (up to --retries times). In-flight requests are capped (--max-inflight).
// SIGUSR1 pauses the load (idle connections are closed gracefully), SIGUSR2
// resumes it. One line per finished request goes to --log.
'use strict';
const net = require('net');
const tls = require('tls');
const fs = require('fs');

const opt = {
  host: '10.0.2.2', port: 443, rate: 10, duration: 150, timeout: 5000,
  keepalive: 0.7, maxReuse: 20, retries: 2, maxInflight: 150,
  sources: '10.0.1.10-29', path: '/', log: null,
};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  if (!(k in opt)) { console.error(`unknown option ${process.argv[i]}`); process.exit(2); }
  const v = process.argv[i + 1];
  opt[k] = typeof opt[k] === 'number' ? Number(v) : v;
}
const dot = opt.sources.lastIndexOf('.');
const base = opt.sources.slice(0, dot + 1);
const range = opt.sources.slice(dot + 1);
const [lo, hi] = range.split('-').map(Number);
const sources = [];
for (let i = lo; i <= (hi || lo); i++) sources.push(base + i);

const logStream = opt.log ? fs.createWriteStream(opt.log, { flags: 'a' }) : null;
const stats = { started: 0, ok: 0, timeout: 0, error: 0, retries: 0, shed: 0, newConns: 0, reused: 0, resets: 0, fins: 0 };
let inflight = 0;
let paused = false;
let stopping = false;
const idle = []; // kept-alive connections ready for a request
let connSeq = 0;

function log(rec) {
  if (logStream) logStream.write(JSON.stringify(rec) + '\n');
}

function newConn() {
  const src = sources[Math.floor(Math.random() * sources.length)];
  const raw = net.connect({ host: opt.host, port: opt.port, localAddress: src });
  const sock = tls.connect({ socket: raw, rejectUnauthorized: false, servername: 'app.lab' });
  const conn = { id: ++connSeq, src, raw, sock, uses: 0, busy: null, buf: Buffer.alloc(0), closed: false };
  stats.newConns++;
  sock.on('data', (d) => onData(conn, d));
  sock.on('error', (e) => finish(conn, 'error', e.code || e.message));
  sock.on('close', () => { conn.closed = true; dropIdle(conn); if (conn.busy) finish(conn, 'error', 'closed'); });
  raw.on('error', () => {});
  return conn;
}

function dropIdle(conn) {
  const i = idle.indexOf(conn);
  if (i >= 0) idle.splice(i, 1);
}

function request(attempt) {
  if (stopping) return;
  if (inflight >= opt.maxInflight) { stats.shed++; return; }
  let conn = null;
  if (attempt === 0 && Math.random() < opt.keepalive) {
    while (idle.length && !conn) { const c = idle.pop(); if (!c.closed) conn = c; }
  }
  const reused = !!conn;
  if (!conn) conn = newConn(); else stats.reused++;
  inflight++;
  stats.started++;
  conn.uses++;
  const t0 = Date.now();
  conn.busy = { attempt, t0, reused };
  conn.buf = Buffer.alloc(0);
  conn.busy.timer = setTimeout(() => abort(conn), opt.timeout);
  const req = `GET ${opt.path} HTTP/1.1\r\nHost: app.lab\r\nUser-Agent: alibi-lab/1\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n`;
  conn.sock.write(req);
}

function onData(conn, d) {
  if (!conn.busy) return;
  conn.buf = Buffer.concat([conn.buf, d]);
  const h = conn.buf.indexOf('\r\n\r\n');
  if (h < 0) return;
  const head = conn.buf.subarray(0, h).toString('latin1');
  const m = /content-length:\s*(\d+)/i.exec(head);
  const len = m ? Number(m[1]) : 0;
  if (conn.buf.length < h + 4 + len) return;
  const status = Number(head.split(' ')[1]);
  const close = /connection:\s*close/i.test(head);
  finish(conn, 'ok', status);
  if (!close && conn.uses < opt.maxReuse && !paused && !stopping) idle.push(conn);
  else conn.sock.end();
}

function finish(conn, outcome, detail) {
  const b = conn.busy;
  if (!b) return;
  clearTimeout(b.timer);
  conn.busy = null;
  inflight--;
  stats[outcome]++;
  log({ t: new Date().toISOString(), src: `${conn.src}:${conn.raw.localPort || 0}`, conn: conn.id, attempt: b.attempt, reused: b.reused, outcome, detail, ms: Date.now() - b.t0 });
  if (outcome !== 'ok') {
    if (!conn.closed) conn.sock.destroy();
    if (b.attempt < opt.retries && !paused && !stopping) {
      stats.retries++;
      setTimeout(() => request(b.attempt + 1), 1000 + Math.random() * 500);
    }
  }
}

function abort(conn) {
  if (conn.raw.connecting) {
    conn.raw.destroy(); // SYN_SENT: the kernel just forgets it
  } else if (Math.random() < 0.8) {
    stats.resets++;
    try { conn.raw.resetAndDestroy(); } catch { conn.raw.destroy(); }
  } else {
    stats.fins++;
    conn.raw.destroy();
  }
  finish(conn, 'timeout', `${opt.timeout}ms`);
  conn.sock.destroy();
}

function closeIdle() {
  while (idle.length) idle.pop().sock.end();
}

process.on('SIGUSR1', () => { paused = true; closeIdle(); log({ t: new Date().toISOString(), event: 'pause' }); });
process.on('SIGUSR2', () => { paused = false; log({ t: new Date().toISOString(), event: 'resume' }); });

function tick() {
  if (stopping) return;
  if (!paused) request(0);
  setTimeout(tick, (1000 / opt.rate) * (0.6 + 0.8 * Math.random()));
}

function stop() {
  if (stopping) return;
  stopping = true;
  closeIdle();
  setTimeout(() => {
    log({ t: new Date().toISOString(), event: 'stats', ...stats });
    console.error(JSON.stringify(stats));
    if (logStream) logStream.end(() => process.exit(0)); else process.exit(0);
  }, opt.timeout + 500);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, opt.duration * 1000);
tick();
