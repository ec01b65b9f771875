/**
 * A scan on two threads hands finished connections to a third thread (partial/flowrows): the flow
 * table's thread copies each record into a shared ring, the other encodes the rows. The flows
 * file must be the one a single thread writes, byte for byte, whatever crosses the ring: more
 * connections than the ring holds (it wraps, the writer waits), IPv6 addresses (words kept apart
 * from the record), and histories longer than a record holds (their tails in a spill area that
 * fills and forces a slot out early). A capture built here has all three; lab and public captures
 * check the same on real traffic.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanToPartial } from '../../lib/partial/partial';
import { FlowRowsThreaded, SLOT_RECORDS, SLOTS, SPILL_BYTES } from '../../lib/partial/flowrows';
import { COPIED_RECORD_BYTES, Flow, FlowRecordCopies } from '../../lib/flow/flow';
import { readParquetColumns } from '../../lib/report/parquetreader';
import { compiledScript } from '../../lib/scripts';
import { pcapHeader, pcapRecord } from '../helpers/pcap';
import { REPO, corpusPath, describeCorpus } from '../helpers/corpus';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-flowrows-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SYN = 0x02, RST = 0x04, ACK = 0x10, FIN = 0x01;

/** An Ethernet frame with IPv4 or IPv6 and TCP, no payload. */
function frame(v6: boolean, src: number, dst: number, sport: number, dport: number, seq: number, ack: number, flags: number): Buffer {
  const ipLen = v6 ? 40 : 20;
  const b = Buffer.alloc(14 + ipLen + 20);
  b.writeUInt16BE(v6 ? 0x86dd : 0x0800, 12);
  const ip = 14;
  if (v6) {
    b[ip] = 0x60;
    b.writeUInt16BE(20, ip + 4);
    b[ip + 6] = 6;
    b[ip + 7] = 64;
    b.writeUInt32BE(0x20010db8, ip + 8);
    b.writeUInt32BE(src >>> 0, ip + 20);
    b.writeUInt32BE(0x20010db8, ip + 24);
    b.writeUInt32BE(dst >>> 0, ip + 36);
  } else {
    b[ip] = 0x45;
    b.writeUInt16BE(40, ip + 2);
    b[ip + 8] = 64;
    b[ip + 9] = 6;
    b.writeUInt32BE(src >>> 0, ip + 12);
    b.writeUInt32BE(dst >>> 0, ip + 16);
  }
  const t = ip + ipLen;
  b.writeUInt16BE(sport, t);
  b.writeUInt16BE(dport, t + 2);
  b.writeUInt32BE(seq >>> 0, t + 4);
  b.writeUInt32BE(ack >>> 0, t + 8);
  b[t + 12] = 0x50;
  b[t + 13] = flags;
  b.writeUInt16BE(8192, t + 14);
  return b;
}

const CONNECTIONS = 2 * SLOTS * SLOT_RECORDS + 1234; // the ring wraps twice
/** Connections 3000-3999 reset over and over at new sequence numbers: histories of ~40 letters. */
const longHistory = (i: number) => i >= 3000 && i < 4000;

