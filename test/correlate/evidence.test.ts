/**
 * Evidence as data (#23): every evidence line is `{text, facts}`, made by one template, so the
 * numbers a reader sees are the numbers a notebook reads. The round trip is checked from the
 * outside: the numbers parsed out of each line's text (after taking out the names and times it
 * quotes) are, in order, the numeric facts — on every lab scenario and the 20 generated tuning
 * scenarios, through the built CLI's JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alibi } from '../helpers/cli';
import { REPO } from '../helpers/corpus';
import { evidenceText, fmt, name, num, prefixed, say, time } from '../../lib/correlate/evidence';

interface Item { text: string; facts: Record<string, number | string> }

/** The numbers of a line's text, without the names and clock times it quotes. */
function numbersIn(e: Item): number[] {
  let t = e.text;
  // Names first, longest first (an endpoint "10.0.2.2:443" before a host "10.0.2.2").
  const names = Object.values(e.facts).filter((v): v is string => typeof v === 'string').sort((a, b) => b.length - a.length);
  for (const n of names) t = t.split(n).join(' ');
  t = t.replace(/\b\d\d:\d\d:\d\d\b/g, ' ');
  return [...t.matchAll(/-?\d[\d,]*(?:\.\d+)?/g)].map((m) => Number(m[0].replace(/,/g, '')));
}

const scenarios = [
  ...['stunnel-freeze', 'stunnel-freeze-bigqueue', 'network-loss', 'network-drop', 'app-freeze', 'app-slow', 'clients-stop', 'healthy'].map((s) => path.join(REPO, 'captures', s, 'alibi.json')),
  ...fs.readdirSync(path.join(REPO, 'captures/generated/tune')).sort().map((d) => path.join(REPO, 'captures/generated/tune', d, 'alibi.json')),
];

describe('every evidence line round-trips: the numbers in its text are its facts', () => {
  let lines = 0;
  test.each(scenarios.map((s) => [path.relative(REPO, path.dirname(s)), s]))('%s', (_name, config) => {
    const r = alibi(['analyze', config, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    for (const inc of doc.incidents) {
      for (const e of inc.evidence as Item[]) {
        expect(typeof e.text).toBe('string');
        const facts = Object.values(e.facts).filter((v): v is number => typeof v === 'number');
        expect({ text: e.text, numbers: numbersIn(e) }).toEqual({ text: e.text, numbers: facts });
        lines++;
      }
    }
  }, 60_000);
  test('and there were lines to check', () => expect(lines).toBeGreaterThan(60));
});

describe('the evidence template', () => {
  test('numbers show as the report rounds them, and the fact is the shown value', () => {
    const e = say`${name('vantage', 'server')} saw ${num('syn', 2341)} SYNs and ${num('rate', 3.9761, 2)}/s (usually ${num('base', 1038.6, 0)}/s)`;
    expect(e).toEqual({ text: 'server saw 2,341 SYNs and 3.98/s (usually 1,039/s)', facts: { vantage: 'server', syn: 2341, rate: 3.98, base: 1039 } });
    expect(fmt(-0.0000001, 2)).toBe('0');
  });
  test('times show as hh:mm:ss and are kept as ISO-8601; a key used twice gets _2; clauses nest; prefixes keep the facts', () => {
    const clause = say` (${num('syn', 5, 0)} more)`;
    const e = say`${time('from', 1764077878)}–${time('to', 1764077932.4)}: ${num('syn', 3, 0)}${clause}`;
    expect(e.text).toBe('13:37:58–13:38:52: 3 (5 more)');
    expect(e.facts).toEqual({ from: '2025-11-25T13:37:58Z', to: '2025-11-25T13:38:52.400Z', syn: 3, syn_2: 5 });
    expect(prefixed('in front: ', e)).toEqual({ text: `in front: ${e.text}`, facts: e.facts });
    expect(evidenceText('an old string')).toBe('an old string');
  });
});
