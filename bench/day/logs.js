'use strict';
// Log sets: a syslog `messages` file rotated daily at local midnight (logrotate daily,
// delaycompress: messages, messages.1, messages.2.gz …) with RFC 3164 lines in a named zone, and
// the backend's nginx access log (ISO-8601 with offset) rotated the same way. Lines are added in
// any order into per-second buckets (true time) and written when the second is final.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { pipeline } = require('node:stream/promises');

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function pad2(n) { return n < 10 ? '0' + n : String(n); }

/** UTC offset (minutes) of a zone at a time, cached per hour (zones change offset on the hour). */
class Zone {
  constructor(name) {
    this.name = name;
    this.cache = new Map();
    this.fmt = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  }
  offsetMin(ms) {
    const h = Math.floor(ms / 3.6e6);
    let o = this.cache.get(h);
    if (o === undefined) {
      const parts = {};
      for (const x of this.fmt.formatToParts(new Date(h * 3.6e6 + 1800e3))) parts[x.type] = x.value;
      const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
      o = Math.round((local - (h * 3.6e6 + 1800e3)) / 60000);
      this.cache.set(h, o);
    }
    return o;
  }
  /** local calendar day number (days since epoch of the local date) */
  localDay(ms) { return Math.floor((ms + this.offsetMin(ms) * 60000) / 864e5); }
}

/** Per-second cache of formatted timestamps. */
class Stamp {
  constructor(zone) { this.zone = zone; this.sec = -1; this.sys = ''; this.iso = ''; }
  at(ms) {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.sec) {
      this.sec = sec;
      const off = this.zone.offsetMin(sec * 1000);
      const d = new Date(sec * 1000 + off * 60000);
      const day = d.getUTCDate();
      this.sys = `${MON[d.getUTCMonth()]} ${day < 10 ? ' ' + day : day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
      const a = Math.abs(off);
      this.iso = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(day)}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${off < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
    }
    return this;
  }
}

/** A daily-rotated text log. days: the local day numbers the run covers, oldest first. */
class RotatedLog {
  constructor(dir, base, zone, days) {
    this.dir = dir; this.base = base; this.zone = zone; this.days = days;
    this.fd = -1; this.day = null;
    this.buf = Buffer.allocUnsafe(4 << 20); this.used = 0;
    this.files = []; // {file, tmp, lines, bytes, gz}
    this.lines = 0; this.bytes = 0;
    this.dayEndMs = -Infinity;
  }
  nameFor(i) {
    const back = this.days.length - 1 - i;
    return back === 0 ? this.base : back === 1 ? `${this.base}.1` : `${this.base}.${back}.gz`;
  }
  /** Appends one line (ASCII) stamped at ms (server clock). */
  write(ms, line) {
    if (ms >= this.dayEndMs || ms < this.dayStartMs) this.open(this.zone.localDay(ms));
    if (this.used + line.length * 3 + 1 > this.buf.length) this.drain();
    this.used += this.buf.latin1Write(line, this.used);
    this.buf[this.used++] = 10;
    this.cur.lines++;
    this.lines++;
  }
  open(day) {
    if (day === this.day) return;
    this.drain();
    if (this.fd >= 0) fs.closeSync(this.fd);
    let i = this.days.indexOf(day);
    if (i < 0) i = day < this.days[0] ? 0 : this.days.length - 1;
    const name = this.nameFor(i);
    const gz = name.endsWith('.gz');
    const tmp = path.join(this.dir, gz ? `.${name.slice(0, -3)}.tmp` : name);
    this.fd = fs.openSync(tmp, 'w');
    this.day = day;
    // the local day's bounds in UTC ms (offset looked up at the day's start and end)
    const s0 = day * 864e5;
    this.dayStartMs = s0 - this.zone.offsetMin(s0) * 60000;
    const e0 = (day + 1) * 864e5;
    this.dayEndMs = e0 - this.zone.offsetMin(e0) * 60000;
    this.cur = { file: name, tmp, gz, lines: 0, bytes: 0 };
    this.files.push(this.cur);
  }
  drain() {
    if (!this.used) return;
    let w = 0;
    while (w < this.used) w += fs.writeSync(this.fd, this.buf, w, this.used - w);
    this.cur.bytes += this.used;
    this.bytes += this.used;
    this.used = 0;
  }
  close() {
    this.drain();
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
  /** Compresses the files that logrotate would have compressed (returns a promise). */
  async compress(level) {
    await Promise.all(this.files.filter((f) => f.gz).map(async (f) => {
      await pipeline(fs.createReadStream(f.tmp, { highWaterMark: 1 << 20 }), zlib.createGzip({ level }), fs.createWriteStream(path.join(this.dir, f.file)));
      fs.unlinkSync(f.tmp);
      f.gzBytes = fs.statSync(path.join(this.dir, f.file)).size;
    }));
  }
}

/** Per-second buckets of [tMs(float), text] for one log. */
class LogBuckets {
  constructor() { this.map = new Map(); }
  add(tMs, text) {
    const s = Math.floor(tMs / 1000);
    let a = this.map.get(s);
    if (!a) { a = []; this.map.set(s, a); }
    a.push(tMs, text);
  }
  take(s) {
    const a = this.map.get(s);
    if (a) this.map.delete(s);
    return a;
  }
  minKey() { let m = Infinity; for (const k of this.map.keys()) if (k < m) m = k; return m; }
}

module.exports = { Zone, Stamp, RotatedLog, LogBuckets, MON, pad2 };
