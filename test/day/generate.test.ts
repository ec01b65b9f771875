/**
 * bench/day/generate.js (#20): a seeded day of the story's traffic. Runs it at a tiny scale into a
 * temporary folder and checks what a user of the generated day relies on: the same seed gives the
 * same bytes; the pcap sets parse with pcap-parser (the classic reader), keep snaplen 96 and hold
 * the packets truth.json says; the firewall and server captures hold the same packets, the server's
 * later by the path delay and shifted by its clock offset; the syslog lines are RFC 3164 in the
 * named zone, stunnel says nothing during a stunnel freeze while the other programs keep writing;
 * the backend's access log says nothing during a backend stall.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pcapParser = require('pcap-parser');

const REPO = path.resolve(__dirname, '..', '..');
const GEN = path.join(REPO, 'bench', 'day', 'generate.js');
const SEED = 7;
const ARGS = ['--seed', String(SEED), '--scale', '0.004', '--start', '2026-11-30T00:00:00Z'];

interface Pkt { sec: number; usec: number; incl: number; orig: number; data: Buffer }

function parse(file: string): Promise<{ snaplen: number; linkType: number; packets: Pkt[] }> {
  return new Promise((resolve, reject) => {
    const packets: Pkt[] = [];
    let snaplen = -1, linkType = -1;
    const p = pcapParser.parse(fs.createReadStream(file));
    p.on('globalHeader', (h: { snapshotLength: number; linkLayerType: number }) => { snaplen = h.snapshotLength; linkType = h.linkLayerType; });
    p.on('packet', (k: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => {
      packets.push({ sec: k.header.timestampSeconds, usec: k.header.timestampMicroseconds, incl: k.header.capturedLength, orig: k.header.originalLength, data: Buffer.from(k.data) });
    });
    p.on('error', reject);
    p.on('end', () => resolve({ snaplen, linkType, packets }));
  });
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(f)); else out.push(f);
  }
  return out.sort();
}

function generate(out: string, extra: string[] = []) {
  const r = spawnSync(process.execPath, [GEN, ...ARGS, '--out', out, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`generator failed: ${r.stderr}`);
  return JSON.parse(fs.readFileSync(path.join(out, 'truth.json'), 'utf8'));
}

/** Local wall time of a syslog stamp ("Nov 30 03:12:45") read in `zone` → UTC ms (year given). */
function syslogToUtc(stamp: string, year: number, zone: string): number {
  const m = /^(\w{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d)$/.exec(stamp)!;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]);
  const asUtc = Date.UTC(year, mon, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const parts = Object.fromEntries(f.formatToParts(new Date(asUtc)).map((x) => [x.type, x.value]));
  const back = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - (back - asUtc);
}

function readLog(file: string): string[] {
  const buf = fs.readFileSync(file);
  const text = file.endsWith('.gz') ? require('node:zlib').gunzipSync(buf).toString('latin1') : buf.toString('latin1');
  return text.split('\n').filter((l: string) => l.length > 0);
}

/** A daytime hour (UTC) with no fault within an hour of it, as 'HH'. */
function quietHour(t: { faults: { start: string; end: string }[] }): string {
  for (let h = 9; h <= 20; h++) {
    const a = Date.UTC(2026, 10, 30, h - 1), b = Date.UTC(2026, 10, 30, h + 2);
    if (t.faults.every((f) => Date.parse(f.end) <= a || Date.parse(f.start) >= b)) return String(h).padStart(2, '0');
  }
  throw new Error('no quiet hour');
}

let tmp: string;
let A: string;
let truth: any;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-day-'));
  A = path.join(tmp, 'a');
  truth = generate(A);
}, 120000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the same seed gives the same bytes; another seed does not', () => {
  const B = path.join(tmp, 'b');
  generate(B);
  const files = walk(A).map((f) => path.relative(A, f));
  expect(walk(B).map((f) => path.relative(B, f))).toEqual(files);
  expect(files.filter((f) => f.endsWith('.pcap')).length).toBeGreaterThanOrEqual(40);
  for (const f of files) {
    const a = fs.readFileSync(path.join(A, f));
    const b = fs.readFileSync(path.join(B, f));
    if (f === 'truth.json') {
      const strip = (x: Buffer) => { const j = JSON.parse(x.toString()); delete j.generationSeconds; return j; };
      expect(strip(b)).toEqual(strip(a));
    } else {
      expect({ f, same: a.equals(b) }).toEqual({ f, same: true });
    }
  }
  const C = path.join(tmp, 'c');
  const other = spawnSync(process.execPath, [GEN, '--seed', String(SEED + 1), '--scale', '0.004', '--hours', '2', '--faults', 'none', '--out', C], { encoding: 'utf8' });
  expect(other.status).toBe(0);
  expect(fs.readFileSync(path.join(C, 'firewall', 'fw-20261130-01.pcap')).equals(fs.readFileSync(path.join(A, 'firewall', 'fw-20261130-01.pcap')))).toBe(false);
}, 120000);

