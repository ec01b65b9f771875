'use strict';
// Seeded PRNG (sfc32, 32-bit state words) and the distributions the generator draws from.
// Every random choice in bench/day goes through one of these, so a seed gives the same bytes.

function splitmix32(a) {
  return function () {
    a |= 0; a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16); t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15; t = Math.imul(t, 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0);
  };
}

class Rng {
  /** seed: integer; stream: a name, so that each purpose has its own independent sequence. */
  constructor(seed, stream = '') {
    let h = 2166136261 >>> 0;
    const s = `${seed}/${stream}`;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    const sm = splitmix32(h ^ (Number(seed) >>> 0));
    this.a = sm(); this.b = sm(); this.c = sm(); this.d = sm() | 1;
    for (let i = 0; i < 12; i++) this.u32();
    this.spare = null;
  }
  u32() {
    let a = this.a, b = this.b, c = this.c, d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.a = a; this.b = b; this.c = c; this.d = d;
    return t >>> 0;
  }
  /** uniform [0, 1) */
  next() { return this.u32() / 4294967296; }
  uniform(lo, hi) { return lo + (hi - lo) * this.next(); }
  int(lo, hi) { return lo + Math.floor(this.next() * (hi - lo + 1)); } // inclusive
  chance(p) { return this.next() < p; }
  exp(mean) { return -Math.log(1 - this.next()) * mean; }
  normal() {
    if (this.spare !== null) { const s = this.spare; this.spare = null; return s; }
    let u, v, s;
    do { u = this.next() * 2 - 1; v = this.next() * 2 - 1; s = u * u + v * v; } while (s >= 1 || s === 0);
    const m = Math.sqrt(-2 * Math.log(s) / s);
    this.spare = v * m;
    return u * m;
  }
  /** lognormal with the given median and sigma (of the log) */
  logn(median, sigma) { return median * Math.exp(sigma * this.normal()); }
  /** Poisson count with the given mean (Knuth for small means, normal approximation above 60) */
  poisson(mean) {
    if (mean <= 0) return 0;
    if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const L = Math.exp(-mean);
    let k = 0, p = 1;
    do { k++; p *= this.next(); } while (p > L);
    return k - 1;
  }
  /** geometric count >= 1 with P(1) = p, capped */
  geometric(p, cap) {
    let n = 1;
    while (n < cap && !this.chance(p)) n++;
    return n;
  }
  pick(arr) { return arr[Math.floor(this.next() * arr.length)]; }
  /** index into cumulative weights (ascending, last = total) */
  weighted(cum) {
    const x = this.next() * cum[cum.length - 1];
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) { const m = (lo + hi) >> 1; if (cum[m] > x) hi = m; else lo = m + 1; }
    return lo;
  }
  fill(buf) {
    for (let i = 0; i + 4 <= buf.length; i += 4) buf.writeUInt32LE(this.u32(), i);
    for (let i = buf.length & ~3; i < buf.length; i++) buf[i] = this.u32() & 0xff;
    return buf;
  }
}

module.exports = { Rng };
