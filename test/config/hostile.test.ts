/**
 * What a user types, made to break it (#22): the hostile configs, kept as fixtures, each a
 * usage error naming its field through the built CLI; and a short fixed-seed run of the config and
 * command-line fuzzer (`npm run fuzz -- --target config`), which must find nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alibi } from '../helpers/cli';
import { REPO } from '../helpers/corpus';

const fixtures: { name: string; config: unknown; field: string }[] = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/hostile/configs.json'), 'utf8'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-hostile-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.copyFileSync(path.join(REPO, 'captures/healthy/server.pcap'), path.join(dir, 'a.pcap'));
fs.writeFileSync(path.join(dir, 'a.log'), '2026-11-25T13:37:07Z hello\n');

describe('hostile configs are usage errors naming the field', () => {
  test.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const file = path.join(dir, 'alibi.json');
    fs.writeFileSync(file, JSON.stringify(f.config));
    const r = alibi(['analyze', file]);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr).toContain(`alibi.json: ${f.field}`);
    expect(r.code).toBe(2);
  });
});

test('the config and command-line fuzzer, seed 20261203, finds nothing in 400 cases of each kind', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fuzzConfig } = require('../../fuzz/config.js');
  const r = await fuzzConfig({ seed: 20261203, cases: 400, seconds: 60 });
  expect(r.findings).toEqual([]);
  expect(r.cases).toEqual({ config: 400, cli: 400, watch: 400 });
}, 120_000);

test('a folder given as a capture is an input error naming it, not an internal error (the fuzzer found it)', () => {
  const r = alibi(['info', dir]);
  expect(r.stderr).toBe(`alibi: ${dir}: is a folder, not a capture (give the files in it, or a glob for a rotated set)\n`);
  expect(r.code).toBe(1);
});

test('a zone carrying a bidi override is shown escaped in the logs command\'s error (the fuzzer found it)', () => {
  const r = alibi(['logs', path.join(dir, 'a.log'), '--tz', '\u202eevil']);
  expect(r.stderr).toContain('time zone (tz, alibi --tz) "\\u{202e}evil" is not a time zone');
  expect(r.stderr).not.toContain('\u202e');
  expect(r.code).toBe(2);
});

test('a component named like an Object method (toString, valueOf, hasOwnProperty) gets the verdict "stunnel" gets', () => {
  const lab = path.join(REPO, 'captures/stunnel-freeze');
  const cfg = fs.readFileSync(path.join(lab, 'alibi.json'), 'utf8');
  for (const f of ['firewall.pcap', 'server.pcap', 'loopback.pcapng', 'stunnel.log', 'access.log']) fs.copyFileSync(path.join(lab, f), path.join(dir, f));
  const verdict = (name: string) => {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, cfg.replace(/"stunnel"/g, JSON.stringify(name)));
    const r = alibi(['analyze', file, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    return doc.incidents.map((i: { culprit: { component: string; confidence: number }; evidence: { facts: Record<string, unknown> }[] }) => [i.culprit.component, i.culprit.confidence, i.evidence.length]);
  };
  const base = verdict('stunnel');
  expect(base[0][0]).toBe('stunnel');
  for (const name of ['toString', 'valueOf', 'hasOwnProperty']) expect(verdict(name)).toEqual(base.map((x: unknown[]) => [name, ...x.slice(1)]));
}, 60_000);
