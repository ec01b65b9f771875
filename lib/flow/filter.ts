/**
 * @module flow/filter
 * The connection filters of `--port` and `--host` as a flow predicate (the library takes any).
 */
import { ArgumentError } from '../errors';
import { parseAddress } from './address';
import type { Flow } from './flow';
import type { FlowRecord } from './record';

/**
 * A flow predicate from `--port` / `--host` strings (undefined when neither is given).
 * @example new SeriesAccumulator({ interval: 1, filter: flowFilter('443') })
 */
export function flowFilter(port?: string, host?: string): FlowFilter | undefined {
  const preds: ((f: Flow) => boolean)[] = [];
  const core: CoreFilter = { port: -1, version: 0, words: [0, 0, 0, 0] };
  if (port !== undefined) {
    const p = Number(port);
    if (!(Number.isInteger(p) && p >= 0 && p <= 65535)) throw new ArgumentError(`port must be 0-65535, got "${port}"`);
    preds.push((f) => f.cPort === p || f.sPort === p);
    core.port = p;
  }
  if (host !== undefined) {
    const a = parseAddress(host);
    if (!a) throw new ArgumentError(`host must be an IPv4 or IPv6 address, got "${host}"`);
    const [v, w0, w1, w2, w3] = a;
    preds.push((f) => f.ipVersion === v && ((f.c0 === w0 && f.c1 === w1 && f.c2 === w2 && f.c3 === w3) || (f.s0 === w0 && f.s1 === w1 && f.s2 === w2 && f.s3 === w3)));
    core.version = v;
    core.words = [w0, w1, w2, w3];
  }
  if (preds.length === 0) return undefined;
  return Object.assign((f: Flow) => preds.every((p) => p(f)), { core: Object.freeze(core) });
}

/** What a `flowFilter` tests, as numbers, so the flow table's core can apply it itself. */
export interface CoreFilter {
  /** A port at either end (-1: any). */
  port: number;
  /** 4 or 6 with the address words at either end (0: any address). */
  version: number;
  words: [number, number, number, number];
}

/** A flow predicate; `core` says what it tests when it is one of `flowFilter`'s. */
export type FlowFilter = ((f: Flow) => boolean) & { readonly core?: CoreFilter };

/**
 * The same `--port` / `--host` test on finished records (addresses as text, compared as
 * addresses: `10.0.2.02` and `2001:DB8::1` match the records' canonical forms).
 * @example
 * recordFilter('443')?.(rec) //=> true when either end's port is 443
 */
export function recordFilter(port?: string, host?: string): ((r: FlowRecord) => boolean) | undefined {
  const live = flowFilter(port, host);
  if (!live) return undefined;
  const core = live.core!;
  const p = core.port;
  const words = core.words;
  const seen = new Map<string, boolean>();
  const sameHost = (ip: string): boolean => {
    let hit = seen.get(ip);
    if (hit === undefined) {
      const a = parseAddress(ip);
      hit = a !== null && a[0] === core.version && a[1] === words[0] && a[2] === words[1] && a[3] === words[2] && a[4] === words[3];
      if (seen.size > 65_536) seen.clear();
      seen.set(ip, hit);
    }
    return hit;
  };
  return (r) => (p < 0 || r.client.port === p || r.server.port === p) && (core.version === 0 || sameHost(r.client.ip) || sameHost(r.server.ip));
}
