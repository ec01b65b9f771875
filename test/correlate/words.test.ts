/**
 * Words that never contradict the numbers (#23), on small hand-made views: the verdict's rules
 * read columns, so a few columns set by hand put it in the corner a user's trial found.
 */
import { findIncidents } from '../../lib/correlate/incidents';
import { Timeline } from '../../lib/correlate/timeline';
import type { CaptureView, LogView, VerdictInput } from '../../lib/correlate/views';
import { METRIC_KEYS } from '../../lib/metrics/catalog';

const T0 = 1_764_000_000;
const N = 600;
const OUT: [number, number] = [300, 360]; // the outage, in bins
const inOutage = (i: number) => i >= OUT[0] && i < OUT[1];
const METRICS = METRIC_KEYS;

function columns(set: Record<string, (i: number) => number>): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const m of METRICS) out[m] = Float64Array.from({ length: N }, (_, i) => set[m]?.(i) ?? 0);
  return out;
}

/**
 * The lab's layout: clients → firewall → server (stunnel on 10.0.2.2:443) → loopback (the backend
 * on 127.0.0.1:8080). The proxy's traffic stays steady at both path vantages; `backend` sets the
 * backend's columns on the loopback. The backend's log goes silent in the outage.
 */
function input(backend: Record<string, (i: number) => number>): VerdictInput {
  const timeline = new Timeline(1, T0, N);
  const steady = { packets: () => 40, bytes: () => 20_000, payload: () => 9_000, synOnly: () => 2, synAck: () => 2, payloadC2S: () => 1_000, payloadS2C: () => 8_000, clientHello: () => 2, serverHello: () => 2, activeFlows: () => 20 };
  const front = (vantage: string): CaptureView => ({ vantage, cover: [0, N], all: columns(steady), services: { stunnel: columns(steady), backend: columns({}) }, serviceConnections: { stunnel: 5_000, backend: 0 } });
  const loop: CaptureView = { vantage: 'loopback', cover: [0, N], all: columns(backend), services: { stunnel: columns({}), backend: columns(backend) }, serviceConnections: { stunnel: 0, backend: 5_000 } };
  const log: LogView = {
    component: 'backend', cover: [0, N],
    lines: Float64Array.from({ length: N }, (_, i) => (inOutage(i) ? 0 : 5)),
    silences: [{ from: OUT[0], to: OUT[1], start: T0 + OUT[0], end: T0 + OUT[1], kind: 'silence' }],
  };
  return {
    timeline, captures: [front('firewall'), front('server'), loop], logs: [log],
    services: [{ component: 'stunnel', host: '10.0.2.2', port: 443 }, { component: 'backend', host: '127.0.0.1', port: 8080 }],
    path: ['firewall', 'server'], comparisons: [],
  };
}

describe('the evidence says what its numbers say', () => {
  it('client payload arriving where none usually did is not "its input stopped" (193 B/s, baseline 0/s)', () => {
    // New connections stop; on the connections already open, the clients keep sending 193 B/s,
    // where usually they sent none; the backend answers nothing and its log is silent.
    const { incidents } = findIncidents(input({
      synOnly: (i) => (inOutage(i) ? 0 : 2), synAck: (i) => (inOutage(i) ? 0 : 2),
      payloadC2S: (i) => (inOutage(i) ? 193 : 0), payloadS2C: (i) => (inOutage(i) ? 0 : 900),
    }));
    expect(incidents.length).toBeGreaterThan(0);
    const texts = incidents.flatMap((x) => x.evidence.map((e) => e.text));
    const wire = incidents.flatMap((x) => x.evidence).find((e) => typeof e.facts.client_payload_bytes_per_s === 'number')!;
    expect(wire.facts.client_payload_bytes_per_s).toBeGreaterThan(0);
    expect(wire.facts.baseline_client_payload_bytes_per_s).toBe(0);
    expect(texts.filter((t) => /input stopped/.test(t))).toEqual([]);
    // Input arrived, answers stopped, the log fell silent: the backend, said without a contradiction.
    expect(incidents[0].culprit).toMatchObject({ component: 'backend', kind: 'application' });
  });

  it('a log that slowed to a fifth of its rate, without a silence, did not "keep writing"', () => {
    // The backend stops answering while requests keep coming; its log slows from 5 to 1 line/s.
    const inp = input({ synOnly: () => 2, synAck: () => 2, payloadC2S: () => 400, payloadS2C: (i) => (inOutage(i) ? 0 : 900), httpRequests: () => 2, httpResponses: (i) => (inOutage(i) ? 0 : 2) });
    inp.logs[0] = { ...inp.logs[0], lines: Float64Array.from({ length: N }, (_, i) => (inOutage(i) ? 1 : 5)), silences: [] };
    const { incidents } = findIncidents(inp);
    const logLines = incidents.flatMap((x) => x.evidence).filter((e) => /^backend log/.test(e.text));
    expect(logLines.map((e) => e.text)).toEqual(['backend log wrote less but did not stop: 1 lines/s during the incident (usually 5 lines/s)']);
    expect(logLines[0].facts).toMatchObject({ lines_per_s: 1, baseline_lines_per_s: 5 });
  });
});
