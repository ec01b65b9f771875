/**
 * @module decode/fragments
 * IP fragments, counted as tshark counts them with reassembly on: a fragmented datagram is one
 * TCP packet, attributed at the frame that completes it, with the ports and flags of its first
 * fragment. Pending datagrams are bounded (oldest dropped and counted): hostile input cannot grow it.
 */
import type { TcpSegment } from './segment';

interface Pending {
  /** Bytes received so far (sum of fragment payloads; overlaps ignored). */
  received: number;
  /** Total datagram payload length, known once the last fragment arrived (-1 before). */
  total: number;
  /** The first fragment's transport bytes (copied: the capture buffer is reused). */
  head: Uint8Array | null;
}

export class FragmentTracker {
  private readonly pending = new Map<string, Pending>();
  dropped = 0;
  constructor(readonly maxPending = 4096) {}

  /**
   * Adds a fragment. Returns the reassembled transport header bytes (first fragment's) and the
   * datagram's transport length when this fragment completes the datagram, else null.
   */
  add(seg: TcpSegment, proto: number, id: number, fragOffset: number, more: boolean, bytes: Uint8Array, from: number, capturedEnd: number, len: number): { head: Uint8Array; total: number } | null {
    const key = `${seg.ipVersion}|${seg.src0}|${seg.src1}|${seg.src2}|${seg.src3}|${seg.dst0}|${seg.dst1}|${seg.dst2}|${seg.dst3}|${proto}|${id}`;
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.maxPending) {
        const oldest = this.pending.keys().next().value as string;
        this.pending.delete(oldest);
        this.dropped++;
      }
      p = { received: 0, total: -1, head: null };
      this.pending.set(key, p);
    }
    p.received += len;
    if (fragOffset === 0) p.head = bytes.slice(from, Math.min(capturedEnd, from + 60));
    if (!more) p.total = fragOffset + len;
    if (p.total >= 0 && p.received >= p.total && p.head !== null) {
      this.pending.delete(key);
      return { head: p.head, total: p.total };
    }
    return null;
  }

  /** Datagrams still incomplete (reported as ip_fragment_unmatched at the end). */
  get open(): number {
    return this.pending.size;
  }
}
