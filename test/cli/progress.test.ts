/**
 * Progress on stderr: a bar only when stderr is a TTY, never under --json, never for small or
 * unknown-size inputs; the report on stdout is the same either way.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureProgress, progressBar, PROGRESS_MIN_BYTES, rateAndEta } from '../../lib/cli/progress';
import { alibi } from '../helpers/cli';
import { REPO } from '../helpers/corpus';

function sink(isTTY: boolean) {
  const err: string[] = [];
  return { io: { isTTY, stderr: (s: string) => { err.push(s); } }, err };
}

describe('progressBar', () => {
  it('draws bytes read of the total on a TTY, throttled, and clears its line at the end', () => {
    const { io, err } = sink(true);
    let t = 0;
    const bar = progressBar(io, 'big.pcap', 200e6, { now: () => t, width: 10 });
    bar.update(50e6);
    t += 50;
    bar.update(60e6); // within 100 ms: not drawn
    t += 100;
    bar.update(100e6);
    t += 1850; // two seconds in: a rate and the time left
    bar.update(150e6);
    bar.end();
    expect(err).toEqual([
      '\rbig.pcap [###-------]  25% 50.0 MB of 200.0 MB\x1b[K',
      '\rbig.pcap [#####-----]  50% 100.0 MB of 200.0 MB\x1b[K',
      '\rbig.pcap [########--]  75% 150.0 MB of 200.0 MB, 75 MB/s, 0:01 left\x1b[K',
      '\r\x1b[K',
    ]);
  });
  it('gives a rate and the time left once a second has passed', () => {
    expect(rateAndEta(500e6, 1000e6, 999)).toBe('');
    expect(rateAndEta(500e6, 1000e6, 2000)).toBe(', 250 MB/s, 0:02 left');
    expect(rateAndEta(10e6, 40e9, 1000)).toBe(', 10 MB/s, 1:06:39 left');
    expect(rateAndEta(3e9, 9e9, 1000)).toBe(', 3.00 GB/s, 0:02 left');
  });
  it('clears its line on Ctrl-C, and the process still ends by the signal', async () => {
    // A child draws a bar on a pretend TTY, says so on stdout, and waits: SIGINT must clear the line.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-sigint-'));
    const script = path.join(dir, 'bar.js');
    fs.writeFileSync(script, `const { progressBar } = require(${JSON.stringify(path.join(REPO, 'dist/cli/progress.js'))});
const bar = progressBar({ isTTY: true, stderr: (s) => process.stderr.write(s) }, 'big.pcap', 200e6);
bar.update(50e6);
process.stdout.write('drawn\\n');
setTimeout(() => {}, 20000);
`);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, sg) => resolve([c, sg])));
    fs.rmSync(dir, { recursive: true, force: true });
    expect(err).toBe('\rbig.pcap [########----------------------]  25% 50.0 MB of 200.0 MB\x1b[K\r\x1b[K');
    expect([code, signal]).toEqual([null, 'SIGINT']);
  });
  it('is silent when stderr is not a TTY, under --json, for small inputs and for unknown sizes', () => {
    for (const [tty, total, quiet] of [[false, 1e9, false], [true, 1e9, true], [true, PROGRESS_MIN_BYTES - 1, false], [true, undefined, false]] as const) {
      const { io, err } = sink(tty);
      const bar = progressBar(io, 'x', total, { quiet, now: () => 1e6 });
      bar.update(1e6);
      bar.end();
      expect(err).toEqual([]);
    }
  });
  it('looks at a capture reader every 4096 packets', () => {
    const { io, err } = sink(true);
    let t = 0;
    const reader = { offset: 0, size: 100e6 };
    const p = captureProgress(io, reader, 'c.pcap', { now: () => (t += 1000) });
    for (let i = 0; i < 3 * 4096; i++) { reader.offset += 1000; p.tick(); }
    p.end();
    expect(err.length).toBe(4);
    expect(err[2]).toContain(' 12% 12.3 MB of 100.0 MB');
  });
});

/** A classic pcap of `n` identical 1514-byte TCP frames, one per millisecond. */
function bigPcap(file: string, n: number): void {
  const frame = Buffer.alloc(1514);
  frame.writeUInt16BE(0x0800, 12); // IPv4
  frame[14] = 0x45; frame.writeUInt16BE(1500, 16); frame[22] = 64; frame[23] = 6;
  frame.set([10, 0, 0, 1], 26); frame.set([10, 0, 0, 2], 30);
  frame.writeUInt16BE(40000, 34); frame.writeUInt16BE(443, 36); frame[46] = 0x50; frame[47] = 0x18; // ACK|PSH
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6); head.writeUInt32LE(65535, 16); head.writeUInt32LE(1, 20);
  const recs: Buffer[] = [head];
  for (let i = 0; i < n; i++) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), 0); h.writeUInt32LE((i % 1000) * 1000, 4); h.writeUInt32LE(1514, 8); h.writeUInt32LE(1514, 12);
    recs.push(h, frame);
  }
  fs.writeFileSync(file, Buffer.concat(recs));
}

describe('progress in the CLI', () => {
  let tmp: string;
  let pcap: string;
  let log: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-progress-'));
    pcap = path.join(tmp, 'big.pcap');
    bigPcap(pcap, 13_000); // ≈ 19.9 MB, above PROGRESS_MIN_BYTES
    log = path.join(tmp, 'big.log');
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`2026-11-25T13:${String(10 + Math.floor(i / 6000)).padStart(2, '0')}:${String(Math.floor(i / 100) % 60).padStart(2, '0')}Z accepted connection from 10.0.0.${i % 250} padding padding`);
    fs.writeFileSync(log, lines.join('\n') + '\n');
    expect(fs.statSync(pcap).size).toBeGreaterThan(PROGRESS_MIN_BYTES);
    expect(fs.statSync(log).size).toBeGreaterThan(PROGRESS_MIN_BYTES);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each([['info'], ['flows'], ['series'], ['logs']])('alibi %s writes nothing to stderr when stderr is not a TTY', (cmd) => {
    const r = alibi([cmd, cmd === 'logs' ? log : pcap]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
  });

  const haveScript = fs.existsSync('/usr/bin/script');
  (haveScript ? it : it.skip)('draws a bar on a terminal (util-linux script gives the CLI a TTY) but not under --json', () => {
    const run = (args: string) => spawnSync('/usr/bin/script', ['-qec', `${process.execPath} ${path.join(REPO, 'dist/cli.js')} ${args} >/dev/null`, '/dev/null'], { encoding: 'utf8' });
    const tty = run(`series ${pcap}`);
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/\[#+-*\]\s+\d+% [\d.]+ MB of 19\.9 MB/);
    const logs = run(`logs ${log} --tz UTC`);
    expect(logs.stdout).toMatch(/% [\d.]+ MB of [\d.]+ MB/);
    expect(run(`series ${pcap} --json`).stdout).not.toMatch(/MB of/);
  });
});
