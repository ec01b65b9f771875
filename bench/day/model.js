'use strict';
// The world around the service: the load over the day, the clients, the fault schedule.
const { Rng } = require('./rng');

// Load shape over the local day (hour → share of the peak), piecewise linear: night ~12-18 %,
// morning ramp 06-10, lunch dip 12:30-13:30, afternoon plateau, evening ramp-down 17-23.
const SHAPE = [
  [0, 0.26], [1, 0.18], [2, 0.14], [3, 0.12], [4, 0.12], [5, 0.15], [6, 0.28], [7, 0.52],
  [8, 0.78], [9, 0.94], [10, 1.0], [11, 0.98], [12, 0.86], [12.75, 0.78], [13.5, 0.88], [14, 0.96],
  [15, 0.97], [16, 0.93], [17, 0.84], [18, 0.7], [19, 0.58], [20, 0.5], [21, 0.44], [22, 0.38],
  [23, 0.31], [24, 0.26],
];
function shapeAt(h) {
  for (let i = 1; i < SHAPE.length; i++) {
    if (h <= SHAPE[i][0]) {
      const [h0, v0] = SHAPE[i - 1]; const [h1, v1] = SHAPE[i];
      return v0 + (v1 - v0) * (h - h0) / (h1 - h0);
    }
  }
  return SHAPE[0][1];
}

/**
 * New-session rate (per second) at true second `sec`: peak × shape(local hour) × day factor ×
 * slow multiplicative noise (AR(1) on the log, per minute) × a weekend factor.
 */
class Load {
  constructor(seed, zone, peak) {
    this.rng = new Rng(seed, 'load');
    this.zone = zone; this.peak = peak;
    this.minute = -1; this.noise = 0; this.dayFactor = new Map();
  }
  rate(sec) {
    const ms = sec * 1000;
    const off = this.zone.offsetMin(ms);
    const local = ms + off * 60000;
    const h = (local % 864e5) / 3.6e6;
    const day = Math.floor(local / 864e5);
    if (!this.dayFactor.has(day)) {
      const dow = new Date(day * 864e5).getUTCDay();
      this.dayFactor.set(day, (dow === 0 || dow === 6 ? 0.7 : 1) * this.rng.uniform(0.93, 1.07));
    }
    const m = Math.floor(sec / 60);
    while (this.minute < m) { // AR(1): sd ≈ 0.08, correlation ~15 min
      this.noise = this.noise * 0.935 + 0.028 * this.rng.normal();
      this.minute = this.minute < 0 ? m : this.minute + 1;
    }
    return this.peak * shapeAt(h) * this.dayFactor.get(day) * Math.exp(this.noise);
  }
}

function ip(a, b, c, d) { return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0; }
function ipStr(x) { return `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`; }

/**
 * Client pool: individual hosts across many public prefixes plus NAT gateways (offices, CGNAT)
 * that carry many users each. A client has an address, a network RTT from the firewall, a
 * request timeout, a TLS version and a ClientHello size (its TLS stack).
 */
function makeClients(seed, n) {
  const rng = new Rng(seed, 'clients');
  const prefixes = [];
  for (let i = 0; i < 180; i++) {
    let a;
    do { a = rng.int(11, 223); } while (a === 127 || a === 100 || a === 169 || a === 172 || a === 192 || a === 198 || a === 203 || a === 10);
    prefixes.push([a, rng.int(0, 255)]);
  }
  const clients = [];
  const weights = [];
  const nNat = Math.max(4, Math.round(n / 120));
  for (let i = 0; i < n + nNat; i++) {
    const nat = i >= n;
    const pf = rng.pick(prefixes);
    const addr = ip(pf[0], pf[1], rng.int(0, 255), rng.int(1, 254));
    const r = rng.next();
    // TLS stacks: browsers (TLS 1.3, 517-byte padded ClientHello; newer ones with a
    // post-quantum key share ~1.8 kB), libraries like the lab's node client (TLS 1.3, 365 bytes
    // measured), legacy TLS 1.2 clients (~240 bytes).
    const stack = r < 0.42 ? 'browser' : r < 0.62 ? 'browser-pq' : r < 0.86 ? 'lib' : 'tls12';
    clients.push({
      addr,
      nat,
      rtt: Math.min(0.4, rng.logn(0.028, 0.7)) * 1e6, // µs, firewall ↔ client and back
      timeout: (rng.chance(0.6) ? 5 : rng.chance(0.6) ? 10 : 30) * 1e6,
      stack,
      tls12: stack === 'tls12',
      synLinear: stack !== 'tls12' && rng.chance(0.7),
      chLen: stack === 'browser' ? 517 : stack === 'browser-pq' ? rng.int(1780, 1900) : stack === 'lib' ? 365 : rng.int(200, 300),
      nextPort: rng.int(1024, 65000),
      ttl: rng.pick([64, 64, 64, 128, 128, 255]) - rng.int(8, 22),
      ts: rng.u32(), // TCP timestamp clock offset
      ipid: rng.int(0, 65535),
    });
    weights.push(nat ? rng.uniform(20, 120) : rng.logn(1, 1.0));
  }
  const cum = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) { s += weights[i]; cum[i] = s; }
  return { clients, cum };
}

