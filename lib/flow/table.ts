/**
 * @module flow/table
 * The flow table: open addressing over an Int32Array keyed by a symmetric hash of the two
 * endpoints (gopacket's FastHash: sum of per-endpoint hashes), compared on raw address words —
 * no string keys, no allocation per packet. An LRU list by last activity gives O(1) idle
 * eviction and a bounded table (`maxFlows`): the oldest idle flows go first.
 */
import type { TcpSegment } from '../decode/segment';
import { Flow } from './flow';
import { EndpointState } from './state';

export interface FlowTableOptions {
  /** Seconds without a packet after which a connection is finished (default 300). */
  idleTimeout?: number;
  /** Most concurrent connections kept; beyond it the least recently active is finished (default 1,000,000). */
  maxFlows?: number;
}

const SYN = 0x02, ACK = 0x10;

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class FlowTable {
  readonly idleTimeout: number;
  readonly maxFlows: number;
  /** Flows finished because the table was full (reported in warnings). */
  evictedForSpace = 0;
  /** Flows finished by the idle timeout. */
  evictedIdle = 0;
  /** Connections started (records emitted so far + live). */
  started = 0;
  private slots: Int32Array;
  private mask: number;
  private flows: (Flow | null)[] = [];
  private free: number[] = [];
  private count = 0;
  private head: Flow | null = null;
  private tail: Flow | null = null;
  private now = -Infinity;
  /** Set by `add`: the flow of the last segment, whether it was new, and its direction. */
  lastFlow: Flow | null = null;
  lastIsNew = false;
  lastIsOrig = true;
  /** The last segment accounted (the decoder's reused record), for same-pass observers. */
  segment: TcpSegment | null = null;

  constructor(private readonly onFinish: (f: Flow) => void, opts: FlowTableOptions = {}) {
    this.idleTimeout = opts.idleTimeout ?? 300;
    this.maxFlows = opts.maxFlows ?? 1_000_000;
    this.slots = new Int32Array(1 << 12).fill(-1);
    this.mask = this.slots.length - 1;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Accounts one decoded TCP segment. `sec/frac/res` is the exact time, `t` the float seconds.
   * Returns the flow it belongs to (also in `lastFlow`).
   */
  add(seg: TcpSegment, wireLen: number, sec: number, frac: number, res: number, t: number): Flow {
    if (t > this.now) {
      this.now = t;
      this.expire(t);
    }
    const v6 = seg.ipVersion === 6;
    const hs = v6 ? mix(seg.src0 ^ mix(seg.src1 ^ mix(seg.src2 ^ mix(seg.src3 ^ seg.srcPort)))) : mix(seg.src0 ^ mix(seg.srcPort + 0x9e3779b9));
    const hd = v6 ? mix(seg.dst0 ^ mix(seg.dst1 ^ mix(seg.dst2 ^ mix(seg.dst3 ^ seg.dstPort)))) : mix(seg.dst0 ^ mix(seg.dstPort + 0x9e3779b9));
    const hash = (hs + hd) | 0;
    let i = hash & this.mask;
    let f: Flow | null = null;
    let isOrig = true;
    for (;;) {
      const id = this.slots[i];
      if (id < 0) break;
      const c = this.flows[id]!;
      if (c.hash === hash && c.ipVersion === seg.ipVersion) {
        if (c.cPort === seg.srcPort && c.sPort === seg.dstPort && c.c0 === seg.src0 && c.s0 === seg.dst0 && (!v6 || (c.c1 === seg.src1 && c.c2 === seg.src2 && c.c3 === seg.src3 && c.s1 === seg.dst1 && c.s2 === seg.dst2 && c.s3 === seg.dst3))) {
          f = c;
          isOrig = true;
          break;
        }
        if (c.cPort === seg.dstPort && c.sPort === seg.srcPort && c.c0 === seg.dst0 && c.s0 === seg.src0 && (!v6 || (c.c1 === seg.dst1 && c.c2 === seg.dst2 && c.c3 === seg.dst3 && c.s1 === seg.src1 && c.s2 === seg.src2 && c.s3 === seg.src3))) {
          f = c;
          isOrig = false;
          break;
        }
      }
      i = (i + 1) & this.mask;
    }
    let isNew = false;
    if (f !== null && f.closed && (seg.flags & (SYN | ACK)) === SYN) {
      // A new SYN on a closed connection's 5-tuple: a new connection.
      this.finish(f);
      f = null;
    }
    if (f === null) {
      f = this.create(seg, hash, sec, frac, res, t);
      isOrig = f.cPort === seg.srcPort && f.c0 === seg.src0 && f.c1 === seg.src1 && f.c2 === seg.src2 && f.c3 === seg.src3;
      if (!isOrig) f.history = '^';
      isNew = true;
    } else {
      this.touch(f);
    }
    if (t >= f.endT) {
      f.endSec = sec;
      f.endFrac = frac;
      f.endRes = res;
      f.endT = t;
    }
    if (t > f.lastT) f.lastT = t;
    f.update(seg, isOrig, wireLen, t);
    this.lastFlow = f;
    this.lastIsNew = isNew;
    this.lastIsOrig = isOrig;
    this.segment = seg;
    return f;
  }

  private create(seg: TcpSegment, hash: number, sec: number, frac: number, res: number, t: number): Flow {
    if (this.count >= this.maxFlows && this.head !== null) {
      this.evictedForSpace++;
      this.finish(this.head);
    }
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const f = new Flow();
    f.id = this.started++;
    f.hash = hash;
    f.ipVersion = seg.ipVersion;
    // Client: the SYN sender; a SYN-ACK's receiver; with no SYN, the higher (ephemeral) port.
    const syn = (seg.flags & SYN) !== 0;
    const ack = (seg.flags & ACK) !== 0;
    const srcIsClient = syn ? !ack : seg.srcPort > seg.dstPort || (seg.srcPort === seg.dstPort);
    if (srcIsClient) {
      f.c0 = seg.src0; f.c1 = seg.src1; f.c2 = seg.src2; f.c3 = seg.src3; f.cPort = seg.srcPort;
      f.s0 = seg.dst0; f.s1 = seg.dst1; f.s2 = seg.dst2; f.s3 = seg.dst3; f.sPort = seg.dstPort;
    } else {
      f.c0 = seg.dst0; f.c1 = seg.dst1; f.c2 = seg.dst2; f.c3 = seg.dst3; f.cPort = seg.dstPort;
      f.s0 = seg.src0; f.s1 = seg.src1; f.s2 = seg.src2; f.s3 = seg.src3; f.sPort = seg.srcPort;
    }
    f.startSec = f.endSec = sec;
    f.startFrac = f.endFrac = frac;
    f.startRes = f.endRes = res;
    f.startT = f.endT = f.lastT = t;
    const id = this.free.length > 0 ? this.free.pop()! : this.flows.length;
    this.flows[id] = f;
    let i = hash & this.mask;
    while (this.slots[i] >= 0) i = (i + 1) & this.mask;
    this.slots[i] = id;
    f.slot = id;
    this.count++;
    // Append to the LRU tail.
    f.prev = this.tail;
    if (this.tail) this.tail.next = f;
    else this.head = f;
    this.tail = f;
    return f;
  }

  private touch(f: Flow): void {
    if (this.tail === f) return;
    // unlink
    if (f.prev) f.prev.next = f.next;
    else this.head = f.next;
    if (f.next) f.next.prev = f.prev;
    // append
    f.prev = this.tail;
    f.next = null;
    this.tail!.next = f;
    this.tail = f;
  }

  /** Finishes flows idle for longer than the timeout at capture time `now`. */
  private expire(now: number): void {
    const limit = now - this.idleTimeout;
    while (this.head !== null && this.head.lastT < limit) {
      this.evictedIdle++;
      this.finish(this.head);
    }
  }

  /** Removes a flow from the table and hands it to the consumer. */
  private finish(f: Flow): void {
    // LRU unlink
    if (f.prev) f.prev.next = f.next;
    else this.head = f.next;
    if (f.next) f.next.prev = f.prev;
    else this.tail = f.prev;
    f.prev = f.next = null;
    // Table delete with backward-shift (linear probing stays tombstone-free).
    const id = f.slot;
    let i = f.hash & this.mask;
    while (this.slots[i] !== id) i = (i + 1) & this.mask;
    let j = i;
    for (;;) {
      j = (j + 1) & this.mask;
      const jid = this.slots[j];
      if (jid < 0) break;
      const k = this.flows[jid]!.hash & this.mask;
      // Move j back to i if its home k is not cyclically in (i, j].
      if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
        this.slots[i] = jid;
        i = j;
      }
    }
    this.slots[i] = -1;
    this.flows[id] = null;
    this.free.push(id);
    this.count--;
    this.onFinish(f);
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let k = 0; k < old.length; k++) {
      const id = old[k];
      if (id < 0) continue;
      let i = this.flows[id]!.hash & this.mask;
      while (this.slots[i] >= 0) i = (i + 1) & this.mask;
      this.slots[i] = id;
    }
  }

  /** Finishes every live flow (end of capture), oldest activity first. */
  flush(): void {
    while (this.head !== null) this.finish(this.head);
  }

  /** Live flows (for watch / inspection), oldest activity first. */
  *live(): IterableIterator<Flow> {
    for (let f = this.head; f !== null; f = f.next) yield f;
  }
}

export { EndpointState };
