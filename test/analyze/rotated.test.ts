/**
 * A vantage is a set of files (#16): every lab scenario with each capture split into 2–6 rotated
 * files (editcap -c, as `tcpdump -C` rotates), pcap and pcapng mixed, one piece gzipped, listed in
 * a shuffled order, gives the same incidents — times, culprit, evidence numbers and signals — as
 * the single files. A piece left out is a gap in coverage, reported as such and never an outage.
 * Needs editcap (Wireshark's; CI installs it): without it the test says so and skips.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { analyze, AnalyzeConfig } from '../../lib/analyze';
import { readTruth, scenarioDirs } from '../../lib/eval/ablation';
import { fileMissingBetween } from '../../lib/pipeline/scan';
import { SPLIT_MIN_FILES, splitRequests } from '../../lib/correlate/split';
import { REPO } from '../helpers/corpus';
import { haveTool } from '../helpers/tools';

const haveEditcap = haveTool('editcap');
if (!haveEditcap) console.warn('rotated-capture test skipped: editcap (Wireshark) is not installed');
const dirs = scenarioDirs(path.join(REPO, 'captures'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-rot-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A small seeded generator (mulberry32): the same split every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function packets(file: string): number {
  return Number(/(\d+)/.exec(execFileSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' }).split('\n').find((l) => /Number of packets/.test(l)) ?? '0')?.[1] ?? 0);
}

/** Splits `file` into k pieces in `out`, alternate pieces as pcapng, the second gzipped; shuffled. */
function rotate(file: string, out: string, k: number, rand: () => number): string[] {
  fs.mkdirSync(out, { recursive: true });
  const n = packets(file);
  execFileSync('editcap', ['-c', String(Math.ceil(n / k)), file, path.join(out, 'part.pcap')]);
  const parts = fs.readdirSync(out).sort().map((f) => path.join(out, f));
  const files = parts.map((p, i) => {
    let f = p;
    if (i % 2 === 1) {
      f = p.replace(/\.pcap$/, '.pcapng');
      execFileSync('editcap', ['-F', 'pcapng', p, f]);
      fs.rmSync(p);
    }
    if (i === 1) {
      fs.writeFileSync(`${f}.gz`, zlib.gzipSync(fs.readFileSync(f)));
      fs.rmSync(f);
      f = `${f}.gz`;
    }
    return f;
  });
  for (let i = files.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [files[i], files[j]] = [files[j], files[i]];
  }
  return files;
}

const strip = (doc: Awaited<ReturnType<typeof analyze>>) => doc.incidents.map((i) => ({ ...i }));

const maybe = haveEditcap ? describe.each(dirs.map((d) => [path.basename(d), d])) : describe.skip.each([['(no editcap)', '']]);
maybe('%s', (name, dir) => {
  test('each capture rotated into 2-6 files gives the same incidents and evidence', async () => {
    const cfg: AnalyzeConfig = JSON.parse(fs.readFileSync(path.join(dir, 'alibi.json'), 'utf8'));
    const rand = rng(name.length * 7919 + 17);
    const single = await analyze({ ...cfg, baseDir: dir, parallel: false });
    const rotated: AnalyzeConfig = {
      ...cfg,
      captures: (cfg.captures ?? []).map((c) => {
        const k = 2 + Math.floor(rand() * 5);
        return { vantage: c.vantage, files: rotate(path.join(dir, String(c.file)), path.join(tmp, name, String(c.vantage)), k, rand) };
      }),
    };
    const doc = await analyze({ ...rotated, baseDir: dir, parallel: false });
    expect(strip(doc)).toEqual(strip(single));
    for (const s of doc.sources.filter((x) => x.type === 'capture')) {
      expect((s.files as string[]).length).toBeGreaterThanOrEqual(2);
      expect(s.packets).toBe(single.sources.find((x) => x.name === s.name)!.packets);
    }
    // The same on worker threads, as the CLI reads several captures.
    const par = await analyze({ ...rotated, baseDir: dir, parallel: true });
    expect(strip(par)).toEqual(strip(single));
  });
});

