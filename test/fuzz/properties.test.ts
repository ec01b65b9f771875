/**
 * Property tests (fast-check) for the decoders and the flow state machine.
 */
import fc from 'fast-check';
import { PacketDecoder } from '../../lib/decode/decoder';
import { DecodeStatus } from '../../lib/decode/segment';
import { CaptureReader } from '../../lib/capture/reader';
import { CapturePass } from '../../lib/pipeline/pass';
import { connState, EndpointState } from '../../lib/flow/state';
import type { FlowRecord } from '../../lib/flow/record';

const CONN_STATES = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'];
const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276];
const STATUSES = [DecodeStatus.Tcp, DecodeStatus.NotTcp, DecodeStatus.NotIp, DecodeStatus.Truncated, DecodeStatus.Malformed, DecodeStatus.Unsupported];

interface Seg { v6: boolean; src: number; dst: number; sport: number; dport: number; seq: number; ack: number; flags: number; win: number; payload: number }

/** An Ethernet frame carrying IPv4 or IPv6 and TCP with `payload` zero bytes. */
function frame(s: Seg): Buffer {
  const ipLen = s.v6 ? 40 : 20;
  const b = Buffer.alloc(14 + ipLen + 20 + s.payload);
  b.writeUInt16BE(s.v6 ? 0x86dd : 0x0800, 12);
  const ip = 14;
  if (s.v6) {
    b[ip] = 0x60;
    b.writeUInt16BE(20 + s.payload, ip + 4);
    b[ip + 6] = 6;
    b[ip + 7] = 64;
    b.writeUInt32BE(0x20010db8, ip + 8);
    b.writeUInt32BE(s.src >>> 0, ip + 20);
    b.writeUInt32BE(0x20010db8, ip + 24);
    b.writeUInt32BE(s.dst >>> 0, ip + 36);
  } else {
    b[ip] = 0x45;
    b.writeUInt16BE(20 + 20 + s.payload, ip + 2);
    b[ip + 8] = 64;
    b[ip + 9] = 6;
    b.writeUInt32BE(s.src >>> 0, ip + 12);
    b.writeUInt32BE(s.dst >>> 0, ip + 16);
  }
  const t = ip + ipLen;
  b.writeUInt16BE(s.sport, t);
  b.writeUInt16BE(s.dport, t + 2);
  b.writeUInt32BE(s.seq >>> 0, t + 4);
  b.writeUInt32BE(s.ack >>> 0, t + 8);
  b[t + 12] = 0x50;
  b[t + 13] = s.flags;
  b.writeUInt16BE(s.win, t + 14);
  return b;
}

const segArb = fc.record({
  v6: fc.boolean(),
  src: fc.integer({ min: 1, max: 0xffffffff }),
  dst: fc.integer({ min: 1, max: 0xffffffff }),
  sport: fc.integer({ min: 0, max: 65535 }),
  dport: fc.integer({ min: 0, max: 65535 }),
  seq: fc.integer({ min: 0, max: 0xffffffff }),
  ack: fc.integer({ min: 0, max: 0xffffffff }),
  flags: fc.integer({ min: 0, max: 255 }),
  win: fc.integer({ min: 0, max: 65535 }),
  payload: fc.integer({ min: 0, max: 1500 }),
});

