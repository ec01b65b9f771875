/**
 * @module report/text
 * The human report of `alibi analyze`: one screen first (each verdict, the facts that decided it,
 * what was missing), then the details (every evidence line, signals, sources, clocks, warnings).
 */
import type { AnalyzeDocument, ClockEstimate } from '../correlate/model';
import type { EvidenceItem } from '../correlate/evidence';

function hm(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '-';
}

/**
 * What became of a clock estimate: `applied`; `nothing to correct` (a reliable best match at 0 s);
 * or `not applied` (an offset, but not a confident one). A 0 s estimate said "not applied",
 * which read as if a correction had been refused.
 */
export function clockStatus(c: ClockEstimate): 'applied' | 'nothing to correct' | 'not applied' {
  return c.applied ? 'applied' : c.offset === 0 && c.confidence >= 0.8 ? 'nothing to correct' : 'not applied';
}

/**
 * The (at most) three evidence lines that decided: the verdict states its own component's facts
 * first (the wire's, then its log's); lines about the components in front of it and behind it
 * (`in front: …`, `behind: …`) support it and stay in the details.
 */
export function decidingLines(evidence: readonly EvidenceItem[]): EvidenceItem[] {
  return evidence.filter((e) => !/^(in front|behind): /.test(e.text)).slice(0, 3);
}

/** Who failed, as the report's verdict line says it. */
function culpritWords(c: AnalyzeDocument['incidents'][number]['culprit']): string {
  return c.kind === 'application' ? `${c.component} failed (application)` :
    c.kind === 'network' ? `the network failed: ${c.component.replace(/^network:/, '')}` :
    c.kind === 'clients' ? 'the clients stopped sending (demand stopped)' :
    `undecided: the data does not single out one component${c.suspects?.length ? ` (suspects: ${c.suspects.map((x) => x.component).join(', ')})` : ''}`;
}

/**
 * The verdict alone, one line per incident (or one saying there was none): `alibi analyze
 * --quiet`, for scripts and alerts.
 * @example verdictLines(doc) //=> 'incident 1: 2026-11-25 13:37:58 UTC → 2026-11-25 13:38:52 UTC (54 s): stunnel failed (application); confidence 97%\n'
 */
export function verdictLines(doc: AnalyzeDocument): string {
  if (doc.incidents.length === 0) return `no incident between ${hm(doc.window.start)} and ${hm(doc.window.end)}\n`;
  return doc.incidents.map((inc, i) => `incident ${i + 1}: ${hm(inc.start)} → ${hm(inc.end)} (${inc.duration} s): ${culpritWords(inc.culprit)}; confidence ${Math.round(inc.culprit.confidence * 100)}%\n`).join('');
}

export function textReport(doc: AnalyzeDocument): string {
  const out: string[] = [];
  out.push(`pcap-alibi: ${doc.incidents.length === 0 ? 'no incident' : doc.incidents.length === 1 ? '1 incident' : `${doc.incidents.length} incidents`} between ${hm(doc.window.start)} and ${hm(doc.window.end)} (${doc.interval} s bins)`);
  out.push('');
  // Inputs that do not meet (a service no packet matched, a log outside the captures' time) change
  // what the verdict can see: they come first, not as a footnote.
  const first = doc.warnings.filter((w) => w.code === 'service_unseen' || w.code === 'no_overlap');
  if (first.length) {
    out.push('Check first:');
    for (const w of first) out.push(`  ! ${w.reason}`);
    out.push('');
  }
  // One screen first: each verdict, the facts that decided it, and what was missing; the rest
  // (every evidence line, signals, sources, clocks, warnings) under "Details".
  doc.incidents.forEach((inc, i) => {
    const c = inc.culprit;
    out.push(`Incident ${i + 1}: ${hm(inc.start)} → ${hm(inc.end)} (${inc.duration} s)`);
    out.push(`  Verdict: ${culpritWords(c)}; confidence ${Math.round(c.confidence * 100)}%`);
    out.push(`  In short: ${inc.summary}`);
    if (c.suspects?.length) {
      out.push('  Suspects, and what would decide:');
      for (const x of c.suspects) out.push(`    - ${x.component}: ${x.why}`);
    }
    const key = decidingLines(inc.evidence);
    if (key.length) {
      out.push('  Decided by:');
      for (const e of key) out.push(`    - ${e.text}`);
    }
    out.push('');
  });
  if (doc.missing.length) {
    out.push('Not available (lowers confidence):');
    for (const x of doc.missing) out.push(`  ${x}`);
    out.push('');
  }
  out.push('Details');
  doc.incidents.forEach((inc, i) => {
    out.push(`Incident ${i + 1} evidence (${inc.evidence.length} line${inc.evidence.length === 1 ? '' : 's'}):`);
    for (const e of inc.evidence) out.push(`  - ${e.text}`);
    const kinds = [...new Set(inc.signals.map((s) => `${s.kind} (${s.source})`))];
    out.push(`  Signals: ${kinds.join(', ')}`);
  });
  out.push('Sources:');
  for (const s of doc.sources) {
    if (s.type === 'capture') out.push(`  capture ${s.name}: ${s.file}, ${s.packets} packets, ${s.connections} connections, ${hm(s.first)} → ${hm(s.last)}`);
    else out.push(`  log ${s.name}: ${s.file}, ${s.format}, read in ${s.timezone}, ${s.lines} lines, ${hm(s.first)} → ${hm(s.last)}`);
  }
  if (doc.clocks.length) {
    out.push('Clocks:');
    for (const c of doc.clocks) {
      const est = c.offset === null || c.confidence < 0.8 ? `no reliable estimate` : `offset ${c.offset} s`;
      out.push(`  ${c.between[0]} vs ${c.between[1]}: ${est} (confidence ${c.confidence}; ${c.method})${` — ${clockStatus(c)}`}`);
    }
  }
  if (doc.inferred.length) {
    out.push('Inferred:');
    for (const x of doc.inferred) out.push(`  ${x}`);
  }
  if (doc.edges?.length) {
    out.push('Edges (not incidents):');
    for (const e of doc.edges) out.push(`  ${e.source} ${e.start} → ${e.end}: ${e.note}`);
  }
  if (doc.warnings.length) {
    out.push(`Warnings (${doc.warnings.length}${doc.warnings.length > 5 ? ', first 5; all in --json' : ''}):`);
    for (const w of doc.warnings.slice(0, 5)) {
      const at = w.line !== undefined ? `line ${w.line}` : w.offset !== undefined && w.offset !== null ? `offset ${w.offset}${w.packet !== undefined && w.packet !== null ? `, packet ${w.packet}` : ''}` : '';
      out.push(`  ${w.file ?? ''}${at ? `: ${at}` : ''}: ${w.reason}`);
    }
  }
  return out.join('\n') + '\n';
}
