/**
 * The decoder layer by layer (#21: tests that mirror lib/): byte fixtures for each link type and
 * each header shape the flow table relies on — Ethernet II, 802.1Q and QinQ tags, Linux SLL, raw
 * IPv4, FDDI and IP over InfiniBand (each one file in lib/decode/link/); IPv4 with options, IPv6
 * with an extension header; TCP with options — decoded by
 * PacketDecoder and, in the same test, by tshark from a pcap of the same bytes: the two must agree
 * field for field. Frames that are not TCP, not IP or cut short give their status, not a guess.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PacketDecoder } from '../../lib/decode/decoder';
import { pcapHeader, pcapRecord } from '../helpers/pcap';

const HAVE_TSHARK = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

const be16 = (v: number) => [(v >> 8) & 255, v & 255];
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

function checksum(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

interface Tcp { sport: number; dport: number; seq: number; ack: number; flags: number; win: number; options?: number[]; payload?: number[] }
function tcp(t: Tcp): number[] {
  const opts = t.options ?? [];
  while (opts.length % 4) opts.push(1); // NOP padding
  const hl = 20 + opts.length;
  return [...be16(t.sport), ...be16(t.dport), ...be32(t.seq), ...be32(t.ack), (hl / 4) << 4, t.flags, ...be16(t.win), 0, 0, 0, 0, ...opts, ...(t.payload ?? [])];
}
function ipv4(src: number[], dst: number[], proto: number, body: number[], options: number[] = []): number[] {
  const hl = 20 + options.length;
  const h = [0x40 | (hl / 4), 0, ...be16(hl + body.length), 0x12, 0x34, 0x40, 0, 64, proto, 0, 0, ...src, ...dst, ...options];
  const c = checksum(h);
  h[10] = c >> 8;
  h[11] = c & 255;
  return [...h, ...body];
}
function ipv6(src: number[], dst: number[], next: number, body: number[]): number[] {
  return [0x60, 0, 0, 0, ...be16(body.length), next, 64, ...src, ...dst, ...body];
}
const MAC_A = [2, 0, 0, 0, 0, 1];
const MAC_B = [2, 0, 0, 0, 0, 2];
const eth = (type: number, body: number[]) => [...MAC_B, ...MAC_A, ...be16(type), ...body];
const A4 = [10, 0, 1, 5];
const B4 = [10, 0, 2, 2];
const A6 = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1];
const B6 = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 2];
const SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04, PSH = 0x08;
/** MSS 1460, SACK permitted, timestamps 100/0, window scale 7 (Linux's SYN). */
const SYN_OPTS = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, ...be32(100), ...be32(0), 1, 3, 3, 7];

interface Case {
  name: string;
  linkType: number;
  frame: number[];
  capLen?: number;
  status: number;
  want?: Record<string, number | string>;
}
const CASES: Case[] = [
  {
    name: 'Ethernet II, IPv4, TCP SYN with MSS, SACK-permitted, timestamps and window scale',
    linkType: 1,
    frame: eth(0x0800, ipv4(A4, B4, 6, tcp({ sport: 40000, dport: 443, seq: 1000, ack: 0, flags: SYN, win: 64240, options: [...SYN_OPTS] }))),
    status: 0,
    want: { ipVersion: 4, srcPort: 40000, dstPort: 443, seq: 1000, ack: 0, flags: SYN, window: 64240, payloadLen: 0, mss: 1460, windowScale: 7, tsVal: 100 },
  },
  {
    name: '802.1Q tag, IPv4 with an options word, TCP ACK+PSH with 5 payload bytes',
    linkType: 1,
    frame: eth(0x8100, [0, 42, ...be16(0x0800), ...ipv4(A4, B4, 6, tcp({ sport: 443, dport: 40000, seq: 5000, ack: 1001, flags: ACK | PSH, win: 502, payload: [1, 2, 3, 4, 5] }), [1, 1, 1, 0])]),
    status: 0,
    want: { ipVersion: 4, srcPort: 443, dstPort: 40000, seq: 5000, ack: 1001, flags: ACK | PSH, window: 502, payloadLen: 5 },
  },
  {
    name: 'QinQ (802.1ad over 802.1Q), IPv6 with a hop-by-hop header, TCP FIN+ACK',
    linkType: 1,
    frame: eth(0x88a8, [0, 10, ...be16(0x8100), 0, 20, ...be16(0x86dd), ...ipv6(A6, B6, 0, [6, 0, 1, 4, 0, 0, 0, 0, ...tcp({ sport: 50000, dport: 80, seq: 0xfffffff0, ack: 77, flags: FIN | ACK, win: 1000 })])]),
    status: 0,
    want: { ipVersion: 6, srcPort: 50000, dstPort: 80, seq: 0xfffffff0, ack: 77, flags: FIN | ACK, window: 1000, payloadLen: 0 },
  },
  {
    name: 'Linux cooked (SLL), IPv4, TCP RST',
    linkType: 113,
    frame: [0, 0, 0, 1, 0, 6, ...MAC_A, 0, 0, ...be16(0x0800), ...ipv4(B4, A4, 6, tcp({ sport: 443, dport: 40001, seq: 9, ack: 0, flags: RST, win: 0 }))],
    status: 0,
    want: { ipVersion: 4, srcPort: 443, dstPort: 40001, seq: 9, ack: 0, flags: RST, window: 0, payloadLen: 0 },
  },
  {
    name: 'raw IPv4 (LINKTYPE_IPV4), TCP with 1,000 payload bytes',
    linkType: 228,
    frame: ipv4(A4, B4, 6, tcp({ sport: 1234, dport: 8080, seq: 1, ack: 2, flags: ACK, win: 65535, payload: Array(1000).fill(0x61) })),
    status: 0,
    want: { ipVersion: 4, srcPort: 1234, dstPort: 8080, seq: 1, ack: 2, flags: ACK, window: 65535, payloadLen: 1000 },
  },
  {
    name: 'FDDI (LINKTYPE 10): frame control, MACs, LLC/SNAP, IPv4, TCP SYN+ACK',
    linkType: 10,
    frame: [0x50, ...MAC_B, ...MAC_A, 0xaa, 0xaa, 0x03, 0, 0, 0, ...be16(0x0800), ...ipv4(B4, A4, 6, tcp({ sport: 443, dport: 40000, seq: 7000, ack: 1001, flags: SYN | ACK, win: 65160, options: [2, 4, 0x05, 0xb4] }))],
    status: 0,
    want: { ipVersion: 4, srcPort: 443, dstPort: 40000, seq: 7000, ack: 1001, flags: SYN | ACK, window: 65160, payloadLen: 0, mss: 1460 },
  },
  {
    name: 'IP over InfiniBand (LINKTYPE 242): 40-byte address header, type and reserved, IPv6, TCP with 8 payload bytes',
    linkType: 242,
    frame: [...Array(4).fill(0), ...B6, ...Array(20).fill(0), ...be16(0x86dd), 0, 0, ...ipv6(A6, B6, 6, tcp({ sport: 5000, dport: 4791, seq: 42, ack: 43, flags: ACK | PSH, win: 512, payload: [9, 8, 7, 6, 5, 4, 3, 2] }))],
    status: 0,
    want: { ipVersion: 6, srcPort: 5000, dstPort: 4791, seq: 42, ack: 43, flags: ACK | PSH, window: 512, payloadLen: 8 },
  },
  { name: 'FDDI with plain LLC (no SNAP): not IP', linkType: 10, frame: [0x50, ...MAC_B, ...MAC_A, 0x42, 0x42, 0x03, 0, 0, 0, 0, 0, 0, 0], status: 2 },
  {
    name: 'a snaplen that cuts the TCP header: truncated, not a guessed segment',
    linkType: 1,
    frame: eth(0x0800, ipv4(A4, B4, 6, tcp({ sport: 40000, dport: 443, seq: 1, ack: 0, flags: SYN, win: 1 }))),
    capLen: 14 + 20 + 10,
    status: 3,
  },
  { name: 'UDP over IPv4: not TCP', linkType: 1, frame: eth(0x0800, ipv4(A4, B4, 17, [...be16(53), ...be16(5353), 0, 8, 0, 0])), status: 1 },
  { name: 'ARP: not IP', linkType: 1, frame: eth(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, ...MAC_A, ...A4, 0, 0, 0, 0, 0, 0, ...B4]), status: 2 },
];