test('rotated pcap sets parse with pcap-parser, keep snaplen 96 and hold the packets truth.json counts', async () => {
  for (const v of ['firewall', 'server'] as const) {
    const t = truth.vantages[v];
    let total = 0;
    let wire = 0;
    let lastTs = -1;
    for (const f of t.files) {
      const r = await parse(path.join(A, v, f.file));
      expect(r.snaplen).toBe(96);
      expect(r.linkType).toBe(1);
      expect(r.packets.length).toBe(f.packets);
      expect(f.file).toMatch(v === 'firewall' ? /^fw-\d{8}-\d{2}\.pcap$/ : /^srv-\d{8}-\d{2}\.pcap$/);
      const hour = f.file.match(/-(\d{8})-(\d{2})\.pcap$/)!;
      const bad: string[] = [];
      const hh = (x: number) => String(x).padStart(2, '0');
      for (const p of r.packets) {
        const ts = p.sec * 1e6 + p.usec;
        const d = new Date(p.sec * 1000);
        const why =
          p.incl !== Math.min(96, p.orig) || p.data.length !== p.incl ? 'snaplen'
            : ts < lastTs ? 'order' // tcpdump writes in arrival order
              : `${d.getUTCFullYear()}${hh(d.getUTCMonth() + 1)}${hh(d.getUTCDate())}-${hh(d.getUTCHours())}` !== `${hour[1]}-${hour[2]}` ? 'rotation hour'
                : p.data.readUInt16BE(12) !== 0x0800 || p.data.readUInt16BE(16) + 14 !== p.orig ? 'IPv4 length' // Ethernet/IPv4 whose total length is the original length
                  : '';
        if (why && bad.length < 5) bad.push(`${f.file} @${ts}: ${why}`);
        lastTs = ts;
        wire += p.orig;
      }
      expect(bad).toEqual([]);
      total += r.packets.length;
    }
    expect(total).toBe(t.packets);
    expect(wire).toBe(t.wireBytes);
    expect(total).toBeGreaterThan(50000);
  }
}, 120000);

test('firewall and server see the same packets, the server later by the path delay and off by its clock', async () => {
  const key = (d: Buffer) => `${d.readUInt32BE(26)}:${d.readUInt16BE(34)}>${d.readUInt32BE(30)}:${d.readUInt16BE(36)} ${d.readUInt32BE(38)} ${d.readUInt32BE(42)} ${d[47]} ${d.readUInt16BE(16)}`;
  const h = Number(quietHour(truth));
  const hh = (x: number) => String(x).padStart(2, '0');
  const fwFile = truth.vantages.firewall.files.find((f: { file: string }) => f.file.endsWith(`-${hh(h)}.pcap`)).file;
  const fw = (await parse(path.join(A, 'firewall', fwFile))).packets;
  const srvFiles = truth.vantages.server.files.map((f: { file: string }) => f.file).filter((f: string) => [h - 1, h, h + 1].some((x) => f.endsWith(`-${hh(x)}.pcap`)));
  const srv: Pkt[] = [];
  for (const f of srvFiles) srv.push(...(await parse(path.join(A, 'server', f))).packets);
  const at = new Map<string, number>();
  for (const p of srv) { const k = key(p.data); if (!at.has(k)) at.set(k, p.sec * 1e6 + p.usec); }
  const serverIp = truth.server.ip.split('.').reduce((a: number, x: string) => a * 256 + Number(x), 0);
  const c2s: number[] = [];
  const s2c: number[] = [];
  let matched = 0;
  for (const p of fw) {
    const t = at.get(key(p.data));
    if (t === undefined) continue;
    matched++;
    const d = t - (p.sec * 1e6 + p.usec);
    (p.data.readUInt32BE(30) === serverIp ? c2s : s2c).push(d);
  }
  // no fault near this hour: every firewall packet is at the server too
  expect(matched).toBe(fw.length);
  const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
  const off = truth.clocks.serverOffsetSeconds * 1e6;
  const base = truth.clocks.pathDelayMicros.base;
  // client→server: the server sees it `delay` after the firewall; server→client: `delay` before
  expect(Math.abs(med(c2s) - (off + base))).toBeLessThan(60);
  expect(Math.abs(med(s2c) - (off - base))).toBeLessThan(60);
  expect(c2s.length).toBeGreaterThan(1000);
  expect(s2c.length).toBeGreaterThan(1000);
}, 120000);

