/**
 * The verdict's rules on small hand-made views (#17, #21): each rule alone, with the numbers that
 * decide it, so a change to one shows here before it shows in a lab scenario.
 */
import { decide, CaptureView, LogView, VerdictInput } from '../../lib/correlate/verdict';
import { Timeline } from '../../lib/correlate/timeline';
import { METRIC_KEYS } from '../../lib/metrics/catalog';

const N = 120;
const KEYS = METRIC_KEYS;
const cols = () => Object.fromEntries(KEYS.map((k) => [k, new Float64Array(N)])) as Record<string, Float64Array>;
/** Fills `x` with `v` over bins [a, b). */
const fill = (x: Float64Array, a: number, b: number, v: number) => { for (let i = a; i < b; i++) x[i] = v; };

/** A TLS service at a vantage: `ok` bins answer, `stopped` bins get ClientHellos and nothing back. */
function tlsView(vantage: string, component: string, stopped: [number, number] | null, opts: { synAckInStop?: boolean; demandInStop?: number } = {}): CaptureView {
  const s = cols();
  fill(s.synOnly, 0, N, 1); fill(s.synAck, 0, N, 1); fill(s.clientHello, 0, N, 1); fill(s.serverHello, 0, N, 1);
  fill(s.payloadC2S, 0, N, 500); fill(s.payloadS2C, 0, N, 3000); fill(s.packets, 0, N, 20);
  if (stopped) {
    const [a, b] = stopped;
    fill(s.serverHello, a, b, 0); fill(s.payloadS2C, a, b, 0);
    fill(s.synOnly, a, b, opts.demandInStop ?? 1);
    if (!opts.synAckInStop) fill(s.synAck, a, b, 0);
    if (!opts.synAckInStop) fill(s.clientHello, a, b, 0);
  }
  return { vantage, cover: [0, N], all: s, services: { [component]: s }, serviceConnections: { [component]: 500 } };
}

function input(captures: CaptureView[], logs: LogView[], services = [{ component: 'stunnel', host: '10.0.2.2', port: 443 }], path = captures.map((c) => c.vantage)): VerdictInput {
  return { timeline: new Timeline(1, 1_700_000_000, N), captures, logs, services, path, comparisons: [] };
}

const quietLog = (component: string, a: number, b: number): LogView => {
  const lines = new Float64Array(N);
  fill(lines, 0, N, 3); fill(lines, a, b, 0);
  return { component, cover: [0, N], lines, silences: [{ from: a, to: b, start: 1_700_000_000 + a, end: 1_700_000_000 + b, kind: 'gap' }] };
};

test('a TLS terminator that takes connections and sends no ServerHello is the culprit', () => {
  const d = decide(input([tlsView('server', 'stunnel', [40, 80], { synAckInStop: true })], []), 40, 80, [[40, 80]], []);
  expect(d.culprit).toMatchObject({ component: 'stunnel', kind: 'application' });
  expect(d.culprit.confidence).toBeGreaterThanOrEqual(0.85);
  expect(d.evidence.map((e: { text: string }) => e.text).join('\n')).toMatch(/40 TLS ClientHellos reached 10\.0\.2\.2:443 and 0 ServerHellos came back/);
});

test('SYNs that arrive and go unanswered are not "the clients stopped", even when fewer come', () => {
  // Closed-loop clients: they wait for answers, so fewer SYNs come during the freeze (0.3/s), and
  // none is answered. The old rule compared SYN rates alone and said "clients".
  const v = tlsView('server', 'stunnel', [40, 80], { demandInStop: 0.3 });
  for (const k of ['packets', 'payloadC2S']) fill(v.all[k], 40, 80, 0);
  fill(v.all.synOnly, 40, 80, 0);
  for (let i = 40; i < 80; i += 3) v.all.synOnly[i] = 1;
  const d = decide(input([v], []), 40, 80, [[40, 80]], [{ source: 'server:stunnel', kind: 'syn-unanswered', from: 40, to: 80, baseline: 1, observed: 0 }]);
  expect(d.culprit.kind).not.toBe('clients');
});

test('demand that stops with nothing stalled is the clients', () => {
  const v = tlsView('firewall', 'stunnel', null);
  const w = tlsView('server', 'stunnel', null);
  for (const x of [v, w]) for (const k of KEYS) fill(x.all[k], 40, 80, 0);
  const d = decide(input([v, w], []), 40, 80, [[40, 80]], [], [40, 80]);
  expect(d.culprit).toMatchObject({ component: 'clients', kind: 'clients', confidence: 0.85 });
});

test('a component behind a stopped one is starved, never blamed; its quiet log is explained', () => {
  const front = tlsView('server', 'stunnel', [40, 80], { synAckInStop: true });
  const back = cols();
  fill(back.synOnly, 0, N, 1); fill(back.synAck, 0, N, 1); fill(back.httpRequests, 0, N, 2); fill(back.httpResponses, 0, N, 2);
  fill(back.payloadC2S, 0, N, 200); fill(back.payloadS2C, 0, N, 2000);
  for (const k of KEYS) fill(back[k], 40, 80, 0);
  const loop: CaptureView = { vantage: 'loopback', cover: [0, N], all: back, services: { backend: back, stunnel: cols() }, serviceConnections: { backend: 300, stunnel: 0 } };
  front.services.backend = cols(); front.serviceConnections.backend = 0;
  const services = [{ component: 'stunnel', host: '10.0.2.2', port: 443 }, { component: 'backend', host: '127.0.0.1', port: 8080 }];
  const d = decide(input([front, loop], [quietLog('stunnel', 40, 80), quietLog('backend', 40, 80)], services, ['server']), 40, 80, [[40, 80]], []);
  expect(d.culprit.component).toBe('stunnel');
  expect(d.evidence.map((e: { text: string }) => e.text).join('\n')).toMatch(/behind: .*its input stopped/);
});

test('a quiet log alone names nobody: unknown, with the component as a suspect and what would decide', () => {
  const d = decide(input([], [quietLog('stunnel', 40, 80)]), 40, 80, [[40, 80]], []);
  expect(d.culprit.kind).toBe('unknown');
  expect(d.culprit.suspects?.[0]).toMatchObject({ component: 'stunnel' });
  expect(d.culprit.suspects?.[0].why).toMatch(/no capture shows whether its input still arrived/);
});

test('a host that resets every SYN (nothing listens) names the crashed process', () => {
  const v = tlsView('server', 'stunnel', [40, 80]);
  fill(v.services.stunnel.resetsByServer, 40, 80, 1);
  const d = decide(input([v], []), 40, 80, [[40, 80]], []);
  expect(d.culprit).toMatchObject({ component: 'stunnel', kind: 'application' });
  expect(d.evidence[0].text).toMatch(/nothing listened on the port/);
});

test('a host that answers nothing at a vantage in front of it: unknown, network after the vantage or the host', () => {
  const v = tlsView('firewall', 'stunnel', [40, 80]);
  const d = decide(input([v], []), 40, 80, [[40, 80]], []);
  expect(d.culprit.kind).toBe('unknown');
  expect(d.culprit.suspects?.map((s) => s.component)).toEqual(['network:after-firewall', 'stunnel']);
});
