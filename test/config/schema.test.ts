/**
 * schema/analyze-config.json is what `npm run schema` generates from the zod schema (so editors
 * check what alibi checks), describes every field, and validates the lab configs as alibi does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { analyzeConfigJsonSchema, analyzeConfigSchemaText, CONFIG_ISSUE_CODES } from '../../lib/config';
import { REPO } from '../helpers/corpus';
import { crossCheck } from '../../lib/config/cross';
import { GOOD } from './helpers';

const FILE = path.join(REPO, 'schema/analyze-config.json');
const committed = JSON.parse(fs.readFileSync(FILE, 'utf8'));
// Formats (ipv4/ipv6) are for editors, alibi checks hosts itself; `oneOf: [{required: [file]}, …]` names
// properties declared beside it, which strictRequired does not see.
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: false }).compile(committed);

test('the committed schema is the generated one (run `npm run schema` after changing lib/config/schema.ts)', () => {
  expect(fs.readFileSync(FILE, 'utf8')).toBe(analyzeConfigSchemaText());
});

test('every property has a description', () => {
  const missing: string[] = [];
  const walk = (s: Record<string, unknown>, at: string) => {
    const props = (s.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, v] of Object.entries(props)) {
      if (typeof v.description !== 'string' || v.description.length < 10) missing.push(`${at}.${k}`);
      walk(v, `${at}.${k}`);
      if (v.items) walk(v.items as Record<string, unknown>, `${at}.${k}[]`);
    }
  };
  walk(analyzeConfigJsonSchema(), '');
  expect(missing).toEqual([]);
});

test('it validates every lab config', () => {
  const dirs = fs.readdirSync(path.join(REPO, 'captures')).filter((d) => fs.existsSync(path.join(REPO, 'captures', d, 'alibi.json')));
  expect(dirs.length).toBeGreaterThanOrEqual(8);
  for (const d of dirs) {
    const cfg = JSON.parse(fs.readFileSync(path.join(REPO, 'captures', d, 'alibi.json'), 'utf8'));
    expect([d, validate(cfg), validate.errors]).toEqual([d, true, null]);
  }
  expect(validate({ $schema: './schema/analyze-config.json', interval: 0.5, ...GOOD, captures: [{ vantage: 'fw', files: 'fw/*.pcap*', clockOffset: -1 }], path: ['fw'] })).toBe(true);
});

test('it refuses what alibi refuses where JSON Schema can say it', () => {
  const bad: unknown[] = [
    { ...GOOD, vantge: 1 },
    { captures: [{ vantge: 'fw', file: 'a' }] },
    { captures: [{ vantage: 'fw' }] },
    { captures: [{ vantage: 'fw', file: 'a', files: ['b'] }] },
    { captures: [null] },
    { captures: 'fw.pcap' },
    { captures: [{ vantage: 'fw', file: 'a', clockOffset: 1e300 }] },
    { captures: [{ vantage: '__proto__', file: 'a' }] },
    { captures: [{ vantage: '', file: 'a' }] },
    { ...GOOD, services: [{ component: 'a', host: '10.0.0.1', port: 99999 }] },
    { ...GOOD, services: [{ component: 'a', host: '10.0.0.1', port: '443' }] },
    { ...GOOD, logs: [{ component: 'a', file: 'a', timezone: 5 }] },
    { ...GOOD, logs: [{ component: 'a', file: 'a', year: 1800 }] },
    { ...GOOD, interval: 'abc' },
    { ...GOOD, interval: -1 },
  ];
  for (const b of bad) expect([b, validate(b)]).toEqual([b, false]);
});

test('every JSON example in docs/config.md is valid against the schema and across fields', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs/config.md'), 'utf8');
  const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
  expect(blocks.length).toBeGreaterThanOrEqual(7);
  for (const b of blocks) {
    expect([b, validate(b), validate.errors]).toEqual([b, true, null]);
    expect([b, crossCheck(b)]).toEqual([b, []]);
  }
});

test('docs/config.md lists every issue code', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs/config.md'), 'utf8');
  expect(CONFIG_ISSUE_CODES.filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
});
