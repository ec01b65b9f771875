/**
 * @module report/html
 * The HTML report of `alibi analyze --html`: one self-contained page (uPlot's code and CSS are
 * inlined, no network needed to view it) with every source on one shared, zoomable UTC time axis,
 * log silences and incidents shaded, the verdict and its evidence (each line linked to its chart),
 * each incident's connections as a paged, sortable table, and what was read.
 *
 * Safety: every text that came from a log, a capture or a config (file names, component and
 * vantage names, evidence, warnings) is HTML-escaped where it is written into markup, and the
 * chart data goes in as JSON inside `<script type="application/json">` with `<`, `>`, `&`,
 * U+2028 and U+2029 written as `\uXXXX`, so no input can close the script element. The page's
 * own script puts input text into the DOM only through `textContent` (uPlot does the same for
 * legend labels) or onto the canvas.
 */
import * as fs from 'node:fs';
import type { IncidentConnections } from '../correlate/connections';
import type { AnalyzeDocument, IncidentDoc, SourceDoc } from '../correlate/model';
import { showBidi } from './escape';
import { clockStatus } from './text';
import { METRICS, type MetricDef } from '../metrics/catalog';

/**
 * Escapes text for HTML element content and quoted attribute values; bidi controls are shown as
 * `\u{NNNN}` (`showBidi`), so no input can reverse the text it sits in.
 */
