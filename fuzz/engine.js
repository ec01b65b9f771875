/**
 * @module fuzz/engine
 * The capture and log fuzzer's engine, plain CommonJS so that `npm run fuzz` runs it with node on
 * dist/ and the jest test runs it on lib/ (the library is passed in, never required here).
 *
 * A case is a pure function of (seed, case number): a PRNG picks a seed file and 1–3 mutations
 * (bit flips, byte runs, truncations, length fields set to extremes, records/blocks spliced,
 * duplicated, removed), so every finding is reproducible from its id `seed:case`.
 *
 * `runCapture(lib, bytes)` runs the whole pipeline three ways — sync reader on one buffer, sync
 * reader on a positional source in 64 KiB windows, async reader on 1..N byte chunks — each into a
 * CapturePass with flows and a SeriesAccumulator, and returns the problems found: an untyped
 * throw, a typed error without a location, a record outside its buffer, warnings without the
 * SPEC shape, flows whose packets don't add up, or the three readings disagreeing.
 */
'use strict';

// ---- deterministic PRNG (mulberry32 over a hashed (seed, case) pair) -------------------------

function hash32(a, b) {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function rng(seed, n) {
  let s = hash32(seed >>> 0, n >>> 0);
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
  };
}

// ---- structure of a (valid) seed: where records/blocks and their length fields are -----------

