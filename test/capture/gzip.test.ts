/**
 * Gzip-compressed captures (`tcpdump -z gzip`, `.pcap.gz`): inflated while read, through every
 * path that opens a capture by name (reader, one- and two-thread pass, CLI), with the same
 * packets and flows as the plain file; a cut or damaged stream keeps what came before it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { execFileSync, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { openCapture, openCaptureStream } from '../../lib/node';
import { readCapture } from '../../lib/capture/reader';
import { CaptureReader } from '../../lib/capture/reader';
import { passFile } from '../../lib/pipeline/passfile';
import { CapturePass } from '../../lib/pipeline/pass';
import { SeriesAccumulator } from '../../lib/metrics/series';
import { CompressedDataError } from '../../lib/errors';
import { REPO } from '../helpers/corpus';
import { alibi } from '../helpers/cli';

const LAB = path.join(REPO, 'captures', 'stunnel-freeze');
const PCAP = path.join(LAB, 'firewall.pcap');
const PCAPNG = path.join(LAB, 'loopback.pcapng');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-gz-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}

/** Every packet's time, lengths and bytes, and the reader's warnings. */
function packets(r: CaptureReader): { list: string[]; warnings: unknown[]; offset: number } {
  const list: string[] = [];
  for (let p = r.next(); p !== null; p = r.next()) list.push(`${p.tsSec}.${p.tsFrac} ${p.capLen}/${p.origLen} ${Buffer.from(p.data).toString('base64')}`);
  return { list, warnings: r.warnings.map((w) => ({ ...w, file: null })), offset: r.offset };
}

async function pass(file: string, threads: boolean) {
  const series = new SeriesAccumulator({ interval: 1 });
  const res = await passFile(file, new CapturePass({ observer: series }), { threads });
  expect(res.threaded).toBe(threads);
  return { flows: res.flows, warnings: res.warnings.map((w) => ({ ...w, file: null })), packets: res.packets, series: series.columns() };
}

describe.each([
  ['pcap', PCAP],
  ['pcapng', PCAPNG],
])('a gzip-compressed %s lab capture', (_kind, plain) => {
  let gz: string;
  beforeAll(() => {
    gz = write(path.basename(plain) + '.gz', zlib.gzipSync(fs.readFileSync(plain)));
  });

  test('reads the same packets as the plain file', () => {
    const a = packets(openCapture(plain));
    const b = packets(openCapture(gz));
    expect(a.list.length).toBeGreaterThan(1000);
    expect(b).toEqual(a);
  });

  test('gives the same flows, warnings and series on one thread and two', async () => {
    const want = await pass(plain, false);
    expect(want.flows.length).toBeGreaterThan(50);
    expect(await pass(gz, false)).toEqual(want);
    expect(await pass(gz, true)).toEqual(want);
  });

  test('alibi flows prints the same document, by path and from stdin', () => {
    const a = alibi(['flows', plain, '--json']);
    const b = alibi(['flows', gz, '--json']);
    const c = alibi(['flows', '-', '--json'], fs.readFileSync(gz));
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(c.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).toBe(a.stdout);
  });

  test('alibi info says it is gzip-compressed and describes the same capture', () => {
    const a = alibi(['info', plain]);
    const b = alibi(['info', gz]);
    const c = alibi(['info', '-'], fs.readFileSync(gz));
    expect(a.stdout).not.toContain('gzip');
    for (const x of [b, c]) {
      expect(x.code).toBe(0);
      expect(x.stdout).toMatch(/^format: +pcap(ng)? \((little|big)-endian\), gzip-compressed$/m);
      expect(x.stdout.split('\n').slice(2)).toEqual(a.stdout.split('\n').slice(2));
    }
    const ja = JSON.parse(alibi(['info', plain, '--json']).stdout);
    const jb = JSON.parse(alibi(['info', gz, '--json']).stdout);
    expect({ ...jb, file: null }).toEqual({ ...ja, file: null });
  });

  test('the same packets from memory and from a stream of small chunks', async () => {
    const want = packets(openCapture(plain));
    expect(packets(readCapture(new Uint8Array(fs.readFileSync(gz))))).toEqual(want);
    // A first chunk of one byte, then odd sizes: the magic and the steps straddle chunks.
    const bytes = fs.readFileSync(gz);
    const pieces = [bytes.subarray(0, 1)];
    for (let i = 1; i < bytes.length; i += 70_001) pieces.push(bytes.subarray(i, Math.min(bytes.length, i + 70_001)));
    const r = openCaptureStream(Readable.from(pieces));
    const list: string[] = [];
    for (let p = await r.next(); p !== null; p = await r.next()) list.push(`${p.tsSec}.${p.tsFrac} ${p.capLen}/${p.origLen} ${Buffer.from(p.data).toString('base64')}`);
    expect(list).toEqual(want.list);
    expect(r.warnings).toEqual([]);
  });
});

