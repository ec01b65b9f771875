/**
 * `alibi endpoints` (#19) against tshark's own endpoint table (`-z endpoints,ip` / `ipv6`): on
 * captures holding TCP alone, per address, packets and wire bytes in all, sent and received must
 * be tshark's to the unit — on the lab's captures and on public ones.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { alibi } from '../helpers/cli';
import { corpusPath, HAVE_CORPUS, REPO } from '../helpers/corpus';

const haveTshark = spawnSync('tshark', ['--version']).status === 0;
if (!haveTshark) console.warn('skipping the tshark comparisons of alibi endpoints: tshark is missing (apt-get install tshark; .ci/run installs it)');

type Row = { packets: number; bytes: number; txPackets: number; txBytes: number; rxPackets: number; rxBytes: number };

/** tshark's endpoint table for IPv4 and IPv6, by address. */
function tsharkEndpoints(file: string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const kind of ['ip', 'ipv6']) {
    const r = spawnSync('tshark', ['-n', '-r', file, '-q', '-z', `endpoints,${kind}`], { encoding: 'utf8' });
    for (const line of r.stdout.split('\n')) {
      const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line.trim());
      if (m) out.set(m[1], { packets: +m[2], bytes: +m[3], txPackets: +m[4], txBytes: +m[5], rxPackets: +m[6], rxBytes: +m[7] });
    }
  }
  return out;
}

/** Packets that are not TCP, by tshark: where there are some, its table counts more than ours. */
function nonTcp(file: string): number {
  const r = spawnSync('tshark', ['-n', '-r', file, '-Y', '!tcp || _ws.malformed || _ws.expert.severity == error', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).length;
}

function compare(file: string): number {
  const r = alibi(['endpoints', file, '--json']);
  expect(r.code).toBe(0);
  const ours = new Map<string, Row>((JSON.parse(r.stdout).endpoints as (Row & { address: string })[]).map((e) => [e.address, { packets: e.packets, bytes: e.bytes, txPackets: e.txPackets, txBytes: e.txBytes, rxPackets: e.rxPackets, rxBytes: e.rxBytes }]));
  const theirs = tsharkEndpoints(file);
  expect(theirs.size).toBeGreaterThan(0);
  expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
  for (const [a, t] of theirs) expect([a, ours.get(a)]).toEqual([a, t]);
  return theirs.size;
}

const lab = ['stunnel-freeze', 'network-loss', 'app-slow'].flatMap((s) => ['firewall.pcap', 'server.pcap', 'loopback.pcapng'].map((f) => path.join(REPO, 'captures', s, f)));

describe('alibi endpoints = tshark -z endpoints,ip on TCP-only captures', () => {
  (haveTshark ? it.each(lab) : it.skip.each(lab))('%s', (file) => {
    expect(nonTcp(file)).toBe(0);
    compare(file);
  });

  const corpus = ['zeek__get-to-ssh-server.pcap', 'scapy__ssh_ed25519.pcap', 'dpkt__http.pcap', 'zeek__fin_retransmission.pcap', 'tcpdump__tcp-handshake-nano.pcap', 'zeek__ipv6-http-atomic-frag.pcap', 'zeek__openjdk-25.0.2-zeek.org.pcap'];
  (haveTshark && HAVE_CORPUS ? it : it.skip)('public captures from ../shared/corpus (those that hold TCP alone)', () => {
    let compared = 0;
    for (const name of corpus) {
      const file = corpusPath(name);
      if (nonTcp(file) > 0) continue;
      compare(file);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(3);
  });
});

describe('alibi endpoints options', () => {
  const fw = path.join(REPO, 'captures/stunnel-freeze/firewall.pcap');
  it('--top keeps the first N by bytes; --host keeps that address and its peers; CSV has the schema header', () => {
    const all = JSON.parse(alibi(['endpoints', fw, '--json']).stdout).endpoints as { address: string; bytes: number }[];
    const top = JSON.parse(alibi(['endpoints', fw, '--json', '--top', '2']).stdout).endpoints as { address: string }[];
    expect(top.map((e) => e.address)).toEqual(all.slice(0, 2).map((e) => e.address));
    for (let i = 1; i < all.length; i++) expect(all[i - 1].bytes).toBeGreaterThanOrEqual(all[i].bytes);
    const one = JSON.parse(alibi(['endpoints', fw, '--json', '--host', '10.0.1.15']).stdout).endpoints as { address: string; connections: number }[];
    expect(one.map((e) => e.address).sort()).toEqual(['10.0.1.15', '10.0.2.2']);
    expect(one[0].connections).toBe(one[1].connections);
    const csv = alibi(['endpoints', fw, '--csv']).stdout.split('\n');
    expect(csv[0]).toBe('address,connections,as_client,as_server,packets,bytes,tx_packets,tx_bytes,rx_packets,rx_bytes,resets_sent');
    expect(csv.filter(Boolean)).toHaveLength(all.length + 1);
    expect(alibi(['endpoints', fw, '--top', '0']).code).toBe(2);
  });
});
