/**
 * @module decode/linklayer
 * From a link-layer frame to the network-layer protocol and offset: Ethernet II (802.3 length
 * frames counted), 802.1Q/802.1ad/QinQ of any depth, MPLS label stacks, PPPoE, Linux SLL and SLL2,
 * raw IP (101, 228, 229, and 12/14 as on OpenBSD), BSD NULL and LOOP with every AF value used for IPv6.
 */
import { u16be, u32be, u32le } from '../bytes/cursor';

export const enum EtherType {
  IPV4 = 0x0800,
  ARP = 0x0806,
  VLAN = 0x8100,
  QINQ = 0x88a8,
  QINQ_OLD1 = 0x9100,
  QINQ_OLD2 = 0x9200,
  IPV6 = 0x86dd,
  MPLS = 0x8847,
  MPLS_MC = 0x8848,
  PPPOE_SESSION = 0x8864,
  TEB = 0x6558,
}

/** Result of link-layer parsing: where the network layer starts and what it is (an EtherType). */
export class LinkResult {
  /** EtherType-like protocol: 0x0800 IPv4, 0x86dd IPv6, other values are not IP. 0 = stop. */
  proto = 0;
  offset = 0;
  /** Set when the frame is an 802.3 length frame (not Ethernet II). */
  ieee8023 = false;
  truncated = false;
  unsupported = false;
}

const MAX_TAGS = 16;

/** Ethernet II header at `o` (and everything tagged under it). */
export function ethernet(b: Uint8Array, o: number, end: number, out: LinkResult): void {
  if (end - o < 14) {
    out.truncated = true;
    return;
  }
  etherPayload(b, o + 12, end, out);
}

/** Follows an EtherType at `o` through VLAN tags, MPLS and PPPoE to the network layer. */
export function etherPayload(b: Uint8Array, o: number, end: number, out: LinkResult): void {
  followEtherType(b, u16be(b, o), o + 2, end, out);
}

/** Given an EtherType and the offset right after it, follows tags to the network layer. */
export function followEtherType(b: Uint8Array, type: number, o: number, end: number, out: LinkResult): void {
  if (type < 0x0600) {
    out.ieee8023 = true;
    out.proto = 0;
    return;
  }
  for (let i = 0; i < MAX_TAGS; i++) {
    if (type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD1 || type === EtherType.QINQ_OLD2) {
      if (end - o < 4) { out.truncated = true; return; }
      type = u16be(b, o + 2);
      o += 4;
      continue;
    }
    if (type === EtherType.MPLS || type === EtherType.MPLS_MC) {
      // Label stack: 4 bytes each until the bottom-of-stack bit.
      for (;;) {
        if (end - o < 4) { out.truncated = true; return; }
        const bos = b[o + 2] & 1;
        o += 4;
        if (bos) break;
      }
      if (end - o < 1) { out.truncated = true; return; }
      const nib = b[o] >> 4;
      out.proto = nib === 4 ? EtherType.IPV4 : nib === 6 ? EtherType.IPV6 : 0;
      out.offset = o;
      if (nib === 0 && end - o >= 18) {
        // Ethernet pseudowire with control word (RFC 4448): 4-byte word, then a frame.
        ethernet(b, o + 4, end, out);
      }
      return;
    }
    if (type === EtherType.PPPOE_SESSION) {
      if (end - o < 8) { out.truncated = true; return; }
      const ppp = u16be(b, o + 6);
      out.proto = ppp === 0x0021 ? EtherType.IPV4 : ppp === 0x0057 ? EtherType.IPV6 : 0;
      out.offset = o + 8;
      return;
    }
    break;
  }
  out.proto = type;
  out.offset = o;
}

/** Linux cooked capture v1: 16-byte header, protocol at 14. */
export function sll(b: Uint8Array, o: number, end: number, out: LinkResult): void {
  if (end - o < 16) { out.truncated = true; return; }
  const hatype = u16be(b, o + 2);
  if (hatype === 824 || hatype === 0xfffe) {
    // ARPHRD_NETLINK and friends: not IP.
    out.proto = 0;
    return;
  }
  etherPayload(b, o + 14, end, out);
}

/** Linux cooked capture v2: 20-byte header, protocol (an EtherType) at 0. */
export function sll2(b: Uint8Array, o: number, end: number, out: LinkResult): void {
  if (end - o < 20) { out.truncated = true; return; }
  followEtherType(b, u16be(b, o), o + 20, end, out);
}

/** BSD loopback: 4-byte address family, host order (NULL) or network order (LOOP). */
export function bsdLoopback(b: Uint8Array, o: number, end: number, networkOrder: boolean, out: LinkResult): void {
  if (end - o < 4) { out.truncated = true; return; }
  let af = networkOrder ? u32be(b, o) : u32le(b, o);
  // NULL is in the capturing host's order: a big-endian host's AF reads as a large number here.
  if (!networkOrder && af > 0xffff) af = u32be(b, o);
  out.offset = o + 4;
  // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD/BSD/OS), 28 (FreeBSD/DragonFly),
  // 30 (Darwin), 10 (Linux), 23 (Windows/Winsock).
  if (af === 2) out.proto = EtherType.IPV4;
  else if (af === 24 || af === 28 || af === 30 || af === 10 || af === 23) out.proto = EtherType.IPV6;
  else out.proto = 0;
}

/** Raw IP: the version nibble says which. */
export function rawIp(b: Uint8Array, o: number, end: number, out: LinkResult): void {
  if (end - o < 1) { out.truncated = true; return; }
  const v = b[o] >> 4;
  out.offset = o;
  out.proto = v === 4 ? EtherType.IPV4 : v === 6 ? EtherType.IPV6 : 0;
}
