/**
 * @module logs/classify
 * Is a log `steady` (traffic-driven: access logs, a proxy's per-connection lines — its silence
 * means something) or `sparse` (error logs, notices, restarts — silence means nothing, its lines
 * are events)? Decided from the log's own data, so the verdict knows which silences to trust.
 */
import type { LogScanResult } from './ingest';

export interface LogClass {
  class: 'steady' | 'sparse';
  why: string;
}

/** The rule's thresholds (exported for the README and tests). */
export const LOG_CLASS_RULE = {
  /** Coarse bins of span/100, between these (s): short logs need 10 s to have bins to count. */
  minBin: 10,
  maxBin: 60,
  /** Steady: at least this share of the coarse bins hold lines … */
  coverage: 0.6,
  /** … and the median coarse bin holds at least this rate (lines/s). */
  medianRate: 1,
} as const;

/**
 * Classifies a log from its bins: steady when most coarse bins (10–60 s, span/100) hold lines
 * and the median bin runs at ≥ 1 line/s. Not from its share of errors: a proxy's log can be half
 * `Connection reset` after an outage (stunnel-freeze-bigqueue: 53%) and is still traffic-driven.
 * A log an outage silenced for a while stays steady (the lab's frozen stunnel: 75% of its 10 s bins); an
 * nginx error log at `info` bursts during a recovery but is mostly silent (≤ 44%), or its median
 * bin is slow (app-slow's: 0.6 lines/s).
 * @example
 * classifyLog(await readLog('captures/healthy/access.log')) //=> { class: 'steady', why: '100% of 10 s bins have lines, median 5 lines/s: traffic-driven …' }
 */
export function classifyLog(res: LogScanResult): LogClass {
  const R = LOG_CLASS_RULE;
  if (res.grid === null || res.counted === 0 || res.first === null || res.last === null) return { class: 'sparse', why: 'no entries' };
  const span = res.last - res.first;
  const width = res.interval;
  const k = Math.max(1, Math.round(Math.min(R.maxBin, Math.max(R.minBin, span / 100)) / width));
  const groups: number[] = [];
  for (let i = 0; i < res.counts.length; i += k) {
    let n = 0;
    for (let j = i; j < i + k && j < res.counts.length; j++) n += res.counts[j];
    groups.push(n);
  }
  const g = k * width;
  if (groups.length < 3) {
    // Too short for a share of bins: its mean rate alone.
    const rate = span > 0 ? res.counted / span : 0;
    const steady = rate >= R.medianRate;
    return { class: steady ? 'steady' : 'sparse', why: `${fmt(span)} s of log only, ${fmt(rate)} lines/s on average${steady ? '' : ` (steady needs ≥ ${R.medianRate} lines/s)`}` };
  }
  const coverage = groups.filter((n) => n > 0).length / groups.length;
  const median = groups.slice().sort((a, b) => a - b)[groups.length >> 1] / g;
  const facts = `${Math.round(coverage * 100)}% of ${fmt(g)} s bins have lines, median ${fmt(median)} lines/s`;
  if (coverage >= R.coverage && median >= R.medianRate) return { class: 'steady', why: `${facts}: traffic-driven, a silence means something` };
  const short = coverage < R.coverage ? `fewer than ${R.coverage * 100}% of bins` : `median below ${R.medianRate} line/s`;
  return { class: 'sparse', why: `${facts} (${short}): lines are events, a silence means nothing` };
}

function fmt(x: number): string {
  return x >= 10 ? String(Math.round(x)) : String(Math.round(x * 100) / 100);
}
