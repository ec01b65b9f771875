/**
 * The incident's connections (#23): a second read of a capture lists the services' connections
 * that overlap each incident window, capped in rows but never in counts.
 */
import * as path from 'node:path';
import { scanIncidentConnections } from '../../lib/correlate/connections';
import { REPO } from '../helpers/corpus';

const fw = path.join(REPO, 'captures/stunnel-freeze/firewall.pcap');
const service = { host: '10.0.2.2', port: 443 };

describe('scanIncidentConnections', () => {
  it('caps the rows, not the counts: the state counts are over every connection', async () => {
    const windows: [number, number][] = [[0, 4e9]];
    const all = (await scanIncidentConnections({ files: [fw], vantage: 'firewall', services: [service], windows, shift: 0 })).connections[0];
    const capped = (await scanIncidentConnections({ files: [fw], vantage: 'firewall', services: [service], windows, shift: 0, cap: 10 })).connections[0];
    expect(all.rows).toBe(all.total);
    expect(capped.total).toBe(all.total);
    expect({ ...capped.byState }).toEqual({ ...all.byState });
    expect(capped.rows).toBe(10);
    for (const k of ['start', 'client', 'state', 'history', 'bytesOrig', 'rstResp'] as const) expect(capped[k]).toEqual(all[k].slice(0, 10));
  });

  it('keeps a connection that overlaps the window by its last packet or its first, and moves times by the shift', async () => {
    const windows: [number, number][] = [[0, 4e9]];
    const all = (await scanIncidentConnections({ files: [fw], vantage: 'firewall', services: [service], windows, shift: 0 })).connections[0];
    // A window from one connection's end to another's start (exclusive): both edges are tested.
    const ends = all.start.map((s, i) => s + all.duration[i]);
    const k = all.start.indexOf(Math.max(...all.start));
    const from = ends[0], to = all.start[k];
    const want = all.start.filter((s, i) => s < to && ends[i] >= from).length;
    const got = (await scanIncidentConnections({ files: [fw], vantage: 'firewall', services: [service], windows: [[from, to]], shift: 0 })).connections[0];
    expect(got.total).toBe(want);
    expect(got.start).not.toContain(to);
    // Shifted by 10 s: the same window 10 s later holds the same connections, at times 10 s later.
    const moved = (await scanIncidentConnections({ files: [fw], vantage: 'firewall', services: [service], windows: [[from + 10, to + 10]], shift: 10 })).connections[0];
    expect(moved.total).toBe(want);
    expect(moved.start).toEqual(got.start.map((s) => Math.round((s + 10) * 1e6) / 1e6));
  });

  it('lists nothing for a service no packet reaches, and every connection when no service is given', async () => {
    const windows: [number, number][] = [[0, 4e9]];
    expect((await scanIncidentConnections({ files: [fw], vantage: 'firewall', services: [{ host: '192.0.2.1', port: 443 }], windows, shift: 0 })).connections).toEqual([]);
    const any = (await scanIncidentConnections({ files: [fw], vantage: 'firewall', services: [], windows, shift: 0 })).connections[0];
    const svc = (await scanIncidentConnections({ files: [fw], vantage: 'firewall', services: [service], windows, shift: 0 })).connections[0];
    expect(any.total).toBeGreaterThanOrEqual(svc.total);
  });
});
