/**
 * @module correlate/evidence
 * Evidence as data: each line of an incident's evidence is `{text, facts}` (SPEC's extension),
 * made by one tagged template, so the words and the numbers come from the same values and cannot
 * drift apart. A number goes into the text as the report shows it (`fmt`: 1,304 or 3.98) and into
 * `facts` as that same shown value; a time goes into the text as `13:37:58` and into `facts` as
 * its ISO-8601 instant; a name (component, vantage) into both as it is.
 *
 * @example
 * say`${name('source', 'server')} saw ${num('syn', 2341)} client SYNs`
 * //=> { text: 'server saw 2,341 client SYNs', facts: { source: 'server', syn: 2341 } }
 */

/** A fact's value: a number as shown in the text, or text (a name, an ISO-8601 time). */
export type FactValue = number | string;

/** One line of evidence: what it says, and the values it says, by name. */
export interface EvidenceItem {
  readonly text: string;
  readonly facts: Readonly<Record<string, FactValue>>;
}

/** A marked value inside a `say` template. */
interface Mark {
  readonly key: string;
  readonly shown: string;
  readonly value: FactValue;
}

const MARK = Symbol('fact');
type Marked = Mark & { readonly [MARK]: true };

/**
 * A number as the report shows it: whole above 100, else `digits` decimals, with thousands
 * separators. The fact is the shown value (so text and facts agree to the digit).
 */
export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  const r = Math.abs(n) >= 100 ? Math.round(n) : Number(n.toFixed(digits));
  // toLocaleString stops at three decimals unless told: a clock offset of -0.000003 s read "-0".
  return (r === 0 ? 0 : r).toLocaleString('en-US', { maximumFractionDigits: Math.max(3, digits) });
}

/** A measured number: `key` names it with its unit (`lines_per_s`, `seconds`, `percent`, …). */
export function num(key: string, value: number, digits = 1): Marked {
  const shown = fmt(value, digits);
  const back = Number(shown.replace(/,/g, ''));
  return { key, shown, value: Number.isFinite(back) ? back : shown, [MARK]: true };
}

/** An instant: `13:37:58` in the text, the ISO-8601 UTC time in the facts. */
export function time(key: string, epochSeconds: number): Marked {
  const iso = new Date(Math.round(epochSeconds * 1000)).toISOString();
  return { key, shown: iso.slice(11, 19), value: iso.replace('.000Z', 'Z'), [MARK]: true };
}

/** A name (component, vantage, endpoint): the same in text and facts. */
export function name(key: string, value: string): Marked {
  return { key, shown: value, value, [MARK]: true };
}

function isMark(x: unknown): x is Marked {
  return typeof x === 'object' && x !== null && (x as Marked)[MARK] === true;
}

/** Builds an evidence line: marked values become facts; plain strings and numbers are just words. */
export function say(strings: TemplateStringsArray, ...parts: (Marked | string | EvidenceItem)[]): EvidenceItem {
  let text = strings[0];
  const facts: Record<string, FactValue> = Object.create(null);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (isMark(p)) {
      text += p.shown;
      // A key used twice in one line keeps both: the second as key_2.
      let k = p.key;
      for (let n = 2; k in facts; n++) k = `${p.key}_${n}`;
      facts[k] = p.value;
    } else if (typeof p === 'object' && p !== null) {
      // A nested line (a clause built elsewhere): its text and facts join this one's.
      text += p.text;
      for (const [k0, v] of Object.entries(p.facts)) {
        let k = k0;
        for (let n = 2; k in facts; n++) k = `${k0}_${n}`;
        facts[k] = v;
      }
    } else text += p;
    text += strings[i + 1];
  }
  return Object.freeze({ text, facts: Object.freeze({ ...facts }) });
}

/** The same line with words before it (`in front: …`, `behind: …`); the facts are unchanged. */
export function prefixed(prefix: string, e: EvidenceItem): EvidenceItem {
  return Object.freeze({ text: prefix + e.text, facts: e.facts });
}

/** An empty clause, for optional parts of a template. */
export const NOTHING: EvidenceItem = Object.freeze({ text: '', facts: Object.freeze({}) });

/** The text of an evidence item, whether it is the object or (older documents) the string. */
export function evidenceText(e: EvidenceItem | string): string {
  return typeof e === 'string' ? e : e.text;
}
