/**
 * @module decode/bpf
 * A packet filter in the tcpdump language (#19: `--filter EXPR`), the subset people type: `host`,
 * `net`, `port`, `portrange` (with `src`/`dst`), `proto`, the protocol names (`ip ip6 arp rarp tcp
 * udp sctp icmp icmp6 igmp`), packet fields (`tcp[tcpflags] & tcp-syn != 0`, `ip[6:2]`) compared
 * with arithmetic, and `and`/`or`/`not` with parentheses.
 *
 * The expression is parsed once into a `FilterNode` tree and compiled into a tree of closures (no
 * eval). What a primitive matches is what libpcap 1.10 compiles it to, read from `tcpdump -d`
 * and checked against tcpdump on real and hand-made captures (test/decode/bpf.test.ts):
 *
 * - **Fixed offsets, no walking.** The network layer is where libpcap puts it for the link type
 *   (`off_linkpl`), so an 802.1Q/QinQ-tagged Ethernet frame is not `ip`, `tcp` or `port 80`
 *   (tcpdump needs the `vlan` keyword for those, which is not supported here). IPv6 is read
 *   without walking extension headers: `tcp` is "next header 6, or a fragment header whose next
 *   header is 6"; `port` and `icmp6[…]` need the transport header right after the 40-byte header.
 *   `tcp[…]`, `udp[…]` and friends read IPv4 only, as libpcap does.
 * - **Fragments.** `port`, `portrange` and `tcp[…]` only match an IPv4 datagram's first fragment
 *   (offset 0); `host`, `net`, `tcp` (the protocol field) match every fragment.
 * - **`host` and `net` on IPv4 also match ARP and RARP** sender/target addresses, unless qualified
 *   (`ip host A`).
 * - **A read past the captured bytes rejects the packet**, whatever the rest of the expression:
 *   that is what a BPF program does (`not host A` does not match a frame cut before its
 *   addresses). Loads happen in libpcap's order (a relation's protocol checks first, then its
 *   fields, left to right), so cut frames match as under tcpdump. Two things tcpdump's
 *   optimizer changes are reproduced: masked-out address words are not loaded, and in
 *   `port 80 or 443` / `host A or B` the source field is tried against every value before the
 *   destination field is loaded. Where the optimizer reorders other loads, a frame cut *between*
 *   two compared fields may still differ.
 * - No header is validated (a bad IPv4 header length is used as it is), exactly as BPF.
 * - `and` and `or` have equal precedence and group left to right; `not` binds tightest
 *   (pcap-filter(7)). A bare address or number after `and`/`or` repeats the previous primitive's
 *   qualifiers: `port 80 or 443`, `host 10.0.0.1 and not 10.0.0.2`.
 *
 * Link types: Ethernet (1), FDDI (10), Linux SLL (113) and SLL2 (276), BSD NULL (0) and LOOP
 * (108), raw IP (12, 14, 101), IPv4 (228), IPv6 (229), and IP over InfiniBand (242, which tcpdump
 * cannot filter: read as lib/decode/link/ipoib.ts lays it out). A frame of any other link type
 * never matches. The link decoders of lib/decode/link are not reused on purpose: they follow
 * VLAN tags, MPLS and PPPoE, and a tcpdump filter does not.
 *
 * Left out: host and port names (no DNS or /etc/services lookups), `ether host`, `vlan`, `mpls`,
 * `pppoes`, `gateway`, `broadcast`, `multicast`, and `len`/`less`/`greater` (a PacketFilter sees
 * the captured bytes, not the wire length). They are rejected with a FilterSyntaxError.
 */
import { ArgumentError } from '../errors';
import { LinkType } from '../capture/linktypes';
import { EtherType } from './linklayer';
import { FDDI } from './link/fddi';
import { IPOIB } from './link/ipoib';

/**
 * Whether one captured frame — `bytes[offset .. offset+capLen)` of pcap link type `linkType` —
 * passes. Never throws and never reads outside those bytes; a malformed or cut frame is `false`
 * where tcpdump would drop it.
 */
export type PacketFilter = (linkType: number, bytes: Uint8Array, offset: number, capLen: number) => boolean;

/**
 * An expression `compileFilter` cannot use: bad syntax, an unsupported keyword, or a value
 * tcpdump also refuses (`port 70000`, `net 10.0.0.1/8`). An ArgumentError, so a CLI exits 2.
 * The message reads `filter "port x": expected a port number at character 6`: it counts
 * characters from 1, as an editor's column does; `position` is the same place counted from 0.
 */
export class FilterSyntaxError extends ArgumentError {
  /** The expression as given. */
  readonly expression: string;
  /** 0-based character offset of the token at fault; `expression.length` when it ended too soon. */
  readonly position: number;
  /** What is wrong, without the expression and the position. */
  readonly reason: string;
  constructor(expression: string, position: number, reason: string) {
    const at = position >= expression.length ? 'at the end' : `at character ${position + 1}`;
    super(`filter "${expression}": ${reason} ${at}`);
    this.expression = expression;
    this.position = position;
    this.reason = reason;
  }
  override get code() {
    return 'bad_filter';
  }
}

// ---------------------------------------------------------------------------------------------
// The tree

/** Address and port direction; `src or dst` is the default, as in tcpdump. */
export type Direction = 'src' | 'dst' | 'src or dst' | 'src and dst';
/** Protocol names usable alone (`tcp`) and as qualifiers (`tcp port 80`). */
export type ProtocolName = 'ip' | 'ip6' | 'arp' | 'rarp' | 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmp6' | 'igmp';
/** What `proto[offset:size]` can read: the link header (`ether`), a network or a transport header. */
export type FieldLayer = 'ether' | 'ip' | 'ip6' | 'arp' | 'rarp' | 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmp6' | 'igmp';
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>';

/** A parsed filter. Qualifier shorthand is already expanded (`port 80 or 443` is two `port` nodes). */
export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'protocol'; name: ProtocolName }
  /** `ip proto N`, `ip6 proto N`, `proto N` (family `any`). */
  | { type: 'ipproto'; family: 'ip' | 'ip6' | 'any'; protocol: number }
  /** `host` and `net`: address words (1 for IPv4, 4 for IPv6) and their masks. */
  | { type: 'host'; within: 'ip' | 'ip6' | 'arp' | 'rarp' | 'any'; dir: Direction; net: boolean; words: number[]; mask: number[] }
  /** `port N` is the range N-N. */
  | { type: 'port'; within: 'tcp' | 'udp' | 'sctp' | 'any'; dir: Direction; low: number; high: number; range: boolean }
  | { type: 'compare'; op: CompareOp; left: ArithNode; right: ArithNode };

/** Unsigned 32-bit arithmetic over packet fields, as BPF computes it. */
export type ArithNode =
  | { type: 'number'; value: number }
  | { type: 'field'; layer: FieldLayer; index: ArithNode; size: 1 | 2 | 4 }
  | { type: 'binary'; op: ArithOp; left: ArithNode; right: ArithNode }
  | { type: 'negate'; operand: ArithNode };

// ---------------------------------------------------------------------------------------------
// Tokens

const enum Tok { Word, Num, Ipv4, Ipv6, Punct, End }

interface Token {
  kind: Tok;
  text: string;
  pos: number;
  /** Num: the value. */
  value: number;
  /** Written `\name`: never a keyword. */
  escaped: boolean;
}