test('a gzip stream arriving a byte at a time does not take quadratic time', async () => {
  // Pushed to the inflater chunk by chunk this took 17.6 s here (fflate re-reads what it could
  // not use yet), past this test's timeout; gathered into 32 KiB steps it takes ~1.5 s.
  const gz = zlib.gzipSync(fs.readFileSync(PCAP));
  const want = packets(openCapture(PCAP));
  const r = openCaptureStream(Readable.from((function* () {
    for (let i = 0; i < gz.length; i++) yield gz.subarray(i, i + 1);
  })()));
  let n = 0;
  while ((await r.next()) !== null) n++;
  expect(n).toBe(want.list.length);
  expect(r.warnings).toEqual([]);
}, 10_000);

test('a source without a size that returns a few bytes per read (a pipe): gzip and plain', () => {
  // The header then reaches the inflater over several reads into one reused buffer: fflate keeps
  // a reference to a cut header, so each step is pushed as a copy.
  const trickle = (bytes: Uint8Array) => {
    let pos = 0;
    let i = 0;
    return {
      read(into: Uint8Array, at: number, length: number) {
        const n = Math.min(length, 1 + (i++ % 3), bytes.length - pos);
        into.set(bytes.subarray(pos, pos + n), at);
        pos += n;
        return n;
      },
    };
  };
  const want = packets(openCapture(PCAP));
  const plainBytes = new Uint8Array(fs.readFileSync(PCAP));
  expect(packets(new CaptureReader(trickle(plainBytes)))).toEqual(want);
  expect(packets(new CaptureReader(trickle(new Uint8Array(zlib.gzipSync(plainBytes)))))).toEqual(want);
});

test('a gzip header longer than one inflate step (a 40 KB extra field) is not overwritten', () => {
  // fflate keeps a reference to a header it cannot finish parsing: the step buffer, read into
  // again, must not be what it keeps.
  const plainBytes = fs.readFileSync(PCAP);
  const z = zlib.gzipSync(plainBytes);
  const xlen = 40_000;
  const extra = Buffer.alloc(2 + xlen, 0x41);
  extra.writeUInt16LE(xlen, 0);
  const head = Buffer.from(z.subarray(0, 10));
  head[3] |= 0x04; // FLG.FEXTRA (RFC 1952 2.3.1)
  const gz = write('extra.pcap.gz', Buffer.concat([head, extra, z.subarray(10)]));
  const want = packets(openCapture(PCAP));
  expect(packets(openCapture(gz))).toEqual(want);
  const piped = alibi(['flows', '-', '--json'], fs.readFileSync(gz));
  expect(piped.code).toBe(0);
  expect(piped.stdout).toBe(alibi(['flows', PCAP, '--json']).stdout);
});

test('a gzip capture written into a named pipe, read by its path', () => {
  const fifo = path.join(dir, 'capture.fifo');
  execFileSync('mkfifo', [fifo]);
  const gz = write('for-fifo.pcap.gz', zlib.gzipSync(fs.readFileSync(PCAP)));
  const writer = spawn('sh', ['-c', `cat '${gz}' > '${fifo}'`]);
  const viaFifo = alibi(['flows', fifo, '--json']);
  writer.kill();
  expect(viaFifo.code).toBe(0);
  expect(viaFifo.stdout).toBe(alibi(['flows', PCAP, '--json']).stdout);
});

