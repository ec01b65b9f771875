/**
 * @module analysis
 * `pcap-alibi/analysis`: what an analysis script uses on top of the core — a config's captures
 * and logs analysed into the document `alibi analyze --json` prints, and its two reports.
 *
 * This tier is Node-bound, and says so: `analyze` reads capture and log files (in worker threads
 * when there are several captures), `loadConfig` reads and validates a config file, and
 * `htmlReport` reads uPlot from `node_modules`; there is no analysis from in-memory inputs to
 * offer instead. Every value here is also exported by `pcap-alibi/node` (the whole Node edge) or,
 * for `textReport`, by the core, as the same function (a test checks it); this entry is the
 * analysis subset in one import, with every type its functions take and return. What an analysis
 * needs that runs anywhere — `findIncidents` over views a script builds, `Timeline`, `textReport`,
 * the document's types — is in the core, `pcap-alibi`.
 * @example
 * import { analyze, loadConfig, textReport } from 'pcap-alibi/analysis';
 * const doc = await analyze(loadConfig('captures/stunnel-freeze/alibi.json'));
 * doc.incidents[0].culprit.component //=> 'stunnel'
 * console.log(textReport(doc));
 */

/** The analysis: a config (a file, or an object with `baseDir`) to the analysis document. */
export { analyze, loadConfig } from './analyze';
export type { AnalyzeConfig, AnalyzeOptions } from './analyze';
export type { AnalyzeInput } from './config/load';
/** A config mistake: every problem with its field and the fix (`issues`). */
export { ConfigError } from './config/errors';
export type { ConfigIssue, ConfigIssueCode, ConfigOrigin } from './config/errors';

/** The document and what it holds (also in the core, for code that only reads a document). */
export type { AnalyzeDocument, IncidentDoc, SignalDoc, SourceDoc, ClockEstimate, TimelineData, IncidentConnections } from './correlate/model';
export type { Culprit, CulpritKind } from './correlate/verdict';
export type { EvidenceItem, FactValue } from './correlate/evidence';
export type { Warning } from './errors';

/** Reports of a document: the text `alibi analyze` prints (core) and the `--html` page (reads uPlot). */
export { textReport } from './report/text';
export { htmlReport } from './report/html';
