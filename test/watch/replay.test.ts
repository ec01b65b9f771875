/**
 * The watcher driven by a recorded outage (no root, no `cap`): the lab's stunnel-freeze server
 * capture replayed packet by packet with the clock at each packet's time, and the stunnel log
 * appended to a file as its lines come due — the same path as live, minus libpcap.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCapture } from '../../lib/node';
import { parseLogText } from '../../lib/logs';
import { Watcher, WatchIncident } from '../../lib/watch/watcher';

const DIR = path.join(__dirname, '../../captures/stunnel-freeze');
const have = fs.existsSync(path.join(DIR, 'server.pcap'));
const d = have ? describe : describe.skip;

d('watch replaying the stunnel-freeze lab capture', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-watch-replay-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('raises the start alert within a few intervals of the freeze, the end after it, and saves a readable pcap and an analyze document', async () => {
    const truth = JSON.parse(fs.readFileSync(path.join(DIR, 'truth.json'), 'utf8'));
    const f0 = Date.parse(truth.fault.start) / 1000, f1 = Date.parse(truth.fault.end) / 1000;
    const logText = fs.readFileSync(path.join(DIR, 'stunnel.log'));
    const parsed = parseLogText(logText, { tz: 'America/New_York', keepEvents: true });
    const lines = logText.toString('utf8').split('\n');
    const lineTime = new Float64Array(lines.length).fill(NaN);
    parsed.events!.line.forEach((no, k) => { lineTime[no - 1] = parsed.events!.time[k]; });
    for (let i = 1; i < lines.length; i++) if (Number.isNaN(lineTime[i])) lineTime[i] = lineTime[i - 1];
    const logFile = path.join(tmp, 'stunnel.log');
    fs.writeFileSync(logFile, '');
    let now = 0;
    const w = new Watcher({
      source: { linkType: 1, start() {}, stop() {} },
      port: 443, logs: [{ file: logFile, component: 'stunnel', timezone: 'America/New_York' }],
      keep: 30, window: 600, warmup: 20, out: path.join(tmp, 'out'), now: () => now, logsFromStart: true,
    });
    const events: (WatchIncident & { ev: string })[] = [];
    w.on('incident-start', (i) => events.push({ ...i, ev: 'start' }));
    w.on('incident-end', (i) => events.push({ ...i, ev: 'end' }));
    // Saves run concurrently (each runs analyze), so they finish in any order: keep them all and
    // pick the freeze's by id. The replay's quiet tail (no packets after the capture ends) can open a
    // second incident whose save may finish first.
    const saved: { id: number; dir: string; files: string[] }[] = [];
    w.on('incident-saved', (s) => saved.push(s));
    const reader = openCapture(path.join(DIR, 'server.pcap'));
    let li = 0;
    let nextEval = NaN;
    const advance = (t: number) => {
      while (nextEval <= t) {
        now = nextEval;
        let chunk = '';
        while (li < lines.length - 1 && lineTime[li] <= now) chunk += lines[li++] + '\n';
        if (chunk) fs.appendFileSync(logFile, chunk);
        w.pollLogs(now);
        w.evaluate(now);
        nextEval += 1;
      }
    };
    for (let p = reader.next(); p !== null; p = reader.next()) {
      const t = p.time;
      if (Number.isNaN(nextEval)) { now = t; w.begin(t); nextEval = Math.floor(t) + 1.5; }
      advance(t);
      now = t;
      w.packet(p);
    }
    advance(now + 40);
    await w.stop();
    const start = events.find((e) => e.ev === 'start')!;
    const end = events.find((e) => e.ev === 'end')!;
    expect(start).toBeDefined();
    expect(end).toBeDefined();
    const detected = Date.parse(start.at) / 1000;
    const ended = Date.parse(end.at) / 1000;
    // eslint-disable-next-line no-console
    console.log(`replay: fault ${truth.fault.start}–${truth.fault.end}; start alert ${start.at} (incident start ${start.start}, +${(detected - f0).toFixed(1)} s), end alert ${end.at} (incident end ${end.end}, +${(ended - f1).toFixed(1)} s after the fault); culprit ${end.culprit.component}`);
    expect(detected - f0).toBeGreaterThan(0);
    expect(detected - f0).toBeLessThan(15);
    expect(ended).toBeGreaterThan(f1);
    expect(start.culprit.component).toBe('stunnel');
    const mine = saved.find((s) => s.id === start.id);
    expect(mine).toBeDefined();
    const { dir, files } = mine!;
    // Any later incident is the replay's silent tail: no packets at all, which is clients stopping.
    for (const e of events.filter((x) => x.ev === 'end' && x.id !== start.id)) {
      expect(Date.parse(e.start) / 1000).toBeGreaterThan(ended);
      expect(e.culprit.component).toBe('clients');
    }
    expect(files).toEqual(expect.arrayContaining(['capture.pcap', 'stunnel.log', 'alibi.json', 'analyze.json']));
    const r = openCapture(path.join(dir, 'capture.pcap'));
    let n = 0, first = Infinity;
    for (let p = r.next(); p !== null; p = r.next()) { n++; first = Math.min(first, p.time); }
    expect(n).toBeGreaterThan(100);
    expect(first).toBeLessThanOrEqual(Date.parse(start.start) / 1000 - 25);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'analyze.json'), 'utf8'));
    expect(doc.incidents.length).toBeGreaterThan(0);
    expect(doc.incidents[0].culprit.component).toBe('stunnel');
  }, 60_000);
});
