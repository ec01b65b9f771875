/**
 * Zeek conn_state and history on real connections: public corpus files and captures made here
 * with real kernel TCP (test/fixtures/captures/states/make.sh; loop.pcap from ../captures/make.sh).
 */
import { corpusPath, describeCorpus, fixture } from '../helpers/corpus';
import { flowsOf } from '../helpers/flows';

function find(path: string, clientPort: number) {
  const f = flowsOf(path).flows.find((x) => x.client.port === clientPort);
  if (!f) throw new Error(`no flow with client port ${clientPort} in ${path}`);
  return f;
}

describe('Zeek states on captures made here', () => {
  test.each([
    ['s2.pcap', 'S2', 'ShAFa', 'the client half-closed; the server never sent its FIN'],
    ['s3.pcap', 'S3', 'ShAf', 'the server half-closed; the client never sent its FIN'],
    ['rstos0.pcap', 'RSTOS0', 'SR', 'a SYN then the client\'s RST, no SYN-ACK seen'],
    ['shr.pcap', 'SHR', '^hfa', 'only the server side seen: SYN-ACK then FIN'],
    ['rstrh.pcap', 'RSTRH', '^hr', 'only the server side seen: SYN-ACK then RST'],
  ])('%s is %s with history %s (%s)', (file, state, history) => {
    const flows = flowsOf(fixture('captures', 'states', file)).flows;
    expect(flows).toHaveLength(1);
    expect(flows[0].state).toBe(state);
    expect(flows[0].history).toBe(history);
  });

  test('SF and REJ on loop.pcap: HTTP fetches close normally; a closed port answers RST', () => {
    const flows = flowsOf(fixture('captures', 'loop.pcap')).flows;
    expect(flows.map((f) => f.state)).toEqual(['SF', 'SF', 'REJ', 'SF']);
    const rej = flows[2];
    expect(rej.history).toBe('Sr');
    expect(rej.rst).toEqual({ c2s: 0, s2c: 1 });
    expect(rej.server.port).toBe(8001);
    expect(flows[1].handshakeRtt).toBeGreaterThan(0);
    expect(flows[1].handshakeRtt).toBeLessThan(0.01);
    expect(flows[1].httpStarts).toEqual({ c2s: 1, s2c: 1 });
  });
});

describeCorpus('Zeek states on public captures', () => {
  test.each([
    ['zeek__nmap-vsn.pcap', 58111, 'S0', 'S'],
    ['zeek__nmap-vsn.pcap', 58024, 'REJ', 'Sr'],
    ['zeek__kerberos_tso.pcapng', 49815, 'RSTO', 'ShADadR'],
    ['zeek__kerberos_tso.pcapng', 49814, 'RSTR', 'ShADadFr'],
    ['zeek__fin_retransmission.pcap', 55344, 'RSTR', 'SFhr'],
    ['zeek__mixed-vlan-mpls.pcap', 11001, 'SH', 'SADF'],
    ['zeek__pubsub.pcap', 60831, 'OTH', 'DadA'],
    ['zeek__ipv6.pcap', 55647, 'SF', 'ShADFaf'],
    ['tcpdump__tcp-handshake-nano.pcap', 46656, 'S1', 'ShA'],
    ['zeek__retransmit-fast009.pcap', 50368, 'RSTO', 'ShADadtR'],
  ])('%s client port %i: %s %s', (file, port, state, history) => {
    const f = find(corpusPath(file), port);
    expect(f.state).toBe(state);
    expect(f.history).toBe(history);
  });

  test('who sent the reset: the responder on REJ, the originator on RSTO', () => {
    expect(find(corpusPath('zeek__nmap-vsn.pcap'), 58024).rst).toEqual({ c2s: 0, s2c: 1 });
    expect(find(corpusPath('zeek__kerberos_tso.pcapng'), 49815).rst.c2s).toBeGreaterThan(0);
  });

  test('with no SYN seen, the client is the higher port and history starts with ^ when the server spoke first', () => {
    const flows = flowsOf(corpusPath('zeek__start-with-server.pcapng')).flows;
    expect(flows).toHaveLength(1);
    expect(flows[0].client.port).toBeGreaterThan(flows[0].server.port);
  });
});

describe('connection splitting', () => {
  test('a new SYN after a RST starts a new record; idle past the timeout does too', () => {
    // loop.pcap has 4 distinct 5-tuples; an idle timeout shorter than the gaps between packets
    // of one connection splits it into more records.
    const normal = flowsOf(fixture('captures', 'loop.pcap')).flows.length;
    const split = flowsOf(fixture('captures', 'loop.pcap'), { idleTimeout: 0.00001 }).flows.length;
    expect(normal).toBe(4);
    expect(split).toBeGreaterThan(normal);
  });
  test('a bounded table finishes the least recently active flows early and says so', () => {
    const res = flowsOf(fixture('captures', 'loop.pcap'), { maxFlows: 1 });
    expect(res.flows.length).toBe(4);
    expect(res.warnings.find((w) => w.code === 'flow_table_full')?.reason).toMatch(/3 connections finished early/);
  });
});
