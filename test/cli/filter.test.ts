/**
 * `--filter EXPR` end to end (#19): `alibi flows FILE --filter EXPR` gives the flows of the capture
 * tcpdump cuts with the same expression (`tcpdump -r FILE -w OUT EXPR`, then `alibi flows OUT`),
 * record for record, one expression per operator; the same for series bins and endpoints. The
 * packet-level agreement with tcpdump, operator by operator and link type by link type, is
 * test/decode/bpf.test.ts's.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alibi } from '../helpers/cli';
import { corpusPath, HAVE_CORPUS, REPO } from '../helpers/corpus';

const TCPDUMP = ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'].find((p) => fs.existsSync(p));
if (!TCPDUMP) console.warn('skipping the --filter comparisons with tcpdump: tcpdump is missing (apt-get install tcpdump; .ci/run installs it)');
const it_ = TCPDUMP ? it : it.skip;

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-filter-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** The capture tcpdump keeps for `expr`. */
function cut(file: string, expr: string): string {
  const out = path.join(tmp, `cut-${n++}.pcap`);
  // A nanosecond capture is cut at nanoseconds: at µs every time would move by up to 1 µs.
  const ns = /resolution:\s+ns/.test(alibi(['info', file]).stdout);
  const r = spawnSync(TCPDUMP!, [...(ns ? ['--time-stamp-precision=nano'] : []), '-r', file, '-w', out, '--', expr], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return out;
}

/** Flow records without what names the file or the packet numbers in it. */
function flows(args: string[]): unknown[] {
  const r = alibi(['flows', ...args, '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).flows;
}

const fw = path.join(REPO, 'captures/stunnel-freeze/firewall.pcap');
const lo = path.join(REPO, 'captures/stunnel-freeze/loopback.pcapng');
const cases: [string, string][] = [
  ['host', `host 10.0.1.15`],
  ['src host', `src host 10.0.1.15`],
  ['dst host', `dst host 10.0.1.15`],
  ['net', `net 10.0.1.0/28`],
  ['port', `port 44367 or port 40561`],
  ['src port', `src port 443`],
  ['dst port', `dst port 443`],
  ['portrange', `portrange 40000-45000`],
  ['tcp flags', `tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0`],
  ['and / not', `host 10.0.1.15 and not tcp[tcpflags] & tcp-push != 0`],
  ['or / parentheses', `(host 10.0.1.15 or host 10.0.1.22) and dst port 443`],
];

describe('alibi flows --filter = tcpdump, then alibi flows', () => {
  it_.each(cases)('%s: %s', (_op, expr) => {
    const ours = flows([fw, '--filter', expr]);
    const theirs = flows([cut(fw, expr)]);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.length).toBeLessThan(flows([fw]).length + 1);
    expect(ours).toEqual(theirs);
  });

  it_('on a pcapng loopback capture, and on public captures (IPv6, fragments, VLAN)', () => {
    const files: [string, string][] = [[lo, 'tcp dst port 8080 and tcp[tcpflags] & tcp-fin != 0']];
    if (HAVE_CORPUS) {
      files.push([corpusPath('zeek__ipv6-http-atomic-frag.pcap'), 'ip6 host 2001:db8:1::2']);
      files.push([corpusPath('zeek__fragmented-4.pcap'), 'tcp and not port 80']);
      files.push([corpusPath('zeek__mixed-vlan-mpls.pcap'), 'tcp']);
      files.push([corpusPath('dpkt__http.pcap'), 'src port 80']);
    }
    for (const [file, expr] of files) expect([file, flows([file, '--filter', expr])]).toEqual([file, flows([cut(file, expr)])]);
  });
});

describe('series and endpoints --filter', () => {
  it_('series bins equal those of the cut capture', () => {
    const expr = 'src host 10.0.2.2 and tcp[tcpflags] & tcp-push != 0';
    const bins = (args: string[]) => JSON.parse(alibi(['series', ...args, '--json']).stdout).bins;
    const ours = bins([fw, '--filter', expr]);
    expect(ours.length).toBeGreaterThan(10);
    expect(ours).toEqual(bins([cut(fw, expr)]));
  });
  it_('endpoints equal those of the cut capture', () => {
    const expr = 'net 10.0.1.16/28';
    const eps = (args: string[]) => JSON.parse(alibi(['endpoints', ...args, '--json']).stdout).endpoints;
    expect(eps([fw, '--filter', expr])).toEqual(eps([cut(fw, expr)]));
  });
  it('a mistake in the expression is a usage error naming where', () => {
    const r = alibi(['flows', fw, '--filter', 'port x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/filter "port x": expected a port number at character 6/);
    expect(alibi(['analyze', path.join(REPO, 'captures/stunnel-freeze/alibi.json'), '--filter', 'host']).code).toBe(2);
  });
});

describe('analyze --filter', () => {
  it_('reads each capture as tcpdump would have cut it: the same document as the cut captures give', () => {
    const expr = 'not host 10.0.1.15';
    const cfg = JSON.parse(fs.readFileSync(path.join(REPO, 'captures/stunnel-freeze/alibi.json'), 'utf8'));
    const dir = path.join(REPO, 'captures/stunnel-freeze');
    for (const l of cfg.logs) l.file = path.join(dir, l.file);
    const whole = { ...cfg, captures: cfg.captures.map((c: any) => ({ ...c, file: path.join(dir, c.file) })) };
    const cutCfg = { ...cfg, captures: cfg.captures.map((c: any) => ({ ...c, file: cut(path.join(dir, c.file), expr) })) };
    fs.writeFileSync(path.join(tmp, 'whole.json'), JSON.stringify(whole));
    fs.writeFileSync(path.join(tmp, 'cut.json'), JSON.stringify(cutCfg));
    const a = JSON.parse(alibi(['analyze', path.join(tmp, 'whole.json'), '--filter', expr, '--json']).stdout);
    const b = JSON.parse(alibi(['analyze', path.join(tmp, 'cut.json'), '--json']).stdout);
    const strip = (d: any) => ({ ...d, sources: d.sources.map((s: any) => ({ ...s, file: path.basename(s.file).replace(/^cut-\d+\.pcap$/, '') })) });
    const noFile = (d: any) => ({ ...strip(d), sources: strip(d).sources.map((s: any) => ({ ...s, file: '' })) });
    expect(noFile(a)).toEqual(noFile(b));
    // The config's "filter" reads the same; a mistake in it is a config error naming the field.
    fs.writeFileSync(path.join(tmp, 'keyed.json'), JSON.stringify({ ...whole, filter: expr }));
    expect(noFile(JSON.parse(alibi(['analyze', path.join(tmp, 'keyed.json'), '--json']).stdout))).toEqual(noFile(a));
    fs.writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify({ ...whole, filter: 'port x' }));
    const bad = alibi(['analyze', path.join(tmp, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/filter.*expected a port number at character 6/);
    expect(a.incidents.length).toBeGreaterThan(0);
    expect(a.sources[0].packets).toBeLessThan(JSON.parse(alibi(['analyze', path.join(tmp, 'whole.json'), '--json']).stdout).sources[0].packets);
  });
});
