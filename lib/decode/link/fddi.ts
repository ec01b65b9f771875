/**
 * @module decode/link/fddi
 * LINKTYPE_FDDI (10): frame control, destination and source MAC (13 bytes), then 802.2 LLC. IP
 * rides in SNAP (`AA AA 03`, OUI, EtherType), as Wireshark decodes it; other LLC is not IP.
 */
import { followEtherType, LinkResult } from '../linklayer';

export const FDDI = 10;

export function fddi(b: Uint8Array, o: number, end: number, out: LinkResult): void {
  if (end - o < 13 + 8) {
    out.truncated = true;
    return;
  }
  const llc = o + 13;
  if (b[llc] !== 0xaa || b[llc + 1] !== 0xaa || b[llc + 2] !== 0x03) {
    out.proto = 0; // LLC without SNAP: not IP
    return;
  }
  followEtherType(b, (b[llc + 6] << 8) | b[llc + 7], llc + 8, end, out);
}