describe('decoder properties', () => {
  it('never throws on random bytes, for every link type, and returns a known status', () => {
    const d = new PacketDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...LINK_TYPES, 1, 1, 65535), fc.integer({ min: 0, max: 300 }), (bytes, lt, extra) => {
        const st = d.decode(bytes, 0, bytes.length, bytes.length + extra, lt, 0);
        expect(STATUSES).toContain(st);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on random bytes behind a valid Ethernet/IP header (deeper paths: options, ext headers, tunnels, fragments)', () => {
    const d = new PacketDecoder();
    fc.assert(
      fc.property(segArb, fc.uint8Array({ minLength: 1, maxLength: 120 }), fc.integer({ min: 14, max: 80 }), (s, junk, at) => {
        const b = frame(s);
        const o = Math.min(at, b.length - 1);
        b.set(junk.subarray(0, b.length - o), o);
        const st = d.decode(b, 0, b.length, b.length, 1, 0);
        expect(STATUSES).toContain(st);
      }),
      { numRuns: 5000 },
    );
  });

  it('decodes what was encoded, and the result is the same with garbage appended beyond the IP length', () => {
    const d = new PacketDecoder();
    fc.assert(
      fc.property(segArb, fc.uint8Array({ maxLength: 64 }), (s, junk) => {
        const b = frame(s);
        expect(d.decode(b, 0, b.length, b.length, 1, 0)).toBe(DecodeStatus.Tcp);
        const seg = d.seg;
        const got = [seg.ipVersion, seg.srcPort, seg.dstPort, seg.seq, seg.ack, seg.flags, seg.window, seg.payloadLen, seg.src0 >>> 0 === (s.v6 ? 0x20010db8 : s.src >>> 0)];
        expect(got).toEqual([s.v6 ? 6 : 4, s.sport, s.dport, s.seq >>> 0, s.ack >>> 0, s.flags, s.win, s.payload, true]);
        const padded = Buffer.concat([b, junk]);
        expect(d.decode(padded, 0, padded.length, padded.length, 1, 1)).toBe(DecodeStatus.Tcp);
        expect([d.seg.ipVersion, d.seg.srcPort, d.seg.dstPort, d.seg.seq, d.seg.ack, d.seg.flags, d.seg.window, d.seg.payloadLen, d.seg.src0 >>> 0 === (s.v6 ? 0x20010db8 : s.src >>> 0)]).toEqual(got);
      }),
      { numRuns: 1000 },
    );
  });

  it('a frame cut anywhere is Tcp (with its header) or Truncated, never anything else', () => {
    const d = new PacketDecoder();
    fc.assert(
      fc.property(segArb, fc.nat(), (s, cut) => {
        const b = frame(s);
        const cap = cut % (b.length + 1);
        const st = d.decode(b, 0, cap, b.length, 1, 0);
        const headerEnd = 14 + (s.v6 ? 40 : 20) + 20;
        if (cap >= headerEnd) expect(st).toBe(DecodeStatus.Tcp);
        else expect([DecodeStatus.Truncated, DecodeStatus.Tcp]).toContain(st);
      }),
      { numRuns: 3000 },
    );
  });
});

/** A pcap (Ethernet) of the segments, one per 10 ms. */
function pcap(segs: Seg[]): Uint8Array {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20);
  parts.push(h);
  segs.forEach((s, i) => {
    const f = frame(s);
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000 + Math.floor(i / 100), 0);
    r.writeUInt32LE((i % 100) * 10000, 4);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    parts.push(r, f);
  });
  return new Uint8Array(Buffer.concat(parts));
}

function flows(bytes: Uint8Array, opts = {}): { flows: FlowRecord[]; packets: number; tcp: number } {
  const pass = new CapturePass(opts);
  const r = new CaptureReader(bytes);
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  const res = pass.finish(r, null);
  return { flows: res.flows, packets: res.packets, tcp: res.tcpPackets };
}

const FLAG_CHOICES = [0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x00, 0x19, 0x06, 0x03];
/** A conversation between two endpoints A and B (and sometimes a second client port). */
const convArb = fc.record({
  a: fc.integer({ min: 1, max: 0xfffffff0 }),
  b: fc.integer({ min: 1, max: 0xfffffff0 }),
  aport: fc.integer({ min: 1024, max: 65535 }),
  bport: fc.integer({ min: 1, max: 1023 }),
  v6: fc.boolean(),
  steps: fc.array(fc.record({ fromA: fc.boolean(), flags: fc.constantFrom(...FLAG_CHOICES), payload: fc.constantFrom(0, 0, 1, 100), otherPort: fc.boolean() }), { minLength: 1, maxLength: 30 }),
}).filter((c) => c.a !== c.b);

