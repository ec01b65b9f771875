/**
 * @module flow/endpoints
 * Per address, what its TCP connections carried (`alibi endpoints`; tshark's `-z endpoints,ip`
 * over TCP, and the top-talkers view): packets and wire bytes it sent and received, connections
 * it opened and accepted, resets it sent. Built from finished flow records, so it costs one entry
 * per address, not per packet.
 */
import type { FlowRecord } from './record';

/** One address's totals over its connections (tx: sent by it; rx: sent to it). */
export interface EndpointRow {
  readonly address: string;
  readonly connections: number;
  /** Connections it opened (it sent the SYN) / accepted. */
  readonly asClient: number;
  readonly asServer: number;
  readonly packets: number;
  readonly bytes: number;
  readonly txPackets: number;
  readonly txBytes: number;
  readonly rxPackets: number;
  readonly rxBytes: number;
  readonly resetsSent: number;
}

interface Acc {
  address: string;
  connections: number; asClient: number; asServer: number;
  txPackets: number; txBytes: number; rxPackets: number; rxBytes: number; resetsSent: number;
}

export class EndpointTable {
  private readonly byAddress = new Map<string, Acc>();

  get size(): number {
    return this.byAddress.size;
  }

  private entry(address: string): Acc {
    let a = this.byAddress.get(address);
    if (!a) {
      a = { address, connections: 0, asClient: 0, asServer: 0, txPackets: 0, txBytes: 0, rxPackets: 0, rxBytes: 0, resetsSent: 0 };
      this.byAddress.set(address, a);
    }
    return a;
  }

  /** Adds one connection to both of its ends (once, when both ends are one address). */
  add(r: FlowRecord): void {
    const c = this.entry(r.client.ip);
    c.connections++;
    c.asClient++;
    c.txPackets += r.packets.c2s; c.txBytes += r.bytes.c2s; c.rxPackets += r.packets.s2c; c.rxBytes += r.bytes.s2c;
    c.resetsSent += r.rst.c2s;
    const s = this.entry(r.server.ip);
    if (s !== c) s.connections++;
    s.asServer++;
    s.txPackets += r.packets.s2c; s.txBytes += r.bytes.s2c; s.rxPackets += r.packets.c2s; s.rxBytes += r.bytes.c2s;
    s.resetsSent += r.rst.s2c;
  }

  /** Every address, most bytes first (ties: more packets, then the address). */
  rows(): EndpointRow[] {
    return [...this.byAddress.values()]
      .map((a) => Object.freeze({ ...a, packets: a.txPackets + a.rxPackets, bytes: a.txBytes + a.rxBytes }))
      .sort((x, y) => y.bytes - x.bytes || y.packets - x.packets || (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  }
}
