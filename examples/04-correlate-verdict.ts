/**
 * @module examples/04-correlate-verdict
 * The whole analysis on every lab scenario: captures and logs on one timeline, and for each
 * incident the component that failed, the kind of failure and the first piece of evidence.
 *
 * Run: npm run build && npx tsc -p examples --outDir tmp/examples && node tmp/examples/examples/04-correlate-verdict.js
 */
import { analyze, loadConfig } from 'pcap-alibi/analysis';
import { capture, table } from './paths';

export const SCENARIOS = ['healthy', 'stunnel-freeze', 'network-drop', 'clients-stop', 'app-slow'];

export async function main(scenarios = SCENARIOS): Promise<string> {
  const rows: (string | number)[][] = [];
  for (const name of scenarios) {
    // Relative paths in the config resolve against its folder.
    const doc = await analyze(loadConfig(capture(name, 'alibi.json')));
    if (doc.incidents.length === 0) rows.push([name, '-', '-', 'none', '-', '-', 'no incident']);
    for (const inc of doc.incidents) {
      rows.push([name, inc.start.slice(11, 19), inc.duration, inc.culprit.component, inc.culprit.kind, Math.round(inc.culprit.confidence * 100), inc.evidence[0]?.text ?? '']);
    }
  }
  return table(['scenario', 'start', 'seconds', 'culprit', 'kind', 'conf %', 'first evidence'], rows);
}

if (require.main === module) main().then((s) => process.stdout.write(s));
