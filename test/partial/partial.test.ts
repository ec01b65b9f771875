/**
 * Scan here, analyze there (#20): `alibi scan` writes a capture's partial as Parquet, and
 * `analyze` given the partials folder instead of the capture gives the same document, byte for
 * byte — incidents, clocks, timeline, connection tables — on every lab scenario and on generated
 * runs of other shapes (one vantage fewer, rotated sets, syslog). Parts of one vantage (a set's
 * files scanned on several machines) merge into one; a part scanned for another analysis
 * (interval, services, filter, clock) is refused with the way to rescan; a part half-written by
 * a killed scan is not read. DuckDB reads the tables.
 * Needs editcap (Wireshark's; CI installs it) for the rotated set; without it that test skips.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze, loadConfig } from '../../lib/analyze';
import type { AnalyzeInput } from '../../lib/config';
import { ArgumentError } from '../../lib/errors';
import { partsOf, readPartialScans, scanToPartial } from '../../lib/partial/partial';
import { scanCapture } from '../../lib/pipeline/scan';
import { mergeScans } from '../../lib/correlate/split';
import { METRIC_KEYS } from '../../lib/metrics/catalog';
import { REPO, corpusPath, describeCorpus } from '../helpers/corpus';
import { parseConfig } from '../../lib/config';
import { haveTool } from '../helpers/tools';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-partial-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const LAB = fs.readdirSync(path.join(REPO, 'captures')).filter((d) => fs.existsSync(path.join(REPO, 'captures', d, 'alibi.json'))).sort();
// Generated runs of other shapes (fewer vantages, rotated sets, syslog, several logs): the first
// few of the held-out set that have captures.
const GEN_ROOT = path.join(REPO, 'captures', 'generated', 'holdout');
const GENERATED = fs.existsSync(GEN_ROOT)
  ? fs.readdirSync(GEN_ROOT).sort().map((d) => path.join('generated', 'holdout', d)).filter((d) => fs.existsSync(path.join(REPO, 'captures', d, 'alibi.json'))).slice(0, 6)
  : [];

/** Each vantage of a config scanned into `dir`, as `alibi scan --config` does; the config then reading them. */
async function viaPartials(cfg: AnalyzeInput, dir: string): Promise<AnalyzeInput> {
  for (const c of cfg.captures) {
    await scanToPartial({ files: c.files, vantage: c.vantage, out: dir, interval: cfg.interval, services: cfg.services.map((s) => ({ ...s })), filter: cfg.filter, clockOffset: c.clockOffset });
  }
  return Object.freeze({ ...cfg, captures: cfg.captures.map((c) => ({ vantage: c.vantage, files: [], partials: dir, ...(c.clockOffset !== undefined ? { clockOffset: c.clockOffset } : {}) })) });
}