/** Parses a duration: 7m, 90s, 1h, 500ms. */
function dur(s) {
  const m = /^([\d.]+)(ms|s|m|h)?$/.exec(String(s).trim());
  if (!m) throw new Error(`bad duration ${s}`);
  const k = { ms: 1e-3, s: 1, m: 60, h: 3600 }[m[2] || 's'];
  return Number(m[1]) * k;
}

const KINDS = {
  'stunnel-freeze': { component: 'stunnel', kind: 'application', what: 'stunnel frozen (SIGSTOP-like): no accept, no TLS, no log; kernel accept queue 128' },
  'backend-stall': { component: 'backend', kind: 'application', what: 'backend app stalled: accepts on its backlog, answers nothing, writes no access log' },
  'network-drop': { component: 'network:firewall->server', kind: 'network', what: 'every packet from the clients to the server dropped between the firewall and the server (as the lab: iptables FORWARD -d server -j DROP); the server\'s own packets still pass' },
};

/**
 * The fault schedule. spec: 'default' | 'none' | comma list of KIND:DURATION[@ISO start]
 * (e.g. stunnel-freeze:7m,network-drop:3m@2026-11-30T03:10:00Z). Drawn starts: uniform over the
 * run (after its first and before its last 45 min), not overlapping, ≥ 30 min apart. With
 * --days > 1 the default adds one stunnel freeze of 5-15 min in each day.
 */
function schedule(seed, spec, startMs, endMs, days) {
  const rng = new Rng(seed, 'faults');
  const items = [];
  const daySpan = 864e5;
  if (spec === 'none') return [];
  const parts = spec === 'default' || !spec
    ? ['stunnel-freeze:7m', 'stunnel-freeze:12m', 'backend-stall:5m', 'network-drop:3m']
    : spec.split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of parts) {
    const m = /^([a-z-]+):([^@]+)(?:@(.+))?$/.exec(p);
    if (!m || !KINDS[m[1]]) throw new Error(`bad fault "${p}": KIND:DURATION[@ISO], KIND one of ${Object.keys(KINDS).join(', ')}`);
    items.push({ type: m[1], duration: dur(m[2]), at: m[3] ? Date.parse(m[3]) : null, window: [startMs, endMs] });
  }
  if ((spec === 'default' || !spec) && days > 1) {
    for (let d = 0; d < days; d++) {
      items.push({ type: 'stunnel-freeze', duration: Math.round(rng.uniform(5, 15) * 60), at: null, window: [startMs + d * daySpan, Math.min(endMs, startMs + (d + 1) * daySpan)] });
    }
  }
  const placed = items.filter((f) => f.at !== null).map((f) => ({ ...f, startMs: f.at }));
  const gap = 30 * 60e3;
  const margin = 45 * 60e3;
  for (const f of items.filter((x) => x.at === null)) {
    let ok = false;
    for (let tries = 0; tries < 10000 && !ok; tries++) {
      const lo = f.window[0] + margin;
      const hi = f.window[1] - margin - f.duration * 1000;
      const s = Math.round(rng.uniform(lo, hi) * 1000) / 1000;
      ok = placed.every((g) => s + f.duration * 1000 + gap <= g.startMs || g.startMs + g.duration * 1000 + gap <= s);
      if (ok) placed.push({ ...f, startMs: s });
    }
    if (!ok) throw new Error('cannot place the faults ≥ 30 min apart: shorten them or run longer');
  }
  placed.sort((a, b) => a.startMs - b.startMs);
  return placed.map((f, i) => ({
    id: i + 1,
    type: f.type,
    startUs: Math.round(f.startMs * 1000),
    endUs: Math.round(f.startMs * 1000 + f.duration * 1e6),
    ...KINDS[f.type],
    queued: 0, // accept-queue / backlog fill during the fault
  }));
}

module.exports = { Load, makeClients, schedule, dur, ip, ipStr, KINDS, shapeAt };