/** Named numbers of pcap-filter(7) (the scanner turns them into numbers). */
const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['tcpflags', 13], ['tcp-fin', 0x01], ['tcp-syn', 0x02], ['tcp-rst', 0x04], ['tcp-push', 0x08],
  ['tcp-ack', 0x10], ['tcp-urg', 0x20], ['tcp-ece', 0x40], ['tcp-cwr', 0x80],
  ['icmptype', 0], ['icmpcode', 1], ['icmp-echoreply', 0], ['icmp-unreach', 3], ['icmp-sourcequench', 4],
  ['icmp-redirect', 5], ['icmp-echo', 8], ['icmp-routeradvert', 9], ['icmp-routersolicit', 10],
  ['icmp-timxceed', 11], ['icmp-paramprob', 12], ['icmp-tstamp', 13], ['icmp-tstampreply', 14],
  ['icmp-ireq', 15], ['icmp-ireqreply', 16], ['icmp-maskreq', 17], ['icmp-maskreply', 18],
  ['icmp6type', 0], ['icmp6code', 1], ['icmp6-destinationunreach', 1], ['icmp6-packettoobig', 2],
  ['icmp6-timeexceeded', 3], ['icmp6-parameterproblem', 4], ['icmp6-echo', 128], ['icmp6-echoreply', 129],
  ['icmp6-routersolicit', 133], ['icmp6-routeradvert', 134], ['icmp6-neighborsolicit', 135],
  ['icmp6-neighboradvert', 136], ['icmp6-redirect', 137],
]);

/** `ip proto \name` (tcpdump asks /etc/protocols; these are the numbers every system agrees on). */
const IP_PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ['icmp', 1], ['igmp', 2], ['tcp', 6], ['udp', 17], ['ipv6', 41], ['gre', 47], ['esp', 50], ['ah', 51],
  ['icmp6', 58], ['ipv6-icmp', 58], ['ospf', 89], ['pim', 103], ['vrrp', 112], ['sctp', 132],
]);

const PROTOCOL_NAMES: ReadonlySet<string> = new Set<ProtocolName>(['ip', 'ip6', 'arp', 'rarp', 'tcp', 'udp', 'sctp', 'icmp', 'icmp6', 'igmp']);
/** Names with a `[offset:size]` field: the protocols and `ether` (`link` is its alias). */
const FIELD_NAMES: ReadonlySet<string> = new Set([...PROTOCOL_NAMES, 'ether', 'link']);
const KEYWORDS: ReadonlySet<string> = new Set([
  ...FIELD_NAMES, 'and', 'or', 'not', 'host', 'net', 'mask', 'port', 'portrange', 'src', 'dst', 'proto',
]);
/** tcpdump keywords this filter does not implement: named in the error rather than "syntax error". */
const UNSUPPORTED: ReadonlySet<string> = new Set([
  'len', 'less', 'greater', 'vlan', 'mpls', 'pppoed', 'pppoes', 'geneve', 'vxlan', 'gateway', 'broadcast',
  'multicast', 'protochain', 'inbound', 'outbound', 'ifindex', 'llc', 'byte', 'ah', 'esp', 'pim', 'vrrp',
  'carp', 'igrp', 'atalk', 'aarp', 'decnet', 'lat', 'sca', 'moprc', 'mopdl', 'iso', 'esis', 'clnp', 'isis',
  'stp', 'ipx', 'netbeui', 'radio', 'batadv', 'type', 'subtype', 'dir', 'addr1', 'addr2', 'addr3', 'addr4',
  'ra', 'ta', 'ip6multicast',
]);

/** Longest first: `&&` before `&`, `!=` before `!`. */
const PUNCT = ['&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '(', ')', '[', ']', ':', '!', '=', '<', '>', '&', '|', '+', '-', '*', '/', '%', '^'];

const WORD = /[A-Za-z0-9_](?:[-_.A-Za-z0-9]*[._A-Za-z0-9])?/y;
/** An IPv6 address candidate (hex digits, colons, an IPv4 tail); needs two colons to be one. */
const V6ISH = /[0-9A-Fa-f:][0-9A-Fa-f:.]*/y;
const ESCAPED = /\\([^\s!()]+)/y;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (pos: number, reason: string): never => {
    throw new FilterSyntaxError(src, pos, reason);
  };
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    V6ISH.lastIndex = i;
    const v6 = V6ISH.exec(src);
    if (v6 && v6[0].split(':').length > 2) {
      out.push({ kind: Tok.Ipv6, text: v6[0], pos: i, value: 0, escaped: false });
      i += v6[0].length;
      continue;
    }
    WORD.lastIndex = i;
    const w = WORD.exec(src);
    if (w) {
      out.push(classifyWord(w[0], i, fail));
      i += w[0].length;
      continue;
    }
    ESCAPED.lastIndex = i;
    const e = ESCAPED.exec(src);
    if (e) {
      out.push({ kind: Tok.Word, text: e[1], pos: i, value: 0, escaped: true });
      i += e[0].length;
      continue;
    }
    const p = PUNCT.find((s) => src.startsWith(s, i));
    if (p === undefined) fail(i, `unexpected character "${src[i]}"`);
    out.push({ kind: Tok.Punct, text: p!, pos: i, value: 0, escaped: false });
    i += p!.length;
  }
  out.push({ kind: Tok.End, text: '', pos: src.length, value: 0, escaped: false });
  return out;
}

