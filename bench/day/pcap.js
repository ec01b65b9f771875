'use strict';
// Frames and rotated classic-pcap sets: one Vantage per capture point. Packets are added in any
// order into per-second buckets (on the vantage's own clock); a bucket is sorted by time and
// written when the generator says that second is final. Files rotate like `tcpdump -G 3600 -w
// PREFIX-%Y%m%d-%H.pcap` (hour of the vantage's clock, UTC), snaplen 96, LINKTYPE_ETHERNET, µs.
const fs = require('node:fs');
const path = require('node:path');

const SNAPLEN = 96;
const RING = 8192; // seconds of buckets (packets may be added up to RING s ahead of the flushed second)
const OUT_BUF = 8 << 20;

const F = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 };

class Bucket {
  constructor() {
    this.buf = Buffer.allocUnsafe(64 << 10);
    this.used = 0;
    this.n = 0;
    this.t = new Float64Array(1024);
    this.off = new Int32Array(1024);
  }
  reserve(bytes) {
    if (this.used + bytes > this.buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + bytes));
      this.buf.copy(nb, 0, 0, this.used);
      this.buf = nb;
    }
    if (this.n === this.t.length) {
      const t = new Float64Array(this.n * 2); t.set(this.t); this.t = t;
      const o = new Int32Array(this.n * 2); o.set(this.off); this.off = o;
    }
  }
}

function pad2(n) { return n < 10 ? '0' + n : String(n); }

class Vantage {
  /**
   * name: 'firewall'|'server'; dir: output folder; prefix: file prefix; offsetUs: this clock minus
   * true time; macs: [clientSideMac, serverSideMac] as seen on this link; ttlC2s/ttlS2c: IP TTL
   * of client→server and server→client packets here.
   */
  constructor(opts) {
    Object.assign(this, opts);
    fs.mkdirSync(this.dir, { recursive: true });
    this.ring = new Array(RING).fill(null);
    this.pool = [];
    this.base = -1; // first second not yet flushed (vantage clock)
    this.out = Buffer.allocUnsafe(OUT_BUF);
    this.outUsed = 0;
    this.fd = -1;
    this.fileHour = -1;
    this.files = [];
    this.packets = 0;
    this.bytes = 0; // original (wire) bytes
    this.fileBytes = 0;
    this.late = 0;
    this.idx = new Uint32Array(1 << 16);
    this.cut = Infinity; // vantage-clock µs at which the capture stopped
    this.from = -Infinity; // and started
  }

  bucket(tUs) {
    let s = Math.floor(tUs / 1e6);
    if (this.base < 0) this.base = s;
    if (s < this.base) { this.late++; s = this.base; }
    if (s - this.base >= RING) throw new Error(`packet ${s - this.base} s ahead of the flushed second`);
    const i = s % RING;
    let b = this.ring[i];
    if (!b) { b = this.pool.pop() || new Bucket(); this.ring[i] = b; }
    return b;
  }