export function escapeHtml(s: unknown): string {
  return showBidi(String(s ?? '')).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A name from the input (a vantage, component, file): escaped and isolated, so right-to-left letters in it cannot reorder the text around it. */
export function nameHtml(s: unknown): string {
  return `<bdi>${escapeHtml(s)}</bdi>`;
}

/**
 * JSON safe to put inside `<script type="application/json">`: `<`, `>`, `&`, U+2028 and U+2029
 * become `\uXXXX` escapes (still the same JSON value).
 * @example
 * scriptJson({ s: '</script>' }) //=> '{"s":"\\u003c/script\\u003e"}'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' ? showBidi(v) : v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

let assets: { js: string; css: string } | undefined;
/** uPlot's minified code and CSS, read once from node_modules. */
function uplotAssets(): { js: string; css: string } {
  if (!assets) {
    const js = fs.readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = fs.readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    // Inlined verbatim: make sure neither can end its element early.
    if (/<\/script/i.test(js) || /<\/style/i.test(css)) throw new Error('uPlot assets contain a closing tag');
    assets = { js, css };
  }
  return assets;
}

const CAPTURE_COLORS = ['#1f6fb4', '#e8710a', '#2a9d3c', '#8e44ad', '#8c564b', '#d6336c', '#0f9fb5', '#9a9a1c'];
const LOG_COLORS = ['#c0392b', '#6c3fb4', '#127a5c', '#b8860b', '#34495e', '#e84393'];

type SeriesDoc = NonNullable<AnalyzeDocument['timeline']>['series'][number];
interface PanelSeries { label: string; color: string; width: number; dash?: number[]; values: (number | null)[] }
/** Drawn whenever their series exist; the others only when something happened in them. */
const BASE_PANELS = new Set(['throughput', 'connections', 'resets', 'retransmissions', 'logs', 'loss']);
interface Panel { id: string; title: string; unit: string; series: PanelSeries[]; silences?: boolean }
interface PageData {
  interval: number;
  start: number[];
  panels: Panel[];
  silences: { source: string; color: string; start: number; end: number }[];
  incidents: { n: number; start: number; end: number; label: string }[];
  /** Each incident's connections per vantage (columns), for the paged tables. */
  connections: IncidentConnections[];
}

/** The chart panels: one per metric, every source on the same bins. */
function pageData(doc: AnalyzeDocument): PageData {
  const tl = doc.timeline;
  const interval = tl?.interval ?? doc.interval;
  const start = tl?.start ?? [];
  const series = tl?.series ?? [];
  const captures = [...new Set(series.filter((s) => s.metric !== 'lines').map((s) => s.source))];
  const logs = [...new Set(series.filter((s) => s.metric === 'lines').map((s) => s.source))];
  const capColor = (src: string) => CAPTURE_COLORS[captures.indexOf(src) % CAPTURE_COLORS.length];
  const logColor = (src: string) => LOG_COLORS[logs.indexOf(src) % LOG_COLORS.length];
  // Captures that see the same packets draw the same line: the first is drawn widest so the
  // later ones stay visible inside it.
  const width = (i: number) => [3.5, 1.75][i] ?? 1.25;
  const pick = (metric: string) => series.filter((s) => s.metric === metric && !s.service);
  const line = (s: SeriesDoc, i: number, values: (number | null)[], label = s.source, dash?: number[]): PanelSeries =>
    ({ label, color: capColor(s.source), width: width(i), ...(dash ? { dash } : {}), values });
  // A service's own series, labelled with the service when there are several.
  const svcNames = [...new Set(series.filter((s) => s.service).map((s) => s.service))];
  const svcLabel = (s: SeriesDoc, what: string) => `${s.source}${svcNames.length > 1 ? ` ${s.service}` : ''} ${what}`;
  const perService = (metric: string) => series.filter((s) => s.metric === metric && s.service);
  const losses = series.filter((s) => s.metric === 'missing');
  const DASH = { dashed: [6, 4], dotted: [2, 3] } as const;
  // The capture metrics each panel draws, as the metric catalog says (panel, label, dash, scale).
  const drawn = (panel: string): PanelSeries[] =>
    (METRICS as readonly MetricDef[]).filter((m) => m.chart?.panel === panel).flatMap((m) => {
      const ch = m.chart!;
      const dash = ch.dash ? [...DASH[ch.dash]] : undefined;
      const scale = (s: SeriesDoc): (number | null)[] => {
        if (ch.per) {
          const n = series.find((x) => x.metric === ch.per && x.source === s.source && x.service === s.service)?.values ?? [];
          return s.values.map((v, k) => ((n[k] ?? 0) > 0 ? v / n[k] : null));
        }
        return ch.perSecond ? s.values.map((v) => v / interval) : s.values;
      };
      return m.timeline === 'service'
        ? perService(m.key).map((s, i) => line(s, i, scale(s), svcLabel(s, ch.label ?? '').trim(), dash))
        : pick(m.key).map((s, i) => line(s, i, scale(s), ch.label ? `${s.source} ${ch.label}` : s.source, dash));
    });
  const panels: Panel[] = [
    { id: 'throughput', title: 'Throughput (bytes on the wire per second)', unit: 'B/s', series: drawn('throughput') },
    { id: 'connections', title: `New connection attempts per ${interval} s (solid: SYNs from clients, dashed: SYN-ACKs answering them)`, unit: '', series: drawn('connections') },
    { id: 'resets', title: `Resets per ${interval} s, by side (solid: sent by the client, dashed: by the server)`, unit: '', series: drawn('resets') },
    { id: 'retransmissions', title: `Retransmissions per ${interval} s`, unit: '', series: drawn('retransmissions') },
    {
      id: 'logs', title: `Log lines per ${interval} s (bar along the top and light shading: that log's silence)`, unit: '', silences: true,
      series: pick('lines').map((s) => ({ label: s.source, color: logColor(s.source), width: 2, values: s.values })),
    },
    {
      id: 'loss', title: `Packets to or from the services seen at one vantage and missing at the next, per ${interval} s`, unit: '',
      series: losses.map((s, i) => ({ label: `${s.source.replace('->', ' → ')} missing`, color: CAPTURE_COLORS[(captures.length + i) % CAPTURE_COLORS.length], width: 2, values: s.values })),
    },
    { id: 'tls', title: `TLS handshakes to the services per ${interval} s (solid: ClientHellos in, dashed: ServerHellos back)`, unit: '', series: drawn('tls') },
    { id: 'http', title: `HTTP to the services per ${interval} s (solid: requests, dashed: responses, dotted: connections closed with a request unanswered)`, unit: '', series: drawn('http') },
    { id: 'answers', title: 'Answer time: seconds from request to first answer, averaged per bin', unit: 's', series: drawn('answers') },
    { id: 'zerowindows', title: `Zero-window advertisements per ${interval} s, by who advertised (solid: the client, dashed: the server; either stopped reading)`, unit: '', series: drawn('zerowindows') },
  ].filter((p) => p.series.length > 0 && (BASE_PANELS.has(p.id) || p.series.some((x) => x.values.some((v) => v !== null && v !== 0))));
  return {
    interval,
    start,
    panels,
    silences: (tl?.silences ?? []).map((s) => ({ ...s, color: logColor(s.source) })),
    connections: doc.connections ?? [],
    incidents: (tl?.incidents ?? []).map((x, i) => {
      const inc = doc.incidents[i];
      return { n: i + 1, start: x.start, end: x.end, label: `Incident ${i + 1}: ${inc ? verdictShort(inc) : x.culprit}` };
    }),
  };
}

function verdictShort(inc: IncidentDoc): string {
  const c = inc.culprit;
  return c.kind === 'network' ? `network ${c.component.replace(/^network:/, '')}` : c.kind === 'clients' ? 'clients stopped' : c.kind === 'unknown' ? 'undecided' : `${c.component} (${c.kind})`;
}

function verdictSentence(inc: IncidentDoc): string {
  const c = inc.culprit;
  return c.kind === 'application' ? `${c.component} failed (application)`
    : c.kind === 'network' ? `the network failed: ${c.component.replace(/^network:/, '')}`
    : c.kind === 'clients' ? 'the clients stopped sending (demand stopped)'
    : 'undecided: the data does not single out one component';
}

/** `2026-11-25T13:37:58Z` → `2026-11-25 13:37:58 UTC`. */
function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '–';
}

/** The time of day of an ISO time, for ranges on one day. */
function clock(iso: string): string {
  const m = /T([0-9:.]+)Z$/.exec(iso);
  return m ? m[1] : iso;
}

function num(x: unknown): string {
  return typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: 3 }) : escapeHtml(x);
}

/**
 * The chart an evidence line is about, from the first of its facts that one of the charts draws
 * (SYNs → new connections, log lines → the log chart, missing packets → loss between vantages,
 * ClientHellos → TLS, …); null when no chart draws it.
 */
export function panelOf(facts: Readonly<Record<string, unknown>>): string | null {
  for (const k of Object.keys(facts)) {
    const key = k.replace(/^baseline_/, '').replace(/_\d+$/, '');
    const panel = FACT_PANELS[key];
    if (panel) return panel;
  }
  return null;
}

