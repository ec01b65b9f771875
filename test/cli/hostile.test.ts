/**
 * Hostile text on its way out (#22): a pcapng interface name carrying terminal escapes reaches
 * `alibi info` as visible `\xNN` (it retitled the window and cleared the screen before), and a
 * vantage name that reads as a spreadsheet formula is neutralised in `alibi flows --csv`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { csvCell, flowsCommand } from '../../lib/cli/flows';
import { infoCommand } from '../../lib/cli/info';
import { forTerminal } from '../../lib/report/escape';
import { pcapHeader, pcapngBlock, pcapRecord } from '../helpers/pcap';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(cmd: typeof infoCommand, args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const code = await cmd(args, { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) });
  return { out, err, code };
}

const block = pcapngBlock;
function option(code: number, value: Buffer): Buffer {
  const pad = (4 - (value.length % 4)) % 4;
  const o = Buffer.alloc(4 + value.length + pad);
  o.writeUInt16LE(code, 0);
  o.writeUInt16LE(value.length, 2);
  value.copy(o, 4);
  return o;
}

test('an interface name with OSC and CSI escapes is printed as visible escapes by alibi info', async () => {
  const name = 'eth\u001b]0;PWNED\u0007\u001b[2J\u202egpj.exe';
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const idbHead = Buffer.alloc(8);
  idbHead.writeUInt16LE(1, 0); // Ethernet
  idbHead.writeUInt32LE(65535, 4);
  const idb = Buffer.concat([idbHead, option(2, Buffer.from(name, 'utf8')), option(0, Buffer.alloc(0))]);
  const frame = Buffer.alloc(60);
  const epb = Buffer.alloc(20);
  epb.writeUInt32LE(0, 0);
  epb.writeUInt32LE(0, 4);
  epb.writeUInt32LE(1_000_000, 8);
  epb.writeUInt32LE(60, 12);
  epb.writeUInt32LE(60, 16);
  const f = path.join(tmp, 'evil.pcapng');
  fs.writeFileSync(f, Buffer.concat([block(0x0a0d0d0a, shb), block(1, idb), block(6, Buffer.concat([epb, frame]))]));
  const r = await run(infoCommand, [f]);
  expect(r.code).toBe(0);
  // eslint-disable-next-line no-control-regex
  expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  expect(r.out).toContain('eth\\x1b]0;PWNED\\x07\\x1b[2J\\u{202e}gpj.exe');
});

test('forTerminal leaves printable text alone and escapes every control and bidi override', () => {
  expect(forTerminal('fw.pcap: café ✓')).toBe('fw.pcap: café ✓');
  expect(forTerminal('a\nb\tc\u0085d\u2066e')).toBe('a\\x0ab\\x09c\\x85d\\u{2066}e');
});

test('a vantage that reads as a formula is neutralised in alibi flows --csv; numbers keep their sign', async () => {
  const r = await run(flowsCommand, [path.resolve(__dirname, '../../captures/healthy/server.pcap'), '--csv', '--vantage', '=HYPERLINK("http://x")']);
  expect(r.code).toBe(0);
  const rows = r.out.trim().split('\n').slice(1);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.endsWith(`"'=HYPERLINK(""http://x"")"`)).toBe(true);
  expect([csvCell('+1'), csvCell('-cmd'), csvCell('@SUM(A1)'), csvCell(-1), csvCell('10.0.0.1')]).toEqual(["'+1", "'-cmd", "'@SUM(A1)", '-1', '10.0.0.1']);
});

test('a record whose microseconds field is a second or more is left out with a warning naming it; no time prints as NaN or past a second', async () => {
  const head = pcapHeader(1);
  const rec = (sec: number, usec: number) => pcapRecord(sec, usec, new Uint8Array(60));
  const f = path.join(tmp, 'badfrac.pcap');
  // The middle record's microseconds: 4,293,967,295 (a flipped high bit), as the issue found.
  fs.writeFileSync(f, Buffer.concat([head, rec(1764770000, 100), rec(1764770001, 4293967295), rec(1764770002, 300)]));
  const { CaptureReader } = await import('../../lib/capture/reader');
  const r = new CaptureReader(new Uint8Array(fs.readFileSync(f)), { file: f });
  const got: string[] = [];
  for (let p = r.next(); p !== null; p = r.next()) got.push(`${p.index}:${p.tsSec}.${p.tsFrac}`);
  expect(got).toEqual(['0:1764770000.100', '2:1764770002.300']);
  expect(r.warnings).toHaveLength(1);
  expect(r.warnings[0]).toMatchObject({ code: 'malformed', offset: 24 + 76, packet: 1 });
  expect(r.warnings[0].reason).toMatch(/fraction 4293967295 is not below one second/);
  const info = await run(infoCommand, [f]);
  expect(info.out).toMatch(/packets:\s+2/);
  expect(info.out).not.toMatch(/NaN|\.\d{10}/);
  expect(info.err).toMatch(/offset 100, packet 1: record timestamp fraction/);
});

test('watch --max-memory past what one buffer can hold is a usage error, not an internal error', async () => {
  const { optionsFromFlags } = await import('../../lib/cli/watch');
  const { ArgumentError } = await import('../../lib/errors');
  expect(() => optionsFromFlags({ iface: 'lo', 'max-memory': '99999999999' })).toThrow(ArgumentError);
  expect(() => optionsFromFlags({ iface: 'lo', 'max-memory': '99999999999' })).toThrow(/--max-memory must be between 64KiB and 4GiB/);
  expect(optionsFromFlags({ iface: 'lo', 'max-memory': '256MiB' }).maxBytes).toBe(256 * 2 ** 20);
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeFlood } = require('../../bench/flood.js') as { writeFlood: (file: string, n: number) => void };
const floodFile = path.join(tmp, 'flood.pcap');
const FLOOD = 300_000;

test('flows --csv on a SYN flood streams its rows: 300,000 connections under a 96 MB heap (the records were all kept before)', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  writeFlood(floodFile, FLOOD);
  const cli = path.resolve(__dirname, '../../dist/cli.js');
  const r = spawnSync('bash', ['-c', `set -o pipefail; node --max-old-space-size=96 ${JSON.stringify(cli)} flows --csv ${JSON.stringify(floodFile)} | wc -l`], { encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/heap out of memory/);
  expect([r.status, Number(r.stdout.trim())]).toEqual([0, FLOOD + 1]);
}, 60_000);

test('flows --json, which holds every record (as bytes), stops with a MemoryLimitError (exit 1, what to do) before V8 aborts at its heap limit', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  if (!fs.existsSync(floodFile)) writeFlood(floodFile, FLOOD);
  const cli = path.resolve(__dirname, '../../dist/cli.js');
  // Before: "FATAL ERROR: Reached heap limit", SIGABRT, exit 134.
  const r = spawnSync(process.execPath, ['--max-old-space-size=96', cli, 'flows', '--json', floodFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.stderr).not.toMatch(/heap out of memory/);
  expect(r.stderr.startsWith(`alibi: ${floodFile}: `)).toBe(true);
  expect(r.stderr).toMatch(/: [\d,]+ connections held for the JSON document fill \d+ MiB, past the \d+ MiB allowed \(Node's heap limit\): use --csv, --arrow or --parquet \(streamed: each connection written as it finishes, none held\), or give --top N, or give Node more heap/);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(1);
}, 60_000);

describe('names and file names from the input on their way out of analyze', () => {
  const { alibi } = require('../helpers/cli') as typeof import('../helpers/cli');
  const lab = path.resolve(__dirname, '../../captures/stunnel-freeze');
  // A file name carrying a screen clear and a right-to-left override, and a right-to-left name.
  const evil = path.join(tmp, 'srv\u001b[2J\u202egpj.pcap');
  fs.copyFileSync(path.join(lab, 'server.pcap'), evil);
  const args = ['analyze', '--capture', `${evil}@שרת`, '--log', `${path.join(lab, 'stunnel.log')}@stunnel:America/New_York`, '--service', 'stunnel=10.0.2.2:443'];

  test('the text report shows them as escapes: no raw control or bidi character reaches the terminal', () => {
    const r = alibi(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('srv\\x1b[2J\\u{202e}gpj.pcap');
    // eslint-disable-next-line no-control-regex
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  test('the HTML page isolates names in <bdi> and shows bidi overrides as escapes, in markup and chart data', () => {
    const html = path.join(tmp, 'r.html');
    const r = alibi([...args, '--html', html]);
    expect(r.code).toBe(0);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(page).toContain('<bdi>שרת</bdi>');
    expect(page).toMatch(/<bdi>[^<]*srv\x1b\[2J\\u\{202e\}gpj\.pcap<\/bdi>/);
  });
});
