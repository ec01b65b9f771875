/**
 * One vantage on two cores (#16): `scanCaptureThreaded` (a worker reads and decodes, this thread
 * counts, one flow table) gives the capture scan `scanCapture` gives on one thread — series per
 * bin, per-service series with response times, the packet ledger, flow summary, warnings, the
 * set's file order and coverage gaps — on every lab scenario's captures, as one file, as a
 * rotated set of pieces, and with a clock offset.
 * Needs editcap (Wireshark's; CI installs it) for the set; without it that part says so and skips.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCapture } from '../../lib/capture/reader';
import { scanCapture, scanCaptureThreaded, scanReader, type ScanRequest } from '../../lib/pipeline/scan';
import { REPO } from '../helpers/corpus';
import { haveTool } from '../helpers/tools';

const SCENARIOS = ['stunnel-freeze', 'app-slow', 'network-loss'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-threaded-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function request(dir: string, file: string, extra: Partial<ScanRequest> = {}): ScanRequest {
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'alibi.json'), 'utf8')) as { services?: { component: string; host: string; port: number }[] };
  return { file, vantage: 'v', interval: 1, services: truth.services ?? [], ledger: true, ...extra };
}

/** Typed arrays as plain arrays, so a difference prints as numbers. */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)));

describe.each(SCENARIOS)('%s', (name) => {
  const dir = path.join(REPO, 'captures', name);
  const files = fs.readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f));

  test.each(files)('%s: the same scan on two cores as on one', async (f) => {
    const req = request(dir, path.join(dir, f));
    expect(plain(await scanCaptureThreaded(req))).toEqual(plain(scanCapture(req)));
  });

  test.each(files)('%s: the scan fed a reader over the bytes in memory is the scan of the path', (f) => {
    const req = request(dir, path.join(dir, f), { clockOffset: 7.5 });
    const fromBytes = scanReader(readCapture(new Uint8Array(fs.readFileSync(req.file)), { file: req.file }), req);
    expect(fromBytes.packets).toBeGreaterThan(0);
    expect(plain(fromBytes)).toEqual(plain(scanCapture(req)));
  });

  test('the ledger is sized for the capture, not for its 5 M-packet bound', () => {
    // 85 MB per ledger, committed or not, made V8 collect garbage for every small capture.
    const req = request(dir, path.join(dir, files[0]));
    const size = fs.statSync(req.file).size;
    const scan = scanCapture(req);
    expect(scan.ledger!.length).toBeGreaterThan(100);
    expect(scan.ledger!.key.buffer.byteLength).toBeLessThanOrEqual(8 * Math.ceil(size / 64));
    // in memory, sizes unknown: a first guess that grows
    const fromBytes = scanReader(readCapture(new Uint8Array(fs.readFileSync(req.file)), { file: req.file }), { ...req, file: 'in-memory' });
    expect(fromBytes.ledger!.key.buffer.byteLength).toBeLessThan(2 ** 23);
    expect(fromBytes.ledger!.length).toBe(scan.ledger!.length);
  });

  test('a clock offset is applied the same way in the worker', async () => {
    const req = request(dir, path.join(dir, files[0]), { clockOffset: -130.25 });
    const one = scanCapture(req);
    expect(plain(await scanCaptureThreaded(req))).toEqual(plain(one));
    expect(one.first).toBeCloseTo(scanCapture({ ...req, clockOffset: 0 }).first! - 130.25, 6);
  });

  (haveTool('editcap') ? test : test.skip)('a rotated set of four pieces (one left out: a gap) on two cores as on one', async () => {
    const src = path.join(dir, files[0]);
    const out = path.join(tmp, name);
    fs.mkdirSync(out, { recursive: true });
    const n = Number(/Number of packets:\s+(\d+)/.exec(execFileSync('capinfos', ['-c', '-M', src], { encoding: 'utf8' }))![1]);
    execFileSync('editcap', ['-c', String(Math.ceil(n / 5)), src, path.join(out, 'fw.pcap')]);
    const pieces = fs.readdirSync(out).sort().map((x) => path.join(out, x));
    const set = pieces.filter((_, i) => i !== 2);
    const req = request(dir, set[0], { files: set.reverse() });
    const one = scanCapture(req);
    expect(one.files.length).toBe(4);
    expect(plain(await scanCaptureThreaded(req))).toEqual(plain(one));
  });
});

test('the two-core path really runs a decoding thread here (a guard: else the checks above compare one thread with itself)', async () => {
  const { passFile } = await import('../../lib/pipeline/passfile');
  const { CapturePass } = await import('../../lib/pipeline/pass');
  const res = await passFile(path.join(REPO, 'captures', 'stunnel-freeze', 'server.pcap'), new CapturePass(), { threads: true });
  expect(res.threaded).toBe(true);
});