function rd32(b, o, le) {
  return le ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0 : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
function rd16(b, o, le) {
  return le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
}
function wr32(b, o, v, le) {
  if (o < 0 || o + 4 > b.length) return;
  v = v >>> 0;
  if (le) { b[o] = v & 255; b[o + 1] = (v >>> 8) & 255; b[o + 2] = (v >>> 16) & 255; b[o + 3] = v >>> 24; }
  else { b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 255; b[o + 2] = (v >>> 8) & 255; b[o + 3] = v & 255; }
}
function wr16(b, o, v, le) {
  if (o < 0 || o + 2 > b.length) return;
  v &= 0xffff;
  if (le) { b[o] = v & 255; b[o + 1] = v >>> 8; } else { b[o] = v >>> 8; b[o + 1] = v & 255; }
}

/**
 * Units of a capture: `{kind, header: [0, h), units: [{off, len, le, fields: [{at, size, name}]}]}`
 * for pcap (records) and pcapng (blocks); `{kind: 'raw'}` otherwise. Stops at the first damage.
 */
function structure(b) {
  if (b.length < 4) return { kind: 'raw', header: 0, units: [] };
  const m = rd32(b, 0, true);
  const pcapMagics = { 0xa1b2c3d4: [true, 16], 0xd4c3b2a1: [false, 16], 0xa1b23c4d: [true, 16], 0x4d3cb2a1: [false, 16], 0xa1b2cd34: [true, 24], 0x34cdb2a1: [false, 24] };
  if (pcapMagics[m] && b.length >= 24) {
    const [le, hl] = pcapMagics[m];
    const units = [];
    let o = 24;
    while (o + hl <= b.length) {
      const incl = rd32(b, o + 8, le);
      if (o + hl + incl > b.length) break;
      units.push({ off: o, len: hl + incl, le, fields: [{ at: o + 8, size: 4, name: 'incl_len' }, { at: o + 12, size: 4, name: 'orig_len' }, { at: o, size: 4, name: 'ts_sec' }, { at: o + 4, size: 4, name: 'ts_frac' }] });
      o += hl + incl;
    }
    return { kind: 'pcap', header: 24, le, units, headerFields: [{ at: 16, size: 4, name: 'snaplen' }, { at: 20, size: 4, name: 'network' }, { at: 4, size: 2, name: 'version_major' }] };
  }
  if (m === 0x0a0d0d0a) {
    const units = [];
    let o = 0;
    let le = true;
    while (o + 12 <= b.length) {
      if (rd32(b, o, true) === 0x0a0d0d0a) le = rd32(b, o + 8, true) === 0x1a2b3c4d;
      const type = rd32(b, o, le);
      const len = rd32(b, o + 4, le);
      if (len < 12 || len % 4 || o + len > b.length) break;
      const fields = [{ at: o + 4, size: 4, name: 'block_total_length' }, { at: o + len - 4, size: 4, name: 'block_trailing_length' }];
      let optStart = -1;
      if (type === 6 && len >= 32) {
        const cap = rd32(b, o + 20, le);
        fields.push({ at: o + 20, size: 4, name: 'epb_caplen' }, { at: o + 24, size: 4, name: 'epb_origlen' }, { at: o + 8, size: 4, name: 'epb_interface' });
        optStart = o + 28 + ((cap + 3) & ~3);
      } else if (type === 0x0a0d0d0a) optStart = o + 24;
      else if (type === 1) { optStart = o + 16; fields.push({ at: o + 12, size: 4, name: 'idb_snaplen' }); }
      else if (type === 5) optStart = o + 20;
      else if (type === 3 && len >= 16) fields.push({ at: o + 8, size: 4, name: 'spb_origlen' });
      if (optStart >= 0) {
        for (let p = optStart; p + 4 <= o + len - 4;) {
          const code = rd16(b, p, le);
          const l = rd16(b, p + 2, le);
          if (code === 0) break;
          fields.push({ at: p + 2, size: 2, name: `option_${code}_length` });
          p += 4 + ((l + 3) & ~3);
        }
      }
      units.push({ off: o, len, le, type, fields });
      o += len;
    }
    return { kind: 'pcapng', header: 0, le, units };
  }
  return { kind: 'raw', header: 0, units: [] };
}

// ---- mutations ----------------------------------------------------------------------------------

const EXTREMES32 = [0, 1, 2, 3, 4, 11, 12, 16, 31, 32, 0xffff, 0x10000, 0x40000, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff];
const EXTREMES16 = [0, 1, 3, 4, 0xff, 0xfffc, 0xffff];

function concat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A big seed is cut to its header (and pcapng SHB/IDBs) plus a random run of records/blocks. */
function crop(r, b, s, maxBytes) {
  if (b.length <= maxBytes || s.units.length < 2) return { bytes: b, note: null };
  let prefix;
  let units = s.units;
  if (s.kind === 'pcapng') {
    const firstPkt = units.findIndex((u) => u.type !== 0x0a0d0d0a && u.type !== 1);
    if (firstPkt <= 0) return { bytes: b.slice(0, maxBytes), note: `crop 0-${maxBytes}` };
    prefix = b.subarray(0, units[firstPkt].off);
    units = units.slice(firstPkt);
  } else prefix = b.subarray(0, s.header);
  const start = r.int(units.length);
  let end = start;
  let size = 0;
  while (end < units.length && size + units[end].len < maxBytes) size += units[end++].len;
  if (end === start) end = start + 1;
  const body = b.subarray(units[start].off, units[end - 1].off + units[end - 1].len);
  return { bytes: concat([prefix, body]), note: `crop units ${start}-${end - 1}` };
}

const MUTATORS = {
  bitflip(r, b) {
    const n = 1 + r.int(8);
    for (let i = 0; i < n; i++) { const o = r.int(b.length); b[o] ^= 1 << r.int(8); }
    return { bytes: b, note: `bitflip x${n}` };
  },
  byteRun(r, b) {
    const v = r.pick([0x00, 0xff, -1]);
    const len = 1 + r.int(r.chance(0.8) ? 16 : 512);
    const o = r.int(b.length);
    for (let i = o; i < Math.min(b.length, o + len); i++) b[i] = v < 0 ? r.int(256) : v;
    return { bytes: b, note: `run ${v < 0 ? 'rand' : '0x' + v.toString(16)} @${o}+${len}` };
  },
  truncate(r, b, s) {
    let at;
    if (s.units.length && r.chance(0.6)) {
      const u = r.pick(s.units);
      at = Math.max(0, u.off + r.int(Math.min(u.len, 40)) - 2);
    } else at = r.int(b.length + 1);
    return { bytes: b.slice(0, at), note: `truncate @${at}` };
  },
  lengthField(r, b, s) {
    const cands = [];
    for (const u of s.units) for (const f of u.fields) cands.push([u, f]);
    for (const f of s.headerFields ?? []) cands.push([{ le: s.le }, f]);
    if (cands.length === 0) return MUTATORS.bitflip(r, b);
    const [u, f] = r.pick(cands);
    const cur = f.size === 4 ? rd32(b, f.at, u.le) : rd16(b, f.at, u.le);
    const v = r.chance(0.5) ? r.pick(f.size === 4 ? EXTREMES32 : EXTREMES16) : cur + r.pick([-4, -1, 1, 4, 8]);
    if (f.size === 4) wr32(b, f.at, v, u.le);
    else wr16(b, f.at, v, u.le);
    return { bytes: b, note: `${f.name}@${f.at} ${cur}->${v >>> 0}` };
  },
  splice(r, b, s, other) {
    if (s.units.length === 0) return MUTATORS.byteRun(r, b);
    const op = r.pick(['duplicate', 'remove', 'swap', 'foreign', 'partial']);
    const i = r.int(s.units.length);
    const u = s.units[i];
    const unit = b.subarray(u.off, u.off + u.len);
    const before = b.subarray(0, u.off);
    const after = b.subarray(u.off + u.len);
    if (op === 'duplicate') return { bytes: concat([before, unit, unit, after]), note: `duplicate unit ${i}` };
    if (op === 'remove') return { bytes: concat([before, after]), note: `remove unit ${i}` };
    if (op === 'partial') {
      const cut = r.int(u.len);
      return { bytes: concat([before, unit.subarray(0, cut), after]), note: `unit ${i} cut to ${cut} bytes` };
    }
    if (op === 'swap' && s.units.length > 1) {
      const j = r.int(s.units.length);
      const v = s.units[j];
      if (j !== i) {
        const [a, c] = i < j ? [u, v] : [v, u];
        return { bytes: concat([b.subarray(0, a.off), b.subarray(c.off, c.off + c.len), b.subarray(a.off + a.len, c.off), b.subarray(a.off, a.off + a.len), b.subarray(c.off + c.len)]), note: `swap units ${i},${j}` };
      }
    }
    // foreign: a unit of another seed (other format or byte order as it comes) inserted here
    const os = other ? structure(other) : null;
    if (!os || os.units.length === 0) return { bytes: concat([before, unit, unit, after]), note: `duplicate unit ${i}` };
    const k = r.int(os.units.length);
    const ou = os.units[k];
    return { bytes: concat([before, other.subarray(ou.off, ou.off + ou.len), unit, after]), note: `insert foreign unit ${k} before ${i}` };
  },
};
const MUTATOR_NAMES = Object.keys(MUTATORS);

/**
 * Case `n` of a run with `seed` over `seeds` ([{name, bytes}]): `{id, seed: name, notes, bytes}`.
 */
/**
 * Case `n` of run `seed`: a seed capture, cropped and mutated. With `zlib`, some cases are then
 * gzipped (whole, cut, or with compressed bytes changed), drawn from their own stream so the other
 * cases stay the same as without it.
 */
function makeCase(seeds, seed, n, maxBytes = 1 << 16, zlib = null) {
  const r = rng(seed, n);
  const si = r.int(seeds.length);
  const src = seeds[si];
  let b = src.bytes;
  const notes = [];
  let s = structure(b);
  const c = crop(r, b, s, maxBytes);
  if (c.note) { notes.push(c.note); b = c.bytes; s = structure(b); }
  b = Uint8Array.from(b);
  const k = 1 + r.int(3);
  for (let i = 0; i < k; i++) {
    if (b.length === 0) break;
    const name = r.pick(MUTATOR_NAMES);
    const res = MUTATORS[name](r, b, s, seeds[r.int(seeds.length)].bytes);
    b = res.bytes;
    notes.push(res.note);
    if (i + 1 < k) s = structure(b);
  }
  const chunk = 1 + r.int(r.chance(0.5) ? 16 : 4096);
  let gz = false;
  const g = rng(seed ^ 0x1b873593, n);
  if (zlib && g.chance(0.15)) {
    let z = Uint8Array.from(zlib.gzipSync(b));
    gz = true;
    const how = g.next();
    if (how < 0.4) {
      z = z.subarray(0, g.int(z.length + 1));
      notes.push(`gzip cut to ${z.length}`);
    } else if (how < 0.7) {
      const k = 1 + g.int(3);
      for (let i = 0; i < k; i++) z[g.int(z.length)] ^= 1 << g.int(8);
      notes.push(`gzip with ${k} bit flips`);
    } else notes.push('gzip');
    b = z;
  }
  return { id: `${seed}:${n}`, seed: src.name, notes, bytes: b, chunk, gz };
}

// ---- running a case -----------------------------------------------------------------------------

/** Problems in a thrown value: must be an AlibiError that says where. */
function errorProblems(lib, e, what) {
  if (!(e instanceof lib.AlibiError)) return [`${what}: untyped throw ${e && e.constructor ? e.constructor.name : typeof e}: ${e && e.message}\n${e && e.stack}`];
  if (e.offset === undefined && e.line === undefined) return [`${what}: ${e.constructor.name} without offset/line: ${e.message}`];
  if (e.file === undefined) return [`${what}: ${e.constructor.name} without file: ${e.message}`];
  return [];
}

function warningProblems(ws, what) {
  const out = [];
  for (const w of ws) {
    if (typeof w.reason !== 'string' || typeof w.code !== 'string' || !('file' in w)) out.push(`${what}: warning without SPEC shape ${JSON.stringify(w)}`);
    else if (w.line === undefined && !('offset' in w && 'packet' in w)) out.push(`${what}: warning without offset/packet: ${JSON.stringify(w)}`);
    else if (w.skippedTo !== undefined && !(w.skippedTo >= (w.offset ?? 0))) out.push(`${what}: skippedTo before offset: ${JSON.stringify(w)}`);
  }
  return out;
}

function makePass(lib, opts) {
  const series = new lib.SeriesAccumulator({ interval: opts.interval ?? 1, maxBins: opts.maxBins ?? 100_000 });
  const pass = new lib.CapturePass({ observer: series, maxFlows: opts.maxFlows ?? 64 });
  return { pass, series };
}

function checkRecord(p, problems, what) {
  if (!(p.offset >= 0 && p.capLen >= 0 && p.offset + p.capLen <= p.bytes.length)) {
    problems.push(`${what}: record ${p.index} outside its buffer (offset ${p.offset}, capLen ${p.capLen}, buffer ${p.bytes.length})`);
    return false;
  }
  if (!Number.isFinite(p.tsSec) || !Number.isFinite(p.tsFrac) || !(p.tsRes > 0)) {
    problems.push(`${what}: record ${p.index} with a non-finite time (${p.tsSec}, ${p.tsFrac}/${p.tsRes})`);
  }
  return true;
}

function summarize(lib, pass, series, reader, what, problems) {
  const res = pass.finish(reader, 'fuzz-case');
  let sum = 0;
  for (const f of res.flows) sum += f.packets.c2s + f.packets.s2c;
  if (sum !== res.tcpPackets) problems.push(`${what}: flows hold ${sum} packets, ${res.tcpPackets} TCP packets were fed`);
  for (const f of res.flows) {
    if (!lib.CONN_STATES.includes(f.state)) problems.push(`${what}: flow state ${f.state} not in the SPEC list`);
  }
  problems.push(...warningProblems(res.warnings, what));
  const cols = series.columns();
  let binned = 0;
  for (let i = 0; i < cols.packets.length; i++) binned += cols.packets[i];
  if (binned + series.overflow !== res.packets) problems.push(`${what}: series binned ${binned} (+${series.overflow} overflow) of ${res.packets} packets`);
  return { packets: res.packets, flows: res.flows.length, tcp: res.tcpPackets, warnings: res.warnings.length, codes: res.warnings.map((w) => w.code).join(',') };
}

/** Sync reading of `bytes` (whole buffer, or a positional source in small windows). */
function runSync(lib, bytes, windowed, opts) {
  const what = windowed ? 'sync-windowed' : 'sync';
  const problems = [];
  const { pass, series } = makePass(lib, opts);
  let reader;
  try {
    const input = windowed ? { size: bytes.length, read(into, at, length, position) { const n = Math.max(0, Math.min(length, bytes.length - position)); into.set(bytes.subarray(position, position + n), at); return n; } } : bytes;
    reader = new lib.CaptureReader(input, { file: 'fuzz-case', chunkSize: 1 << 16 });
    for (let p = reader.next(); p !== null; p = reader.next()) {
      if (checkRecord(p, problems, what)) pass.packet(p);
    }
  } catch (e) {
    problems.push(...errorProblems(lib, e, what));
    return { what, threw: e && e.code, problems, packets: reader ? reader.packets : 0 };
  }
  let out;
  try {
    out = summarize(lib, pass, series, reader, what, problems);
  } catch (e) {
    problems.push(`${what}: finish threw ${e && e.stack}`);
    return { what, problems };
  }
  return { what, ...out, problems };
}

async function runAsync(lib, bytes, chunk, opts) {
  const what = `async/${chunk}`;
  const problems = [];
  const { pass, series } = makePass(lib, opts);
  async function* chunks() {
    for (let o = 0; o < bytes.length; o += chunk) yield bytes.slice(o, o + chunk);
  }
  let reader;
  try {
    reader = new lib.AsyncCaptureReader(chunks(), { file: 'fuzz-case' });
    for (let p = await reader.next(); p !== null; p = await reader.next()) {
      if (checkRecord(p, problems, what)) pass.packet(p);
    }
  } catch (e) {
    problems.push(...errorProblems(lib, e, what));
    return { what, threw: e && e.code, problems, packets: reader ? reader.packets : 0 };
  }
  let out;
  try {
    out = summarize(lib, pass, series, reader, what, problems);
  } catch (e) {
    problems.push(`${what}: finish threw ${e && e.stack}`);
    return { what, problems };
  }
  return { what, ...out, problems };
}

/**
 * Runs one capture through the three readings. Returns `{problems: string[], runs}`; no problem
 * means every reading ended in records + typed errors/warnings, and all three agree.
 */
async function runCapture(lib, bytes, chunk = 7, opts = {}) {
  const runs = [runSync(lib, bytes, false, opts), runSync(lib, bytes, true, opts), await runAsync(lib, bytes, chunk, opts)];
  const problems = [];
  for (const r of runs) problems.push(...r.problems);
  const key = (r) => `${r.threw ?? ''}|${r.packets}|${r.flows ?? ''}|${r.tcp ?? ''}|${r.codes ?? ''}`;
  for (const r of runs.slice(1)) {
    if (key(r) !== key(runs[0])) problems.push(`readings disagree: ${runs[0].what} ${key(runs[0])} vs ${r.what} ${key(r)}`);
  }
  return { problems, runs };
}

// ---- logs ---------------------------------------------------------------------------------------

const LOG_MUTATORS = {
  randomBytes(r, b) { const o = r.int(b.length + 1); const n = 1 + r.int(256); const x = new Uint8Array(n); for (let i = 0; i < n; i++) x[i] = r.int(256); return { bytes: concat([b.subarray(0, o), x, b.subarray(o)]), note: `random ${n}@${o}` }; },
  nulRun(r, b) { const o = r.int(b.length + 1); const n = 1 + r.int(r.chance(0.1) ? 1 << 20 : 4096); return { bytes: concat([b.subarray(0, o), new Uint8Array(n), b.subarray(o)]), note: `NUL x${n}@${o}` }; },
  badUtf8(r, b) { const seqs = [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xff], [0xfe, 0xff], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf]]; const o = r.int(b.length + 1); return { bytes: concat([b.subarray(0, o), Uint8Array.from(r.pick(seqs)), b.subarray(o)]), note: `bad utf8 @${o}` }; },
  longLine(r, b) { const n = r.pick([65535, 65536, 65537, 10 << 20]); const o = r.int(b.length + 1); const x = new Uint8Array(n).fill(r.pick([0x41, 0x20, 0x0d])); return { bytes: concat([b.subarray(0, o), x, b.subarray(o)]), note: `line of ${n}@${o}` }; },
  shuffleLines(r, b) {
    const s = Buffer.from(b).toString('latin1').split('\n');
    for (let i = s.length - 1; i > 0; i--) { if (r.chance(0.3)) { const j = r.int(i + 1); [s[i], s[j]] = [s[j], s[i]]; } }
    return { bytes: Uint8Array.from(Buffer.from(s.join('\n'), 'latin1')), note: 'lines shuffled' };
  },
  crlf(r, b) { return { bytes: Uint8Array.from(Buffer.from(Buffer.from(b).toString('latin1').replace(/\n/g, r.pick(['\r\n', '\r', '\n\n'])), 'latin1')), note: 'line ends' }; },
  truncate(r, b) { const at = r.int(b.length + 1); return { bytes: b.slice(0, at), note: `truncate @${at}` }; },
  bitflip: (r, b) => MUTATORS.bitflip(r, Uint8Array.from(b)),
};

