/**
 * @module capture/linktypes
 * LINKTYPE_* numbers (tcpdump.org/linktypes.html) we name in output and warnings.
 */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
  DSA_TAG_DSA: 284,
} as const;

const NAMES: Record<number, string> = {
  0: 'NULL', 1: 'ETHERNET', 9: 'PPP', 10: 'FDDI', 12: 'RAW(12)', 14: 'RAW(14)', 101: 'RAW', 105: 'IEEE802_11', 108: 'LOOP',
  113: 'LINUX_SLL', 127: 'IEEE802_11_RADIOTAP', 228: 'IPV4', 229: 'IPV6', 242: 'IPOIB', 276: 'LINUX_SLL2', 284: 'DSA_TAG_DSA',
};

/** `ETHERNET`, `LINUX_SLL2`, … or `LINKTYPE_<n>`. */
export function linkTypeName(n: number): string {
  return NAMES[n] ?? `LINKTYPE_${n}`;
}
