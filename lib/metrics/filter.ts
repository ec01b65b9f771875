/**
 * @module metrics/filter
 * The connection filters of `--port` and `--host` as a flow predicate (the library takes any).
 */
import { ArgumentError } from '../errors';
import { parseAddress } from '../flow/address';
import type { Flow } from '../flow/flow';

/**
 * A flow predicate from `--port` / `--host` strings (undefined when neither is given).
 * @example new SeriesAccumulator({ interval: 1, filter: flowFilter('443') })
 */
export function flowFilter(port?: string, host?: string): ((f: Flow) => boolean) | undefined {
  const preds: ((f: Flow) => boolean)[] = [];
  if (port !== undefined) {
    const p = Number(port);
    if (!(Number.isInteger(p) && p >= 0 && p <= 65535)) throw new ArgumentError(`--port must be 0-65535, got "${port}"`);
    preds.push((f) => f.cPort === p || f.sPort === p);
  }
  if (host !== undefined) {
    const a = parseAddress(host);
    if (!a) throw new ArgumentError(`--host must be an IPv4 or IPv6 address, got "${host}"`);
    const [v, w0, w1, w2, w3] = a;
    preds.push((f) => f.ipVersion === v && ((f.c0 === w0 && f.c1 === w1 && f.c2 === w2 && f.c3 === w3) || (f.s0 === w0 && f.s1 === w1 && f.s2 === w2 && f.s3 === w3)));
  }
  if (preds.length === 0) return undefined;
  return (f) => preds.every((p) => p(f));
}