function makeLogCase(seeds, seed, n, zlib) {
  const r = rng(seed ^ 0x5f3759df, n);
  const src = r.pick(seeds);
  let b = src.bytes.subarray(0, Math.min(src.bytes.length, 1 << 16));
  const notes = [];
  const k = 1 + r.int(3);
  for (let i = 0; i < k; i++) {
    const name = r.pick(Object.keys(LOG_MUTATORS));
    const res = LOG_MUTATORS[name](r, b);
    b = res.bytes;
    notes.push(res.note);
  }
  let gz = false;
  if (zlib && r.chance(0.2)) {
    const z = zlib.gzipSync(b);
    b = r.chance(0.7) ? z.subarray(0, r.int(z.length)) : z;
    gz = true;
    notes.push(`gzip${b.length < z.length ? ` cut to ${b.length}/${z.length}` : ''}`);
  }
  const format = r.pick([undefined, undefined, 'stunnel', 'syslog', 'iso8601', 'clf', 'epoch']);
  return { id: `log:${seed}:${n}`, seed: src.name, notes, bytes: b, format, gz };
}

async function runLog(lib, c) {
  const problems = [];
  const opts = { tz: 'UTC', year: 2025, file: 'fuzz-log', format: c.format };
  let res = null;
  try {
    res = lib.parseLogText(c.bytes, opts);
  } catch (e) {
    if (!(e instanceof lib.AlibiError)) problems.push(`parseLogText: untyped throw ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    else if (e.file === undefined && e.code !== 'bad_argument') problems.push(`parseLogText: ${e.constructor.name} without file: ${e.message}`);
  }
  if (res) {
    problems.push(...warningProblems(res.warnings, 'logs'));
    if (res.parsed + res.unparsed + res.continuation > res.lines) problems.push(`logs: parsed ${res.parsed} + unparsed ${res.unparsed} + continuation ${res.continuation} > lines ${res.lines}`);
    if (res.counts.length > 1 << 25) problems.push(`logs: ${res.counts.length} bins`);
  }
  // The streamed reader on small chunks must agree with the in-memory one.
  if (lib.readLog) {
    const { Readable } = require('node:stream');
    const chunks = [];
    for (let o = 0; o < c.bytes.length; o += 4093) chunks.push(Buffer.from(c.bytes.subarray(o, o + 4093)));
    let res2 = null;
    try {
      res2 = await lib.readLog(Readable.from(chunks), opts);
    } catch (e) {
      if (!(e instanceof lib.AlibiError)) problems.push(`readLog: untyped throw ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    }
    if (res && res2 && !c.gz && (res.lines !== res2.lines || res.parsed !== res2.parsed)) problems.push(`logs: in-memory ${res.lines}/${res.parsed} vs streamed ${res2.lines}/${res2.parsed} lines/parsed`);
  }
  return { problems, lines: res ? res.lines : null };
}

module.exports = { rng, structure, makeCase, runCapture, makeLogCase, runLog, MUTATOR_NAMES };
