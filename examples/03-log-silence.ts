/**
 * @module examples/03-log-silence
 * Two logs in different formats and zones onto UTC, and where each went silent. The stunnel log
 * is written in New York local time without an offset, so its zone is given; the backend's
 * access log carries its own offset.
 *
 * Run: npm run build && npx tsc -p examples --outDir tmp/examples && node tmp/examples/examples/03-log-silence.js
 */
import { isoSeconds } from 'pcap-alibi';
import { readLog } from 'pcap-alibi/node';
import { capture, table } from './paths';

export async function main(): Promise<string> {
  const logs = [
    { component: 'stunnel', file: capture('stunnel-freeze', 'stunnel.log'), tz: 'America/New_York' },
    { component: 'backend', file: capture('stunnel-freeze', 'access.log') },
  ];
  const summary: (string | number)[][] = [];
  const silences: (string | number)[][] = [];
  for (const l of logs) {
    const r = await readLog(l.file, { tz: l.tz, interval: '1s' });
    summary.push([l.component, r.format, r.timezone, r.lines, r.first === null ? '-' : isoSeconds(r.first, r.fracDigits), r.last === null ? '-' : isoSeconds(r.last, r.fracDigits), r.silence.silences.length]);
    for (const s of r.silence.silences) silences.push([l.component, isoSeconds(s.start, r.fracDigits), isoSeconds(s.end, r.fracDigits), Math.round(s.duration * 10) / 10, s.kind]);
  }
  return (
    table(['component', 'format', 'read in', 'lines', 'first', 'last', 'silences'], summary) +
    '\n' +
    table(['component', 'silent from', 'to', 'seconds', 'kind'], silences)
  );
}

if (require.main === module) main().then((s) => process.stdout.write(s));
