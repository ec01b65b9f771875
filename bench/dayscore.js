'use strict';
/**
 * An analyze document scored against a generated day's truth.json (bench/day/generate.js): each
 * fault is found when an incident names its culprit's component (a network fault: any
 * `network:…` culprit between the right vantages) and starts within `tolerance` seconds of it;
 * every other incident is false. Used by bench/days.js and test/day/verdict.test.ts.
 */
function culpritMatches(incident, fault) {
  const want = fault.culprit.component;
  const got = incident.culprit.component;
  if (fault.culprit.kind === 'network') return got.startsWith('network:') && (want === 'network' || !want.startsWith('network:') || got === want);
  return got === want;
}

function scoreDay(doc, truth, tolerance = 10) {
  const faults = truth.faults.map((f) => ({ ...f, t: Date.parse(f.start) / 1000 }));
  const incidents = doc.incidents.map((inc, i) => ({ i, start: Date.parse(inc.start) / 1000, end: Date.parse(inc.end) / 1000, culprit: inc.culprit }));
  const used = new Set();
  const rows = faults.map((f) => {
    const near = incidents.filter((x) => !used.has(x.i) && Math.abs(x.start - f.t) <= tolerance && culpritMatches(x, f));
    const hit = near.sort((a, b) => Math.abs(a.start - f.t) - Math.abs(b.start - f.t))[0];
    if (hit) used.add(hit.i);
    // what was said about the fault's time, right or wrong (for the report)
    const overlapping = incidents.filter((x) => x.start <= Date.parse(f.end) / 1000 && x.end >= f.t);
    return { fault: `${f.type} ${f.start} (${f.duration} s)`, culprit: f.culprit.component, found: hit ? { start: doc.incidents[hit.i].start, culprit: hit.culprit.component, off: +(hit.start - f.t).toFixed(3) } : null, said: overlapping.map((x) => `${doc.incidents[x.i].start} ${x.culprit.component}/${x.culprit.kind}`) };
  });
  const falses = incidents.filter((x) => !used.has(x.i)).map((x) => `${doc.incidents[x.i].start}–${doc.incidents[x.i].end} ${x.culprit.component}/${x.culprit.kind}`);
  return { faults: rows, found: rows.filter((r) => r.found).length, of: rows.length, falseIncidents: falses, exact: rows.every((r) => r.found) && falses.length === 0 };
}

module.exports = { scoreDay };
