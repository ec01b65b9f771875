/**
 * mergeSignals: what makes an incident. Held-out run 2048 analysed from its logs alone gave an
 * incident for a 12 s stretch where stunnel's log wrote less (still writing) before any fault.
 */
import { mergeSignals } from '../../lib/correlate/verdict';
import type { Signal } from '../../lib/correlate/signals';

const logs = new Set(['stunnel log', 'backend log']);
const dip = (source: string, from: number, to: number, detail: 'low-rate' | 'gap'): Signal => ({ source, kind: 'log-silence', from, to, baseline: 31, observed: 2.5, detail });

test('without captures, one log writing less for a few seconds is a lull, not an incident', () => {
  expect(mergeSignals([dip('stunnel log', 100, 112, 'low-rate')], 3, false, logs, 5)).toEqual([]);
});

test('the same log stopping altogether is still an incident', () => {
  expect(mergeSignals([dip('stunnel log', 100, 112, 'gap')], 3, false, logs, 5)).toHaveLength(1);
});

test('a long low-rate stretch, or two logs dipping together, is still an incident', () => {
  expect(mergeSignals([dip('stunnel log', 100, 130, 'low-rate')], 3, false, logs, 5)).toHaveLength(1);
  expect(mergeSignals([dip('stunnel log', 100, 112, 'low-rate'), dip('backend log', 101, 111, 'low-rate')], 3, false, logs, 5)).toHaveLength(1);
});
