/**
 * @module watch/recorder
 * The flight recorder: the last packets, in a fixed byte arena and fixed index columns — memory is
 * bounded by `maxBytes` and `maxPackets` whatever the traffic, and packets older than `retain`
 * seconds are let go. When the caps bite before `retain`, the oldest packets go first and
 * `evictedEarly` says how many (a dump then starts later than asked).
 */
import type { PacketRecord } from '../capture/record';
import type { PcapWriter } from './pcapwriter';

export interface RecorderOptions {
  /** Seconds of packets to keep (the `--keep` plus the detection delay). */
  retain: number;
  /** Arena size, bytes (default 128 MiB). */
  maxBytes?: number;
  /** Most packets kept (default 1,000,000). */
  maxPackets?: number;
}

/**
 * A ring of packets.
 *
 * Creation: `new FlightRecorder({ retain: 660 })`. Transformation: `add(rec)`, `expire(now)`.
 * Output: `dump(writer, fromTime)`, `count`, `bytesUsed`, `oldest`.
 * @example
 * const fr = new FlightRecorder({ retain: 600, maxBytes: 64 << 20 });
 * fr.add(rec);
 * fr.dump(PcapWriter.create('incident.pcap', 1), t0 - 600) //=> 12345 packets written
 */
export class FlightRecorder {
  readonly retain: number;
  readonly maxBytes: number;
  readonly maxPackets: number;
  private readonly arena: Buffer;
  private readonly sec: Float64Array;
  private readonly usec: Uint32Array;
  private readonly off: Uint32Array;
  private readonly len: Uint32Array;
  private readonly orig: Uint32Array;
  /** Ring of packet slots: `head` oldest, `n` used. */
  private head = 0;
  private n = 0;
  /** Arena: the next write position; bytes [tail of oldest, write) are in use (circularly). */
  private wpos = 0;
  /** Packets dropped by the byte or count caps before `retain` seconds passed. */
  evictedEarly = 0;

  constructor(opts: RecorderOptions) {
    this.retain = opts.retain;
    this.maxBytes = Math.max(1 << 16, opts.maxBytes ?? 128 << 20);
    this.maxPackets = Math.max(16, opts.maxPackets ?? 1_000_000);
    this.arena = Buffer.allocUnsafe(this.maxBytes);
    this.sec = new Float64Array(this.maxPackets);
    this.usec = new Uint32Array(this.maxPackets);
    this.off = new Uint32Array(this.maxPackets);
    this.len = new Uint32Array(this.maxPackets);
    this.orig = new Uint32Array(this.maxPackets);
  }

  get count(): number { return this.n; }
  /** Time of the oldest packet kept (float seconds), or null. */
  get oldest(): number | null { return this.n ? this.sec[this.head] + this.usec[this.head] / 1e6 : null; }
  /** Arena bytes between the oldest packet and the write position. */
  get bytesUsed(): number {
    if (!this.n) return 0;
    const start = this.off[this.head];
    return this.wpos > start ? this.wpos - start : this.maxBytes - start + this.wpos;
  }

  /** Copies one packet in (evicting by count and bytes first). */
  add(rec: PacketRecord): void {
    const len = Math.min(rec.capLen, this.maxBytes >> 1);
    if (this.n === this.maxPackets) this.dropOldest(true);
    let at = this.wpos;
    if (at + len > this.maxBytes) at = 0; // wrap: the record stays contiguous
    // Evict every kept packet whose bytes overlap [at, at + len) (or are skipped by the wrap).
    while (this.n > 0 && this.overlaps(this.off[this.head], this.len[this.head], at, len)) this.dropOldest(true);
    this.arena.set(rec.bytes.subarray(rec.offset, rec.offset + len), at);
    const slot = (this.head + this.n) % this.maxPackets;
    const usec = rec.tsRes === 1e6 ? rec.tsFrac : Math.floor(rec.tsNs / 1000);
    this.sec[slot] = rec.tsSec;
    this.usec[slot] = usec;
    this.off[slot] = at;
    this.len[slot] = len;
    this.orig[slot] = rec.origLen;
    this.n++;
    this.wpos = at + len;
  }

  /** Do the oldest packet's bytes [o, o+l) meet the region a write at `at` claims? */
  private overlaps(o: number, l: number, at: number, len: number): boolean {
    const meets = (x: number, y: number) => o < y && o + l > x;
    // Wrapping abandons [wpos, end) as well as claiming [0, len).
    if (at !== this.wpos) return meets(this.wpos, this.maxBytes) || meets(0, len);
    return meets(at, at + len);
  }

  private dropOldest(early: boolean): void {
    this.head = (this.head + 1) % this.maxPackets;
    this.n--;
    if (early) this.evictedEarly++;
  }

  /** Lets go of the packets older than `now - retain`. */
  expire(now: number): void {
    const limit = now - this.retain;
    while (this.n > 0 && this.sec[this.head] + this.usec[this.head] / 1e6 < limit) this.dropOldest(false);
  }

  /** Writes the kept packets from `from` (float seconds) on, oldest first; returns how many. */
  dump(w: PcapWriter, from: number): number {
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      const s = (this.head + i) % this.maxPackets;
      if (this.sec[s] + this.usec[s] / 1e6 < from) continue;
      w.write(this.sec[s], this.usec[s], this.arena, this.len[s], this.orig[s], this.off[s]);
      k++;
    }
    return k;
  }
}
