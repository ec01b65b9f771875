/**
 * A forensic workflow as a user of the library would test it: only the public API (the
 * package's entry points `pcap-alibi`, `pcap-alibi/analysis`, `pcap-alibi/node`, which jest maps
 * to their sources), on the stunnel-freeze lab capture.
 * The question: during the outage, was it the network, the clients, or stunnel?
 */
import * as path from 'node:path';
import { CapturePass, type FlowRecord } from 'pcap-alibi';
import { analyze, loadConfig, type AnalyzeDocument } from 'pcap-alibi/analysis';
import { openCapture } from 'pcap-alibi/node';
import { capture } from './paths';

describe('who stopped answering during the stunnel freeze', () => {
  let doc: AnalyzeDocument;
  let flows: FlowRecord[];

  beforeAll(async () => {
    doc = await analyze(loadConfig(capture('stunnel-freeze', 'alibi.json')));
    const file = capture('stunnel-freeze', 'server.pcap');
    const reader = openCapture(file);
    const pass = new CapturePass({ vantage: 'server' });
    for (const p of reader) pass.packet(p);
    flows = pass.finish(reader, path.basename(file)).flows;
  });

  it('finds exactly one incident, about a minute long, blamed on stunnel itself', () => {
    expect(doc.incidents).toHaveLength(1);
    const [inc] = doc.incidents;
    expect(inc.culprit.component).toBe('stunnel');
    expect(inc.culprit.kind).toBe('application');
    expect(inc.culprit.confidence).toBeGreaterThanOrEqual(0.8);
    expect(inc.duration).toBeGreaterThan(40);
    expect(inc.duration).toBeLessThan(90);
  });

  it('backs the verdict with the log silence and rules out the network between the vantage points', () => {
    const [inc] = doc.incidents;
    expect(inc.evidence.some((e) => /^stunnel log silent/.test(e.text))).toBe(true);
    expect(inc.evidence.some((e) => /firewall and server captures agree/.test(e.text))).toBe(true);
    expect(inc.signals.map((s) => s.kind)).toEqual(expect.arrayContaining(['log-silence', 'throughput-drop', 'syn-unanswered']));
  });

  it('shows in the flow records that the clients kept coming and gave up, and stunnel never reset', () => {
    const toStunnel = flows.filter((f) => f.server.ip === '10.0.2.2' && f.server.port === 443);
    expect(toStunnel).toHaveLength(flows.length);
    const [start, end] = [Date.parse(doc.incidents[0].start), Date.parse(doc.incidents[0].end)];
    const during = toStunnel.filter((f) => Date.parse(f.start) >= start && Date.parse(f.start) < end);
    // New connections kept arriving; most never got a SYN-ACK (S0): the accept queue was full.
    expect(during.length).toBeGreaterThan(300);
    expect(during.filter((f) => f.state === 'S0').length / during.length).toBeGreaterThan(0.5);
    // Every reset came from a client (RSTO), none from stunnel's side.
    expect(toStunnel.filter((f) => f.rst.s2c > 0)).toEqual([]);
    expect(toStunnel.filter((f) => f.state === 'RSTO').every((f) => f.rst.c2s > 0)).toBe(true);
    // Connections opened before the freeze had a sub-millisecond handshake, then hung: their
    // clients gave up and reset them during the incident.
    const before = toStunnel.filter((f) => Date.parse(f.start) < start);
    expect(before.length).toBeGreaterThan(30);
    expect(before.every((f) => f.handshakeRtt !== null && f.handshakeRtt < 0.001)).toBe(true);
    expect(before.every((f) => f.state === 'RSTO' && Date.parse(f.end) >= start && Date.parse(f.end) < end)).toBe(true);
  });
});