function decoded(c: Case) {
  const d = new PacketDecoder();
  const bytes = Uint8Array.from(c.frame);
  const capLen = c.capLen ?? bytes.length;
  const status = d.decode(bytes, 0, capLen, bytes.length, c.linkType, 0);
  const s = d.seg;
  return { status, seg: { ipVersion: s.ipVersion, srcPort: s.srcPort, dstPort: s.dstPort, seq: s.seq >>> 0, ack: s.ack >>> 0, flags: s.flags, window: s.window, payloadLen: s.payloadLen, mss: s.mss, windowScale: s.windowScale, tsVal: s.tsVal } };
}

describe('PacketDecoder on one frame per layer shape', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { status, seg } = decoded(c);
    expect(status).toBe(c.status);
    if (c.want) for (const [k, v] of Object.entries(c.want)) expect([k, (seg as Record<string, unknown>)[k]]).toEqual([k, v]);
  });
});

/** A classic pcap of frames of one link type. */
function pcap(linkType: number, frames: { bytes: number[]; capLen: number }[]): Buffer {
  return Buffer.concat([pcapHeader(linkType, 262144), ...frames.map((f, i) => pcapRecord(1764770000 + i, 0, Uint8Array.from(f.bytes), f.capLen))]);
}

(HAVE_TSHARK ? describe : describe.skip)('the same frames through tshark', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-layers-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const tcpCases = CASES.filter((c) => c.status === 0);
  test.each(tcpCases.map((c) => [c.name, c] as const))('%s: ports, raw seq/ack, flags, window, length and options as tshark reads them', (_name, c) => {
    const f = path.join(tmp, `f${CASES.indexOf(c)}.pcap`);
    fs.writeFileSync(f, pcap(c.linkType, [{ bytes: c.frame, capLen: c.capLen ?? c.frame.length }]));
    const fields = ['ip.version', 'ipv6.version', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.window_size_value', 'tcp.len', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.timestamp.tsval'];
    const out = execFileSync('tshark', ['-n', '-r', f, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((x) => ['-e', x])], { encoding: 'utf8' }).trim().split('|');
    const t = Object.fromEntries(fields.map((k, i) => [k, out[i]]));
    const { seg } = decoded(c);
    const num = (v: string) => (v === '' ? -1 : Number(v));
    expect({
      ipVersion: num(t['ip.version'] || t['ipv6.version']),
      srcPort: num(t['tcp.srcport']),
      dstPort: num(t['tcp.dstport']),
      seq: num(t['tcp.seq_raw']),
      ack: num(t['tcp.ack_raw']),
      flags: Number(t['tcp.flags']),
      window: num(t['tcp.window_size_value']),
      payloadLen: num(t['tcp.len']),
      mss: num(t['tcp.options.mss_val']),
      windowScale: num(t['tcp.options.wscale.shift']),
      tsVal: num(t['tcp.options.timestamp.tsval']),
    }).toEqual(seg);
  });
});