describe.each([...LAB, ...GENERATED])('%s', (name) => {
  test('analyze from partials gives the document analyze from the captures gives, byte for byte', async () => {
    const cfg = loadConfig(path.join(REPO, 'captures', name, 'alibi.json'));
    expect(cfg.services.length).toBeGreaterThan(0); // scan needs them; every lab config names them
    const dir = path.join(tmp, name.replace(/\//g, '_'));
    const fromPartials = await viaPartials(cfg, dir);
    const direct = JSON.stringify(await analyze(cfg, { connections: true }), null, 1);
    const partial = JSON.stringify(await analyze(fromPartials, { connections: true }), null, 1);
    expect(partial).toBe(direct);
    // not trivially: the documents hold the analysis (every lab run has packets, most an incident)
    expect(JSON.parse(direct).sources.some((s: { packets?: number }) => (s.packets ?? 0) > 0)).toBe(true);
  }, 60_000);
});

// Other shapes of the same run: a vantage fewer, a coarser interval, a clock correction, a filter.
const VARIANTS: [string, (c: AnalyzeInput) => AnalyzeInput][] = [
  ['firewall and server only', (c) => ({ ...c, captures: c.captures.filter((x) => x.vantage !== 'loopback') })],
  ['server alone', (c) => ({ ...c, captures: c.captures.filter((x) => x.vantage === 'server'), path: ['server'] })],
  ['5 s bins', (c) => ({ ...c, interval: 5 })],
  ['server clock corrected by -0.25 s', (c) => ({ ...c, captures: c.captures.map((x) => (x.vantage === 'server' ? { ...x, clockOffset: -0.25 } : x)) })],
  ['read through a filter', (c) => ({ ...c, filter: 'tcp port 443 or tcp port 8080' })],
];
describe.each(['stunnel-freeze', 'network-drop', 'app-freeze'])('%s, other shapes', (name) => {
  test.each(VARIANTS)('%s: the same document from partials', async (label, change) => {
    const cfg = Object.freeze(change(loadConfig(path.join(REPO, 'captures', name, 'alibi.json')))) as AnalyzeInput;
    const fromPartials = await viaPartials(cfg, path.join(tmp, `${name}-${label.replace(/\W+/g, '_')}`));
    expect(JSON.stringify(await analyze(fromPartials, { connections: true }))).toBe(JSON.stringify(await analyze(cfg, { connections: true })));
  }, 60_000);
});

describeCorpus('a public capture through partials', () => {
  test('a service that saw no packet (its series empty) still gives a readable part and the same document', async () => {
    // dpkt's http.pcap talks to 65.208.228.223:80, not to the service named: the series file's
    // service column is null in every row (as in any row group of a long capture's unfiltered
    // series), which once made a file no reader opened
    const cfg = Object.freeze(parseConfig({ interval: '1s', captures: [{ vantage: 'edge', files: [corpusPath('dpkt__http.pcap')] }], services: [{ component: 'idle', host: '10.9.9.9', port: 443 }] }, { baseDir: REPO })) as AnalyzeInput;
    const fromPartials = await viaPartials(cfg, path.join(tmp, 'corpus-idle-service'));
    const direct = JSON.stringify(await analyze(cfg, { connections: true }));
    expect(JSON.stringify(await analyze(fromPartials, { connections: true }))).toBe(direct);
    expect(JSON.parse(direct).sources.some((x: { packets?: number }) => (x.packets ?? 0) === 43)).toBe(true);
  }, 60_000);
});

test('the lab runs with an incident keep it through partials (the test above compared real verdicts)', async () => {
  const withIncident = [];
  for (const name of LAB) {
    const doc = await analyze(loadConfig(path.join(REPO, 'captures', name, 'alibi.json')));
    if (doc.incidents.length > 0) withIncident.push(name);
  }
  expect(withIncident.length).toBeGreaterThanOrEqual(5);
}, 120_000);

test('a scan writes the same bytes twice (a job rerun after a killed worker overwrites with identical files)', async () => {
  const file = path.join(REPO, 'captures', 'stunnel-freeze', 'firewall.pcap');
  const services = [{ component: 'stunnel', host: '10.0.2.2', port: 443 }];
  const a = await scanToPartial({ files: [file], vantage: 'firewall', out: path.join(tmp, 'twice-a'), interval: 1, services });
  const b = await scanToPartial({ files: [file], vantage: 'firewall', out: path.join(tmp, 'twice-b'), interval: 1, services });
  expect(a.written.length).toBe(4);
  for (let i = 0; i < 4; i++) expect(fs.readFileSync(b.written[i]).equals(fs.readFileSync(a.written[i]))).toBe(true);
  // leftovers of a killed scan (temporary names) are not parts
  fs.writeFileSync(path.join(tmp, 'twice-a', 'parts', '.firewall-x.parquet.tmp-123-abc'), 'half');
  expect(partsOf(path.join(tmp, 'twice-a')).map((p) => p.part)).toEqual([a.part]);
});

describe('a partial scanned for another analysis is refused, saying how to scan again', () => {
  const file = path.join(REPO, 'captures', 'stunnel-freeze', 'firewall.pcap');
  const services = [{ component: 'stunnel', host: '10.0.2.2', port: 443 }];
  const dir = path.join(tmp, 'refuse');
  beforeAll(() => scanToPartial({ files: [file], vantage: 'firewall', out: dir, interval: 1, services, clockOffset: 0.5 }));
  const want = { vantage: 'firewall', interval: 1, services, ledger: true, clockOffset: 0.5 };
  const refusal = (w: Partial<typeof want> & { filter?: string }) => {
    try {
      readPartialScans(dir, { ...want, ...w });
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      return (e as Error).message;
    }
    return 'accepted';
  };
  test('as scanned: accepted', () => expect(refusal({})).toBe('accepted'));
  test('interval', () => expect(refusal({ interval: 10 })).toMatch(/scanned at 1 s bins, the analysis runs at 10 s: scan again with `alibi scan/));
  test('services', () => expect(refusal({ services: [{ component: 'stunnel', host: '10.0.2.2', port: 8443 }] })).toMatch(/scanned for services stunnel=10\.0\.2\.2:443, the analysis has stunnel=10\.0\.2\.2:8443/));
  test('filter', () => expect(refusal({ filter: 'port 443' })).toMatch(/scanned without a filter, the analysis reads through "port 443"/));
  test('clock offset', () => expect(refusal({ clockOffset: undefined })).toMatch(/clockOffset 0\.5 s, the analysis has 0 s/));
  test('vantage', () => expect(refusal({ vantage: 'server' })).toMatch(/no part of vantage "server" \(it holds "firewall"\)/));
  test('not a partials folder', () => expect(() => partsOf(path.join(tmp, 'nowhere'))).toThrow(/not a partials folder \(no parts\/ in it\)/));
});

const editcap = haveTool('editcap');
(editcap ? test : test.skip)('parts of one rotated set scanned apart merge: every packet counted once, connections across the cut seen twice', async () => {
  const src = path.join(REPO, 'captures', 'stunnel-freeze', 'firewall.pcap');
  const setDir = path.join(tmp, 'set');
  fs.mkdirSync(setDir);
  execFileSync('editcap', ['-c', '800', src, path.join(setDir, 'fw.pcap')]);
  const files = fs.readdirSync(setDir).sort().map((f) => path.join(setDir, f));
  expect(files.length).toBeGreaterThanOrEqual(8);
  const services = [{ component: 'stunnel', host: '10.0.2.2', port: 443 }];
  const half = Math.floor(files.length / 2);
  const out = path.join(tmp, 'set-parts');
  // two machines, each with half the files, one folder
  await scanToPartial({ files: files.slice(half), vantage: 'firewall', out, interval: 1, services });
  await scanToPartial({ files: files.slice(0, half), vantage: 'firewall', out, interval: 1, services });
  const merged = mergeScans(readPartialScans(out, { vantage: 'firewall', interval: 1, services, ledger: true }));
  const whole = scanCapture({ file: files[0], files, vantage: 'firewall', interval: 1, services, ledger: true });
  expect(merged.packets).toBe(whole.packets);
  expect(merged.files).toEqual(whole.files);
  expect(merged.first).toBe(whole.first);
  expect(merged.last).toBe(whole.last);
  expect(merged.ledger!.length).toBe(whole.ledger!.length);
  // Counts of packets add up exactly. What depends on a connection's earlier packets (a
  // retransmission needs the segment it repeats; active connections, answers and waits need
  // the connection) differs only in the second of the cut and the next: part two met those connections mid-way.
  const cut = Math.floor(readPartialScans(out, { vantage: 'firewall', interval: 1, services, ledger: false })[1].first!) - merged.all.firstBin;
  const stateful = ['activeFlows', 'retransmissions', 'unanswered', 'reqUnanswered', 'answered', 'responseTime', 'reqAnswered', 'reqWait'];
  for (const k of METRIC_KEYS) {
    const m = Array.from(merged.all[k]), w = Array.from(whole.all[k]);
    if (!stateful.includes(k)) expect([k, m]).toEqual([k, w]);
    else expect([k, m.map((x, i) => (i === cut || i === cut + 1 ? 0 : x))]).toEqual([k, w.map((x, i) => (i === cut || i === cut + 1 ? 0 : x))]);
  }
  // and there it does differ (the test would see a cut that lost nothing as well)
  expect(merged.all.retransmissions[cut] + merged.all.retransmissions[cut + 1]).toBeLessThan(whole.all.retransmissions[cut] + whole.all.retransmissions[cut + 1]);
  // A connection open at the cut is one record in each part.
  expect(merged.flows.total).toBeGreaterThanOrEqual(whole.flows.total);
  expect(merged.flows.total - whole.flows.total).toBeLessThanOrEqual(Math.max(...whole.all.activeFlows));
});

test('DuckDB reads the partial tables: one series row per bin, one flow row per connection', async () => {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const cfg = loadConfig(path.join(REPO, 'captures', 'stunnel-freeze', 'alibi.json'));
  const dir = path.join(tmp, 'duck');
  await viaPartials(cfg, dir);
  const scans = cfg.captures.map((c) => readPartialScans(dir, { vantage: c.vantage, interval: 1, services: cfg.services.map((s) => ({ ...s })), ledger: true })[0]);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const q = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjects();
  const series = await q(`SELECT vantage, count(*) AS bins, sum(packets) AS packets FROM read_parquet('${dir}/series/*.parquet') WHERE service IS NULL GROUP BY vantage ORDER BY vantage`);
  const flows = await q(`SELECT vantage, count(*) AS n FROM read_parquet('${dir}/flows/*.parquet') GROUP BY vantage ORDER BY vantage`);
  const parts = await q(`SELECT vantage, packets FROM read_parquet('${dir}/parts/*.parquet') ORDER BY vantage`);
  for (const s of scans) {
    const row = series.find((r) => r.vantage === s.vantage)!;
    expect(Number(row.bins)).toBe(s.all.length);
    expect(Number(row.packets)).toBe(s.packets);
    expect(Number(flows.find((r) => r.vantage === s.vantage)!.n)).toBe(s.flows.total);
    expect(Number(parts.find((r) => r.vantage === s.vantage)!.packets)).toBe(s.packets);
  }
  db.closeSync?.();
}, 60_000);

describe('the CLI: alibi scan, then analyze with {"vantage", "partials"}', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { alibi } = require('../helpers/cli') as typeof import('../helpers/cli');
  const run = path.join(REPO, 'captures', 'network-drop');
  const dir = path.join(tmp, 'cli');
  test('scan each vantage with --config; analyze prints the verdict the captures give', () => {
    for (const v of ['firewall', 'server', 'loopback']) {
      const r = alibi(['scan', '--config', path.join(run, 'alibi.json'), '--vantage', v, '--out', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^\\d+ packets of ${v} \\(1 files\\) scanned into `));
    }
    const cfg = JSON.parse(fs.readFileSync(path.join(run, 'alibi.json'), 'utf8'));
    for (const c of cfg.captures) {
      delete c.file;
      c.partials = dir;
    }
    for (const l of cfg.logs) l.file = path.join(run, l.file);
    fs.writeFileSync(path.join(tmp, 'cli.json'), JSON.stringify(cfg));
    const viaPartials = alibi(['analyze', path.join(tmp, 'cli.json'), '--quiet']);
    const direct = alibi(['analyze', path.join(run, 'alibi.json'), '--quiet']);
    expect(viaPartials.code).toBe(0);
    expect(viaPartials.stdout).toBe(direct.stdout);
    expect(direct.stdout).toMatch(/network/);
    // --one-thread (several scans at once on one machine) writes the same bytes
    const one = path.join(tmp, 'cli-one');
    expect(alibi(['scan', '--config', path.join(run, 'alibi.json'), '--vantage', 'firewall', '--out', one, '--one-thread']).code).toBe(0);
    for (const t of ['series', 'flows', 'ledger', 'parts']) {
      const [f] = fs.readdirSync(path.join(one, t));
      expect(fs.readFileSync(path.join(one, t, f)).equals(fs.readFileSync(path.join(dir, t, f)))).toBe(true);
    }
  }, 60_000);
  test('a damaged capture: what was decoded is scanned, the damage named with file and offset, and the analysis carries it', async () => {
    const cut = path.join(tmp, 'cut.pcap');
    fs.writeFileSync(cut, fs.readFileSync(path.join(run, 'firewall.pcap')).subarray(0, 5000));
    const out = path.join(tmp, 'cut-parts');
    const r = alibi(['scan', cut, '--vantage', 'firewall', '--out', out, '--service', 'stunnel=10.0.2.2:443']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ packets of firewall/);
    expect(r.stderr).toMatch(new RegExp(`warning: ${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: offset \\d+, packet \\d+: the capture ends in the middle of a record`));
    const doc = await analyze(Object.freeze({ interval: 1, captures: [{ vantage: 'firewall', files: [], partials: out }], logs: [], services: [{ component: 'stunnel', host: '10.0.2.2', port: 443 }], baseDir: tmp }) as AnalyzeInput);
    expect(doc.warnings.some((w) => w.file === cut && /ends in the middle of a record/.test(w.reason))).toBe(true);
  });
  test('usage mistakes exit 2 with the fix', () => {
    const noSvc = alibi(['scan', path.join(run, 'firewall.pcap'), '--vantage', 'firewall', '--out', dir]);
    expect(noSvc.code).toBe(2);
    expect(noSvc.stderr).toMatch(/scan needs the services \(--config with "services", or --service COMPONENT=HOST:PORT\)/);
    expect(alibi(['scan', path.join(run, 'firewall.pcap'), '--out', dir]).stderr).toMatch(/scan needs --vantage NAME/);
    const both = JSON.stringify({ captures: [{ vantage: 'fw', file: 'a.pcap', partials: dir }] });
    fs.writeFileSync(path.join(tmp, 'both.json'), both);
    const b = alibi(['analyze', path.join(tmp, 'both.json')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/captures\[0\]: has both "partials" and capture files/);
  });
});
