/**
 * The terminal report (#23): `--quiet` gives the verdict alone, one line per incident, with the
 * same words and numbers as the full report's verdict line; and the report's clock lines agree
 * with the evidence and say when nothing needed correcting.
 */
import * as path from 'node:path';
import { alibi } from '../helpers/cli';
import { REPO } from '../helpers/corpus';

const lab = (s: string) => path.join(REPO, 'captures', s, 'alibi.json');

describe('analyze --quiet', () => {
  test.each(['stunnel-freeze', 'network-loss', 'healthy'])('%s: the verdict line alone, matching the JSON document', (scenario) => {
    const q = alibi(['analyze', lab(scenario), '--quiet']);
    const doc = JSON.parse(alibi(['analyze', lab(scenario), '--json']).stdout);
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
    const lines = q.stdout.trimEnd().split('\n');
    if (doc.incidents.length === 0) {
      expect(lines).toEqual([`no incident between ${doc.window.start.replace('T', ' ').replace('Z', ' UTC')} and ${doc.window.end.replace('T', ' ').replace('Z', ' UTC')}`]);
      return;
    }
    expect(lines).toHaveLength(doc.incidents.length);
    doc.incidents.forEach((inc: { start: string; duration: number; culprit: { component: string; confidence: number } }, i: number) => {
      expect(lines[i]).toContain(`incident ${i + 1}: ${inc.start.replace('T', ' ').replace('Z', ' UTC')}`);
      expect(lines[i]).toContain(`(${inc.duration} s)`);
      expect(lines[i]).toContain(inc.culprit.component.replace(/^network:/, ''));
      expect(lines[i].endsWith(`; confidence ${Math.round(inc.culprit.confidence * 100)}%`)).toBe(true);
    });
    // The full report says the same verdict in the same words.
    const full = alibi(['analyze', lab(scenario)]).stdout;
    for (const l of lines) expect(full).toContain(l.replace(/^incident \d+: .*?\): /, 'Verdict: '));
  });

  test('--quiet with --json is a usage error', () => {
    const r = alibi(['analyze', lab('healthy'), '--quiet', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/choose one of --json, --quiet and --csv/);
  });
});

describe('clock words agree with the clock numbers', () => {
  const scenarios = ['stunnel-freeze', 'stunnel-freeze-bigqueue', 'network-loss', 'network-drop', 'app-freeze', 'app-slow', 'clients-stop', 'healthy'];
  let checked = 0;
  test.each(scenarios)('%s: every evidence line naming a clock offset gives the Clocks table\'s number, same sign, same digits', (scenario) => {
    const doc = JSON.parse(alibi(['analyze', lab(scenario), '--json']).stdout);
    for (const inc of doc.incidents) {
      for (const e of inc.evidence as (string | { text: string })[]) {
        const text = typeof e === 'string' ? e : e.text;
        if (!/clock offset/.test(text)) continue;
        const m = /^(\S+) and (\S+) captures agree .* give \2 a clock offset of (-?[\d.]+) s, as under Clocks\)$/.exec(text);
        expect(m).not.toBeNull();
        const c = doc.clocks.find((x: { between: string[] }) => x.between[0] === m![1] && x.between[1] === m![2]);
        expect(Number(m![3])).toBe(c.offset);
        checked++;
      }
    }
  });
  test('the scenarios above had such lines to check', () => expect(checked).toBeGreaterThanOrEqual(4));

  test('a reliable estimate of 0 s says there was nothing to correct, not that it was not applied', async () => {
    const { clockStatus } = await import('../../lib/report/text');
    const c = { between: ['a', 'b'] as [string, string], method: '' };
    expect(clockStatus({ ...c, offset: 0, confidence: 0.94, applied: false })).toBe('nothing to correct');
    expect(clockStatus({ ...c, offset: 0, confidence: 0.5, applied: false })).toBe('not applied');
    expect(clockStatus({ ...c, offset: 12, confidence: 0.7, applied: false })).toBe('not applied');
    expect(clockStatus({ ...c, offset: 0.000005, confidence: 0.99, applied: true })).toBe('applied');
    const text = alibi(['analyze', lab('stunnel-freeze')]).stdout;
    expect(text).not.toMatch(/offset 0 s \([^\n]*— not applied/);
    expect(text).toMatch(/loopback vs backend log: offset 0 s \([^\n]*— nothing to correct/);
  });
});

describe('IPv6 endpoints in text are bracketed', () => {
  test('endpoint() brackets IPv6 only', async () => {
    const { endpoint } = await import('../../lib/flow/address');
    expect([endpoint('2001:db8::1', 443), endpoint('10.0.2.2', 443), endpoint('::ffff:10.0.2.2', 80)]).toEqual(['[2001:db8::1]:443', '10.0.2.2:443', '[::ffff:10.0.2.2]:80']);
  });
  const { HAVE_CORPUS, corpusPath } = require('../helpers/corpus') as typeof import('../helpers/corpus');
  (HAVE_CORPUS ? test : test.skip)('alibi flows on a public IPv6 capture (zeek ipv6-http-atomic-frag) prints [address]:port', () => {
    const r = alibi(['flows', corpusPath('zeek__ipv6-http-atomic-frag.pcap')]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/ \[2001:db8:1::2\]:36951 +-> \[2001:db8:1::1\]:80 /);
  });
});

describe('a log read in the wrong zone', () => {
  test('stunnel-freeze with the stunnel log read as UTC (it was written in New York): no line says a log "kept writing" at a rate under its usual', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const os = require('node:os') as typeof import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-zone-'));
    try {
      const cfg = JSON.parse(fs.readFileSync(lab('stunnel-freeze'), 'utf8'));
      for (const c of cfg.captures) c.file = path.join(REPO, 'captures/stunnel-freeze', c.file);
      for (const l of cfg.logs) { l.file = path.join(REPO, 'captures/stunnel-freeze', l.file); if (l.component === 'stunnel') l.timezone = 'UTC'; }
      fs.writeFileSync(path.join(dir, 'alibi.json'), JSON.stringify(cfg));
      const r = alibi(['analyze', path.join(dir, 'alibi.json'), '--json']);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      let logLines = 0;
      for (const inc of doc.incidents) for (const e of inc.evidence as { text: string; facts: Record<string, number> }[]) {
        if (!/ log (kept writing|wrote|silent)/.test(e.text)) continue;
        logLines++;
        if (/kept writing/.test(e.text)) {
          expect(e.facts.lines_per_s).toBeGreaterThan(0);
          expect(e.facts.lines_per_s).toBeGreaterThanOrEqual(0.3 * e.facts.baseline_lines_per_s);
        }
      }
      // The stunnel log, 5 h off the captures, says nothing about the incident; the report says why.
      expect(doc.incidents.length).toBe(1);
      expect(doc.incidents[0].evidence.filter((e: { text: string }) => /stunnel log/.test(e.text))).toEqual([]);
      expect(logLines).toBe(1); // the backend's
      expect(JSON.stringify(doc.warnings)).toMatch(/stunnel log does not overlap the captures in time .*check its time zone/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