/** A word is a number (decimal, 0x hex, 0 octal — as the pcap scanner), a dotted IPv4 address or a name. */
function classifyWord(text: string, pos: number, fail: (pos: number, reason: string) => never): Token {
  const tok: Token = { kind: Tok.Word, text, pos, value: 0, escaped: false };
  const named = CONSTANTS.get(text);
  if (named !== undefined) {
    tok.kind = Tok.Num;
    tok.value = named;
  } else if (/^(?:0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) {
    let v: number;
    if (/^0[xX]/.test(text)) v = parseInt(text.slice(2), 16);
    else if (text.length > 1 && text[0] === '0') {
      if (/[89]/.test(text)) fail(pos, `number ${text} contains a non-octal digit (a leading 0 means octal)`);
      v = parseInt(text, 8);
    } else v = parseInt(text, 10);
    if (v > 0xffffffff) fail(pos, `number ${text} does not fit in 32 bits`);
    tok.kind = Tok.Num;
    tok.value = v;
  } else if (/^\d+(?:\.\d+){1,3}$/.test(text) && text.split('.').every((o) => Number(o) <= 255)) {
    tok.kind = Tok.Ipv4;
  }
  return tok;
}

// ---------------------------------------------------------------------------------------------
// Addresses (lib/flow has a parser, but decode sits below flow)

/** `a.b.c.d` (1 to 4 parts, each ≤ 255): the value of the parts given and how many bits they are. */
function dotted(text: string): { value: number; bits: number } {
  const parts = text.split('.').map(Number);
  let v = 0;
  for (const p of parts) v = v * 256 + p;
  return { value: v, bits: parts.length * 8 };
}

/** IPv6 text (with `::` and an optional IPv4 tail) to four 32-bit words, or null. */
export function parseIpv6(text: string): number[] | null {
  let s = text;
  let tail: number[] | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    const v4 = s.slice(lastColon + 1);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return null;
    tail = v4.split('.').map(Number);
    if (tail.some((o) => o > 255)) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (all.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  const g = all.map((x) => parseInt(x, 16));
  if (tail) {
    g[6] = (tail[0] << 8) | tail[1];
    g[7] = (tail[2] << 8) | tail[3];
  }
  return [0, 1, 2, 3].map((i) => ((g[2 * i] << 16) | g[2 * i + 1]) >>> 0);
}

/** The mask of a prefix length, as 32-bit words. */
function prefixMask(bits: number, words: number): number[] {
  const m: number[] = [];
  for (let i = 0; i < words; i++) {
    const b = Math.max(0, Math.min(32, bits - 32 * i));
    m.push(b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Parser: recursive descent over libpcap's grammar (grammar.y), the qualifier shorthand included

type AddrQual = 'default' | 'host' | 'net' | 'port' | 'portrange' | 'proto';
/** The qualifiers a bare address or number after `and`/`or` repeats (libpcap's `$<blk>0.q`). */
interface Qual {
  proto: ProtocolName | 'any';
  dir: Direction;
  addr: AddrQual;
  /** Where the primitive that set them starts (for errors about the qualifiers). */
  pos: number;
}
/** A node and the qualifiers it leaves for the shorthand; null after `tcp` or a comparison. */
interface Parsed {
  node: FilterNode;
  q: Qual | null;
}

const RELOPS: ReadonlySet<string> = new Set(['=', '==', '!=', '<', '<=', '>', '>=']);
/**
 * Binding powers [left, right], after grammar.y's `%left '|'`, `'&'`, `LSH RSH`, `'+' '-'`,
 * `'*' '/'`. `%` and `^` have no precedence there, so bison shifts on them: they take everything
 * to their right (`5 % 2 + 1` is `5 % 3`) and bind tighter than anything to their left.
 */
const BINDING: Readonly<Record<ArithOp, readonly [number, number]>> = {
  '|': [1, 1], '&': [2, 2], '<<': [3, 3], '>>': [3, 3], '+': [4, 4], '-': [4, 4], '*': [5, 5], '/': [5, 5],
  '%': [10, 0], '^': [10, 0],
};
/** Unary minus binds tighter than every left-associative operator. */
const NEGATE_BINDING = 6;

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Token[],
  ) {}

  parse(): FilterNode | null {
    if (this.peek().kind === Tok.End) return null;
    const { node } = this.expr();
    const t = this.peek();
    if (t.kind !== Tok.End) throw this.fail(t, t.text === ')' ? 'unmatched ")"' : 'expected "and", "or" or the end of the expression');
    return node;
  }

  // --- helpers ----------------------------------------------------------------------------------

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }
  private at(k: number): Token {
    return this.toks[Math.min(k, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  private fail(t: Token | number, reason: string): FilterSyntaxError {
    return new FilterSyntaxError(this.src, typeof t === 'number' ? t : t.pos, reason);
  }
  private expect(text: string, what = `"${text}"`): Token {
    const t = this.peek();
    if (t.kind !== Tok.Punct || t.text !== text) throw this.fail(t, `expected ${what}`);
    return this.next();
  }
  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === Tok.Word && !t.escaped && words.includes(t.text);
  }
  private isPunct(t: Token, ...ps: string[]): boolean {
    return t.kind === Tok.Punct && ps.includes(t.text);
  }
  private isAnd(t: Token): boolean {
    return this.isWord(t, 'and') || this.isPunct(t, '&&');
  }
  private isOr(t: Token): boolean {
    return this.isWord(t, 'or') || this.isPunct(t, '||');
  }
  private isNot(t: Token): boolean {
    return this.isWord(t, 'not') || this.isPunct(t, '!');
  }
  /** An arithmetic operator or a comparison: what makes a number or `(…)` arithmetic. */
  private isArithFollow(t: Token): boolean {
    return t.kind === Tok.Punct && (RELOPS.has(t.text) || t.text in BINDING);
  }
  /** Index of the `)` closing the `(` at index k, or -1. */
  private closing(k: number): number {
    let depth = 0;
    for (let j = k; j < this.toks.length; j++) {
      const t = this.toks[j];
      if (this.isPunct(t, '(')) depth++;
      else if (this.isPunct(t, ')') && --depth === 0) return j;
    }
    return -1;
  }
  /** Whether the token at k starts a bare id (an address or number repeating qualifiers). */
  private idStartsAt(k: number): boolean {
    const t = this.at(k);
    if (t.kind === Tok.Ipv4 || t.kind === Tok.Ipv6) return true;
    if (t.kind === Tok.Num) return !this.isArithFollow(this.at(k + 1));
    if (t.kind === Tok.Word) return t.escaped || (!KEYWORDS.has(t.text) && !UNSUPPORTED.has(t.text));
    if (this.isNot(t) || this.isPunct(t, '(')) return this.idStartsAt(k + 1);
    return false;
  }

  // --- boolean level ------------------------------------------------------------------------------

  /** expr: term ((and|or) (term|id))* — equal precedence, left to right. */
  private expr(): Parsed {
    let left = this.term(null);
    for (;;) {
      const t = this.peek();
      const op = this.isAnd(t) ? 'and' : this.isOr(t) ? 'or' : null;
      if (op === null) return left;
      this.next();
      const right = this.term(left.q);
      left = { node: { type: op, left: left.node, right: right.node }, q: right.q };
    }
  }

  /** A term; where `q` is set (after `and`/`or`), a bare id using it is one too. */
  private term(q: Qual | null): Parsed {
    const t = this.peek();
    if (this.isNot(t)) {
      this.next();
      const inner = this.term(q);
      return { node: { type: 'not', operand: inner.node }, q: inner.q };
    }
    if (this.isPunct(t, '(')) {
      // `(tcp[13] & 3) = 1` is arithmetic, `(tcp or udp)` is not: the token after the ")" says.
      const close = this.closing(this.i);
      if (close >= 0 && this.isArithFollow(this.at(close + 1))) return this.relation();
      this.next();
      if (q !== null && this.idStartsAt(this.i)) {
        const inner = this.idList(q);
        this.expect(')');
        return inner;
      }
      const inner = this.expr();
      this.expect(')', '")" or "and"/"or"');
      // grammar.y `paren expr ')'`: what follows repeats the qualifiers from before the "(".
      return { node: inner.node, q };
    }
    if (t.kind === Tok.Word && !t.escaped) {
      if (UNSUPPORTED.has(t.text)) throw this.unsupported(t);
      if (FIELD_NAMES.has(t.text) && this.isPunct(this.peek(1), '[')) return this.relation();
      if (PROTOCOL_NAMES.has(t.text)) {
        const after = this.peek(1);
        if (!this.isWord(after, 'src', 'dst', 'host', 'net', 'port', 'portrange', 'proto')) {
          this.next();
          return { node: { type: 'protocol', name: t.text as ProtocolName }, q: null };
        }
        return this.head();
      }
      if (this.isWord(t, 'src', 'dst', 'host', 'net', 'port', 'portrange', 'proto')) return this.head();
      if (this.isWord(t, 'ether', 'link')) throw this.fail(t, `"${t.text}" is only supported as ${t.text}[offset:size] (no ether host/proto)`);
    }
    if (t.kind === Tok.Word && !t.escaped && KEYWORDS.has(t.text)) throw this.fail(t, `expected a primitive (host, net, port, a protocol, a comparison…), not "${t.text}"`);
    if (t.kind === Tok.Num) {
      if (q !== null && !this.isArithFollow(this.peek(1))) return this.id(q);
      if (q === null && !this.isArithFollow(this.peek(1))) {
        throw this.fail(t, `a bare number needs a qualifier such as "port ${t.text}" (nothing before it to repeat)`);
      }
      return this.relation();
    }
    if (this.isPunct(t, '-')) return this.relation();
    if (t.kind === Tok.Ipv4 || t.kind === Tok.Ipv6 || t.kind === Tok.Word) {
      if (q !== null) return this.id(q);
      throw this.fail(t, `a bare address needs a qualifier such as "host ${t.text}" (nothing before it to repeat)`);
    }
    if (t.kind === Tok.End) throw this.fail(t, 'expected a primitive (host, net, port, a protocol, a comparison…)');
    throw this.fail(t, `expected a primitive (host, net, port, a protocol, a comparison…), not "${t.text}"`);
  }

  private unsupported(t: Token): FilterSyntaxError {
    const why = ['len', 'less', 'greater'].includes(t.text) ? ' (a filter sees the captured bytes, not the wire length)' : '';
    return this.fail(t, `"${t.text}" is not supported by this filter${why}`);
  }

  /** head id: `[proto] [src|dst|src or dst|src and dst] [host|net|port|portrange]` or `[proto] proto`. */
  private head(): Parsed {
    const start = this.peek();
    let proto: Qual['proto'] = 'any';
    if (PROTOCOL_NAMES.has(start.text) && start.kind === Tok.Word) proto = this.next().text as ProtocolName;
    let dir: Direction = 'src or dst';
    let sawDir = false;
    const d = this.peek();
    if (this.isWord(d, 'src', 'dst')) {
      this.next();
      sawDir = true;
      dir = d.text as 'src' | 'dst';
      const other = d.text === 'src' ? 'dst' : 'src';
      const join = this.peek();
      if ((this.isAnd(join) || this.isOr(join)) && this.isWord(this.peek(1), other)) {
        this.next();
        this.next();
        dir = this.isAnd(join) ? 'src and dst' : 'src or dst';
      }
    }
    let addr: AddrQual = 'default';
    const a = this.peek();
    if (this.isWord(a, 'host', 'net', 'port', 'portrange')) {
      this.next();
      addr = a.text as AddrQual;
    } else if (!sawDir && this.isWord(a, 'proto')) {
      this.next();
      addr = 'proto';
    } else if (!sawDir) {
      throw this.fail(a, 'expected host, net, port, portrange or proto');
    }
    const q: Qual = { proto, dir, addr, pos: start.pos };
    return this.id(q);
  }

  /** grammar.y `pid`: ids joined by and/or, all with the same qualifiers (`host (a or b)`). */
  private idList(q: Qual): Parsed {
    let left = this.id(q);
    for (;;) {
      const t = this.peek();
      const op = this.isAnd(t) ? 'and' : this.isOr(t) ? 'or' : null;
      if (op === null) return left;
      this.next();
      const right = this.id(q);
      left = { node: { type: op, left: left.node, right: right.node }, q };
    }
  }

  /** grammar.y `id`: `not id`, `(ids)`, or an address/number/name with the qualifiers `q`. */
  private id(q: Qual): Parsed {
    const t = this.peek();
    if (this.isNot(t)) {
      this.next();
      return { node: { type: 'not', operand: this.id(q).node }, q };
    }
    if (this.isPunct(t, '(')) {
      this.next();
      const inner = this.idList(q);
      this.expect(')');
      return inner;
    }
    return { node: this.primitive(q), q };
  }

  /** The address, number or name at the cursor, under the qualifiers `q`. */
  private primitive(q: Qual): FilterNode {
    const t = this.next();
    if (t.kind === Tok.Word && !t.escaped && (KEYWORDS.has(t.text) || UNSUPPORTED.has(t.text))) {
      const what = q.addr === 'proto' ? 'a protocol number' : q.addr === 'port' ? 'a port number' : q.addr === 'portrange' ? 'a port range' : 'an address';
      throw this.fail(t, `expected ${what}, not "${t.text}"`);
    }
    switch (q.addr) {
      case 'proto':
        return this.protoNumber(q, t);
      case 'port':
      case 'portrange':
        return this.port(q, t);
      default:
        return this.address(q, t);
    }
  }

  private protoNumber(q: Qual, t: Token): FilterNode {
    if (q.proto !== 'any' && q.proto !== 'ip' && q.proto !== 'ip6') throw this.fail(q.pos, `"${q.proto} proto" is not supported (only ip proto, ip6 proto, proto)`);
    let n: number | undefined;
    if (t.kind === Tok.Num) n = t.value;
    else if (t.kind === Tok.Word) {
      n = IP_PROTOCOLS.get(t.text);
      if (n === undefined) throw this.fail(t, `unknown protocol "${t.text}"`);
    } else throw this.fail(t, t.kind === Tok.End ? 'expected a protocol number' : `expected a protocol number, not "${t.text}"`);
    return { type: 'ipproto', family: q.proto, protocol: n };
  }

  private port(q: Qual, t: Token): FilterNode {
    const range = q.addr === 'portrange';
    const word = range ? 'portrange' : 'port';
    if (q.proto !== 'any' && q.proto !== 'tcp' && q.proto !== 'udp' && q.proto !== 'sctp') {
      throw this.fail(q.pos, `illegal qualifier of '${word}': "${q.proto}" (use tcp, udp or sctp)`);
    }
    let low: number;
    let high: number;
    if (t.kind === Tok.Num) {
      low = high = t.value;
    } else if (range && t.kind === Tok.Word && /^\d+-\d+$/.test(t.text)) {
      [low, high] = t.text.split('-').map(Number);
      if (low > high) [low, high] = [high, low];
    } else if (t.kind === Tok.Ipv4 || t.kind === Tok.Ipv6) {
      throw this.fail(t, `'${word}' applied to an IP address`);
    } else {
      throw this.fail(t, range ? 'expected a port range such as 1024-65535' : 'expected a port number');
    }
    if (high > 65535) throw this.fail(t, `illegal port number ${high} > 65535`);
    return { type: 'port', within: q.proto as 'tcp' | 'udp' | 'sctp' | 'any', dir: q.dir, low, high, range };
  }

  /** host/net/default with an IPv4 or IPv6 address, `/len`, `mask M`, or a number. */
  private address(q: Qual, t: Token): FilterNode {
    const net = q.addr === 'net';
    const what = net ? 'net' : 'host';
    if (t.kind === Tok.Ipv6) {
      const words = parseIpv6(t.text);
      if (words === null) {
        const mac = /^([0-9A-Fa-f]{1,2}:){5}[0-9A-Fa-f]{1,2}$/.test(t.text);
        throw this.fail(t, `"${t.text}" is not an IPv6 address${mac ? ' (MAC addresses are not supported)' : ''}`);
      }
      let bits = 128;
      if (this.isPunct(this.peek(), '/')) {
        this.next();
        bits = this.prefixLength(128);
      }
      const mask = prefixMask(bits, 4);
      if (words.some((w, i) => (w & ~mask[i]) !== 0)) throw this.fail(t, `non-network bits set in "${t.text}/${bits}"`);
      if (!net && bits !== 128) throw this.fail(t, 'mask syntax for networks only (use "net")');
      if (q.proto !== 'any' && q.proto !== 'ip6') throw this.fail(q.pos, `'${q.proto}' modifier applied to ip6 ${what}`);
      return { type: 'host', within: q.proto, dir: q.dir, net, words, mask };
    }
    let value: number;
    let mask: number;
    if (t.kind === Tok.Ipv4) {
      const { value: v, bits } = dotted(t.text);
      // libpcap's "promote short ipaddr": `host 10.1` is 10.1.0.0 with mask 255.255.0.0.
      value = bits === 32 ? v : (v * 2 ** (32 - bits)) >>> 0;
      mask = prefixMask(bits, 1)[0];
      const m = this.peek();
      if (this.isPunct(m, '/')) {
        this.next();
        mask = prefixMask(this.prefixLength(32), 1)[0];
        if (((value & ~mask) >>> 0) !== 0) throw this.fail(t, `non-network bits set in "${t.text}/${this.at(this.i - 1).text}"`);
        if (!net) throw this.fail(t, 'mask syntax for networks only (use "net")');
      } else if (this.isWord(m, 'mask')) {
        this.next();
        const mt = this.next();
        if (mt.kind !== Tok.Ipv4) throw this.fail(mt, 'expected a dotted netmask such as 255.255.0.0');
        const mm = dotted(mt.text);
        mask = mm.bits === 32 ? mm.value : (mm.value * 2 ** (32 - mm.bits)) >>> 0;
        if (((value & ~mask) >>> 0) !== 0) throw this.fail(t, `non-network bits set in "${t.text} mask ${mt.text}"`);
        if (!net) throw this.fail(t, 'mask syntax for networks only (use "net")');
      }
    } else if (t.kind === Tok.Num) {
      value = t.value;
      mask = 0xffffffff;
      if (net) {
        // "promote short net number": `net 10` is 10.0.0.0/8.
        while (value !== 0 && (value & 0xff000000) === 0) {
          value = (value << 8) >>> 0;
          mask = (mask << 8) >>> 0;
        }
      }
    } else if (t.kind === Tok.Word) {
      throw this.fail(t, `"${t.text}" is not an address (host names are not looked up: give an IPv4 or IPv6 address)`);
    } else {
      throw this.fail(t, t.kind === Tok.End ? 'expected an address' : `expected an address, not "${t.text}"`);
    }
    if (q.proto === 'ip6') throw this.fail(q.pos, `'ip6' modifier applied to ip ${what}`);
    if (q.proto !== 'any' && q.proto !== 'ip' && q.proto !== 'arp' && q.proto !== 'rarp') {
      throw this.fail(q.pos, `'${q.proto}' modifier applied to ${what}`);
    }
    return { type: 'host', within: q.proto, dir: q.dir, net, words: [value], mask: [mask] };
  }

  private prefixLength(max: number): number {
    const t = this.next();
    if (t.kind !== Tok.Num) throw this.fail(t, 'expected a prefix length after "/"');
    if (t.value > max) throw this.fail(t, `mask length must be <= ${max}`);
    return t.value;
  }

  // --- arithmetic -----------------------------------------------------------------------------------

  /** arth relop arth */
  private relation(): Parsed {
    const left = this.arith(0);
    const t = this.peek();
    if (t.kind !== Tok.Punct || !RELOPS.has(t.text)) throw this.fail(t, 'expected a comparison (=, !=, <, <=, >, >=)');
    this.next();
    const right = this.arith(0);
    const op = (t.text === '==' ? '=' : t.text) as CompareOp;
    return { node: { type: 'compare', op, left, right }, q: null };
  }

  /** Precedence climbing with BINDING. */
  private arith(minBinding: number): ArithNode {
    let left = this.operand();
    for (;;) {
      const t = this.peek();
      if (t.kind !== Tok.Punct || !(t.text in BINDING)) return left;
      const op = t.text as ArithOp;
      const [lbp, rbp] = BINDING[op];
      if (lbp <= minBinding) return left;
      this.next();
      const rhs = this.peek();
      const right = this.arith(rbp);
      // As gen_arth: a literal 0 divisor or a literal shift over 31 is refused at compile time.
      if (right.type === 'number') {
        if ((op === '/' || op === '%') && right.value === 0) throw this.fail(rhs, op === '/' ? 'division by zero' : 'modulus by zero');
        if ((op === '<<' || op === '>>') && right.value > 31) throw this.fail(rhs, 'shift by more than 31 bits');
      }
      left = { type: 'binary', op, left, right };
    }
  }

  private operand(): ArithNode {
    const t = this.next();
    if (t.kind === Tok.Num) return { type: 'number', value: t.value };
    if (this.isPunct(t, '-')) return { type: 'negate', operand: this.arith(NEGATE_BINDING) };
    if (this.isPunct(t, '(')) {
      const inner = this.arith(0);
      this.expect(')', '")" or an operator');
      return inner;
    }
    if (t.kind === Tok.Word && !t.escaped && FIELD_NAMES.has(t.text) && this.isPunct(this.peek(), '[')) {
      this.next();
      const index = this.arith(0);
      let size: 1 | 2 | 4 = 1;
      if (this.isPunct(this.peek(), ':')) {
        this.next();
        const s = this.next();
        if (s.kind !== Tok.Num || (s.value !== 1 && s.value !== 2 && s.value !== 4)) throw this.fail(s, 'data size must be 1, 2 or 4');
        size = s.value;
      }
      this.expect(']', '"]" or ":size"');
      const layer = (t.text === 'link' ? 'ether' : t.text) as FieldLayer;
      return { type: 'field', layer, index, size };
    }
    if (t.kind === Tok.Word && !t.escaped && UNSUPPORTED.has(t.text)) throw this.unsupported(t);
    if (t.kind === Tok.End) throw this.fail(t, 'expected a number or a packet field such as tcp[13]');
    throw this.fail(t, `expected a number or a packet field such as tcp[13], not "${t.text}"`);
  }
}

/**
 * The tree of a filter expression, or null for an empty one (all whitespace).
 * @throws FilterSyntaxError
 * @example parseFilter('port 80 or 443') // { type: 'or', left: {type: 'port', …}, right: {type: 'port', …} }
 */
export function parseFilter(expr: string): FilterNode | null {
  return new Parser(expr, tokenize(expr)).parse();
}

/**
 * A filter tree as text, every binary node in parentheses: shows how an expression grouped.
 * @example formatFilter(parseFilter('tcp or udp and icmp')!) // '((tcp or udp) and icmp)'
 */
export function formatFilter(n: FilterNode): string {
  switch (n.type) {
    case 'and':
    case 'or':
      return `(${formatFilter(n.left)} ${n.type} ${formatFilter(n.right)})`;
    case 'not':
      return `not ${formatFilter(n.operand)}`;
    case 'protocol':
      return n.name;
    case 'ipproto':
      return `${n.family === 'any' ? '' : n.family + ' '}proto ${n.protocol}`;
    case 'host': {
      const within = n.within === 'any' ? '' : n.within + ' ';
      const dir = n.dir === 'src or dst' ? '' : n.dir + ' ';
      const bits = n.mask.reduce((s, m) => s + popcount(m), 0);
      const addr = n.words.length === 1 ? ipv4Text(n.words[0]) : ipv6Text(n.words);
      const full = bits === 32 * n.words.length;
      return `${within}${dir}${n.net ? 'net' : 'host'} ${addr}${full ? '' : '/' + bits}`;
    }
    case 'port': {
      const within = n.within === 'any' ? '' : n.within + ' ';
      const dir = n.dir === 'src or dst' ? '' : n.dir + ' ';
      return n.range ? `${within}${dir}portrange ${n.low}-${n.high}` : `${within}${dir}port ${n.low}`;
    }
    case 'compare':
      return `${formatArith(n.left)} ${n.op} ${formatArith(n.right)}`;
  }
}

function formatArith(a: ArithNode): string {
  switch (a.type) {
    case 'number':
      return String(a.value);
    case 'field':
      return `${a.layer}[${formatArith(a.index)}:${a.size}]`;
    case 'negate':
      return `-${formatArith(a.operand)}`;
    case 'binary':
      return `(${formatArith(a.left)} ${a.op} ${formatArith(a.right)})`;
  }
}

function popcount(m: number): number {
  let c = 0;
  for (let v = m >>> 0; v !== 0; v = (v & (v - 1)) >>> 0) c++;
  return c;
}
function ipv4Text(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
}
function ipv6Text(w: number[]): string {
  return w.flatMap((x) => [(x >>> 16).toString(16), (x & 0xffff).toString(16)]).join(':');
}

// ---------------------------------------------------------------------------------------------
// Link layers: where libpcap finds the link-layer protocol and the network layer

const enum LinkKind {
  /** A 16-bit EtherType at `typeAt`. */
  EtherType,
  /** BSD NULL: a 32-bit address family in the capturing host's byte order. */
  AfHostOrder,
  /** BSD LOOP: the same in network order. */
  AfNetworkOrder,
  /** Raw IP: the version nibble of the first byte. */
  RawIp,
  /** Every frame is IPv4 (LINKTYPE_IPV4) / IPv6 (LINKTYPE_IPV6): no load at all. */
  OnlyIpv4,
  OnlyIpv6,
}

interface LinkSpec {
  readonly kind: LinkKind;
  readonly typeAt: number;
  /** libpcap's off_linkpl: where the network-layer header starts. */
  readonly nl: number;
}

const RARP = 0x8035;

const LINKS: (LinkSpec | undefined)[] = (() => {
  const t: (LinkSpec | undefined)[] = new Array<LinkSpec | undefined>(LinkType.LINUX_SLL2 + 1).fill(undefined);
  const ether = (typeAt: number, nl: number): LinkSpec => ({ kind: LinkKind.EtherType, typeAt, nl });
  const raw: LinkSpec = { kind: LinkKind.RawIp, typeAt: 0, nl: 0 };
  t[LinkType.NULL] = { kind: LinkKind.AfHostOrder, typeAt: 0, nl: 4 };
  t[LinkType.ETHERNET] = ether(12, 14);
  // FDDI: frame control and two MACs (13 bytes), then SNAP: the EtherType at 19 (pcap_fddipad 0 on Linux).
  t[FDDI] = ether(19, 21);
  // 12 is DLT_RAW on most systems, 14 on OpenBSD (Linux tcpdump refuses 14; read as raw, as the decoder does).
  t[12] = t[14] = t[LinkType.RAW] = raw;
  t[LinkType.LOOP] = { kind: LinkKind.AfNetworkOrder, typeAt: 0, nl: 4 };
  t[LinkType.LINUX_SLL] = ether(14, 16);
  t[LinkType.IPV4] = { kind: LinkKind.OnlyIpv4, typeAt: 0, nl: 0 };
  t[LinkType.IPV6] = { kind: LinkKind.OnlyIpv6, typeAt: 0, nl: 0 };
  // IPoIB: libpcap cannot filter it; the layout is lib/decode/link/ipoib.ts's.
  t[IPOIB] = ether(40, 44);
  t[LinkType.LINUX_SLL2] = ether(0, 20);
  return t;
})();

// ---------------------------------------------------------------------------------------------
// Evaluation: tri-state tests (a load past the captured bytes aborts the whole filter, as in BPF)

const FALSE = 0;
const TRUE = 1;
/** A load out of the captured bytes: the whole filter rejects the packet. */
const ABORT = 2;

const EMPTY = new Uint8Array(0);

/** The frame under test; one per compiled filter, reset per packet. */
class Frame {
  b: Uint8Array = EMPTY;
  o = 0;
  /** Captured bytes usable (capLen, clipped to the buffer). */
  n = 0;
  link: LinkSpec = LINKS[LinkType.ETHERNET]!;
}

type Test = (f: Frame) => number;
/** A 32-bit unsigned value, or -1 when a load fell outside the frame. */
type Value = (f: Frame) => number;

function u8(f: Frame, off: number): number {
  return off + 1 <= f.n ? f.b[f.o + off] : -1;
}
function u16(f: Frame, off: number): number {
  if (off + 2 > f.n) return -1;
  const p = f.o + off;
  return (f.b[p] << 8) | f.b[p + 1];
}
function u32(f: Frame, off: number): number {
  if (off + 4 > f.n) return -1;
  const p = f.o + off;
  return ((f.b[p] << 24) | (f.b[p + 1] << 16) | (f.b[p + 2] << 8) | f.b[p + 3]) >>> 0;
}
const LOADS: Readonly<Record<1 | 2 | 4, (f: Frame, off: number) => number>> = { 1: u8, 2: u16, 4: u32 };

/** libpcap's gen_linktype: "the link layer carries EtherType `et`". */
function linkIs(f: Frame, et: number): number {
  const s = f.link;
  switch (s.kind) {
    case LinkKind.EtherType: {
      const v = u16(f, s.typeAt);
      return v < 0 ? ABORT : v === et ? TRUE : FALSE;
    }
    case LinkKind.AfHostOrder:
    case LinkKind.AfNetworkOrder: {
      // AF_INET is 2 everywhere; for IPv6 libpcap accepts the BSD values only (24 NetBSD/OpenBSD,
      // 28 FreeBSD, 30 Darwin), not Linux's 10 or Windows' 23. Other protocols: no load, false.
      if (et !== EtherType.IPV4 && et !== EtherType.IPV6) return FALSE;
      if (f.n < 4) return ABORT;
      const p = f.o;
      const be = ((f.b[p] << 24) | (f.b[p + 1] << 16) | (f.b[p + 2] << 8) | f.b[p + 3]) >>> 0;
      let af = be;
      if (s.kind === LinkKind.AfHostOrder) {
        // libpcap compares in the capture file's byte order, which a frame does not carry: as
        // lib/decode/linklayer.ts, take little-endian unless that reads as a large number.
        const le = (f.b[p] | (f.b[p + 1] << 8) | (f.b[p + 2] << 16) | (f.b[p + 3] << 24)) >>> 0;
        af = le > 0xffff ? be : le;
      }
      if (et === EtherType.IPV4) return af === 2 ? TRUE : FALSE;
      return af === 24 || af === 28 || af === 30 ? TRUE : FALSE;
    }
    case LinkKind.RawIp: {
      if (et !== EtherType.IPV4 && et !== EtherType.IPV6) return FALSE;
      const v = u8(f, 0);
      if (v < 0) return ABORT;
      return (v & 0xf0) === (et === EtherType.IPV4 ? 0x40 : 0x60) ? TRUE : FALSE;
    }
    case LinkKind.OnlyIpv4:
      return et === EtherType.IPV4 ? TRUE : FALSE;
    case LinkKind.OnlyIpv6:
      return et === EtherType.IPV6 ? TRUE : FALSE;
  }
}

const isLink = (et: number): Test => (f) => linkIs(f, et);
const always: Test = () => TRUE;

function both(a: Test, b: Test): Test {
  return (f) => {
    const r = a(f);
    return r === TRUE ? b(f) : r;
  };
}
function either(a: Test, b: Test): Test {
  return (f) => {
    const r = a(f);
    return r === FALSE ? b(f) : r;
  };
}
function allOf(tests: Test[]): Test {
  return tests.length === 0 ? always : tests.reduceRight((acc, t) => both(t, acc));
}
function anyOf(tests: Test[]): Test {
  return tests.reduceRight((acc, t) => either(t, acc));
}
function directed(dir: Direction, src: Test, dst: Test): Test {
  switch (dir) {
    case 'src':
      return src;
    case 'dst':
      return dst;
    case 'src or dst':
      return either(src, dst);
    case 'src and dst':
      return both(src, dst);
  }
}

/** The network-layer byte at `off` equals `v`. */
function netByteIs(off: number, v: number): Test {
  return (f) => {
    const x = u8(f, f.link.nl + off);
    return x < 0 ? ABORT : x === v ? TRUE : FALSE;
  };
}

/** IPv4 fragment offset 0 (gen_ipfrag): the first fragment or a whole datagram. */
const firstFragment: Test = (f) => {
  const v = u16(f, f.link.nl + 6);
  return v < 0 ? ABORT : (v & 0x1fff) === 0 ? TRUE : FALSE;
};

/** gen_proto: IPv4 protocol field. */
function ipv4Proto(p: number): Test {
  return both(isLink(EtherType.IPV4), netByteIs(9, p));
}
/** gen_proto for IPv6: next header `p`, or a fragment header whose next header is `p`. */
function ipv6Proto(p: number): Test {
  return both(isLink(EtherType.IPV6), either(netByteIs(6, p), both(netByteIs(6, 44), netByteIs(40, p))));
}

const PROTO_NUMBER = { tcp: 6, udp: 17, sctp: 132, icmp: 1, icmp6: 58, igmp: 2 } as const;

function protocolTest(name: ProtocolName): Test {
  switch (name) {
    case 'ip':
      return isLink(EtherType.IPV4);
    case 'ip6':
      return isLink(EtherType.IPV6);
    case 'arp':
      return isLink(EtherType.ARP);
    case 'rarp':
      return isLink(RARP);
    case 'icmp':
    case 'igmp':
      return ipv4Proto(PROTO_NUMBER[name]);
    case 'icmp6':
      return ipv6Proto(58);
    default:
      return either(ipv4Proto(PROTO_NUMBER[name]), ipv6Proto(PROTO_NUMBER[name]));
  }
}

/** One masked 32-bit address word at network offset `off`; a zero mask needs no load. */
function addressWord(off: number, value: number, mask: number): Test {
  if (mask === 0) return always;
  return (f) => {
    const v = u32(f, f.link.nl + off);
    return v < 0 ? ABORT : ((v & mask) >>> 0) === value ? TRUE : FALSE;
  };
}
function addressAt(off: number, words: number[], mask: number[]): Test {
  return allOf(words.map((w, i) => addressWord(off + 4 * i, (w & mask[i]) >>> 0, mask[i])).filter((t) => t !== always));
}

type HostNode = Extract<FilterNode, { type: 'host' }>;
type PortNode = Extract<FilterNode, { type: 'port' }>;

/** One `host`/`net` node: the address compared at the source and/or destination offsets. */
function hostTest(n: HostNode): Test {
  const side = (src: number, dst: number) => directed(n.dir, addressAt(src, n.words, n.mask), addressAt(dst, n.words, n.mask));
  if (n.words.length === 4) return both(isLink(EtherType.IPV6), side(8, 24));
  const parts: Test[] = [];
  if (n.within === 'any' || n.within === 'ip') parts.push(both(isLink(EtherType.IPV4), side(12, 16)));
  // ARP/RARP: sender protocol address at 14, target at 24 (Ethernet/IPv4 ARP sizes assumed).
  if (n.within === 'any' || n.within === 'arp') parts.push(both(isLink(EtherType.ARP), side(14, 24)));
  if (n.within === 'any' || n.within === 'rarp') parts.push(both(isLink(RARP), side(14, 24)));
  return anyOf(parts);
}

/** One `port`/`portrange` node. */
function portTest(n: PortNode): Test {
  const { low, high } = n;
  const protos = n.within === 'any' ? [6, 17, 132] : [PROTO_NUMBER[n.within]];
  const inRange = (v: number) => (v < 0 ? ABORT : v >= low && v <= high ? TRUE : FALSE);
  const v4Ports = directed(n.dir, v4Port(0, inRange), v4Port(2, inRange));
  const v6Ports = directed(n.dir, v6Port(0, inRange), v6Port(2, inRange));
  const v4 = both(isLink(EtherType.IPV4), anyOf(protos.map((p) => allOf([netByteIs(9, p), firstFragment, v4Ports]))));
  const v6 = both(isLink(EtherType.IPV6), anyOf(protos.map((p) => both(netByteIs(6, p), v6Ports))));
  // gen_ncode: gen_or(gen_port6(…), gen_port(…)) — IPv6 first.
  return either(v6, v4);
}

/** The port at `at` (0 source, 2 destination) after the IPv4 header, judged by `judge`. */
function v4Port(at: number, judge: (v: number) => number): Test {
  return (f) => {
    const nl = f.link.nl;
    const vihl = u8(f, nl);
    return vihl < 0 ? ABORT : judge(u16(f, nl + (vihl & 0xf) * 4 + at));
  };
}
function v6Port(at: number, judge: (v: number) => number): Test {
  return (f) => judge(u16(f, f.link.nl + 40 + at));
}
/** A loaded value (-1: out of the frame) against a set of values. */
function inSet(values: number[]): (v: number) => number {
  return (v) => (v < 0 ? ABORT : values.includes(v) ? TRUE : FALSE);
}

/**
 * The source/destination loads a run of `or`ed primitives makes, in the order libpcap's
 * optimizer leaves them: each field once, where it first appears, compared with every value
 * wanted there (or_pullup moves a comparison of an already loaded field up to that load).
 */
function fieldPlan<N extends { dir: Direction }>(nodes: N[], value: (n: N) => number): { field: 0 | 1; values: number[] }[] {
  const plan: { field: 0 | 1; values: number[] }[] = [];
  for (const n of nodes) {
    const fields: (0 | 1)[] = n.dir === 'src' ? [0] : n.dir === 'dst' ? [1] : [0, 1];
    for (const field of fields) {
      const step = plan.find((p) => p.field === field);
      if (step) step.values.push(value(n));
      else plan.push({ field, values: [value(n)] });
    }
  }
  return plan;
}

/** Several single `port` nodes in a row of an `or` chain (see sameGroup). */
function portRunTest(nodes: PortNode[]): Test {
  const perProto = (p: number) => nodes.filter((n) => n.within === 'any' || PROTO_NUMBER[n.within] === p);
  const protos = [6, 17, 132].filter((p) => perProto(p).length > 0);
  const ports = (p: number, at: typeof v4Port) => anyOf(fieldPlan(perProto(p), (n) => n.low).map((s) => at(2 * s.field, inSet(s.values))));
  const v4 = both(isLink(EtherType.IPV4), anyOf(protos.map((p) => allOf([netByteIs(9, p), firstFragment, ports(p, v4Port)]))));
  const v6 = both(isLink(EtherType.IPV6), anyOf(protos.map((p) => both(netByteIs(6, p), ports(p, v6Port)))));
  return either(v6, v4);
}

/** Several IPv4 `host`/`net` nodes with one mask in a row of an `or` chain (see sameGroup). */
function hostRunTest(nodes: HostNode[]): Test {
  const mask = nodes[0].mask[0];
  const layer = (within: HostNode['within'], et: number, src: number, dst: number): Test | null => {
    const these = nodes.filter((n) => n.within === 'any' || n.within === within);
    if (these.length === 0) return null;
    const steps = fieldPlan(these, (n) => (n.words[0] & mask) >>> 0).map((s): Test => {
      const off = s.field === 0 ? src : dst;
      return (f) => {
        const v = u32(f, f.link.nl + off);
        return v < 0 ? ABORT : s.values.includes((v & mask) >>> 0) ? TRUE : FALSE;
      };
    });
    return both(isLink(et), anyOf(steps));
  };
  const parts = [layer('ip', EtherType.IPV4, 12, 16), layer('arp', EtherType.ARP, 14, 24), layer('rarp', RARP, 14, 24)];
  return anyOf(parts.filter((t): t is Test => t !== null));
}

/** The operands of a chain of `or`s, left to right. */
function orOperands(n: FilterNode): FilterNode[] {
  return n.type === 'or' ? [...orOperands(n.left), ...orOperands(n.right)] : [n];
}

/**
 * Whether `b` joins `a`'s run in an `or` chain. libpcap's optimizer (or_pullup) turns
 * `port 80 or 443` into "source port 80 or 443, else destination port 80 or 443": the source
 * field is compared with every value before the destination field is loaded, which decides a
 * frame cut between the two. It does so for chains of equality tests on one loaded value —
 * single ports (not ranges), IPv4 addresses under one mask — and so does this.
 */
function sameGroup(a: FilterNode, b: FilterNode): boolean {
  if (a.type === 'port' && b.type === 'port') return !a.range && !b.range && a.dir !== 'src and dst' && b.dir !== 'src and dst';
  if (a.type === 'host' && b.type === 'host') {
    const ipv4 = a.words.length === 1 && b.words.length === 1;
    return ipv4 && a.mask[0] === b.mask[0] && a.mask[0] !== 0 && a.dir !== 'src and dst' && b.dir !== 'src and dst';
  }
  return false;
}

function orTest(n: FilterNode): Test {
  const items = orOperands(n);
  const tests: Test[] = [];
  for (let i = 0; i < items.length; ) {
    let j = i + 1;
    while (j < items.length && sameGroup(items[i], items[j])) j++;
    const run = items.slice(i, j);
    if (run.length === 1) tests.push(compileNode(run[0]));
    else if (run[0].type === 'port') tests.push(portRunTest(run as PortNode[]));
    else tests.push(hostRunTest(run as HostNode[]));
    i = j;
  }
  return anyOf(tests);
}

function ipProtoTest(n: Extract<FilterNode, { type: 'ipproto' }>): Test {
  if (n.family === 'ip') return ipv4Proto(n.protocol);
  if (n.family === 'ip6') return ipv6Proto(n.protocol);
  return either(ipv4Proto(n.protocol), ipv6Proto(n.protocol));
}

/**
 * An arithmetic value; the protocol checks its fields need go into `guards`, in libpcap's order
 * (gen_relation evaluates all of them before any field load).
 */
function compileArith(a: ArithNode, guards: Test[]): Value {
  switch (a.type) {
    case 'number': {
      const v = a.value >>> 0;
      return () => v;
    }
    case 'negate': {
      const x = compileArith(a.operand, guards);
      return (f) => {
        const v = x(f);
        return v < 0 ? -1 : -v >>> 0;
      };
    }
    case 'binary':
      return binary(a.op, compileArith(a.left, guards), compileArith(a.right, guards));
    case 'field':
      return field(a, guards);
  }
}

function binary(op: ArithOp, l: Value, r: Value): Value {
  const apply = ARITH[op];
  return (f) => {
    const a = l(f);
    if (a < 0) return -1;
    const b = r(f);
    return b < 0 ? -1 : apply(a, b);
  };
}

/** BPF ALU semantics on uint32; -1 where the BPF program returns 0 (division by zero). */
const ARITH: Readonly<Record<ArithOp, (a: number, b: number) => number>> = {
  '+': (a, b) => (a + b) >>> 0,
  '-': (a, b) => (a - b) >>> 0,
  '*': (a, b) => Math.imul(a, b) >>> 0,
  '/': (a, b) => (b === 0 ? -1 : Math.floor(a / b)),
  '%': (a, b) => (b === 0 ? -1 : a % b),
  '&': (a, b) => (a & b) >>> 0,
  '|': (a, b) => (a | b) >>> 0,
  '^': (a, b) => (a ^ b) >>> 0,
  '<<': (a, b) => (b < 32 ? (a << b) >>> 0 : 0),
  '>>': (a, b) => (b < 32 ? a >>> b : 0),
};

/** `layer[index:size]` (gen_load). */
function field(a: Extract<ArithNode, { type: 'field' }>, guards: Test[]): Value {
  const load = LOADS[a.size];
  switch (a.layer) {
    case 'ether': {
      const index = compileArith(a.index, guards);
      return (f) => {
        const i = index(f);
        return i < 0 ? -1 : load(f, i);
      };
    }
    case 'ip':
    case 'ip6':
    case 'arp':
    case 'rarp': {
      const et = { ip: EtherType.IPV4, ip6: EtherType.IPV6, arp: EtherType.ARP, rarp: RARP }[a.layer];
      guards.push(isLink(et));
      const index = compileArith(a.index, guards);
      return (f) => {
        const i = index(f);
        return i < 0 ? -1 : load(f, f.link.nl + i);
      };
    }
    case 'icmp6': {
      // IPv6 only, and only with ICMPv6 right after the fixed header.
      guards.push(isLink(EtherType.IPV6));
      const index = compileArith(a.index, guards);
      guards.push(netByteIs(6, 58));
      return (f) => {
        const i = index(f);
        return i < 0 ? -1 : load(f, f.link.nl + 40 + i);
      };
    }
    default: {
      // tcp, udp, sctp, icmp, igmp: IPv4 only, first fragment only, after the IPv4 header length.
      guards.push(isLink(EtherType.IPV4));
      const index = compileArith(a.index, guards);
      guards.push(netByteIs(9, PROTO_NUMBER[a.layer]), firstFragment);
      return (f) => {
        const i = index(f);
        if (i < 0) return -1;
        const nl = f.link.nl;
        const vihl = u8(f, nl);
        return vihl < 0 ? -1 : load(f, nl + ((i + (vihl & 0xf) * 4) >>> 0));
      };
    }
  }
}

const COMPARE: Readonly<Record<CompareOp, (a: number, b: number) => boolean>> = {
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function compareTest(n: Extract<FilterNode, { type: 'compare' }>): Test {
  const guards: Test[] = [];
  const l = compileArith(n.left, guards);
  const r = compileArith(n.right, guards);
  const guard = allOf(guards);
  const cmp = COMPARE[n.op];
  return (f) => {
    const g = guard(f);
    if (g !== TRUE) return g;
    const a = l(f);
    if (a < 0) return ABORT;
    const b = r(f);
    if (b < 0) return ABORT;
    return cmp(a, b) ? TRUE : FALSE;
  };
}

function compileNode(n: FilterNode): Test {
  switch (n.type) {
    case 'and':
      return both(compileNode(n.left), compileNode(n.right));
    case 'or':
      return orTest(n);
    case 'not': {
      const x = compileNode(n.operand);
      return (f) => {
        const r = x(f);
        return r === ABORT ? ABORT : r ^ 1;
      };
    }
    case 'protocol':
      return protocolTest(n.name);
    case 'ipproto':
      return ipProtoTest(n);
    case 'host':
      return hostTest(n);
    case 'port':
      return portTest(n);
    case 'compare':
      return compareTest(n);
  }
}

const MATCH_ALL: PacketFilter = () => true;

/**
 * Compiles a tcpdump filter expression. An empty (or all-whitespace) expression matches every
 * packet, as `tcpdump -r FILE ''` keeps them all; a caller that wants to skip filtering for it
 * can test `parseFilter(expr) === null`. The returned function keeps per-call state: use it from
 * one thread at a time (each worker compiles its own).
 * @throws FilterSyntaxError
 * @example
 * const keep = compileFilter('tcp port 443 and not host 10.0.0.1');
 * for (let p = reader.next(); p !== null; p = reader.next()) if (keep(p.linkType, p.bytes, p.offset, p.capLen)) n++;
 */
export function compileFilter(expr: string): PacketFilter {
  const tree = parseFilter(expr);
  if (tree === null) return MATCH_ALL;
  const test = compileNode(tree);
  const f = new Frame();
  return (linkType, bytes, offset, capLen) => {
    const link = linkType >= 0 && linkType < LINKS.length ? LINKS[linkType] : undefined;
    if (link === undefined || !Number.isInteger(offset) || offset < 0) return false;
    // Never past the buffer, whatever capLen says (NaN and negatives read nothing).
    const room = bytes.length - offset;
    let n = capLen > 0 ? Math.floor(capLen) : 0;
    if (n > room) n = room > 0 ? room : 0;
    f.b = bytes;
    f.o = offset;
    f.n = n;
    f.link = link;
    const r = test(f);
    f.b = EMPTY; // do not keep the reader's buffer alive between packets
    return r === TRUE;
  };
}
