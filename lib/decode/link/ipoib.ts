/**
 * @module decode/link/ipoib
 * LINKTYPE_IPOIB (242), IP over InfiniBand (RFC 4391): a 40-byte address header (a global route
 * header, or the destination QPN and GID), then the 4-byte IPoIB header — an EtherType and two
 * reserved bytes — as Wireshark's ipoib dissector reads these captures.
 */
import { followEtherType, LinkResult } from '../linklayer';

export const IPOIB = 242;

export function ipoib(b: Uint8Array, o: number, end: number, out: LinkResult): void {
  if (end - o < 44) {
    out.truncated = true;
    return;
  }
  followEtherType(b, (b[o + 40] << 8) | b[o + 41], o + 44, end, out);
}