/** Which chart draws each signal kind (SPEC's list, and the answer-time signal). */
export const SIGNAL_PANELS: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  'throughput-drop': 'throughput', 'reset-spike': 'resets', 'connection-spike': 'connections', 'syn-unanswered': 'connections',
  'retransmission-spike': 'retransmissions', 'log-silence': 'logs', 'loss-between-vantages': 'loss', 'zero-window': 'zerowindows',
  'slow-answers': 'answers',
});

/** Which chart draws a fact (by its key, without `baseline_`). */
const FACT_PANELS: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  lines_per_s: 'logs', silent_seconds: 'logs', error_lines: 'logs', error_lines_per_s: 'logs', error_percent_of_lines: 'logs', startup_lines: 'logs',
  syn: 'connections', syn_ack: 'connections', connection_attempts_per_s: 'connections', percent_of_usual: 'connections',
  retransmissions: 'retransmissions', retransmissions_per_s: 'retransmissions',
  server_resets: 'resets',
  client_payload_bytes_per_s: 'throughput', server_payload_bytes_per_s: 'throughput', packets_per_s: 'throughput',
  missing_packets: 'loss', matched_packets: 'loss', missing_percent: 'loss',
  client_hellos: 'tls', server_hellos: 'tls',
  http_requests: 'http', http_responses: 'http', unanswered_connections: 'http',
  response_seconds: 'answers',
  zero_windows: 'zerowindows', zero_windows_per_s: 'zerowindows', zero_windows_by_server: 'zerowindows', zero_windows_by_client: 'zerowindows',
});

/** An evidence line; with a chart, a link that zooms every chart to its time range and shows it. */
function evidenceHtml(e: IncidentDoc['evidence'][number], inc: IncidentDoc, drawn: ReadonlySet<string>): string {
  const panel = panelOf(e.facts);
  if (!panel || !drawn.has(panel)) return `<li>${escapeHtml(e.text)}</li>`;
  const at = (v: unknown, dflt: string) => Date.parse(typeof v === 'string' ? v : dflt) / 1000;
  const from = at(e.facts.from, inc.start), to = at(e.facts.to, inc.end);
  return `<li>${escapeHtml(e.text)} <a class="to-chart" href="#panel-${panel}" data-panel="${panel}" data-from="${from}" data-to="${to}">chart</a></li>`;
}

/** A signal's kind, linked to the chart that draws it around the signal's own time range. */
function kindHtml(sig: IncidentDoc['signals'][number], drawn: ReadonlySet<string>): string {
  const panel = SIGNAL_PANELS[sig.kind];
  if (!panel || !drawn.has(panel)) return escapeHtml(sig.kind);
  return `<a class="to-chart" href="#panel-${panel}" data-panel="${panel}" data-from="${Date.parse(sig.start) / 1000}" data-to="${Date.parse(sig.end) / 1000}">${escapeHtml(sig.kind)}</a>`;
}

function incidentHtml(inc: IncidentDoc, i: number, drawn: ReadonlySet<string>, conns: readonly IncidentConnections[]): string {
  const c = inc.culprit;
  const pct = Math.round(c.confidence * 100);
  const sameDay = inc.start.slice(0, 10) === inc.end.slice(0, 10);
  const range = sameDay ? `${escapeHtml(inc.start.slice(0, 10))} ${escapeHtml(clock(inc.start))} → ${escapeHtml(clock(inc.end))} UTC` : `${escapeHtml(when(inc.start))} → ${escapeHtml(when(inc.end))}`;
  const signals = inc.signals
    .map((s) => `<tr><td>${kindHtml(s, drawn)}</td><td>${nameHtml(s.source)}</td><td>${escapeHtml(clock(s.start))}</td><td>${escapeHtml(clock(s.end))}</td><td class="n">${num(s.baseline)}</td><td class="n">${num(s.observed)}</td><td>${escapeHtml(s.detail ?? '')}</td></tr>`)
    .join('');
  return `<section class="incident kind-${escapeHtml(c.kind)}" id="incident-${i + 1}">
<div class="inc-head"><h3>Incident ${i + 1} <span class="range">${range} (${num(inc.duration)} s)</span></h3>
<button type="button" class="zoom" data-incident="${i}">Zoom chart to this incident</button></div>
<p class="verdict"><span class="label">Verdict</span> <strong class="culprit">${escapeHtml(verdictSentence(inc))}</strong>
<span class="conf" title="confidence"><span class="bar"><span style="width:${pct}%"></span></span> ${pct}% confidence</span></p>
${inc.summary ? `<p class="summary">${escapeHtml(inc.summary)}</p>` : ''}
${c.suspects?.length ? `<h4>Suspects, and what would decide</h4><ul class="suspects">${c.suspects.map((x) => `<li><strong>${nameHtml(x.component)}</strong>: ${escapeHtml(x.why)}</li>`).join('')}</ul>` : ''}
<h4>Evidence</h4>
<ul class="evidence">${inc.evidence.map((e) => evidenceHtml(e, inc, drawn)).join('')}</ul>
<details><summary>${inc.signals.length} signals (each against its source's own baseline)</summary>
<table class="signals"><thead><tr><th>kind</th><th>source</th><th>from</th><th>to</th><th>baseline</th><th>observed</th><th>detail</th></tr></thead><tbody>${signals}</tbody></table></details>
${connectionsHtml(conns.filter((c) => c.incident === i), i)}
</section>`;
}

/**
 * The incident's connections: counts by state per vantage as text (read without JavaScript and on
 * paper), and a place for the sortable, paged table the page's script draws from the JSON island.
 */
