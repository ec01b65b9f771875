/**
 * Live: a real HTTP server in a network namespace behind a veth pair, a bounded client load
 * (20 req/s) across it, `watch` on the host end of the veth and on the server's log; the server
 * process is frozen (SIGSTOP) for a known window, then resumed. Needs root and `cap` built;
 * otherwise skipped, saying so.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCapture } from '../../lib/node';
import type { WatchIncident } from '../../lib/watch/watcher';
import { REPO } from '../helpers/corpus';

/*
 * The watcher runs as `alibi watch` in a child process, as a user runs it: the native `cap`
 * addon is then never loaded into jest's process (jest re-evaluates modules per test file, and a
 * native addon loaded twice into one process crashes it at the next test file).
 */
const CLI = path.join(REPO, 'dist', 'cli.js');
function capBuilt(): boolean {
  try {
    execFileSync(process.execPath, ['-e', "require('cap')"], { cwd: REPO, stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function why(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces and capture need it)';
  if (!fs.existsSync(CLI)) return 'dist/ not built (npm run build)';
  if (!capBuilt()) return 'the optional "cap" package is not built (install libpcap-dev, npm rebuild cap)';
  try { execFileSync('ip', ['-V'], { stdio: 'ignore' }); } catch { return 'no "ip" command (iproute2)'; }
  return null;
}
const skip = why();
if (skip) {
  // eslint-disable-next-line no-console
  console.warn(`live watch tests skipped: ${skip}`);
}
const d = skip ? describe.skip : describe;

const SERVER = `
const http = require('http'); const fs = require('fs');
const [port, log] = process.argv.slice(2);
const out = fs.openSync(log, 'a');
http.createServer((req, res) => {
  fs.writeSync(out, new Date().toISOString() + ' ' + req.method + ' ' + req.url + ' 200\\n');
  res.end('ok '.repeat(200));
}).listen(Number(port), '0.0.0.0');
`;

const tag = String(process.pid % 100000);
const NS = `alibiw${tag}`;
const HOST_IF = `awh${tag}`;
const NS_IF = `awn${tag}`;
const sub = 64 + (process.pid % 100);
const HOST_IP = `10.213.${sub}.1`;
const SRV_IP = `10.213.${sub}.2`;
const PORT = 8080;
const FREEZE = 15;

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe', timeout: 10_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

d('alibi watch on a live interface', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-watch-live-'));
  const log = path.join(tmp, 'app.log');
  let server: ChildProcess | null = null;
  let w: ChildProcess | null = null;
  let load: NodeJS.Timeout | null = null;
  const inflight = new Set<http.ClientRequest>();

  beforeAll(() => {
    sh('ip', ['netns', 'add', NS]);
    sh('ip', ['link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF]);
    sh('ip', ['link', 'set', NS_IF, 'netns', NS]);
    sh('ip', ['addr', 'add', `${HOST_IP}/24`, 'dev', HOST_IF]);
    sh('ip', ['link', 'set', HOST_IF, 'up']);
    sh('ip', ['netns', 'exec', NS, 'ip', 'addr', 'add', `${SRV_IP}/24`, 'dev', NS_IF]);
    sh('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'up']);
    sh('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']);
    fs.writeFileSync(path.join(tmp, 'server.js'), SERVER);
    fs.writeFileSync(log, '');
    server = spawn('ip', ['netns', 'exec', NS, process.execPath, path.join(tmp, 'server.js'), String(PORT), log], { stdio: 'ignore' });
  });

  afterAll(async () => {
    if (load) clearInterval(load);
    for (const r of inflight) r.destroy();
    if (w && w.exitCode === null) {
      // SIGINT: the CLI closes and saves an open incident, then exits.
      const exited = new Promise((r) => w!.once('exit', r));
      w.kill('SIGINT');
      await Promise.race([exited, sleep(5000)]);
      if (w.exitCode === null) w.kill('SIGKILL');
    }
    if (server?.pid) {
      try { process.kill(server.pid, 'SIGCONT'); process.kill(server.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    try { sh('ip', ['netns', 'del', NS]); } catch { /* already gone */ }
    try { sh('ip', ['link', 'del', HOST_IF]); } catch { /* went with the namespace */ }
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 20_000);

  it('alerts within a few intervals of a frozen server, again after it resumes, and saves a pcap our reader and tshark read', async () => {
    // Wait for the server to answer.
    const get = (timeout: number) => new Promise<boolean>((resolve) => {
      const req = http.get({ host: SRV_IP, port: PORT, path: '/', agent: false, timeout }, (res) => { res.resume(); res.on('end', () => resolve(true)); });
      inflight.add(req);
      req.on('close', () => inflight.delete(req));
      req.on('timeout', () => { req.destroy(); resolve(false); });
      req.on('error', () => resolve(false));
    });
    for (let i = 0; i < 50 && !(await get(500)); i++) await sleep(100);

    const events: { ev: string; i: WatchIncident; t: number }[] = [];
    const outDir = path.join(tmp, 'out');
    w = spawn(process.execPath, [CLI, 'watch', '--iface', HOST_IF, '--port', String(PORT), '--log', `${log}@app`, '--keep', '20s', '--window', '120s', '--warmup', '15s', '--out', outDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    w.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let k: number;
      while ((k = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, k);
        buf = buf.slice(k + 1);
        if (!line.trim()) continue;
        const o = JSON.parse(line) as WatchIncident & { event: string };
        events.push({ ev: o.event === 'incident-start' ? 'start' : 'end', i: o, t: Date.now() / 1000 });
      }
    });
    w.stderr!.resume();
    // The incident's folder is written when it ends: wait for its analyze.json (that incident's own
    // folder: another incident, e.g. when the load stops, may be saved beside it).
    const saved = async (dir: string) => {
      for (let i = 0; i < 200; i++) {
        if (fs.existsSync(path.join(dir, 'analyze.json'))) return { dir };
        await sleep(100);
      }
      throw new Error(`incident not saved in ${dir} within 20 s of its end`);
    };
    load = setInterval(() => { void get(3000); }, 50); // 20 req/s, each gives up after 3 s

    await sleep(20_000);
    const f0 = Date.now() / 1000;
    process.kill(server!.pid!, 'SIGSTOP');
    await sleep(FREEZE * 1000);
    const f1 = Date.now() / 1000;
    process.kill(server!.pid!, 'SIGCONT');
    for (let i = 0; i < 300 && !events.some((e) => e.ev === 'end'); i++) await sleep(100);
    clearInterval(load);
    load = null;

    const start = events.find((e) => e.ev === 'start');
    const end = events.find((e) => e.ev === 'end');
    // eslint-disable-next-line no-console
    console.log(`live: freeze ${new Date(f0 * 1000).toISOString()} for ${(f1 - f0).toFixed(1)} s; start alert +${start ? (start.t - f0).toFixed(1) : '?'} s (incident start ${start?.i.start}); end alert ${end ? (end.t - f1).toFixed(1) : '?'} s after SIGCONT (incident end ${end?.i.end}); culprit ${JSON.stringify(end?.i.culprit)}`);
    expect(start).toBeDefined();
    expect(start!.t - f0).toBeGreaterThan(0);
    expect(start!.t - f0).toBeLessThan(12); // within a few intervals (5-bin minimum run + lag)
    expect(start!.i.culprit.component).toBe('app');
    expect(end).toBeDefined();
    expect(end!.t).toBeGreaterThan(f1);
    expect(Date.parse(end!.i.end!) / 1000).toBeGreaterThan(f1 - 2);

    expect(end!.i.dir).toBe(start!.i.dir);
    expect(path.dirname(start!.i.dir!)).toBe(outDir);
    const { dir } = await saved(start!.i.dir!);
    const pcap = path.join(dir, 'capture.pcap');
    const r = openCapture(pcap);
    let n = 0, first = Infinity, last = -Infinity;
    for (let p = r.next(); p !== null; p = r.next()) { n++; first = Math.min(first, p.time); last = Math.max(last, p.time); }
    expect(r.warnings).toEqual([]);
    expect(n).toBeGreaterThan(200);
    expect(first).toBeLessThan(Date.parse(start!.i.start) / 1000 - 15); // --keep 20 s before
    expect(last).toBeGreaterThan(f1);
    let tshark = true;
    try { execFileSync('tshark', ['-v'], { stdio: 'ignore' }); } catch { tshark = false; }
    if (tshark) {
      const out = execFileSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'frame.number'], { timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n');
      expect(out.length).toBe(n);
    }
    expect(fs.readFileSync(path.join(dir, 'app.log'), 'utf8').split('\n').length).toBeGreaterThan(100);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'analyze.json'), 'utf8'));
    expect(doc.incidents.length).toBeGreaterThan(0);
  }, 90_000);
});
