/**
 * @module correlate/ledger
 * A per-packet ledger of the packets to and from the services, so two vantage points can be
 * compared packet for packet: what passed one and not the next, and the clock offset between
 * them. Bounded: beyond `maxPackets` it stops recording and says so.
 */
import type { PacketRecord } from '../capture/record';
import { DecodeStatus } from '../decode/segment';
import type { Flow } from '../flow/flow';
import type { FlowTable } from '../flow/table';
import type { PacketObserver } from '../pass';

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Columns of recorded packets. */
export interface LedgerColumns {
  /** 53-bit identity of the packet (addresses, ports, seq, ack, flags, length, window). */
  key: Float64Array;
  /** Float epoch seconds. */
  time: Float64Array;
  /** 1 when sent toward the service (client → server), 0 when from it. */
  toService: Uint8Array;
  length: number;
  truncated: boolean;
}

export class PacketLedger implements PacketObserver {
  private key = new Float64Array(4096);
  private time = new Float64Array(4096);
  private dir = new Uint8Array(4096);
  private n = 0;
  truncated = false;

  constructor(private readonly wanted: (f: Flow) => boolean, private readonly maxPackets = 5_000_000) {}

  packet(rec: PacketRecord, status: DecodeStatus, table: FlowTable): void {
    if (status !== DecodeStatus.Tcp) return;
    const f = table.lastFlow;
    if (f === null || !this.wanted(f)) return;
    if (this.n >= this.maxPackets) {
      this.truncated = true;
      return;
    }
    const s = table.segment!;
    let h1 = mix(s.src0 ^ mix(s.dst0 ^ mix(s.srcPort * 65536 + s.dstPort)));
    if (s.ipVersion === 6) h1 = mix(h1 ^ mix(s.src1 ^ mix(s.src2 ^ mix(s.src3 ^ mix(s.dst1 ^ mix(s.dst2 ^ s.dst3))))));
    const h2 = mix(s.seq ^ mix(s.ack ^ mix((s.flags << 16) ^ s.payloadLen ^ mix(s.window))));
    if (this.n === this.key.length) this.grow();
    this.key[this.n] = h1 * 2097152 + (h2 >>> 11);
    this.time[this.n] = rec.tsSec + rec.tsFrac / rec.tsRes;
    this.dir[this.n] = table.lastIsOrig ? 1 : 0;
    this.n++;
  }

  private grow(): void {
    const k = new Float64Array(this.key.length * 2); k.set(this.key); this.key = k;
    const t = new Float64Array(this.time.length * 2); t.set(this.time); this.time = t;
    const d = new Uint8Array(this.dir.length * 2); d.set(this.dir); this.dir = d;
  }

  columns(): LedgerColumns {
    return { key: this.key.slice(0, this.n), time: this.time.slice(0, this.n), toService: this.dir.slice(0, this.n), length: this.n, truncated: this.truncated };
  }
}

export interface VantageComparison {
  upstream: string;
  downstream: string;
  /** Packets toward the services seen upstream / of them missing downstream. */
  toService: number;
  missingDownstream: number;
  /** Packets from the services seen downstream / of them missing upstream. */
  fromService: number;
  missingUpstream: number;
  /** Missing packets per timeline bin (either direction). */
  missingPerBin: Map<number, number>;
  seenPerBin: Map<number, number>;
  /** Clock offset downstream − upstream (median of matched packets), seconds; MAD; matches. */
  offset: number | null;
  offsetMad: number | null;
  matched: number;
  window: [number, number] | null;
}

/**
 * Compares two ledgers over the time both captures ran (minus a margin).
 * `binOf` maps a time on the upstream clock to a timeline bin.
 */
export function compareVantages(up: LedgerColumns, down: LedgerColumns, names: [string, string], binOf: (t: number) => number, margin = 1): VantageComparison {
  const res: VantageComparison = {
    upstream: names[0], downstream: names[1], toService: 0, missingDownstream: 0, fromService: 0, missingUpstream: 0,
    missingPerBin: new Map(), seenPerBin: new Map(), offset: null, offsetMad: null, matched: 0, window: null,
  };
  if (up.length === 0 || down.length === 0) return res;
  const minT = (c: LedgerColumns) => { let m = Infinity; for (let i = 0; i < c.length; i++) if (c.time[i] < m) m = c.time[i]; return m; };
  const maxT = (c: LedgerColumns) => { let m = -Infinity; for (let i = 0; i < c.length; i++) if (c.time[i] > m) m = c.time[i]; return m; };
  // First pass: estimate the offset from packets seen on both sides (keys in both).
  const downFirst = new Map<number, number>();
  for (let i = 0; i < down.length; i++) if (!downFirst.has(down.key[i])) downFirst.set(down.key[i], down.time[i]);
  const diffs: number[] = [];
  for (let i = 0; i < up.length && diffs.length < 200000; i++) {
    const t = downFirst.get(up.key[i]);
    if (t !== undefined) diffs.push(t - up.time[i]);
  }
  let offset = 0;
  if (diffs.length > 0) {
    diffs.sort((a, b) => a - b);
    offset = diffs[diffs.length >> 1];
    const dev = diffs.map((d) => Math.abs(d - offset)).sort((a, b) => a - b);
    res.offset = offset;
    res.offsetMad = 1.4826 * dev[dev.length >> 1];
    res.matched = diffs.length;
  }
  // Compare within the overlap, on the upstream clock.
  const lo = Math.max(minT(up), minT(down) - offset) + margin;
  const hi = Math.min(maxT(up), maxT(down) - offset) - margin;
  if (!(hi > lo)) return res;
  res.window = [lo, hi];
  const count = (c: LedgerColumns, dir: number, shift: number) => {
    const m = new Map<number, number>();
    for (let i = 0; i < c.length; i++) if (c.toService[i] === dir) m.set(c.key[i], (m.get(c.key[i]) ?? 0) + 1);
    void shift;
    return m;
  };
  const add = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
  const downTo = count(down, 1, 0);
  for (let i = 0; i < up.length; i++) {
    if (up.toService[i] !== 1 || up.time[i] < lo || up.time[i] > hi) continue;
    res.toService++;
    const bin = binOf(up.time[i]);
    add(res.seenPerBin, bin);
    const c = downTo.get(up.key[i]);
    if (c) downTo.set(up.key[i], c - 1);
    else {
      res.missingDownstream++;
      add(res.missingPerBin, bin);
    }
  }
  const upFrom = count(up, 0, 0);
  for (let i = 0; i < down.length; i++) {
    const t = down.time[i] - offset;
    if (down.toService[i] !== 0 || t < lo || t > hi) continue;
    res.fromService++;
    const bin = binOf(t);
    add(res.seenPerBin, bin);
    const c = upFrom.get(down.key[i]);
    if (c) upFrom.set(down.key[i], c - 1);
    else {
      res.missingUpstream++;
      add(res.missingPerBin, bin);
    }
  }
  return res;
}


/**
 * A vantage comparison's clock offset as the document's `clocks` gives it: seconds to add to the
 * downstream capture's times, to the microsecond (the comparison measures downstream − upstream,
 * hence the sign), so evidence and the Clocks table show one number.
 */
export function clockOffsetSeconds(downMinusUp: number | null): number {
  return downMinusUp === null ? 0 : Math.round(-downMinusUp * 1e6) / 1e6 + 0;
}
