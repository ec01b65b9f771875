/**
 * @module metrics/ledger
 * A per-packet ledger of the packets to and from the services, so two vantage points can be
 * compared packet for packet (correlate/ledger): what passed one and not the next, and the clock
 * offset between them. Bounded by sampling, not by stopping: past `maxPackets` it keeps the
 * packets whose digest falls in a shrinking range (half, a quarter…), so a day of capture is
 * compared over the whole day. The digest is the packet's own, so two vantages that kept
 * different ranges compare over the smaller one — the same packets on both sides (correlate/ledger).
 */
import type { PacketRecord } from '../capture/record';
import { ArgumentError } from '../errors';
import type { Flow } from '../flow/flow';
import type { PacketEvent, PacketObserver } from '../flow/observer';

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
  /** Kept: the packets whose `key % SAMPLE_SPACE` is below this (SAMPLE_SPACE: every packet). */
  keepBelow: number;
}

/** The range of the digest's low bits that sampling cuts: kept when `key % SAMPLE_SPACE < keepBelow`. */
export const SAMPLE_SPACE = 1 << 20;

/** `key % SAMPLE_SPACE` without fmod (exact: SAMPLE_SPACE is a power of two, key below 2^53). */
function sampleBits(key: number): number {
  return key - Math.floor(key / SAMPLE_SPACE) * SAMPLE_SPACE;
}

/** A ledger's columns restricted to the packets kept below `keepBelow` (a smaller range than its own). */
export function sampledLedger(l: LedgerColumns, keepBelow: number): LedgerColumns {
  if (keepBelow >= l.keepBelow) return l;
  const key = new Float64Array(l.length), time = new Float64Array(l.length), toService = new Uint8Array(l.length);
  let n = 0;
  for (let i = 0; i < l.length; i++) {
    if (sampleBits(l.key[i]) >= keepBelow) continue;
    key[n] = l.key[i];
    time[n] = l.time[i];
    toService[n++] = l.toService[i];
  }
  return { key: key.slice(0, n), time: time.slice(0, n), toService: toService.slice(0, n), length: n, keepBelow };
}

/** Bounds up to this are allocated whole at the start (17 bytes a row, committed as written). */
const PREALLOCATE = 1 << 23;

export class PacketLedger implements PacketObserver {
  private key: Float64Array;
  private time: Float64Array;
  private dir: Uint8Array;
  private n = 0;
  /** `columns({ release: true })` let the arrays go. */
  private released = false;
  keepBelow = SAMPLE_SPACE;

  /**
   * `rowsHint`: at most how many packets the capture holds (pipeline/scan: from its files' sizes),
   * when known; the ledger starts that large, within its bound, and grows past it if needed.
   */
  constructor(private readonly wanted: (f: Flow) => boolean, private readonly maxPackets = 5_000_000, rowsHint = 65536) {
    // Sized for the capture at once: a day's ledger is never copied while it grows (a doubling
    // ledger spent 0.6 s of a day's scan copying and faulting in pages), and the pages are taken
    // from the system only as rows are written. Not simply sized for the bound: 85 MB that V8
    // counts as allocated made it collect garbage for each small capture's ledger (2.4 s of
    // the generated runs' evaluation in constructors, 7 s in the collector).
    const cap = maxPackets <= PREALLOCATE ? Math.max(1, Math.min(maxPackets, Math.ceil(rowsHint))) : 4096;
    this.key = new Float64Array(cap);
    this.time = new Float64Array(cap);
    this.dir = new Uint8Array(cap);
  }

  packet(rec: PacketRecord, ev: PacketEvent): void {
    const f = ev.flow;
    if (f === null || !this.wanted(f)) return;
    this.record(rec, ev);
  }

  /**
   * `packet` for a TCP segment the caller has already found wanted (a scan that knows each
   * connection's service from its first packet: pipeline/scan's routing).
   * @internal
   */
  record(rec: PacketRecord, ev: PacketEvent): void {
    if (this.released) throw new ArgumentError('ledger recorded after its columns were taken with release');
    const s = ev.segment!;
    const h2 = mix(s.seq ^ mix(s.ack ^ mix((s.flags << 16) ^ s.payloadLen ^ mix(s.window))));
    // key % SAMPLE_SPACE is (h2 >>> 11) % SAMPLE_SPACE: outside the kept range, nothing to record
    if (((h2 >>> 11) & (SAMPLE_SPACE - 1)) >= this.keepBelow) return;
    let h1 = mix(s.src0 ^ mix(s.dst0 ^ mix(s.srcPort * 65536 + s.dstPort)));
    if (s.ipVersion === 6) h1 = mix(h1 ^ mix(s.src1 ^ mix(s.src2 ^ mix(s.src3 ^ mix(s.dst1 ^ mix(s.dst2 ^ s.dst3))))));
    if (this.n >= this.maxPackets) {
      this.halve();
      if (((h2 >>> 11) & (SAMPLE_SPACE - 1)) >= this.keepBelow) return;
    }
    if (this.n === this.key.length) this.grow();
    this.key[this.n] = h1 * 2097152 + (h2 >>> 11);
    this.time[this.n] = rec.tsSec + rec.tsFrac / rec.tsRes;
    this.dir[this.n] = ev.fromClient ? 1 : 0;
    this.n++;
  }

  /** Full: keep the lower half of the range, in place. */
  private halve(): void {
    this.keepBelow >>= 1;
    let n = 0;
    for (let i = 0; i < this.n; i++) {
      if (sampleBits(this.key[i]) >= this.keepBelow) continue;
      this.key[n] = this.key[i];
      this.time[n] = this.time[i];
      this.dir[n++] = this.dir[i];
    }
    this.n = n;
  }

  private grow(): void {
    // Never past maxPackets: doubling 4096 up to 5 M would otherwise hold 8.4 M rows (134 MB).
    const n = Math.max(this.n + 1, Math.min(this.key.length * 2, this.maxPackets));
    const k = new Float64Array(n); k.set(this.key); this.key = k;
    const t = new Float64Array(n); t.set(this.time); this.time = t;
    const d = new Uint8Array(n); d.set(this.dir); this.dir = d;
  }

  /**
   * The recorded packets. `release`: the ledger is done; its columns are views of its own arrays
   * (no second 85 MB copy at 5 M packets), which it lets go of.
   */
  columns(opts: { release?: boolean } = {}): LedgerColumns {
    if (this.released) throw new ArgumentError('ledger columns taken again after release');
    const n = this.n;
    if (!opts.release) return { key: this.key.slice(0, n), time: this.time.slice(0, n), toService: this.dir.slice(0, n), length: n, keepBelow: this.keepBelow };
    const out = { key: this.key.subarray(0, n), time: this.time.subarray(0, n), toService: this.dir.subarray(0, n), length: n, keepBelow: this.keepBelow };
    this.key = new Float64Array(0);
    this.time = new Float64Array(0);
    this.dir = new Uint8Array(0);
    this.n = 0;
    this.released = true;
    return out;
  }
}