  /** Adds one frame. p: packet fields (see session.js); tUs: this vantage's timestamp. */
  add(tUs, p, c2s) {
    tUs = Math.round(tUs);
    if (tUs >= this.cut || tUs < this.from) return;
    const b = this.bucket(tUs);
    b.reserve(16 + SNAPLEN);
    const buf = b.buf;
    const o = b.used;
    const h = o + 16;
    // Ethernet
    const mSrc = c2s ? this.macs[0] : this.macs[1];
    const mDst = c2s ? this.macs[1] : this.macs[0];
    mDst.copy(buf, h); mSrc.copy(buf, h + 6);
    buf[h + 12] = 0x08; buf[h + 13] = 0x00;
    // IPv4
    const optLen = p.opt === 2 ? 20 : p.opt === 1 ? 12 : 0;
    const tcpLen = 20 + optLen;
    const ipLen = 20 + tcpLen + p.len;
    const ip = h + 14;
    buf[ip] = 0x45; buf[ip + 1] = 0;
    buf.writeUInt16BE(ipLen, ip + 2);
    buf.writeUInt16BE(p.ipid & 0xffff, ip + 4);
    buf[ip + 6] = 0x40; buf[ip + 7] = 0; // DF
    buf[ip + 8] = p.ttl; buf[ip + 9] = 6;
    buf[ip + 10] = 0; buf[ip + 11] = 0;
    buf.writeUInt32BE(p.src >>> 0, ip + 12);
    buf.writeUInt32BE(p.dst >>> 0, ip + 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += (buf[ip + k] << 8) | buf[ip + k + 1];
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    buf.writeUInt16BE((~sum) & 0xffff, ip + 10);
    // TCP
    const tp = ip + 20;
    buf.writeUInt16BE(p.sport, tp);
    buf.writeUInt16BE(p.dport, tp + 2);
    buf.writeUInt32BE(p.seq >>> 0, tp + 4);
    buf.writeUInt32BE(p.ack >>> 0, tp + 8);
    buf[tp + 12] = (tcpLen / 4) << 4;
    buf[tp + 13] = p.flags;
    buf.writeUInt16BE(p.win, tp + 14);
    buf.writeUInt16BE(p.cksum & 0xffff, tp + 16); // not computable from 96 captured bytes: as offloaded
    buf[tp + 18] = 0; buf[tp + 19] = 0;
    let q = tp + 20;
    if (p.opt === 2) { // MSS 1460, SACK permitted, TS, NOP, WS 7 (Linux order)
      buf[q] = 2; buf[q + 1] = 4; buf.writeUInt16BE(1460, q + 2);
      buf[q + 4] = 4; buf[q + 5] = 2; buf[q + 6] = 8; buf[q + 7] = 10;
      buf.writeUInt32BE(p.tsval >>> 0, q + 8); buf.writeUInt32BE(p.tsecr >>> 0, q + 12);
      buf[q + 16] = 1; buf[q + 17] = 3; buf[q + 18] = 3; buf[q + 19] = 7;
      q += 20;
    } else if (p.opt === 1) {
      buf[q] = 1; buf[q + 1] = 1; buf[q + 2] = 8; buf[q + 3] = 10;
      buf.writeUInt32BE(p.tsval >>> 0, q + 4); buf.writeUInt32BE(p.tsecr >>> 0, q + 8);
      q += 12;
    }
    const wire = 14 + ipLen;
    const cap = wire < SNAPLEN ? wire : SNAPLEN;
    const payCap = cap - (q - h);
    if (payCap > 0) p.head.copy(buf, q, 0, payCap);
    // record header (timestamps filled at flush: the bucket keeps tUs)
    buf.writeUInt32LE(cap, o + 8);
    buf.writeUInt32LE(wire, o + 12);
    b.t[b.n] = tUs;
    b.off[b.n] = o;
    b.n++;
    b.used = o + 16 + cap;
  }

  /** Writes every bucket of a second before `untilSec` (this clock). */
  flushUntil(untilSec) {
    if (this.base < 0) return;
    while (this.base < untilSec) {
      const i = this.base % RING;
      const b = this.ring[i];
      if (b) {
        this.ring[i] = null;
        this.writeBucket(b);
        b.used = 0; b.n = 0;
        if (b.buf.length > (1 << 20)) b.buf = Buffer.allocUnsafe(64 << 10);
        this.pool.push(b);
      }
      this.base++;
    }
  }

  writeBucket(b) {
    const n = b.n;
    if (this.idx.length < n) this.idx = new Uint32Array(n * 2);
    const idx = this.idx.subarray(0, n);
    for (let k = 0; k < n; k++) idx[k] = k;
    const t = b.t;
    idx.sort((x, y) => t[x] - t[y] || x - y);
    for (let k = 0; k < n; k++) {
      const j = idx[k];
      const tUs = t[j];
      const o = b.off[j];
      const cap = b.buf.readUInt32LE(o + 8);
      const hour = Math.floor(tUs / 3.6e9);
      if (hour !== this.fileHour) this.rotate(hour);
      if (this.outUsed + 16 + cap > OUT_BUF) this.drain();
      const sec = Math.floor(tUs / 1e6);
      const out = this.out;
      out.writeUInt32LE(sec, this.outUsed);
      out.writeUInt32LE(tUs - sec * 1e6, this.outUsed + 4);
      b.buf.copy(out, this.outUsed + 8, o + 8, o + 16 + cap);
      this.outUsed += 16 + cap;
      this.packets++;
      this.bytes += b.buf.readUInt32LE(o + 12);
      this.fileBytes += 16 + cap;
      this.files[this.files.length - 1].packets++;
    }
  }

  rotate(hour) {
    this.drain();
    if (this.fd >= 0) fs.closeSync(this.fd);
    const d = new Date(hour * 3.6e6);
    const name = `${this.prefix}-${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}-${pad2(d.getUTCHours())}.pcap`;
    this.fd = fs.openSync(path.join(this.dir, name), 'w');
    const g = Buffer.alloc(24);
    g.writeUInt32LE(0xa1b2c3d4, 0);
    g.writeUInt16LE(2, 4); g.writeUInt16LE(4, 6);
    g.writeInt32LE(0, 8); g.writeUInt32LE(0, 12);
    g.writeUInt32LE(SNAPLEN, 16); g.writeUInt32LE(1, 20);
    g.copy(this.out, this.outUsed); this.outUsed += 24; this.fileBytes += 24;
    this.fileHour = hour;
    this.files.push({ file: name, packets: 0 });
  }

  drain() {
    if (this.outUsed && this.fd >= 0) {
      let w = 0;
      while (w < this.outUsed) w += fs.writeSync(this.fd, this.out, w, this.outUsed - w);
    }
    this.outUsed = 0;
  }

  close() {
    this.flushUntil(Infinity === this.base ? this.base : this.base + RING);
    this.drain();
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

module.exports = { Vantage, F, SNAPLEN };