test('TLS records as a TLS stack writes them: ClientHellos in, ServerHellos out', async () => {
  const fwFile = truth.vantages.firewall.files.find((f: { file: string }) => f.file.endsWith(`-${quietHour(truth)}.pcap`)).file;
  const fw = (await parse(path.join(A, 'firewall', fwFile))).packets;
  let ch = 0, sh = 0, syn = 0;
  for (const p of fw) {
    const ihl = (p.data[14] & 15) * 4;
    const tcp = 14 + ihl;
    const off = tcp + (p.data[tcp + 12] >> 4) * 4;
    const flags = p.data[tcp + 13];
    if ((flags & 0x12) === 0x02) syn++;
    if (p.data.length < off + 6) continue;
    const [b0, b1, , , , b5] = p.data.subarray(off, off + 6);
    if (b0 === 22 && b1 === 3 && b5 === 1 && p.data.readUInt16BE(tcp + 2) === 443) ch++;
    if (b0 === 22 && b1 === 3 && b5 === 2 && p.data.readUInt16BE(tcp) === 443) sh++;
  }
  expect(ch).toBeGreaterThan(50);
  expect(syn).toBeGreaterThanOrEqual(ch);
  expect(Math.abs(sh - ch)).toBeLessThanOrEqual(Math.max(3, ch * 0.05));
}, 120000);

test('syslog: RFC 3164 lines in the named zone; stunnel silent in each freeze while others write; access log silent in a stall', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(A, 'alibi.json'), 'utf8'));
  expect(Object.keys(truth)).not.toContain('alibi');
  expect(JSON.stringify(cfg)).not.toMatch(/fault|truth/i);
  const sys = cfg.logs.find((l: { component: string }) => l.component === 'stunnel');
  expect(sys.program).toBe('stunnel');
  const zone = sys.timezone;
  const off = truth.clocks.serverOffsetSeconds * 1000;
  const stunnel: number[] = [];
  const other: number[] = [];
  let lines = 0;
  const bad: string[] = [];
  const stampCache = new Map<string, number>();
  for (const f of sys.files) {
    for (const l of readLog(path.join(A, f))) {
      const m = /^(\w{3} [ \d]\d \d\d:\d\d:\d\d) web1 ([\w/.-]+)(\[\d+\])?: (.*)$/.exec(l);
      lines++;
      if (!m || (m[2] === 'stunnel' && !/^LOG[3-7]\[\d+\]: /.test(m[4]))) { if (bad.length < 5) bad.push(l); continue; }
      const t = (stampCache.get(m[1]) ?? stampCache.set(m[1], syslogToUtc(m[1], 2026, zone)).get(m[1])!) - off; // true time (±1 s resolution)
      (m[2] === 'stunnel' ? stunnel : other).push(t);
    }
  }
  expect(bad).toEqual([]);
  expect(lines).toBe(truth.logs.messages.lines);
  expect(stunnel.length).toBeGreaterThan(1000);
  const freezes = truth.faults.filter((f: { type: string }) => f.type === 'stunnel-freeze');
  expect(freezes.length).toBe(2);
  for (const f of freezes) {
    const a = Date.parse(f.start) + 1500, b = Date.parse(f.end) - 1500;
    expect(stunnel.filter((t) => t >= a && t < b)).toEqual([]);
    expect(other.filter((t) => t >= a && t < b).length).toBeGreaterThan(((b - a) / 1000) * 0.1);
  }
  // the backend's access log: ISO-8601 with offset; silent while the backend is stalled
  const acc = cfg.logs.find((l: { component: string }) => l.component === 'backend');
  const times: number[] = [];
  for (const f of acc.files) {
    for (const l of readLog(path.join(A, f))) {
      const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d) 127\.0\.0\.1:\d+ "[A-Z]+ \S+ HTTP\/1\.1" \d{3} \d+ \d+\.\d{3} "-" \d+ \d+$/.exec(l);
      if (!m) { if (bad.length < 5) bad.push(l); continue; }
      times.push(Date.parse(m[1]) - off);
    }
  }
  expect(bad).toEqual([]);
  expect(times.length).toBe(truth.logs.access.lines);
  for (const f of truth.faults.filter((x: { type: string }) => x.type === 'backend-stall')) {
    const a = Date.parse(f.start) + 1500, b = Date.parse(f.end) - 1500;
    expect(times.filter((t) => t >= a && t < b)).toEqual([]);
  }
});

const CLI = path.join(REPO, 'dist', 'cli.js');
(fs.existsSync(CLI) ? test : test.skip)('alibi logs reads the stunnel lines of the rotated syslog set', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(A, 'alibi.json'), 'utf8'));
  const file = path.join(A, cfg.logs[0].files.find((f: string) => f.endsWith('messages.1')));
  const r = spawnSync(process.execPath, [CLI, 'logs', file, '--tz', 'Europe/Berlin', '--match', 'stunnel\\[', '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.unparsed).toBe(0);
  expect(doc.parsed).toBeGreaterThan(1000);
}, 60000);
