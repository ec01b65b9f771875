/**
 * The public entry points carry what a user's code needs (#21): a PacketObserver written with the
 * types `pcap-alibi` exports (its compile is part of the test), and the verdict's stages —
 * Timeline, findIncidents and their views — used from the main entry, not from lib/ paths the
 * package's `exports` map blocks. Imported by the package's names (jest maps them to the sources;
 * test/api-tiers.test.ts checks what each entry holds).
 */
import * as path from 'node:path';
import { CapturePass, findIncidents, Timeline, type PacketEvent, type PacketObserver, type PacketRecord, type TcpSegment, type VerdictInput } from 'pcap-alibi';
import { openCapture } from 'pcap-alibi/node';

test('a PacketObserver written against the exported types sees every packet and its segment', () => {
  class Ports implements PacketObserver {
    seen = 0;
    flows = 0;
    ports = new Set<number>();
    packet(_rec: PacketRecord, ev: PacketEvent): void {
      this.seen++;
      const seg: TcpSegment | null = ev.segment;
      if (seg) this.ports.add(seg.dstPort);
      if (ev.flow !== null && ev.newFlow) this.flows++;
    }
  }
  const obs = new Ports();
  const pass = new CapturePass({ observer: obs });
  const r = openCapture(path.resolve(__dirname, '../captures/healthy/server.pcap'));
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  const res = pass.finish(r, 'server.pcap');
  expect(obs.seen).toBe(res.packets);
  expect(obs.ports.has(443)).toBe(true);
  expect(obs.flows).toBe(res.flows.length);
});

test('findIncidents and Timeline from the main entry: an empty timeline has no incident', () => {
  const timeline = Timeline.spanning(1, [1764770000, 1764770060]);
  const input: VerdictInput = { timeline, captures: [], logs: [], services: [], path: [], comparisons: [] };
  expect(findIncidents(input).incidents).toEqual([]);
  expect(timeline.length).toBeGreaterThan(59);
});

test('a packet filter and the row schema from the main entry: a filtered pass, its endpoints, as CSV rows', () => {
  const { compileFilter, EndpointTable, ENDPOINT_COLUMNS, csvHeader, csvRow, FilterSyntaxError } = require('pcap-alibi') as typeof import('pcap-alibi');
  const table = new EndpointTable();
  const pass = new CapturePass({ packetFilter: compileFilter('tcp port 443 and not host 10.0.1.16'), keepFlows: false, onFlow: (f) => table.add(f) });
  const r = openCapture(path.resolve(__dirname, '../captures/healthy/server.pcap'));
  for (let p = r.next(); p !== null; p = r.next()) pass.packet(p);
  pass.finish(r, 'server.pcap');
  const rows = table.rows();
  expect(rows.length).toBeGreaterThan(1);
  expect(pass.filteredOut).toBeGreaterThan(0); // 10.0.1.16's packets
  expect(rows.map((e) => e.address)).not.toContain('10.0.1.16');
  expect(csvHeader(ENDPOINT_COLUMNS).split(',')[0]).toBe('address');
  expect(csvRow(rows[0], ENDPOINT_COLUMNS).split(',')[0]).toBe(rows[0].address);
  expect(() => compileFilter('port')).toThrow(FilterSyntaxError);
});
