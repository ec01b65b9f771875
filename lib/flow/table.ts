/**
 * @module flow/table
 * The flow table: open addressing over an Int32Array keyed by a symmetric hash of the two
 * endpoints (gopacket's FastHash: sum of per-endpoint hashes), compared on raw address words —
 * no string keys, no allocation per packet. An LRU list by last activity gives O(1) idle
 * eviction and a bounded table (`maxFlows`): the oldest idle flows go first.
 */
import type { TcpSegment } from '../decode/segment';
import { Flow, FlowStore } from './flow';
import { EndpointState } from './state';

export interface FlowTableOptions {
  /** Seconds without a packet after which a connection is finished (default 300). */
  idleTimeout?: number;
  /**
   * Most concurrent connections kept; beyond it the least recently active is finished (default
   * 250,000: ~100 MB of live state at most; 1,000,000 live flows measured 370 MB of heap).
   */
  maxFlows?: number;
}

/** Default `maxFlows`: bounds the live state under a SYN flood or scan (see fuzz/README.md). */
export const DEFAULT_MAX_FLOWS = 250_000;

const SYN = 0x02, ACK = 0x10;

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The symmetric hash of a segment's endpoints: the same both ways (sum, not XOR, as gopacket). */
function segmentHash(seg: TcpSegment): number {
  if (seg.ipVersion === 6) {
    const hs = mix(seg.src0 ^ mix(seg.src1 ^ mix(seg.src2 ^ mix(seg.src3 ^ seg.srcPort))));
    const hd = mix(seg.dst0 ^ mix(seg.dst1 ^ mix(seg.dst2 ^ mix(seg.dst3 ^ seg.dstPort))));
    return (hs + hd) | 0;
  }
  return (mix(seg.src0 ^ mix(seg.srcPort + 0x9e3779b9)) + mix(seg.dst0 ^ mix(seg.dstPort + 0x9e3779b9))) | 0;
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
  /** The records of the live flows. */
  readonly store = new FlowStore();
  /**
   * Open addressing, linear probing: pairs (flow index + 1, hash) in one Int32Array, so a probe
   * compares hashes in the slot's own cache line and touches a flow record only on a hash match.
   * 0 marks an empty slot (a fresh array needs no fill).
   */
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  /** LRU list by last activity (oldest first), as prev/next flow indexes (-1: none). */
  private prevOf: Int32Array;
  private nextOf: Int32Array;
  private head = -1;
  private tail = -1;
  /** Latest capture time seen (float s), in a typed array so that updating it never boxes a double. */
  private readonly clock = new Float64Array([-Infinity]);
  /** The view handed to `onFinish` (reused). */
  private readonly finishing: Flow;
  /** Set by `add`: the flow of the last segment (a reused view), whether it was new, and its direction. */
  lastFlow: Flow | null = null;
  lastIsNew = false;
  lastIsOrig = true;
  /** The last segment accounted (the decoder's reused record), for same-pass observers. */
  segment: TcpSegment | null = null;
  private readonly current: Flow;
  /** The flow of the previous segment (-1: none), checked before hashing. */
  private cached = -1;
  private cachedV4 = false;
  private cachedC0 = 0;
  private cachedS0 = 0;
  private cachedCPort = 0;
  private cachedSPort = 0;

  /**
   * `onFinish` receives a reused view of each finished flow, valid during the call: copy what
   * you keep (`toRecord(f)`).
   */
  constructor(private readonly onFinish: (f: Flow) => void, opts: FlowTableOptions = {}) {
    this.idleTimeout = opts.idleTimeout ?? 300;
    this.maxFlows = opts.maxFlows ?? DEFAULT_MAX_FLOWS;
    this.slots = new Int32Array(2 << 12);
    this.mask = (1 << 12) - 1;
    this.prevOf = new Int32Array(1 << 12);
    this.nextOf = new Int32Array(1 << 12);
    this.finishing = new Flow(this.store);
    this.current = new Flow(this.store);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Accounts one decoded TCP segment at the exact time `sec + frac / res` seconds.
   * Returns the flow it belongs to (also in `lastFlow`): a reused view, valid until the next call.
   */
  add(seg: TcpSegment, wireLen: number, sec: number, frac: number, res: number): Flow {
    // Computed here, not passed in: a double argument (or default parameter) is boxed by V8, a
    // heap number per packet; a local stays in a register.
    const t = sec + frac / res;
    if (t > this.clock[0]) {
      this.clock[0] = t;
      this.expire(t);
    }
    const store = this.store;
    let f = -1;
    let isOrig = true;
    let hash = 0;
    let hashed = false;
    // One-entry cache: consecutive segments of one connection (bulk data, ACK clocking: 40-75%
    // of packets on the benchmark capture) skip hashing and probing.
    const cached = this.cached;
    let m0 = 0;
    if (cached >= 0) {
      if (this.cachedV4 && seg.ipVersion === 4) {
        // The cached flow's IPv4 tuple is kept here as int32 numbers: no call, no record read.
        const sp = seg.srcPort;
        const dp = seg.dstPort;
        const s0 = seg.src0 | 0;
        const d0 = seg.dst0 | 0;
        if (sp === this.cachedCPort && dp === this.cachedSPort && s0 === this.cachedC0 && d0 === this.cachedS0) m0 = 1;
        else if (dp === this.cachedCPort && sp === this.cachedSPort && d0 === this.cachedC0 && s0 === this.cachedS0) m0 = -1;
      } else m0 = store.matches(cached, seg);
    }
    if (m0 !== 0) {
      f = cached;
      isOrig = m0 > 0;
    } else {
      hash = segmentHash(seg);
      hashed = true;
      const slots = this.slots;
      let i = hash & this.mask;
      for (;;) {
        const id1 = slots[i << 1];
        if (id1 === 0) break;
        if (slots[(i << 1) + 1] === hash) {
          const m = store.matches(id1 - 1, seg);
          if (m !== 0) {
            f = id1 - 1;
            isOrig = m > 0;
            break;
          }
        }
        i = (i + 1) & this.mask;
      }
    }
    let isNew = false;
    if (f >= 0 && (seg.flags & (SYN | ACK)) === SYN && store.isClosed(f)) {
      // A new SYN on a closed connection's 5-tuple: a new connection.
      this.finish(f);
      f = -1;
    }
    if (f < 0) {
      // Client: the SYN sender; a SYN-ACK's receiver; with no SYN, the higher (ephemeral) port.
      const syn = (seg.flags & SYN) !== 0;
      const ack = (seg.flags & ACK) !== 0;
      const srcIsClient = syn ? !ack : seg.srcPort > seg.dstPort || (seg.srcPort === seg.dstPort);
      // Sent by the client, also when a host talks to itself on one port (both ends equal).
      isOrig = srcIsClient || (seg.srcPort === seg.dstPort && seg.src0 === seg.dst0 && seg.src1 === seg.dst1 && seg.src2 === seg.dst2 && seg.src3 === seg.dst3);
      if (!hashed) hash = segmentHash(seg);
      store.now[0] = t;
      f = this.create(seg, hash, srcIsClient, isOrig, sec, frac, res);
      isNew = true;
    } else {
      this.touch(f);
      store.stamp(f, sec, frac, res, t);
    }
    store.now[0] = t;
    store.update(f, seg, isOrig, wireLen);
    if (this.cached !== f) {
      this.cached = f;
      this.cachedV4 = seg.ipVersion === 4;
      this.cachedC0 = (isOrig ? seg.src0 : seg.dst0) | 0;
      this.cachedS0 = (isOrig ? seg.dst0 : seg.src0) | 0;
      this.cachedCPort = isOrig ? seg.srcPort : seg.dstPort;
      this.cachedSPort = isOrig ? seg.dstPort : seg.srcPort;
    }
    const view = this.current;
    view.idx = f;
    this.lastFlow = view;
    this.lastIsNew = isNew;
    this.lastIsOrig = isOrig;
    this.segment = seg;
    return view;
  }

  /** A new flow at time `store.now[0]`. */
  private create(seg: TcpSegment, hash: number, srcIsClient: boolean, isOrig: boolean, sec: number, frac: number, res: number): number {
    if (this.count >= this.maxFlows && this.head >= 0) {
      this.evictedForSpace++;
      this.finish(this.head);
    }
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const store = this.store;
    const f = store.alloc();
    store.init(f, this.started++, hash, seg, srcIsClient, isOrig, sec, frac, res);
    if (f >= this.prevOf.length) {
      const n = Math.max(this.prevOf.length * 2, f + 1);
      const p = new Int32Array(n);
      p.set(this.prevOf);
      this.prevOf = p;
      const q = new Int32Array(n);
      q.set(this.nextOf);
      this.nextOf = q;
    }
    let i = hash & this.mask;
    const slots = this.slots;
    while (slots[i << 1] !== 0) i = (i + 1) & this.mask;
    slots[i << 1] = f + 1;
    slots[(i << 1) + 1] = hash;
    this.count++;
    // Append to the LRU tail.
    this.prevOf[f] = this.tail;
    this.nextOf[f] = -1;
    if (this.tail >= 0) this.nextOf[this.tail] = f;
    else this.head = f;
    this.tail = f;
    return f;
  }

  private touch(f: number): void {
    if (this.tail === f) return;
    const prev = this.prevOf;
    const next = this.nextOf;
    // unlink
    const p = prev[f];
    const n = next[f];
    if (p >= 0) next[p] = n;
    else this.head = n;
    prev[n] = p; // f is not the tail, so n exists
    // append
    prev[f] = this.tail;
    next[f] = -1;
    next[this.tail] = f;
    this.tail = f;
  }

  /** Finishes flows idle for longer than the timeout at capture time `now`. */
  private expire(now: number): void {
    const limit = now - this.idleTimeout;
    while (this.head >= 0 && this.store.endT(this.head) < limit) {
      this.evictedIdle++;
      this.finish(this.head);
    }
  }

  /** Removes a flow from the table, hands it to the consumer, and frees its record. */
  private finish(f: number): void {
    // LRU unlink
    const prev = this.prevOf;
    const next = this.nextOf;
    const p = prev[f];
    const n = next[f];
    if (p >= 0) next[p] = n;
    else this.head = n;
    if (n >= 0) prev[n] = p;
    else this.tail = p;
    // Table delete with backward shift (linear probing stays tombstone-free).
    const slots = this.slots;
    const mask = this.mask;
    let i = this.store.hashOf(f) & mask;
    while (slots[i << 1] !== f + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const jid = slots[j << 1];
      if (jid === 0) break;
      const k = slots[(j << 1) + 1] & mask;
      // Move j back to i if its home k is not cyclically in (i, j].
      if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
        slots[i << 1] = jid;
        slots[(i << 1) + 1] = slots[(j << 1) + 1];
        i = j;
      }
    }
    slots[i << 1] = 0;
    slots[(i << 1) + 1] = 0;
    this.count--;
    if (this.cached === f) this.cached = -1;
    const view = this.finishing;
    view.idx = f;
    this.onFinish(view);
    this.store.release(f);
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const slots = (this.slots = new Int32Array(cap * 2));
    const mask = (this.mask = cap - 1);
    for (let k = 0; k < old.length; k += 2) {
      const id1 = old[k];
      if (id1 === 0) continue;
      const h = old[k + 1];
      let i = h & mask;
      while (slots[i << 1] !== 0) i = (i + 1) & mask;
      slots[i << 1] = id1;
      slots[(i << 1) + 1] = h;
    }
  }

  /** Finishes every live flow (end of capture), oldest activity first. */
  flush(): void {
    while (this.head >= 0) this.finish(this.head);
  }

  /** Live flows (for watch / inspection), oldest activity first; each a view valid until the next packet. */
  *live(): IterableIterator<Flow> {
    for (let f = this.head; f >= 0; f = this.nextOf[f]) yield new Flow(this.store, f);
  }
}

export { EndpointState };
