/**
 * @module decode/issues
 * Per-packet decode problems are counted, never thrown (Zeek "weirds"): stable snake_case codes,
 * a count, and the first packet index where each was seen.
 */
export type DecodeIssueCode =
  | 'truncated_link'
  | 'truncated_ip'
  | 'truncated_tcp'
  | 'bad_ip_version'
  | 'bad_ip_header_len'
  | 'bad_ip_total_len'
  | 'bad_tcp_header_len'
  | 'unknown_link_type'
  | 'ieee802_3_length_frame'
  | 'ip_fragment_unmatched'
  | 'ip_fragment_table_full'
  | 'tunnel_not_opened'
  | 'ipv6_ext_header_truncated';

export interface DecodeIssue {
  code: DecodeIssueCode;
  count: number;
  firstPacket: number;
  /** Byte offset in the capture of the first packet with this issue. */
  firstOffset: number;
  detail?: string;
}

const EXPLAIN: Record<DecodeIssueCode, string> = {
  truncated_link: 'frame shorter than its link-layer header',
  truncated_ip: 'IP header cut by the snaplen',
  truncated_tcp: 'TCP header cut by the snaplen before the flags: not counted in flows',
  bad_ip_version: 'IP version field is neither 4 nor 6',
  bad_ip_header_len: 'impossible IPv4 header or total length',
  bad_ip_total_len: 'impossible IPv6 payload length',
  bad_tcp_header_len: 'TCP data offset below 20 or beyond the segment',
  unknown_link_type: 'link type not decoded: packets counted, not analysed',
  ieee802_3_length_frame: '802.3 length frames (not Ethernet II) skipped',
  ip_fragment_unmatched: 'IP fragments whose datagram never completed',
  ip_fragment_table_full: 'pending IP fragments dropped (bound reached)',
  tunnel_not_opened: 'tunnelled traffic not opened',
  ipv6_ext_header_truncated: 'IPv6 extension headers cut by the snaplen',
};

/** A one-line explanation of an issue code. */
export function explainIssue(code: DecodeIssueCode): string {
  return EXPLAIN[code];
}

export class IssueCounter {
  private readonly map = new Map<string, DecodeIssue>();
  /** Byte offset of the packet being decoded (set by the caller before decoding). */
  offset = 0;
  add(code: DecodeIssueCode, packet: number, detail?: string): void {
    const key = detail ? `${code}:${detail}` : code;
    const e = this.map.get(key);
    if (e) e.count++;
    else {
      const v: DecodeIssue = { code, count: 1, firstPacket: packet, firstOffset: this.offset };
      if (detail) v.detail = detail;
      this.map.set(key, v);
    }
  }
  list(): DecodeIssue[] {
    return [...this.map.values()];
  }
  count(code: DecodeIssueCode): number {
    let n = 0;
    for (const v of this.map.values()) if (v.code === code) n += v.count;
    return n;
  }
}
