/**
 * @module flow/service
 * One service matcher: "connections whose server is host:port", with addresses compared as
 * addresses (parsed once into words), never as text — `10.0.2.02`, `2001:DB8::1` and
 * `2001:db8:0:0::1` name the same hosts as the canonical forms a capture's records print.
 */
import { parseAddress } from './address';
import type { Flow } from './flow';

/** Where a component listens; an empty or absent host matches any server address. */
export interface ServiceAddress {
  host?: string;
  port: number;
}

export class ServiceMatcher {
  private readonly v: number;
  private readonly w: [number, number, number, number];
  /** Canonical texts already compared (a capture's records share few server addresses). */
  private readonly seen = new Map<string, boolean>();

  constructor(readonly service: ServiceAddress) {
    const a = service.host ? parseAddress(service.host) : null;
    if (service.host && !a) throw new TypeError(`not an IPv4 or IPv6 address: "${service.host}"`);
    this.v = a ? a[0] : 0;
    this.w = a ? [a[1], a[2], a[3], a[4]] : [0, 0, 0, 0];
  }

  /** The live flow's server is this service (the hot path: numbers only). */
  readonly flow = (f: Flow): boolean =>
    f.sPort === this.service.port && (this.v === 0 || (f.ipVersion === this.v && f.s0 === this.w[0] && f.s1 === this.w[1] && f.s2 === this.w[2] && f.s3 === this.w[3]));

  /** A record's server endpoint (text address, as records carry it) is this service. */
  endpoint(ip: string, port: number): boolean {
    if (port !== this.service.port) return false;
    if (this.v === 0) return true;
    let hit = this.seen.get(ip);
    if (hit === undefined) {
      const a = parseAddress(ip);
      hit = a !== null && a[0] === this.v && a[1] === this.w[0] && a[2] === this.w[1] && a[3] === this.w[2] && a[4] === this.w[3];
      if (this.seen.size > 4096) this.seen.clear();
      this.seen.set(ip, hit);
    }
    return hit;
  }
}