/** A capture of CONNECTIONS short connections to one server, every seventh over IPv6. */
function buildCapture(file: string): void {
  const parts: Buffer[] = [pcapHeader(1)];
  let usec = 0;
  const put = (b: Buffer) => {
    usec += 20;
    parts.push(pcapRecord(1_764_460_800 + Math.floor(usec / 1e6), usec % 1e6, b));
  };
  for (let i = 0; i < CONNECTIONS; i++) {
    const v6 = i % 7 === 3;
    const c = 0x0a000000 + 2 + (i % 5000), s = 0x0a640001;
    const cp = 10_000 + (i % 50_000), sp = 443;
    const cs = 1000 + i, ss = 900_000 + i;
    put(frame(v6, c, s, cp, sp, cs, 0, SYN));
    put(frame(v6, s, c, sp, cp, ss, cs + 1, SYN | ACK));
    put(frame(v6, c, s, cp, sp, cs + 1, ss + 1, ACK));
    if (longHistory(i)) {
      for (let k = 0; k < 20; k++) {
        put(frame(v6, c, s, cp, sp, cs + 100 + k * 7, 0, RST));
        put(frame(v6, s, c, sp, cp, ss + 100 + k * 7, 0, RST));
      }
    } else {
      put(frame(v6, c, s, cp, sp, cs + 1, ss + 1, FIN | ACK));
      put(frame(v6, s, c, sp, cp, ss + 1, cs + 2, FIN | ACK));
      put(frame(v6, c, s, cp, sp, cs + 2, ss + 2, ACK));
    }
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

/** The part's four files scanned on one thread and on two (+ the rows' thread), compared byte for byte. */
async function sameBothWays(file: string, services: { component: string; host: string; port: number }[], name: string): Promise<string> {
  const job = { files: [file], vantage: 'v', interval: 1, services };
  const one = await scanToPartial({ ...job, out: path.join(tmp, `${name}-one`), threads: false });
  const two = await scanToPartial({ ...job, out: path.join(tmp, `${name}-two`), threads: 'always' });
  expect(two.written.length).toBe(4);
  for (let i = 0; i < 4; i++) expect({ file: two.written[i], same: fs.readFileSync(two.written[i]).equals(fs.readFileSync(one.written[i])) }).toEqual({ file: two.written[i], same: true });
  // no temporary file left behind
  for (const t of ['series', 'flows', 'ledger', 'parts']) expect(fs.readdirSync(path.join(tmp, `${name}-two`, t)).filter((f) => f.startsWith('.'))).toEqual([]);
  return two.written[1];
}

test('the rows thread is there to test (the build made it)', () => {
  expect(compiledScript('partial/flows-worker.js')).not.toBeNull();
});

test('a capture with more connections than the ring holds, IPv6 ones, and histories past the record: the same flows file', async () => {
  const file = path.join(tmp, 'many.pcap');
  buildCapture(file);
  const flows = await sameBothWays(file, [{ component: 'web', host: '10.100.0.1', port: 443 }], 'many');
  const t = readParquetColumns(fs.readFileSync(flows), ['client_ip', 'history']);
  expect(t.rows).toBe(CONNECTIONS);
  // what crossed the ring: IPv6 addresses, and long histories — more of them than one slot's spill area holds
  expect(t.strings.client_ip.filter((a) => a?.includes(':')).length).toBe(Math.floor((CONNECTIONS + 3) / 7));
  const long = t.strings.history.filter((h) => (h?.length ?? 0) > 16);
  expect(long.length).toBe(1000);
  const spilled = long.reduce((n, h) => n + 2 + h!.length - 16, 0); // int32 words in spill areas
  expect(spilled).toBeGreaterThan(SPILL_BYTES / 4);
}, 120_000);

const LAB_FILES = ['stunnel-freeze/firewall.pcap', 'stunnel-freeze/server.pcap', 'network-drop/firewall.pcap'];
test.each(LAB_FILES)('lab capture %s: the same four files', async (rel) => {
  await sameBothWays(path.join(REPO, 'captures', rel), [{ component: 'stunnel', host: '10.0.2.2', port: 443 }], rel.replace(/\W/g, '_'));
}, 60_000);

describeCorpus('public captures (IPv6, several servers)', () => {
  test.each(['zeek__ipv6.pcap', 'zeek__ipv6-http-atomic-frag.pcap', 'tcpdump__resp_1_benchmark.pcap', 'zeek__get-to-ssh-server.pcap'])('%s: the same four files', async (name) => {
    await sameBothWays(corpusPath(name), [], name.replace(/\W/g, '_'));
  }, 60_000);
});

test('a rows thread that fails (its file cannot be made) stops the scan with its error, not a hang', async () => {
  const script = compiledScript('partial/flows-worker.js')!;
  const record = new Flow(new FlowRecordCopies(new ArrayBuffer(COPIED_RECORD_BYTES), 0, 1), 0);
  const missing = path.join(tmp, 'no-such-folder', 'flows', 'x.parquet');
  // more records than the ring holds: the writer waits on a thread that is gone, and must not wait for ever
  const rows = new FlowRowsThreaded(missing, 'v', script);
  expect(() => {
    for (let i = 0; i < (SLOTS + 1) * SLOT_RECORDS; i++) rows.add(record);
  }).toThrow(/no-such-folder.*ENOENT|ENOENT.*no-such-folder/);
  rows.abort();
  // and when it fails after the last record, finishing says so
  const late = new FlowRowsThreaded(missing, 'v', script);
  late.add(record);
  await expect(late.finish()).rejects.toThrow(/ENOENT/);
  late.abort();
}, 30_000);
