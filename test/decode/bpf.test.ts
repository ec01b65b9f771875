/**
 * The tcpdump-language filter (#19: `--filter EXPR`, lib/decode/bpf.ts), tested "the same as
 * tcpdump": for each operator, the packets `compileFilter(expr)` keeps from a capture are exactly
 * the packets `tcpdump -r FILE -w OUT EXPR` writes (compared packet by packet, as index lists),
 * on the lab captures, on the public corpus, and on hand-made captures of every link type the
 * filter reads, cut at every length (BPF rejects a packet when a load falls past its end). Also:
 * how expressions group, where errors point, and random frames that must never throw.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCapture } from '../../lib/capture/file';
import { compileFilter, FilterSyntaxError, formatFilter, parseFilter, parseIpv6, type PacketFilter } from '../../lib/decode/bpf';
import { ArgumentError } from '../../lib/errors';
import { corpusPath, HAVE_CORPUS, REPO } from '../helpers/corpus';
import { pcapHeader, pcapRecord } from '../helpers/pcap';

const HAVE_TCPDUMP = spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;

/** `describe` that skips, saying why, when a requirement is missing. */
function describeIf(ok: boolean, why: string): jest.Describe {
  if (ok) return describe;
  return ((name: string, fn: () => void) => {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": ${why}`);
    describe.skip(name, fn);
  }) as unknown as jest.Describe;
}
const describeTcpdump = describeIf(HAVE_TCPDUMP, 'tcpdump not installed');
const describeCorpusTcpdump = describeIf(HAVE_TCPDUMP && HAVE_CORPUS, HAVE_TCPDUMP ? '../shared/corpus not found (set ALIBI_CORPUS)' : 'tcpdump not installed');

const lab = (name: string) => path.join(REPO, 'captures', 'healthy', name);

// ---------------------------------------------------------------------------------------------
// The oracle

let tmp = '';
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-bpf-'));
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every packet's identity (wire length + captured bytes) and the indexes `keep` accepts. */
function scan(file: string, keep?: PacketFilter): { keys: string[]; kept: number[] } {
  const keys: string[] = [];
  const kept: number[] = [];
  const r = openCapture(file);
  try {
    for (let p = r.next(); p !== null; p = r.next()) {
      const data = p.bytes.subarray(p.offset, p.offset + p.capLen);
      keys.push(`${p.origLen}:${createHash('sha1').update(data).digest('hex')}`);
      if (keep?.(p.linkType, p.bytes, p.offset, p.capLen)) kept.push(keys.length - 1);
    }
  } finally {
    r.close();
  }
  return { keys, kept };
}

/** What tcpdump keeps, as packet identities in order ("rejects all packets" is none). */
function tcpdumpKeeps(file: string, expr: string): string[] {
  const out = path.join(tmp, 'out.pcap');
  const r = spawnSync('tcpdump', ['-r', file, '-w', out, '--', expr], { encoding: 'utf8' });
  if (r.status !== 0) {
    if (/expression rejects all packets/.test(r.stderr)) return [];
    throw new Error(`tcpdump -r ${file} "${expr}": ${r.stderr}`);
  }
  return scan(out).keys;
}

/**
 * The indexes we keep and those tcpdump keeps. tcpdump's output is a subsequence of the input;
 * a filter decides on the bytes alone, so identical packets share their fate and mapping the
 * output back in order gives tcpdump's index list exactly.
 */
function oracle(file: string, expr: string): { ours: number[]; theirs: number[]; total: number } {
  const { keys, kept } = scan(file, compileFilter(expr));
  const written = tcpdumpKeeps(file, expr);
  const theirs: number[] = [];
  let j = 0;
  for (let i = 0; i < keys.length && j < written.length; i++) {
    if (keys[i] === written[j]) {
      theirs.push(i);
      j++;
    }
  }
  if (j < written.length) theirs.push(-1); // a packet we cannot place: the comparison fails
  return { ours: kept, theirs, total: keys.length };
}

/** Same packets as tcpdump, and a real subset (neither none nor all): no vacuous pass. */
function expectSameAsTcpdump(file: string, expr: string): void {
  const { ours, theirs, total } = oracle(file, expr);
  expect(ours).toEqual(theirs);
  expect(ours.length).toBeGreaterThan(0);
  expect(ours.length).toBeLessThan(total);
}

// ---------------------------------------------------------------------------------------------
// 1. Parser