function connectionsHtml(conns: readonly IncidentConnections[], i: number): string {
  if (!conns.length) return '';
  const states = (c: IncidentConnections) => Object.entries(c.byState).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${escapeHtml(k)} ${num(v)}`).join(', ');
  const lines = conns.map((c) => `<li>${nameHtml(c.vantage)}: ${num(c.total)} connection${c.total === 1 ? '' : 's'} (${states(c)})${c.rows < c.total ? `; the first ${num(c.rows)} to end are listed — <code>alibi flows</code> lists every one` : ''}</li>`).join('');
  return `<h4>Connections during the incident</h4>
<ul class="conn-counts">${lines}</ul>
<details class="conn-table"><summary>the connections, one row each (sortable, by state, 25 a page)</summary><div class="conns" data-incident="${i}"></div></details>`;
}

function sourceRow(s: SourceDoc): string {
  const file = nameHtml(s.file);
  if (s.type === 'capture') {
    const states = s.states && typeof s.states === 'object' ? Object.entries(s.states as Record<string, number>).map(([k, v]) => `${escapeHtml(k)} ${num(v)}`).join(', ') : '';
    return `<tr><td>capture</td><td>${nameHtml(s.name)}</td><td class="file">${file}</td><td>${num(s.packets)} packets, ${num(s.connections)} connections${states ? ` (${states})` : ''}</td><td>${escapeHtml(when(s.first))}</td><td>${escapeHtml(when(s.last))}</td></tr>`;
  }
  const sil = Array.isArray(s.silences) ? (s.silences as { start: string; end: string; duration: number }[]) : [];
  const silText = sil.length ? `; silent ${sil.map((x) => `${escapeHtml(clock(x.start))}–${escapeHtml(clock(x.end))} (${num(x.duration)} s)`).join(', ')}` : '; no silence';
  return `<tr><td>log</td><td>${nameHtml(s.name)}</td><td class="file">${file}</td><td>${escapeHtml(s.format)}, read in ${escapeHtml(s.timezone)}, ${num(s.lines)} lines${silText}</td><td>${escapeHtml(when(s.first))}</td><td>${escapeHtml(when(s.last))}</td></tr>`;
}

function listSection(title: string, items: string[], cls: string): string {
  if (!items.length) return '';
  return `<h3>${title}</h3><ul class="${cls}">${items.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`;
}

const MAX_WARNINGS = 200;

/**
 * Renders the analysis as one self-contained HTML page.
 * @example
 * fs.writeFileSync('report.html', htmlReport(await analyze(loadConfig('alibi.json'))));
 */
export function htmlReport(doc: AnalyzeDocument): string {
  const { js, css } = uplotAssets();
  const data = pageData(doc);
  const drawn = new Set(data.panels.map((p) => p.id));
  const n = doc.incidents.length;
  const headline = n === 0 ? 'No incident' : n === 1 ? '1 incident' : `${n} incidents`;
  const summary = doc.incidents.map((inc) => verdictSentence(inc)).join('; ');
  const clocks = doc.clocks
    .map((c) => `<tr><td>${nameHtml(c.between[0])}</td><td>${nameHtml(c.between[1])}</td><td class="n">${c.offset === null ? 'unknown' : `${c.offset.toLocaleString('en-US', { maximumFractionDigits: 6 })} s`}</td><td class="n">${num(c.confidence)}</td><td>${clockStatus(c)}</td><td>${escapeHtml(c.method)}</td></tr>`)
    .join('');
  const warnings = doc.warnings
    .slice(0, MAX_WARNINGS)
    .map((w) => `<tr><td class="file">${nameHtml(w.file ?? '')}</td><td>${w.line !== undefined ? `line ${num(w.line)}` : `offset ${num(w.offset ?? '?')}, packet ${num(w.packet ?? '?')}`}</td><td>${escapeHtml(w.code)}</td><td>${escapeHtml(w.reason)}</td></tr>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pcap-alibi: ${escapeHtml(headline)}${summary ? ` — ${escapeHtml(summary)}` : ''}</title>
<style>${css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>pcap-alibi <span class="sub ${n === 0 ? 'ok' : 'alarm'}">${escapeHtml(headline)}${summary ? `: ${escapeHtml(summary)}` : ''}</span></h1>
<p class="window">${escapeHtml(when(doc.window.start))} → ${escapeHtml(when(doc.window.end))} · ${num(doc.interval)} s bins · ${doc.sources.length} source${doc.sources.length === 1 ? '' : 's'}</p>
</header>
<main>
<section id="verdicts">
${n === 0 ? '<p class="healthy">No incident: every source stayed within its own baseline over the whole window.</p>' : doc.incidents.map((inc, i) => incidentHtml(inc, i, drawn, data.connections)).join('\n')}
</section>
<section id="timeline">
<div class="tl-head"><h2>Timeline</h2><span class="hint">All times UTC. Hover to read values; drag across a chart to zoom (all charts follow); double-click or <button type="button" id="reset-zoom">reset zoom</button>.
<span class="key"><span class="swatch inc"></span>incident</span></span></div>
<div id="charts"></div>
<noscript><p>The charts need JavaScript; the verdict and evidence above do not.</p></noscript>
</section>
<section id="inputs">
<h2>Inputs</h2>
<table class="sources"><thead><tr><th>type</th><th>name</th><th>file</th><th>what was read</th><th>first</th><th>last</th></tr></thead><tbody>${doc.sources.map(sourceRow).join('')}</tbody></table>
${clocks ? `<h3>Clocks</h3><table class="clocks"><thead><tr><th>source</th><th>against</th><th>offset</th><th>confidence</th><th></th><th>method</th></tr></thead><tbody>${clocks}</tbody></table>` : ''}
${listSection('Inferred settings', doc.inferred, 'inferred')}
${listSection('Edges (not incidents)', (doc.edges ?? []).map((e) => `${e.source} ${e.start} → ${e.end}: ${e.note}`), 'edges')}
${listSection('Not available (lowers confidence)', doc.missing, 'missing')}
${doc.warnings.length ? `<h3>Warnings (${doc.warnings.length}${doc.warnings.length > MAX_WARNINGS ? `, first ${MAX_WARNINGS} shown; all in --json` : ''})</h3><table class="warnings"><thead><tr><th>file</th><th>where</th><th>code</th><th>reason</th></tr></thead><tbody>${warnings}</tbody></table>` : ''}
</section>
</main>
<footer>Made by pcap-alibi. Self-contained: charts by uPlot (MIT), inlined.</footer>
<script type="application/json" id="alibi-data">${scriptJson(data)}</script>
<script>${js}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

const PAGE_CSS = `
:root { --fg:#1d2330; --muted:#5b6577; --line:#d9dee7; --bg:#f6f7f9; --card:#fff; --accent:#c0392b; --ok:#2a9d3c; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--fg); background:var(--bg); }
header, main, footer { max-width:1280px; margin:0 auto; padding:0 20px; }
header { padding-top:18px; }
h1 { font-size:22px; margin:0 0 2px; }
h1 .sub { font-weight:500; color:var(--accent); }
h1 .sub.ok { color:var(--ok); }
.panel h3 .peaks { font-weight:400; font-size:12px; color:var(--muted); margin-left:12px; }
h2 { font-size:17px; margin:22px 0 8px; }
h3 { font-size:15px; margin:16px 0 6px; }
h4 { font-size:13px; margin:10px 0 4px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
.window { color:var(--muted); margin:0 0 12px; }
.incident { background:var(--card); border:1px solid var(--line); border-left:5px solid var(--accent); border-radius:6px; padding:12px 16px; margin:10px 0; }
.incident.kind-network { border-left-color:#8e44ad; } .incident.kind-clients { border-left-color:#1f6fb4; } .incident.kind-unknown { border-left-color:#7f8c8d; }
.inc-head { display:flex; justify-content:space-between; align-items:baseline; gap:12px; flex-wrap:wrap; }
.inc-head h3 { margin:0; } .range { font-weight:400; color:var(--muted); }
.verdict { font-size:16px; margin:8px 0; } .verdict .label { color:var(--muted); margin-right:4px; }
.conf { color:var(--muted); font-size:13px; margin-left:10px; white-space:nowrap; }
.bar { display:inline-block; width:80px; height:8px; background:#e6e9ef; border-radius:4px; vertical-align:middle; overflow:hidden; }
.bar span { display:block; height:100%; background:var(--accent); }
.summary { margin:4px 0 8px; }
.evidence { margin:0; padding-left:20px; } .evidence li { margin:2px 0; }
.evidence a.to-chart { font-size:12px; color:var(--muted); margin-left:4px; }
details { margin-top:8px; } summary { cursor:pointer; color:var(--muted); }
table { border-collapse:collapse; width:100%; background:var(--card); font-size:13px; }
th, td { border:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; }
th { background:#eef1f5; font-weight:600; } td.n { text-align:right; font-variant-numeric:tabular-nums; }
td.file { word-break:break-all; font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
.healthy { background:var(--card); border:1px solid var(--line); border-left:5px solid var(--ok); padding:12px 16px; border-radius:6px; }
button { font:inherit; font-size:12px; padding:2px 8px; border:1px solid var(--line); background:#fff; border-radius:4px; cursor:pointer; }
button:hover { background:#eef1f5; }
.tl-head { display:flex; align-items:baseline; gap:16px; flex-wrap:wrap; } .tl-head h2 { margin-bottom:4px; }
.hint { color:var(--muted); font-size:13px; }
.key { margin-left:10px; white-space:nowrap; } .swatch { display:inline-block; width:14px; height:10px; margin-right:4px; vertical-align:middle; border:1px solid rgba(0,0,0,.15); }
.swatch.inc { background:rgba(192,57,43,.16); }
#charts { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:6px 8px; }
.panel { margin:4px 0 10px; } .panel h3 { font-size:13px; font-weight:600; margin:6px 0 0 4px; color:var(--fg); }
.uplot { font-family:inherit; } .u-legend { font-size:12px; text-align:left; padding-left:70px; } .u-legend th { font-weight:500; background:none; border:0; }
.u-legend td { border:0; } .u-legend table, .u-legend { background:none; }
footer { color:var(--muted); font-size:12px; padding:20px; }
.conn-counts { margin:0 0 6px; padding-left:20px; }
.conns .ctl { display:flex; gap:12px; align-items:center; flex-wrap:wrap; margin:4px 0; font-size:13px; color:var(--muted); }
.conns table { font-size:12px; } .conns th { cursor:pointer; user-select:none; white-space:nowrap; }
.conns th[aria-sort="ascending"]::after { content:" ▲"; } .conns th[aria-sort="descending"]::after { content:" ▼"; }
.conns td.m { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; white-space:nowrap; }
@media print {
  body { background:#fff; font-size:11px; }
  header, main, footer { max-width:none; padding:0; }
  button, .hint, .peaks, .evidence a.to-chart, .u-legend, .conns { display:none !important; }
  .incident, .panel, tr, .healthy { break-inside:avoid; }
  #charts, .incident, table { border-color:#bbb; }
  a { color:inherit; text-decoration:none; }
}
`;

/**
 * The page's script (plain ES2020, runs in the browser). Reads the JSON island, draws one uPlot
 * per panel with a shared x scale: cursors are synced, and a drag-zoom on one chart zooms all.
 * Input text reaches the DOM only through textContent (uPlot's legend) or the canvas.
 */
const CLIENT_JS = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('alibi-data').textContent);
  var host = document.getElementById('charts');
  if (!data.start.length) { var p = document.createElement('p'); p.textContent = 'No data on the timeline.'; host.appendChild(p); return; }
  var frac = data.interval % 1 !== 0;
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function utc(t, withDate) {
    var d = new Date(t * 1000);
    var s = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds());
    if (frac) s += '.' + String(d.getUTCMilliseconds()).padStart(3, '0');
    return withDate ? d.toISOString().slice(0, 10) + ' ' + s + ' UTC' : s;
  }
  function si(v) {
    if (v == null) return '–';
    var a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toFixed(2) + 'G';
    if (a >= 1e6) return +(v / 1e6).toFixed(2) + 'M';
    if (a >= 1e3) return +(v / 1e3).toFixed(1) + 'k';
    if (a > 0 && a < 1) return +v.toPrecision(2) + '';
    return +v.toFixed(2) + '';
  }
  function bandsPlugin(panel) {
    function xs(u, a, b) {
      var x0 = Math.max(u.bbox.left, u.valToPos(a, 'x', true));
      var x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(b, 'x', true));
      return x1 > x0 ? [x0, Math.max(1, x1 - x0)] : null;
    }
    return { hooks: {
      drawClear: [function (u) {
        var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
        ctx.save();
        if (panel.silences) {
          // Each log's silences: a light band, and a solid bar in its own row along the top.
          var logs = panel.series.map(function (s) { return s.label; });
          data.silences.forEach(function (s) {
            var x = xs(u, s.start, s.end); if (!x) return;
            var row = Math.max(0, logs.indexOf(s.source)), bar = 5 * uPlot.pxRatio;
            ctx.globalAlpha = 0.07; ctx.fillStyle = s.color; ctx.fillRect(x[0], top, x[1], h);
            ctx.globalAlpha = 0.85; ctx.fillRect(x[0], top + row * (bar + 2 * uPlot.pxRatio), x[1], bar);
          });
        }
        data.incidents.forEach(function (inc) {
          var x = xs(u, inc.start, inc.end); if (!x) return;
          ctx.globalAlpha = 1; ctx.fillStyle = 'rgba(192,57,43,0.10)'; ctx.fillRect(x[0], top, x[1], h);
          ctx.fillStyle = 'rgba(192,57,43,0.55)'; ctx.fillRect(x[0], top, 1.5 * uPlot.pxRatio, h); ctx.fillRect(x[0] + x[1] - 1.5 * uPlot.pxRatio, top, 1.5 * uPlot.pxRatio, h);
        });
        ctx.restore();
      }],
      draw: [function (u) {
        if (panel !== data.panels[0]) return;
        var ctx = u.ctx; ctx.save();
        ctx.font = (12 * uPlot.pxRatio) + 'px system-ui, sans-serif'; ctx.fillStyle = '#a5281b'; ctx.textBaseline = 'top'; ctx.textAlign = 'left';
        data.incidents.forEach(function (inc) {
          var x = xs(u, inc.start, inc.end); if (!x) return;
          ctx.save(); ctx.beginPath(); ctx.rect(x[0], u.bbox.top, Math.max(x[1], 1), u.bbox.height); ctx.clip();
          ctx.fillText(inc.label, x[0] + 5 * uPlot.pxRatio, u.bbox.top + 4 * uPlot.pxRatio);
          ctx.restore();
        });
        ctx.restore();
      }]
    } };
  }
  // A recovery burst (the reconnections after an outage) can be ten times the usual level: scaled
  // to it, the usual level and the outage's drop both hug zero. Each chart is scaled to its usual
  // range (1.5x the 90th percentile of its values) when its peaks pass that by more than 10%;
  // the clipped peaks are marked along the top, and "show peaks" puts the full range back.
  function peakCap(panel) {
    var all = [];
    panel.series.forEach(function (s) { s.values.forEach(function (v) { if (v != null && v > 0) all.push(v); }); });
    if (all.length < 10) return null;
    all.sort(function (a, b) { return a - b; });
    var cap = 1.5 * all[Math.floor(all.length * 0.9)], max = all[all.length - 1];
    return cap > 0 && max > 1.1 * cap ? { cap: cap, max: max } : null;
  }
  function peaksPlugin(panel, clip) {
    return { hooks: { draw: [function (u) {
      if (!clip.on) return;
      var ctx = u.ctx, top = u.bbox.top, r = 4 * uPlot.pxRatio;
      ctx.save();
      panel.series.forEach(function (s) {
        ctx.fillStyle = s.color;
        s.values.forEach(function (v, i) {
          if (v == null || v <= clip.cap) return;
          var x = u.valToPos(data.start[i], 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x - r, top + 1.6 * r); ctx.lineTo(x + r, top + 1.6 * r); ctx.closePath(); ctx.fill();
        });
      });
      ctx.restore();
    }] } };
  }
  var plots = [], syncing = false;
  var sync = uPlot.sync('alibi');
  var full = [data.start[0], data.start[data.start.length - 1] + data.interval];
  function width() { return Math.max(320, host.clientWidth - 16); }
  data.panels.forEach(function (panel) {
    var div = document.createElement('div'); div.className = 'panel'; div.id = 'panel-' + panel.id;
    var h = document.createElement('h3'); h.textContent = panel.title; div.appendChild(h);
    var peaks = peakCap(panel);
    var clip = { on: !!peaks, cap: peaks ? peaks.cap : Infinity };
    if (peaks) {
      var lab = document.createElement('label'); lab.className = 'peaks';
      var box = document.createElement('input'); box.type = 'checkbox';
      lab.appendChild(box); lab.appendChild(document.createTextNode(' show peaks (up to ' + si(peaks.max) + (panel.unit ? ' ' + panel.unit : '') + '; ▲ marks them)'));
      h.appendChild(lab);
    }
    host.appendChild(div);
    var series = [{ value: function (u, v) { return v == null ? '–' : utc(v, true); } }];
    panel.series.forEach(function (s) {
      series.push({ label: s.label, stroke: s.color, width: s.width, dash: s.dash, points: { show: false },
        value: function (u, v) { return v == null ? '–' : si(v) + (panel.unit ? ' ' + panel.unit : ''); } });
    });
    var opts = {
      width: width(), height: panel.id === 'throughput' ? 200 : 150,
      series: series,
      scales: { x: { time: true, range: function (u, mn, mx) { return [mn, mx]; } }, y: { range: function (u, mn, mx) { return [0, clip.on ? clip.cap * 1.08 : mx > 0 ? mx * 1.08 : 1]; } } },
      axes: [
        { values: function (u, splits, ai, space, incr) { return splits.map(function (v) { return incr >= 86400 ? new Date(v * 1000).toISOString().slice(0, 10) : utc(v, false).replace(/:00(\\.000)?$/, incr >= 60 ? '' : ':00$1'); }); }, grid: { stroke: '#eef0f4' } },
        { size: 64, values: function (u, splits) { return splits.map(si); }, grid: { stroke: '#eef0f4' } }
      ],
      cursor: { sync: { key: sync.key }, drag: { x: true, y: false } },
      legend: { live: true },
      plugins: [bandsPlugin(panel), peaksPlugin(panel, clip)],
      hooks: { setScale: [function (u, key) {
        if (key !== 'x' || syncing) return;
        syncing = true;
        var mn = u.scales.x.min, mx = u.scales.x.max;
        plots.forEach(function (p) { if (p !== u) p.setScale('x', { min: mn, max: mx }); });
        syncing = false;
      }] }
    };
    var cols = [data.start].concat(panel.series.map(function (s) { return s.values; }));
    var plot = new uPlot(opts, cols, div);
    plots.push(plot);
    if (peaks) box.addEventListener('change', function () { clip.on = !box.checked; plot.setData(plot.data, true); plot.redraw(); });
  });
  function zoom(a, b) { plots[0].setScale('x', { min: a, max: b }); }
  document.getElementById('reset-zoom').addEventListener('click', function () { zoom(full[0], full[1]); });
  // An evidence line's "chart" link: every chart zooms to the line's time range (with some of
  // what came before and after), and its chart scrolls into view.
  Array.prototype.forEach.call(document.querySelectorAll('a.to-chart'), function (a) {
    a.addEventListener('click', function (ev) {
      var from = +a.getAttribute('data-from'), to = +a.getAttribute('data-to');
      var target = document.getElementById('panel-' + a.getAttribute('data-panel'));
      if (!target || !(to >= from)) return;
      ev.preventDefault();
      var pad = Math.max(5 * data.interval, (to - from) * 0.6);
      zoom(Math.max(full[0], from - pad), Math.min(full[1], to + pad));
      target.scrollIntoView({ block: 'center' });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.zoom'), function (b) {
    b.addEventListener('click', function () {
      var inc = data.incidents[+b.getAttribute('data-incident')]; if (!inc) return;
      var pad = Math.max(5 * data.interval, (inc.end - inc.start) * 0.6);
      zoom(Math.max(full[0], inc.start - pad), Math.min(full[1], inc.end + pad));
      host.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
  });
  // Printing (or saving as PDF): the closed signal tables open, and the charts take the page's width.
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
    plots.forEach(function (p) { p.setSize({ width: Math.max(320, host.clientWidth - 16), height: p.height }); });
  });
  var t; window.addEventListener('resize', function () { clearTimeout(t); t = setTimeout(function () { plots.forEach(function (p) { p.setSize({ width: width(), height: p.height }); }); }, 100); });
  // Each incident's connections: one table per incident, the vantage with the most connections
  // first; sorted by a click on a header (again: the other way), filtered by state, 25 rows a
  // page. Only the page's rows are in the DOM, each cell set through textContent.
  var COLS = [
    ['start', 'start (UTC)', 'n'], ['duration', 'duration s', 'n'], ['client', 'client', 's'], ['server', 'server', 's'],
    ['state', 'state', 's'], ['history', 'history', 's'], ['packetsOrig', 'pkts →', 'n'], ['packetsResp', 'pkts ←', 'n'],
    ['bytesOrig', 'payload →', 'n'], ['bytesResp', 'payload ←', 'n'], ['rstOrig', 'RST by client', 'n'], ['rstResp', 'RST by server', 'n']
  ];
  var PAGE = 25;
  function hms(t) { var d = new Date(Math.round(t * 1000)); return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + '.' + String(d.getUTCMilliseconds()).padStart(3, '0'); }
  function connTable(div, sets) {
    sets = sets.slice().sort(function (a, b) { return b.total - a.total; });
    var st = { set: sets[0], state: '', key: 'start', dir: 1, page: 0, order: null };
    var ctl = document.createElement('div'); ctl.className = 'ctl'; div.appendChild(ctl);
    function select(label, options, onChange) {
      var lab = document.createElement('label'); lab.textContent = label + ' ';
      var sel = document.createElement('select');
      options.forEach(function (o) { var op = document.createElement('option'); op.value = o[0]; op.textContent = o[1]; sel.appendChild(op); });
      sel.addEventListener('change', function () { onChange(sel.value); });
      lab.appendChild(sel); ctl.appendChild(lab); return sel;
    }
    if (sets.length > 1) select('vantage', sets.map(function (c, k) { return [String(k), c.vantage + ' (' + c.total.toLocaleString('en-US') + ')']; }), function (v) { st.set = sets[+v]; st.state = ''; fillStates(); update(true); });
    var stateSel = select('state', [], function (v) { st.state = v; update(true); });
    function fillStates() {
      while (stateSel.firstChild) stateSel.removeChild(stateSel.firstChild);
      var counts = {}; st.set.state.forEach(function (x) { counts[x] = (counts[x] || 0) + 1; });
      [['', 'all']].concat(Object.keys(counts).sort().map(function (k) { return [k, k + ' (' + counts[k].toLocaleString('en-US') + ')']; })).forEach(function (o) {
        var op = document.createElement('option'); op.value = o[0]; op.textContent = o[1]; stateSel.appendChild(op);
      });
    }
    var prev = document.createElement('button'); prev.type = 'button'; prev.textContent = '‹ previous';
    var next = document.createElement('button'); next.type = 'button'; next.textContent = 'next ›';
    var info = document.createElement('span'); info.className = 'pageinfo';
    ctl.appendChild(prev); ctl.appendChild(info); ctl.appendChild(next);
    var table = document.createElement('table'); var thead = document.createElement('thead'); var hr = document.createElement('tr');
    var ths = COLS.map(function (c) {
      var th = document.createElement('th'); th.textContent = c[1]; th.setAttribute('data-key', c[0]); th.title = 'sort';
      th.addEventListener('click', function () { if (st.key === c[0]) st.dir = -st.dir; else { st.key = c[0]; st.dir = 1; } update(true); });
      hr.appendChild(th); return th;
    });
    thead.appendChild(hr); table.appendChild(thead);
    var tbody = document.createElement('tbody'); table.appendChild(tbody); div.appendChild(table);
    prev.addEventListener('click', function () { if (st.page > 0) { st.page--; update(false); } });
    next.addEventListener('click', function () { if ((st.page + 1) * PAGE < st.order.length) { st.page++; update(false); } });
    function update(reorder) {
      var c = st.set;
      if (reorder) {
        var idx = [];
        for (var i = 0; i < c.rows; i++) if (!st.state || c.state[i] === st.state) idx.push(i);
        var col = c[st.key], dir = st.dir;
        idx.sort(function (a, b) { var x = col[a], y = col[b]; return x < y ? -dir : x > y ? dir : a - b; });
        st.order = idx; st.page = 0;
      }
      ths.forEach(function (th) { var k = th.getAttribute('data-key'); if (k === st.key) th.setAttribute('aria-sort', st.dir > 0 ? 'ascending' : 'descending'); else th.removeAttribute('aria-sort'); });
      var from = st.page * PAGE, to = Math.min(st.order.length, from + PAGE);
      var rows = document.createDocumentFragment();
      for (var r = from; r < to; r++) {
        var i = st.order[r], tr = document.createElement('tr');
        COLS.forEach(function (cc) {
          var td = document.createElement('td'), v = c[cc[0]][i];
          td.textContent = cc[0] === 'start' ? hms(v) : cc[2] === 'n' ? v.toLocaleString('en-US') : v;
          td.className = cc[2] === 'n' ? 'n' : 'm'; tr.appendChild(td);
        });
        rows.appendChild(tr);
      }
      tbody.textContent = ''; tbody.appendChild(rows);
      info.textContent = st.order.length ? (from + 1).toLocaleString('en-US') + '–' + to.toLocaleString('en-US') + ' of ' + st.order.length.toLocaleString('en-US') + (c.rows < c.total ? ' listed (' + c.total.toLocaleString('en-US') + ' in all)' : '') : 'none';
      prev.disabled = st.page === 0; next.disabled = to >= st.order.length;
    }
    fillStates(); update(true);
  }
  Array.prototype.forEach.call(document.querySelectorAll('.conns'), function (div) {
    var n = +div.getAttribute('data-incident');
    var sets = data.connections.filter(function (c) { return c.incident === n; });
    if (sets.length) connTable(div, sets);
  });
  window.__alibiPlots = plots;
})();
`;