test('concatenated gzip members (cat a.gz b.gz) read as one capture', () => {
  const bytes = fs.readFileSync(PCAP);
  const cut = 300_001; // inside a record: the two members' bytes join up again
  const gz = write('two-members.pcap.gz', Buffer.concat([zlib.gzipSync(bytes.subarray(0, cut)), zlib.gzipSync(bytes.subarray(cut))]));
  expect(packets(openCapture(gz))).toEqual(packets(openCapture(PCAP)));
});

test('a cut-off gzip stream keeps every whole record before the cut and says where it ends', async () => {
  const whole = zlib.gzipSync(fs.readFileSync(PCAP));
  const gz = write('cut.pcap.gz', whole.subarray(0, Math.floor(whole.length * 0.6)));
  // What survives: zlib inflates the same prefix (sync flush keeps a cut stream's output).
  const prefix = zlib.gunzipSync(fs.readFileSync(gz), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const expected = packets(new CaptureReader(new Uint8Array(prefix)));
  const got = packets(openCapture(gz));
  expect(got.list.length).toBeGreaterThan(1000);
  expect(got.list).toEqual(expected.list);
  expect(got.warnings[0]).toMatchObject({ code: 'truncated', offset: prefix.length, packet: got.list.length });
  expect((got.warnings[0] as { reason: string }).reason).toMatch(/gzip stream is cut off after \d+ compressed bytes/);
  // then the record the cut went through, as for a plain capture cut there
  expect(got.warnings.slice(1)).toEqual(expected.warnings);

  const cli = alibi(['flows', gz, '--json']);
  expect(cli.code).toBe(0);
  const doc = JSON.parse(cli.stdout) as { flows: unknown[]; warnings: { file: string; code: string }[] };
  expect(doc.flows.length).toBeGreaterThan(0);
  expect(doc.warnings[0]).toMatchObject({ file: gz, code: 'truncated' });
  // A stream in small chunks: the cut is reported at the same inflated offset.
  const small: Buffer[] = [];
  const cutBytes = fs.readFileSync(gz);
  for (let i = 0; i < cutBytes.length; i += 997) small.push(cutBytes.subarray(i, i + 997));
  const r = openCaptureStream(Readable.from(small));
  let n = 0;
  while ((await r.next()) !== null) n++;
  expect(n).toBe(got.list.length);
  expect(r.warnings.map((w) => ({ ...w, file: null }))).toEqual(got.warnings);
  // From stdin: the same flows and warnings (file '-').
  const piped = alibi(['flows', '-', '--json'], fs.readFileSync(gz));
  expect(piped.code).toBe(0);
  const doc2 = JSON.parse(piped.stdout) as typeof doc;
  expect(doc2.flows).toEqual(doc.flows);
  expect(doc2.warnings).toEqual(doc.warnings.map((w) => ({ ...w, file: '-' })));
});

test('a cut stream in tiny chunks ends at the same offset as the file, wherever the cut', async () => {
  // 50-byte compressed chunks inflate to a few hundred bytes each: at some cuts the block the
  // cut goes through arrives over several chunks before the stream ends.
  const whole = zlib.gzipSync(fs.readFileSync(PCAPNG));
  for (let k = 0; k < 12; k++) {
    const gz = write(`cut-${k}.pcapng.gz`, whole.subarray(0, Math.floor(whole.length * (0.3 + k * 0.03))));
    const want = packets(openCapture(gz));
    expect(want.warnings[0]).toMatchObject({ code: 'truncated' });
    const bytes = fs.readFileSync(gz);
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 50) pieces.push(bytes.subarray(i, i + 50));
    const r = openCaptureStream(Readable.from(pieces));
    const list: string[] = [];
    for (let p = await r.next(); p !== null; p = await r.next()) list.push(`${p.tsSec}.${p.tsFrac} ${p.capLen}/${p.origLen} ${Buffer.from(p.data).toString('base64')}`);
    expect(list).toEqual(want.list);
    expect(r.warnings.map((w) => ({ ...w, file: null }))).toEqual(want.warnings);
  }
});

