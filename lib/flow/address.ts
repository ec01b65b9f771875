/**
 * @module flow/address
 * Address words to text, as tshark prints them (IPv6 per RFC 5952: lowercase, longest zero run
 * compressed, IPv4-mapped kept in hex as tshark does).
 */

/**
 * Recent IPv4 texts: a capture's connections share few addresses, and one string per address
 * instead of one per record keeps 400 k kept records from holding 800 k copies (time spent in GC).
 */
const v4Text = new Map<number, string>();
const V4_CACHE = 4096;

export function ipv4ToString(w: number): string {
  let s = v4Text.get(w);
  if (s === undefined) {
    s = `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
    if (v4Text.size >= V4_CACHE) v4Text.clear();
    v4Text.set(w, s);
  }
  return s;
}

export function ipv6ToString(w0: number, w1: number, w2: number, w3: number): string {
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

export function addressToString(v: number, w0: number, w1: number, w2: number, w3: number): string {
  return v === 4 ? ipv4ToString(w0) : ipv6ToString(w0, w1, w2, w3);
}

/** Parses an IPv4 or IPv6 text address into [version, w0, w1, w2, w3], or null. */
export function parseAddress(text: string): [number, number, number, number, number] | null {
  const m4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (m4) {
    const o = m4.slice(1).map(Number);
    if (o.some((x) => x > 255)) return null;
    return [4, ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0, 0, 0, 0];
  }
  if (!text.includes(':')) return null;
  const [head, tail] = text.split('::');
  if (text.split('::').length > 2) return null;
  const hp = head ? head.split(':') : [];
  const tp = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  if (tail === undefined && hp.length !== 8) return null;
  const groups = [...hp, ...Array(8 - hp.length - tp.length).fill('0'), ...tp].map((x) => parseInt(x, 16));
  if (groups.length !== 8 || groups.some((x) => !(x >= 0 && x <= 0xffff))) return null;
  const w = [0, 1, 2, 3].map((i) => ((groups[2 * i] << 16) | groups[2 * i + 1]) >>> 0);
  return [6, w[0], w[1], w[2], w[3]];
}

/**
 * `host:port` as people and tools write it: an IPv6 address in brackets, so the port cannot be
 * read as the last group of the address.
 * @example endpoint('2001:db8::1', 443) //=> '[2001:db8::1]:443'
 * @example endpoint('10.0.2.2', 443) //=> '10.0.2.2:443'
 */
export function endpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