type Conv = { a: number; b: number; aport: number; bport: number; v6: boolean; steps: { fromA: boolean; flags: number; payload: number; otherPort: boolean }[] };

function conversation(c: Conv, swap = false): Seg[] {
  let seqA = 1000, seqB = 5000;
  const [ipA, ipB] = swap ? [c.b, c.a] : [c.a, c.b];
  return c.steps.map((st) => {
    const ap = st.otherPort ? c.aport ^ 1 : c.aport;
    const s: Seg = st.fromA
      ? { v6: c.v6, src: ipA, dst: ipB, sport: ap, dport: c.bport, seq: seqA, ack: seqB, flags: st.flags, win: 1000, payload: st.payload }
      : { v6: c.v6, src: ipB, dst: ipA, sport: c.bport, dport: ap, seq: seqB, ack: seqA, flags: st.flags, win: 1000, payload: st.payload };
    if (st.fromA) seqA += st.payload + (st.flags & 0x03 ? 1 : 0);
    else seqB += st.payload + (st.flags & 0x03 ? 1 : 0);
    return s;
  });
}

describe('flow state machine properties', () => {
  it('connState returns a SPEC code for every pair of endpoint states, sizes and history', () => {
    const states = [EndpointState.INACTIVE, EndpointState.SYN_SENT, EndpointState.SYN_ACK_SENT, EndpointState.PARTIAL, EndpointState.ESTABLISHED, EndpointState.CLOSED, EndpointState.RESET];
    for (const o of states) for (const r of states) for (const h of ['', 'S', 'Sr', '^SR', 'ShADadFf', 'R']) for (const sz of [0, 1]) {
      expect(CONN_STATES).toContain(connState(o, r, sz, 1 - sz, h));
    }
  });

  it('every finished flow has a SPEC state; packets c2s + s2c over all flows = TCP packets fed; history letters are Zeek letters', () => {
    fc.assert(
      fc.property(convArb, fc.constantFrom(300, 0.015), (c, idle) => {
        const segs = conversation(c);
        const r = flows(pcap(segs), { idleTimeout: idle });
        expect(r.tcp).toBe(segs.length);
        let sum = 0;
        for (const f of r.flows) {
          expect(CONN_STATES).toContain(f.state);
          expect(f.history).toMatch(/^\^?[SHADFRCGTWIQshadfrcgtwiq]*$/);
          expect(f.packets.c2s + f.packets.s2c).toBeGreaterThan(0);
          expect(f.endTime).toBeGreaterThanOrEqual(f.startTime);
          sum += f.packets.c2s + f.packets.s2c;
        }
        expect(sum).toBe(segs.length);
      }),
      { numRuns: 200 },
    );
  });

  it('swapping the two addresses mirrors the flows: same ports, states, histories and counts, addresses exchanged', () => {
    fc.assert(
      fc.property(convArb, (c) => {
        const x = flows(pcap(conversation(c))).flows;
        const y = flows(pcap(conversation(c, true))).flows;
        const view = (f: FlowRecord) => [f.client.port, f.server.port, f.state, f.history, f.packets, f.bytes, f.syn, f.fin, f.rst];
        expect(y.map(view)).toEqual(x.map(view));
        // Two addresses only: the client's address in the mirror is the server's in the original.
        expect(y.map((f) => [f.client.ip, f.server.ip])).toEqual(x.map((f) => [f.server.ip, f.client.ip]));
      }),
      { numRuns: 100 },
    );
  });

  it('without idle timeouts, records are bounded by the connection starts: at most one per SYN plus one per client port', () => {
    fc.assert(
      fc.property(convArb, (c) => {
        const segs = conversation(c);
        const r = flows(pcap(segs));
        const ports = new Set(segs.map((s) => (s.sport >= 1024 ? s.sport : s.dport)));
        const syns = segs.filter((s) => (s.flags & 0x12) === 0x02).length;
        expect(r.flows.length).toBeLessThanOrEqual(syns + ports.size);
        expect(r.flows.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });
});