describe('parsing', () => {
  const grouped = (e: string) => formatFilter(parseFilter(e)!);

  test('and/or have equal precedence and group left to right; not binds tightest (pcap-filter(7))', () => {
    expect(grouped('tcp or udp and icmp')).toBe('((tcp or udp) and icmp)');
    expect(grouped('tcp and udp or icmp')).toBe('((tcp and udp) or icmp)');
    expect(grouped('not tcp and udp')).toBe('(not tcp and udp)');
    expect(grouped('! tcp || udp && icmp')).toBe('((not tcp or udp) and icmp)');
    expect(grouped('tcp and (udp or icmp)')).toBe('(tcp and (udp or icmp))');
    expect(grouped('not (tcp or udp)')).toBe('not (tcp or udp)');
    expect(grouped('not not ip')).toBe('not not ip');
  });

  test('a bare address or number after and/or repeats the qualifiers before it', () => {
    expect(grouped('port 80 or 443')).toBe('(port 80 or port 443)');
    expect(grouped('tcp dst port 80 or 443 and not 8080')).toBe('((tcp dst port 80 or tcp dst port 443) and not tcp dst port 8080)');
    expect(grouped('host 10.0.0.1 and not 10.0.0.2')).toBe('(host 10.0.0.1 and not host 10.0.0.2)');
    expect(grouped('host 10.0.0.1 or (10.0.0.2 or 10.0.0.3)')).toBe('(host 10.0.0.1 or (host 10.0.0.2 or host 10.0.0.3))');
    expect(grouped('host (10.0.0.1 or 10.0.0.2)')).toBe('(host 10.0.0.1 or host 10.0.0.2)');
    // libpcap: after "(expr)" the shorthand repeats the qualifiers from before the "(".
    expect(grouped('host 10.0.0.1 and (port 80) or 10.0.0.2')).toBe('((host 10.0.0.1 and port 80) or host 10.0.0.2)');
    expect(grouped('not host 10.0.0.1 or 10.0.0.2')).toBe('(not host 10.0.0.1 or host 10.0.0.2)');
    expect(grouped('src or dst host 10.0.0.1 or 10.0.0.2')).toBe('(host 10.0.0.1 or host 10.0.0.2)');
    expect(grouped('src and dst net 10.0.0.0/8')).toBe('src and dst net 10.0.0.0/8');
  });

  test('addresses, nets and ports as libpcap reads them', () => {
    expect(grouped('src 10.0.0.1')).toBe('src host 10.0.0.1');
    expect(grouped('net 10')).toBe('net 10.0.0.0/8'); // a short net number is promoted
    expect(grouped('host 10.1')).toBe('host 10.1.0.0/16'); // a short dotted address too
    expect(grouped('net 192.168.0.0 mask 255.255.0.0')).toBe('net 192.168.0.0/16');
    expect(grouped('ip6 net 2001:db8::/32')).toBe('ip6 net 2001:db8:0:0:0:0:0:0/32');
    expect(grouped('host ::ffff:10.0.0.1')).toBe('host 0:0:0:0:0:ffff:a00:1');
    expect(grouped('portrange 1024-80')).toBe('portrange 80-1024');
    expect(grouped('port 0x50')).toBe('port 80');
    expect(grouped('port 010')).toBe('port 8'); // a leading 0 is octal, as in the pcap scanner
    expect(grouped('ip proto \\udp or proto 6')).toBe('(ip proto 17 or proto 6)');
  });

  test('arithmetic: tcpdump precedence, named constants, field sizes', () => {
    expect(grouped('tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn')).toBe('(tcp[13:1] & (2 | 16)) = 2');
    expect(grouped('tcp[13] & 2 | 1 = 3')).toBe('((tcp[13:1] & 2) | 1) = 3');
    expect(grouped('1 + 2 * 3 << 1 = 14')).toBe('((1 + (2 * 3)) << 1) = 14');
    expect(grouped('ip[2:2] - 20 - 8 > 0')).toBe('((ip[2:2] - 20) - 8) > 0');
    expect(grouped('-1 * 2 = 0')).toBe('(-1 * 2) = 0');
    // % and ^ have no precedence in grammar.y: bison shifts, they take everything to their right.
    expect(grouped('5 % 2 + 1 = 2')).toBe('(5 % (2 + 1)) = 2');
    expect(grouped('1 | 1 ^ 1 = 1')).toBe('(1 | (1 ^ 1)) = 1');
    expect(grouped('(tcp[12] >> 4) * 4 > 20')).toBe('((tcp[12:1] >> 4) * 4) > 20');
    expect(grouped('((tcp[13] & 2) != 0)')).toBe('(tcp[13:1] & 2) != 0');
    expect(grouped('ether[12:2] = 0x8100')).toBe('ether[12:2] = 33024');
    expect(grouped('icmp6[icmp6type] = icmp6-echo')).toBe('icmp6[0:1] = 128');
  });

  test('an empty expression matches everything', () => {
    expect(parseFilter('  ')).toBeNull();
    expect(compileFilter('')(1, new Uint8Array(0), 0, 0)).toBe(true);
  });

  test.each<[string, number, RegExp]>([
    ['port x', 5, /expected a port number/],
    ['host', 4, /expected an address/],
    ['tcp and', 7, /expected a primitive/],
    ['(tcp or udp', 11, /expected "\)"/],
    ['tcp or udp)', 10, /unmatched "\)"/],
    ['port 70000', 5, /illegal port number 70000 > 65535/],
    ['net 10.0.0.1/8', 4, /non-network bits set/],
    ['host 10.0.0.0/8', 5, /mask syntax for networks only/],
    ['tcp[13:3] = 1', 7, /data size must be 1, 2 or 4/],
    ['tcp or 80', 7, /bare number needs a qualifier/],
    ['10.0.0.1', 0, /bare address needs a qualifier/],
    ['host example.com', 5, /host names are not looked up/],
    ['tcp[13] / 0 = 1', 10, /division by zero/],
    ['tcp[13] << 32 = 1', 11, /shift by more than 31 bits/],
    ['tcp[13] & 2', 11, /expected a comparison/],
    ['tcp[13] $ 2 = 0', 8, /unexpected character "\$"/],
    ['vlan and tcp', 0, /"vlan" is not supported/],
    ['len > 100', 0, /wire length/],
    ['TCP', 0, /bare address needs a qualifier/], // keywords are lower case, as in tcpdump
    ['ip6 host 10.0.0.1', 0, /'ip6' modifier applied to ip host/],
    ['ip host ::1', 0, /'ip' modifier applied to ip6 host/],
    ['udp host 10.0.0.1', 0, /'udp' modifier applied to host/],
    ['ip port 80', 0, /illegal qualifier of 'port'/],
    ['port 80 and', 11, /expected a primitive/],
    ['host 10.0.0.1 or (10.0.0.2 or tcp)', 30, /expected an address, not "tcp"/],
    ['tcp[13] = 08', 10, /non-octal digit/],
    ['host 1:2:3', 5, /not an IPv6 address/],
    ['portrange 1-2-3', 10, /expected a port range/],
  ])('"%s" is a FilterSyntaxError at %d', (expr, position, reason) => {
    let err: unknown;
    try {
      compileFilter(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FilterSyntaxError);
    const fe = err as FilterSyntaxError;
    expect(fe).toBeInstanceOf(ArgumentError); // the CLI exits 2 on it
    expect({ position: fe.position, expression: fe.expression }).toEqual({ position, expression: expr });
    expect(fe.reason).toMatch(reason);
    expect(fe.code).toBe('bad_filter');
  });

  test('the message names the expression and counts characters from 1', () => {
    expect(() => compileFilter('port x')).toThrow('filter "port x": expected a port number at character 6');
    expect(() => compileFilter('tcp and')).toThrow(/^filter "tcp and": expected a primitive .* at the end$/);
  });

  test('IPv6 text', () => {
    expect(parseIpv6('::')).toEqual([0, 0, 0, 0]);
    expect(parseIpv6('::1')).toEqual([0, 0, 0, 1]);
    expect(parseIpv6('2001:db8::8:800:200c:417a')).toEqual([0x20010db8, 0, 0x00080800, 0x200c417a]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([0x00010002, 0x00030004, 0x00050006, 0x00070008]);
    expect(parseIpv6('::ffff:192.0.2.1')).toEqual([0, 0, 0xffff, 0xc0000201]);
    for (const bad of ['1:2:3', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', '::1.2.3', '1:2:3:4:5:6:7::8:9', 'g::1']) expect(parseIpv6(bad)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The oracle: tcpdump on real captures

/** [operator, capture, expression]: each keeps a real subset of its capture. */
const LAB_CASES: [string, string, string][] = [
  ['host', 'firewall.pcap', 'host 10.0.1.23'],
  ['src host', 'firewall.pcap', 'src host 10.0.1.21'],
  ['dst host', 'firewall.pcap', 'dst host 10.0.1.13'],
  ['src shorthand', 'server.pcap', 'tcp and src 10.0.2.2'],
  ['net', 'firewall.pcap', 'net 10.0.1.16/28'],
  ['src net', 'firewall.pcap', 'src net 10.0.1.0/28'],
  ['dst net (mask)', 'firewall.pcap', 'dst net 10.0.1.16 mask 255.255.255.240'],
  ['port', 'firewall.pcap', 'port 35607'],
  ['src port', 'firewall.pcap', 'src port 443'],
  ['dst port', 'firewall.pcap', 'dst port 443'],
  ['portrange', 'firewall.pcap', 'portrange 40000-50000'],
  ['tcp src port', 'loopback.pcapng', 'tcp src port 8080'],
  ['tcp flags: tcp-syn', 'firewall.pcap', 'tcp[tcpflags] & tcp-syn != 0'],
  ['tcp flags: syn only', 'firewall.pcap', 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'],
  ['tcp flags: byte offset', 'firewall.pcap', 'tcp[13] & 2 != 0'],
  ['tcp flags: = SYN-ACK', 'firewall.pcap', 'tcp[13:1] = 0x12'],
  ['tcp[N:4]', 'firewall.pcap', 'tcp[4:4] & 0xff = 7'],
  ['ip[N:2]', 'firewall.pcap', 'ip[2:2] > 100'],
  ['and', 'server.pcap', 'dst host 10.0.2.2 and tcp[tcpflags] & tcp-push != 0'],
  ['and (flags)', 'firewall.pcap', 'host 10.0.1.21 and tcp[tcpflags] & tcp-fin != 0'],
  ['or', 'firewall.pcap', 'host 10.0.1.21 or host 10.0.1.13'],
  ['or shorthand', 'firewall.pcap', 'host 10.0.1.21 or 10.0.1.13 or 10.0.1.20'],
  ['not', 'firewall.pcap', 'not dst port 443'],
  ['parentheses', 'firewall.pcap', '(host 10.0.1.21 or 10.0.1.13) and not src port 443'],
  ['&& || !', 'firewall.pcap', 'tcp[tcpflags] & tcp-push != 0 && ! src port 443 || tcp[tcpflags] = tcp-syn'],
  ['and (pcapng)', 'loopback.pcapng', 'dst port 8080 and tcp[tcpflags] & tcp-syn != 0'],
];

describeTcpdump('same packets as tcpdump: lab captures', () => {
  test.each(LAB_CASES)('%s: %s "%s"', (_op, file, expr) => {
    expectSameAsTcpdump(lab(file), expr);
  });
});

const CORPUS_CASES: [string, string, string][] = [
  ['udp', 'pcapparser__wireshark_samples-test.pcapng', 'udp'],
  ['arp', 'pcapparser__wireshark_samples-test.pcapng', 'arp'],
  ['ip', 'pcapparser__wireshark_samples-test.pcapng', 'ip'],
  ['ip6', 'pcapparser__wireshark_samples-test.pcapng', 'ip6'],
  ['not ip', 'pcapparser__wireshark_samples-test.pcapng', 'not ip'],
  ['igmp', 'pcapparser__wireshark_samples-test.pcapng', 'igmp'],
  ['host (ARP sender/target too)', 'pcapparser__wireshark_samples-test.pcapng', 'host 192.168.152.1'],
  ['arp host', 'pcapparser__wireshark_samples-test.pcapng', 'arp host 192.168.152.1'],
  ['arp[N]', 'pcapparser__wireshark_samples-test.pcapng', 'arp[7] = 2'],
  ['udp port', 'pcapparser__wireshark_samples-test.pcapng', 'udp port 8001'],
  ['udp dst portrange', 'pcapparser__wireshark_samples-test.pcapng', 'udp dst portrange 15000-16000'],
  ['net', 'pcapparser__wireshark_samples-test.pcapng', 'net 224.0.0.0/4'],
  ['dst net (short)', 'pcapparser__wireshark_samples-test.pcapng', 'dst net 239'],
  ['ip proto and not', 'pcapparser__wireshark_samples-test.pcapng', 'ip proto 17 and not dst host 224.0.0.7'],
  ['tcp', 'zeek__Teredo.pcap', 'tcp'],
  ['udp and not port', 'zeek__Teredo.pcap', 'udp and not port 3544'],
  ['IPv6 src host', 'zeek__ipv6.pcap', 'ip6 src host 2001:470:4867:99::21'],
  ['IPv6 dst host', 'zeek__ipv6.pcap', 'dst host 2001:470:1f11:81f:c999:d94:aa7c:2e3e'],
  ['IPv6 and tcp port', 'zeek__ipv6.pcap', 'ip6 and tcp port 21'],
  ['IPv6 host (fragment headers)', 'zeek__ipv6-http-atomic-frag.pcap', 'src host 2001:db8:1::2'],
  ['icmp6', 'zeek__ipv6-http-atomic-frag.pcap', 'icmp6'],
  ['ip6 proto', 'zeek__ipv6-http-atomic-frag.pcap', 'ip6 proto 44'],
  ['ip6[N]', 'zeek__ipv6-http-atomic-frag.pcap', 'ip6[6] = 44'],
  ['ip6 and not tcp', 'zeek__ipv6-http-atomic-frag.pcap', 'ip6 and not tcp'],
  ['802.1Q: ip', 'zeek__mixed-vlan-mpls.pcap', 'ip'],
  ['802.1Q: ether[N:2]', 'zeek__mixed-vlan-mpls.pcap', 'ether[12:2] = 0x8100'],
  ['IPv4 fragments: host', 'zeek__fragmented-4.pcap', 'host 128.32.46.142'],
  ['IPv4 fragments: port', 'zeek__fragmented-4.pcap', 'port 80'],
  ['IPv4 fragments: tcp flags', 'zeek__fragmented-4.pcap', 'tcp[13] & 2 != 0'],
  ['tcp (retransmissions, snaplen cut)', 'zeek__retransmit-fast009.pcap', 'tcp[tcpflags] & tcp-rst != 0 or port 80 and tcp[tcpflags] & tcp-syn != 0'],
  ['rst', 'zeek__nmap-vsn.pcap', 'tcp[tcpflags] & tcp-rst != 0'],
  ['big-endian pcap', 'tcpdump__pptp.pcap', 'ip proto 47'],
  ['Linux SLL', 'tcpdump__resp_1_benchmark.pcap', 'tcp dst port 6379'],
  ['Linux SLL2', 'zeek__openjdk-25.0.2-zeek.org.pcap', 'src host 192.0.78.150'],
  ['raw IP (101)', 'zeek__rotation.pcap', 'dst portrange 1-5'],
  ['LINKTYPE_IPV4 (228)', 'zeek__tcp-syslog.pcap', 'dst port 514'],
  ['LINKTYPE_IPV6 (229), cut frames', 'tcpdump__beep-oobr.pcap', 'ip6 and tcp'],
  ['BSD NULL', 'zeek__pubsub.pcap', 'tcp[tcpflags] & tcp-push != 0'],
  ['BSD NULL (pcapng)', 'zeek__start-with-server.pcapng', 'src port 6379'],
  ['pcapng, ns', 'zeek__ldap_escaping_test.pcapng', 'tcp[tcpflags] & tcp-push != 0'],
  ['large', 'zeek__modbusBig.pcap', 'src port 502 and tcp[tcpflags] & tcp-push != 0'],
];

describeCorpusTcpdump('same packets as tcpdump: corpus', () => {
  test.each(CORPUS_CASES)('%s: %s "%s"', (_op, file, expr) => {
    expectSameAsTcpdump(corpusPath(file), expr);
  });

  // Behaviours where none or all is the point: compared with tcpdump, and with the counts.
  test.each<[string, string, string, number]>([
    ['802.1Q/MPLS frames are not looked into (no "vlan" keyword)', 'zeek__mixed-vlan-mpls.pcap', 'host 10.0.0.15', 0],
    ['QinQ: no frame is ip', 'zeek__vlan-qinqinq.pcap', 'ip or tcp or port 80', 0],
    ['IPv4: tcp matches every fragment, port only the first', 'zeek__fragmented-4.pcap', 'tcp and not port 80', 3],
    ['IPv6: tcp behind a fragment header, port only right after the header', 'zeek__ipv6-http-atomic-frag.pcap', 'tcp and not port 80', 5],
    ['a load past a cut frame rejects it, even under not', 'zeek__truncated-header.pcap', 'not port 25', 0],
  ])('%s: %s "%s"', (_what, file, expr, count) => {
    const { ours, theirs } = oracle(corpusPath(file), expr);
    expect(ours).toEqual(theirs);
    expect(ours.length).toBe(count);
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-made frames on every link type, cut at every length and mutated, against tcpdump

const be16 = (v: number) => [(v >> 8) & 255, v & 255];
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const le32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const A4 = [10, 0, 1, 5];
const B4 = [10, 0, 2, 2];
const A6 = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1];
const B6 = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 2];
const SYN = 0x02, ACK = 0x10, PSH = 0x08;

const tcpHdr = (sport: number, dport: number, flags: number, payload: number[] = []) => [...be16(sport), ...be16(dport), ...be32(1000), ...be32(0), 0x50, flags, ...be16(65535), 0, 0, 0, 0, ...payload];
const udpHdr = (sport: number, dport: number, payload: number[]) => [...be16(sport), ...be16(dport), ...be16(8 + payload.length), 0, 0, ...payload];
function ipv4(proto: number, body: number[], o: { src?: number[]; dst?: number[]; frag?: number; options?: number[]; ihl?: number } = {}): number[] {
  const opts = o.options ?? [];
  const hl = 20 + opts.length;
  const vihl = 0x40 | (o.ihl ?? hl / 4);
  return [vihl, 0, ...be16(hl + body.length), 0x12, 0x34, ...be16(o.frag ?? 0x4000), 64, proto, 0, 0, ...(o.src ?? A4), ...(o.dst ?? B4), ...opts, ...body];
}
const ipv6 = (next: number, body: number[], src = A6, dst = B6) => [0x60, 0, 0, 0, ...be16(body.length), next, 64, ...src, ...dst, ...body];
const arpBody = (op: number, spa: number[], tpa: number[]) => [0, 1, 8, 0, 6, 4, 0, op, 2, 0, 0, 0, 0, 1, ...spa, 0, 0, 0, 0, 0, 0, ...tpa];

/** Network-layer packets: [EtherType, bytes]. */
const PACKETS: [number, number[]][] = [
  [0x0800, ipv4(6, tcpHdr(40000, 443, SYN))],
  [0x0800, ipv4(6, tcpHdr(443, 40000, SYN | ACK), { src: B4, dst: A4 })],
  [0x0800, ipv4(6, tcpHdr(40001, 80, PSH | ACK, [1, 2, 3]), { options: [1, 1, 1, 0] })],
  [0x0800, ipv4(17, udpHdr(5353, 53, [0xab, 0xcd, 1, 0, 0, 1]))],
  [0x0800, ipv4(1, [8, 0, 0, 0, 0, 1, 0, 1, 9, 9])],
  [0x0800, ipv4(6, tcpHdr(40002, 80, ACK, [7, 7, 7, 7]), { frag: 0x2000 })],
  [0x0800, ipv4(6, [0, 80, 1, 187, 9, 9, 9, 9, 2, 2, 2, 2, 0x50, 2], { frag: 0x00b9 })],
  [0x0800, ipv4(2, [0x11, 0, 0, 0, 224, 0, 0, 1])],
  [0x0800, ipv4(132, [0, 80, 0x9c, 0x40, 1, 2, 3, 4, 0, 0, 0, 0])],
  [0x0800, ipv4(6, tcpHdr(40003, 443, SYN), { ihl: 1 })],
  [0x86dd, ipv6(6, tcpHdr(40000, 443, SYN))],
  [0x86dd, ipv6(17, udpHdr(5353, 53, [1, 2, 3, 4]), B6, A6)],
  [0x86dd, ipv6(0, [6, 0, 1, 4, 0, 0, 0, 0, ...tcpHdr(40004, 443, ACK)])],
  [0x86dd, ipv6(44, [6, 0, 0, 1, 0, 0, 0, 7, ...tcpHdr(40005, 80, SYN)])],
  [0x86dd, ipv6(58, [128, 0, 0, 0, 0, 1, 0, 1])],
  [0x0806, arpBody(1, A4, B4)],
  [0x8035, arpBody(3, B4, A4)],
];

/** The link header for each link type, or null where the link type cannot carry `ethertype`. */
const LINKS: Record<number, (ethertype: number) => number[] | null> = {
  0: (et) => (et === 0x0800 ? le32(2) : et === 0x86dd ? le32(30) : null), // BSD NULL, little-endian file
  1: (et) => [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, ...be16(et)],
  10: (et) => [0x50, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0xaa, 0xaa, 3, 0, 0, 0, ...be16(et)],
  12: (et) => (et === 0x0800 || et === 0x86dd ? [] : null),
  101: (et) => (et === 0x0800 || et === 0x86dd ? [] : null),
  108: (et) => (et === 0x0800 ? be32(2) : et === 0x86dd ? be32(24) : null), // BSD LOOP, network order
  113: (et) => [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, ...be16(et)],
  228: (et) => (et === 0x0800 ? [] : null),
  229: (et) => (et === 0x86dd ? [] : null),
  276: (et) => [...be16(et), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0],
};

/** Small seeded generator: the same frames every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Frames of one link type: every packet whole and cut at every length, plus mutated copies. */
function framesFor(linkType: number): Uint8Array[] {
  const out: number[][] = [];
  const wrap = LINKS[linkType];
  const frames: number[][] = [];
  for (const [et, pkt] of PACKETS) {
    const head = wrap(et);
    if (head !== null) frames.push([...head, ...pkt]);
  }
  if (linkType === 1) {
    frames.push([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0, 0, 10, 8, 0, ...PACKETS[0][1]]); // 802.1Q
    frames.push([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0, 46, 0xaa, 0xaa, 3, 0, 0, 0, 8, 0, ...PACKETS[0][1]]); // 802.3
  }
  if (linkType === 0) frames.push([...le32(10), ...PACKETS[10][1]], [...le32(23), ...PACKETS[10][1]], [...le32(28), ...PACKETS[10][1]]);
  const rand = rng(linkType + 19);
  for (const f of frames) {
    for (let len = 0; len <= f.length; len++) out.push(f.slice(0, len));
    for (let k = 0; k < 12; k++) {
      const m = f.slice();
      const flips = 1 + Math.floor(rand() * 3);
      for (let j = 0; j < flips; j++) m[Math.floor(rand() * Math.min(m.length, 80))] = Math.floor(rand() * 256);
      out.push(m);
    }
  }
  return out.map((f) => Uint8Array.from(f));
}

const DIFF_EXPRESSIONS = [
  'ip', 'ip6', 'arp', 'rarp', 'tcp', 'udp', 'icmp', 'icmp6', 'sctp', 'igmp', 'not ip and not ip6',
  'host 10.0.2.2', 'src host 10.0.1.5', 'dst host 10.0.2.2', 'net 10.0.0.0/16', 'not host 10.0.2.2', 'ip host 10.0.1.5 or arp host 10.0.2.2',
  'ip6 host 2001:db8::2', 'src net 2001:db8::/32', 'not ip6 dst host 2001:db8::1', 'src and dst net 10.0.0.0/8',
  'port 443', 'tcp port 80 or 443', 'udp port 53', 'src port 443', 'dst port 80', 'portrange 50-500', 'not port 80', 'sctp port 80',
  'tcp[tcpflags] & tcp-syn != 0', 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn', 'tcp[13] & 2 != 0 and not tcp[13] & 16 != 0',
  'port 80 or 443 or 53', 'tcp port 80 or port 443', 'port 80 or src port 443', 'dst port 80 or src port 443 or 53',
  'host 10.0.1.5 or 10.0.2.2', 'ip host 10.0.1.5 or host 10.0.2.2', 'src net 10.0.2.0/24 or net 10.0.1.0/24', 'ip6 host 2001:db8::1 or 2001:db8::2', 'net 10.0.1.0/24 or host 10.0.2.2 or port 80',
  'tcp[12:2] > 0x5000', 'tcp[0:4] = 0x9c4001bb', 'udp[2:2] = 53', 'icmp[icmptype] = icmp-echo', 'icmp6[icmp6type] = icmp6-echo',
  'ip[6:2] & 0x1fff = 0', 'ip[0] & 0xf > 5', 'ip6[6] = 0', 'arp[7] = 1', 'ether[0] = 2', 'proto 6', 'ip6 proto 6',
  'tcp[(tcp[12] >> 4) * 4 - 1] = 0 or udp[ip[0] & 0xf] > 7', 'ip[2:2] / (ip[3] & 1) = 0 or arp', '-ip[0] = 0xffffffbb', 'ip[8] ^ 1 | 3 = 67',
  'not tcp port 80 or 443', 'host 10.0.1.5 and not 10.0.2.2', 'ether[12:2] = 0x800 and not ip', 'icmp6[0:4] >> 24 = 128 or icmp[0] = 8',
  '(tcp or udp) and not (port 53 or 443)', 'host 10.0.1.5 and (port 443 or 80)', '1 = 1', 'ip[2:2] - 20 > 40', 'ip[4:4] % 7 = 3',
];

/** A big-endian pcap (as a SPARC or PowerPC host wrote it), µs. */
function pcapBigEndian(linkType: number, frames: Uint8Array[]): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32BE(0xa1b2c3d4, 0);
  h.writeUInt16BE(2, 4);
  h.writeUInt16BE(4, 6);
  h.writeUInt32BE(65535, 16);
  h.writeUInt32BE(linkType, 20);
  const recs = frames.map((f, i) => {
    const r = Buffer.alloc(16 + f.length);
    r.writeUInt32BE(1_700_000_000, 0);
    r.writeUInt32BE(i, 4);
    r.writeUInt32BE(f.length, 8);
    r.writeUInt32BE(f.length, 12);
    Buffer.from(f).copy(r, 16);
    return r;
  });
  return Buffer.concat([h, ...recs]);
}

describeTcpdump('same packets as tcpdump: hand-made frames of every link type, cut and mutated', () => {
  test('BSD NULL from a big-endian host: the address family in its byte order', () => {
    const frames = [
      [...be32(2), ...PACKETS[0][1]],
      [...be32(24), ...PACKETS[10][1]],
      [...be32(30), ...PACKETS[11][1]],
      [...be32(10), ...PACKETS[10][1]],
    ].map((f) => Uint8Array.from(f));
    const file = path.join(tmp, 'null-be.pcap');
    fs.writeFileSync(file, pcapBigEndian(0, frames));
    for (const expr of ['ip', 'ip6', 'tcp port 443', 'udp', 'not ip']) {
      const { ours, theirs } = oracle(file, expr);
      expect({ expr, ours }).toEqual({ expr, ours: theirs });
    }
    expect(oracle(file, 'ip6').ours).toEqual([1, 2]); // AF 10 (Linux) is not IPv6 to libpcap
  });

  test.each(Object.keys(LINKS).map(Number))('link type %d', (linkType) => {
    const frames = framesFor(linkType);
    const file = path.join(tmp, `lt${linkType}.pcap`);
    fs.writeFileSync(file, Buffer.concat([pcapHeader(linkType), ...frames.map((f, i) => pcapRecord(1_700_000_000, i, f))]));
    const mismatches: string[] = [];
    for (const expr of DIFF_EXPRESSIONS) {
      const { ours, theirs } = oracle(file, expr);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        const o = new Set(ours);
        const t = new Set(theirs);
        const diff = [...ours.filter((i) => !t.has(i)).map((i) => `+${i}`), ...theirs.filter((i) => !o.has(i)).map((i) => `-${i}`)];
        mismatches.push(`"${expr}": ${diff.slice(0, 8).join(' ')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Link types tcpdump cannot check

describe('without tcpdump', () => {
  test('IP over InfiniBand (tcpdump cannot filter it) is read as lib/decode/link/ipoib lays it out', () => {
    const frame = Uint8Array.from([...Array(40).fill(0), 0x08, 0x00, 0, 0, ...PACKETS[0][1]]);
    expect(compileFilter('tcp dst port 443 and host 10.0.1.5')(242, frame, 0, frame.length)).toBe(true);
    expect(compileFilter('udp')(242, frame, 0, frame.length)).toBe(false);
  });

  test('a link type the filter cannot read never matches, not even "not tcp"', () => {
    const frame = Uint8Array.from(PACKETS[0][1]);
    expect(compileFilter('not tcp')(127, frame, 0, frame.length)).toBe(false);
    expect(compileFilter('ip')(101, frame, 0, frame.length)).toBe(true);
  });

  test('the frame is read at its offset in a larger buffer', () => {
    const eth = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, ...PACKETS[0][1]];
    const buf = Uint8Array.from([9, 9, 9, ...eth, 8, 0, 0x45]);
    const keep = compileFilter('tcp[tcpflags] = tcp-syn and dst port 443');
    expect(keep(1, buf, 3, eth.length)).toBe(true);
    expect(keep(1, buf, 3, 14 + 20 + 13)).toBe(false); // the flags byte is past capLen
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Robustness

describe('robustness', () => {
  const FILTERS = [
    'tcp port 443 and not host 10.0.0.1',
    'ip6 net 2001:db8::/32 or arp or icmp6[icmp6type] = icmp6-echo',
    'tcp[tcp[12] >> 4] = 0 or udp[ip[0] & 0xf] > 7 or ether[ether[0]:4] = 1',
    'ip[2:2] / (ip[3] & 1) = 0 or not portrange 0-1023', // a division by a zero field
    '(tcp[tcpflags] & (tcp-syn|tcp-ack)) = tcp-syn and src net 10 or -ip[0] % 3 = 1',
  ].map(compileFilter);
  const LINK_TYPES = [0, 1, 10, 12, 14, 101, 108, 113, 228, 229, 242, 276, 127, 300, -1, NaN];

  test('random and cut frames never throw, and nothing outside [offset, offset+capLen) is read', () => {
    const rand = rng(7);
    let checked = 0;
    for (let n = 0; n < 4000; n++) {
      const len = Math.floor(rand() * 120);
      const frame = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
      if (len > 14 && rand() < 0.5) frame.set(rand() < 0.5 ? [8, 0, 0x45] : [0x86, 0xdd, 0x60], 12); // look like IP more often
      const pad = 3;
      const buf = new Uint8Array(pad + len + 5).fill(0xee);
      buf.set(frame, pad);
      const capLen = rand() < 0.2 ? len + 50 : len; // a capLen past the buffer is clipped to it
      let outside = false;
      const watched = new Proxy(buf, {
        get(target, prop) {
          if (typeof prop === 'string' && /^\d+$/.test(prop)) {
            const i = Number(prop);
            if (i < pad || i >= pad + Math.min(capLen, len + 5)) outside = true;
          }
          const v = Reflect.get(target, prop);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const lt = LINK_TYPES[n % LINK_TYPES.length];
      for (const keep of FILTERS) {
        expect(() => keep(lt, watched, pad, capLen)).not.toThrow();
        expect(typeof keep(lt, watched, pad, capLen)).toBe('boolean');
      }
      expect(outside).toBe(false);
      checked++;
    }
    expect(checked).toBe(4000);
  });

  test('real frames cut short never throw', () => {
    const keep = compileFilter('tcp port 443 and not host 10.0.0.1 and tcp[tcpflags] & tcp-ack != 0');
    const r = openCapture(lab('firewall.pcap'));
    let n = 0;
    try {
      for (let p = r.next(); p !== null && n < 300; p = r.next(), n++) {
        for (let cut = 0; cut <= p.capLen; cut += 3) expect(typeof keep(p.linkType, p.bytes, p.offset, cut)).toBe('boolean');
      }
    } finally {
      r.close();
    }
    expect(n).toBe(300);
  });

  test('odd arguments: negative, fractional or NaN lengths and offsets', () => {
    const keep = compileFilter('not tcp');
    const b = new Uint8Array(64);
    for (const [off, cap] of [[0, -1], [0, NaN], [-1, 10], [1.5, 10], [70, 10], [0, Infinity], [NaN, 5]]) {
      expect(() => keep(1, b, off, cap)).not.toThrow();
    }
    expect(keep(1, b, 0, 0)).toBe(false); // the EtherType is past the end: rejected, even under "not"
    expect(keep(1, b, 0, 64)).toBe(true);
  });
});