test('damaged compressed data after some output: the packets before it, a bad_compressed_data warning', () => {
  const bytes = fs.readFileSync(PCAP);
  // A second member whose first deflate block has the reserved type 11 (RFC 1951 3.2.3).
  const broken = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0x07, 0x00, 0x00]);
  const gz = write('damaged.pcap.gz', Buffer.concat([zlib.gzipSync(bytes.subarray(0, 400_000)), broken]));
  const expected = packets(new CaptureReader(new Uint8Array(bytes.subarray(0, 400_000))));
  const got = packets(openCapture(gz));
  expect(got.list).toEqual(expected.list);
  expect(got.warnings[0]).toMatchObject({ code: 'bad_compressed_data', offset: 400_000 });
  expect((got.warnings[0] as { reason: string }).reason).toMatch(/damaged gzip data at compressed bytes \d+-\d+ \(invalid block type\)/);
});

test('a gzip capture whose CRC-32 or length does not match its data: every packet, and a warning as zlib refuses it', () => {
  const bytes = fs.readFileSync(PCAP);
  const whole = zlib.gzipSync(bytes);
  const expected = packets(openCapture(PCAP));
  const cases: [string, Buffer, RegExp][] = [
    ['crc', Buffer.from(whole), /incorrect data check \(gzip member 1: its CRC-32 differs\)/],
    ['length', Buffer.from(whole), /incorrect length check \(gzip member 1\)/],
    ['trailer cut', whole.subarray(0, whole.length - 3), /gzip stream is cut off after \d+ compressed bytes \(unexpected end of file \(gzip member 1: its trailer is cut\)\)/],
  ];
  cases[0][1][whole.length - 8] ^= 1;
  cases[1][1][whole.length - 4] ^= 1;
  for (const [name, gz, reason] of cases) {
    expect(() => zlib.gunzipSync(gz)).toThrow(); // zlib's own verdict on these bytes
    const file = write(`trailer-${name.replace(' ', '-')}.pcap.gz`, gz);
    const got = packets(openCapture(file));
    expect({ name, n: got.list.length }).toEqual({ name, n: expected.list.length });
    expect(got.list).toEqual(expected.list);
    expect(got.warnings).toHaveLength(1);
    expect((got.warnings[0] as { reason: string }).reason).toMatch(reason);
  }
});

test('a file that is not gzip data behind the magic is a typed error naming the file', async () => {
  const gz = write('junk.pcap.gz', Buffer.from([0x1f, 0x8b, 0x09, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]));
  expect(() => packets(openCapture(gz))).toThrow(CompressedDataError);
  try {
    packets(openCapture(gz));
  } catch (e) {
    expect(e).toMatchObject({ file: gz, offset: 0, code: 'bad_compressed_data' });
  }
  await expect(passFile(gz, new CapturePass(), { threads: true })).rejects.toBeInstanceOf(CompressedDataError);
  const cli = alibi(['flows', gz]);
  expect(cli.code).toBe(1);
  expect(cli.stderr).toContain(`${gz}: offset 0, packet 0: not readable as gzip`);
  const piped = alibi(['flows', '-'], fs.readFileSync(gz));
  expect(piped.code).toBe(1);
  expect(piped.stderr).toContain('-: offset 0, packet 0: not readable as gzip');
});

test('progress counts compressed bytes against the file size', async () => {
  const gz = write('progress.pcap.gz', zlib.gzipSync(fs.readFileSync(PCAP)));
  const size = fs.statSync(gz).size;
  for (const threads of [false, true]) {
    const seen: [number, number | undefined][] = [];
    await passFile(gz, new CapturePass(), { threads, onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.length).toBeGreaterThan(0);
    for (const [done, total] of seen) {
      expect(total).toBe(size);
      expect(done).toBeLessThanOrEqual(size);
    }
    expect(seen[seen.length - 1][0]).toBe(size);
  }
});
