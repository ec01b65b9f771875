/**
 * @module decode/link
 * Link-layer decoders registered by wire number (LINKTYPE_*): the decoder looks the capture's
 * link type up here, so a new link type is a file with its decoder and one line below.
 */
import { bsdLoopback, EtherType, ethernet, LinkResult, rawIp, sll, sll2 } from '../linklayer';
import { FDDI, fddi } from './fddi';
import { IPOIB, ipoib } from './ipoib';

/** Reads the link header at `o` into `out`: where the network layer starts and its EtherType. */
export type LinkDecoder = (b: Uint8Array, o: number, end: number, out: LinkResult) => void;

const ipv4: LinkDecoder = (_b, o, _end, out) => {
  out.proto = EtherType.IPV4;
  out.offset = o;
};
const ipv6: LinkDecoder = (_b, o, _end, out) => {
  out.proto = EtherType.IPV6;
  out.offset = o;
};

/** By LINKTYPE number. */
export const LINK_DECODERS: ReadonlyMap<number, LinkDecoder> = new Map<number, LinkDecoder>([
  [0, (b, o, end, out) => bsdLoopback(b, o, end, false, out)],
  [1, ethernet],
  [FDDI, fddi],
  [12, rawIp],
  [14, rawIp],
  [101, rawIp],
  [108, (b, o, end, out) => bsdLoopback(b, o, end, true, out)],
  [113, sll],
  [228, ipv4],
  [229, ipv6],
  [IPOIB, ipoib],
  [276, sll2],
]);