(haveEditcap ? test : test.skip)('a missing piece is a gap in coverage, not an outage (healthy run)', async () => {
  const dir = path.join(REPO, 'captures', 'healthy');
  const out = path.join(tmp, 'gap');
  fs.mkdirSync(out, { recursive: true });
  execFileSync('editcap', ['-i', '30', path.join(dir, 'firewall.pcap'), path.join(out, 'fw.pcap')]);
  const parts = fs.readdirSync(out).sort();
  expect(parts.length).toBeGreaterThanOrEqual(4);
  fs.rmSync(path.join(out, parts[2]));
  const doc = await analyze({ baseDir: dir, parallel: false, captures: [{ vantage: 'firewall', files: `${out}/fw*.pcap` }], logs: [{ file: 'access.log', component: 'backend' }], services: [{ component: 'backend', host: '10.0.2.2', port: 443 }] });
  expect(readTruth(dir).faults).toEqual([]);
  expect(doc.incidents).toEqual([]);
  expect(doc.missing.join('\n')).toMatch(/firewall: no capture from .* a gap in coverage, not an outage/);
  expect((doc.sources[0].coverageGaps as unknown[]).length).toBe(1);
});

test.each([
  ['fw.pcap3', 'fw.pcap5', true],
  ['fw.pcap3', 'fw.pcap4', false],
  ['fw.pcap', 'fw.pcap1', false],
  ['fw.pcap', 'fw.pcap2', true],
  ['/x/fw_00001_20261125133809.pcap', '/x/fw_00003_20261125133907.pcap', true],
  ['/x/fw_00001_20261125133809.pcap', '/x/fw_00002_20261125133907.pcap', false],
  ['fw-2026-11-25_13.pcap', 'fw-2026-11-25_14.pcap', false],
])('a file missing between %s and %s: %s', (a, b, missing) => {
  expect(fileMissingBetween(a, b)).toBe(missing);
});

(haveEditcap ? test : test.skip)('one vantage as a long set (40 files) is read on both cores and gives the same incidents as one thread', async () => {
  const dir = path.join(REPO, 'captures', 'stunnel-freeze');
  const out = path.join(tmp, 'long');
  fs.mkdirSync(out, { recursive: true });
  execFileSync('editcap', ['-c', String(Math.ceil(packets(path.join(dir, 'server.pcap')) / 40)), path.join(dir, 'server.pcap'), path.join(out, 'srv.pcap')]);
  const files = fs.readdirSync(out).map((f) => path.join(out, f));
  expect(files.length).toBeGreaterThanOrEqual(SPLIT_MIN_FILES);
  const cfg: AnalyzeConfig = { baseDir: dir, captures: [{ vantage: 'server', files }], logs: [{ file: 'stunnel.log', component: 'stunnel', timezone: 'America/New_York' }], services: [{ component: 'stunnel', host: '10.0.2.2', port: 443 }] };
  expect(splitRequests([{ file: files[0], files, vantage: 'server', interval: 1, services: [], ledger: false }], 2).runs).toHaveLength(2);
  const one = await analyze({ ...cfg, parallel: false });
  const two = await analyze({ ...cfg, parallel: true });
  expect(two.incidents.map((i) => [i.start, i.end, i.culprit.component, i.culprit.kind])).toEqual(one.incidents.map((i) => [i.start, i.end, i.culprit.component, i.culprit.kind]));
  expect(two.incidents[0].culprit.component).toBe('stunnel');
  expect(two.sources[0].packets).toBe(one.sources[0].packets);
  expect((two.sources[0].files as string[]).length).toBe(files.length);
  // Each connection open at the cut is seen as two (one record per part): more records, never fewer.
  expect(two.sources[0].connections as number).toBeGreaterThanOrEqual(one.sources[0].connections as number);
  expect(two.sources[0].connections as number).toBeLessThanOrEqual(1.2 * (one.sources[0].connections as number));
});
