#!/usr/bin/env node
/**
 * @module fuzz/config
 * Fuzzes what a user types (issue 22): the analyze config (as a value and as JSON text) and the
 * command line of every command, with fast-check, against the built library (dist/).
 *
 *   npm run fuzz -- --target config [--seconds N] [--seed S]
 *   node fuzz/config.js [--seconds N] [--seed S] [--cases N] [--json]
 *
 * A config case passes when `parseConfig`/`loadConfigFile` returns an input whose every value is
 * usable (ports 1–65535, hosts that are IP addresses, finite offsets, zones luxon knows, names
 * that are not `__proto__`, …) or throws a `ConfigError` that names the file and a field. A
 * command-line case passes when `main(argv)` returns 0, 1 or 2 without throwing, never says
 * "internal error", and writes nothing outside the case's scratch folder. Commands run for real
 * on tiny captures and logs (a lab capture cut to a few packets), so flags that parse also run.
 * `watch` is exercised through its flag parser (`optionsFromFlags`), not run: it would capture.
 *
 * Findings are printed with the seed and fast-check's path (shrunk: the smallest failing input);
 * `--seed S` repeats a run.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { Readable } = require('node:stream');
const fc = require('fast-check');

const ROOT = path.resolve(__dirname, '..');
const dist = (m) => require(path.join(ROOT, 'dist', m));

// ------------------------------------------------------------------ scratch folder and inputs

/** A folder with tiny inputs the cases may name: captures, logs, a config, a rotated set. */
function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-fuzz-config-'));
  const lab = path.join(ROOT, 'captures/stunnel-freeze');
  // The first 40 packets of a lab capture: real bytes, runs in milliseconds.
  const pcap = fs.readFileSync(path.join(lab, 'server.pcap'));
  let o = 24;
  for (let i = 0; i < 40 && o + 16 <= pcap.length; i++) o += 16 + pcap.readUInt32LE(o + 8);
  fs.writeFileSync(path.join(dir, 'a.pcap'), pcap.subarray(0, o));
  fs.mkdirSync(path.join(dir, 'rot'));
  fs.writeFileSync(path.join(dir, 'rot', 'r1.pcap'), pcap.subarray(0, o));
  fs.writeFileSync(path.join(dir, 'rot', 'r2.pcap'), pcap.subarray(0, o));
  fs.writeFileSync(path.join(dir, 'a.log'), fs.readFileSync(path.join(lab, 'stunnel.log'), 'utf8').split('\n').slice(0, 30).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'b.log'), fs.readFileSync(path.join(lab, 'access.log'), 'utf8').split('\n').slice(0, 30).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'junk.pcap'), Buffer.from('not a capture at all'));
  fs.writeFileSync(path.join(dir, 'ok.json'), JSON.stringify({ captures: [{ file: 'a.pcap', vantage: 'server' }], logs: [{ file: 'a.log', component: 'stunnel' }] }));
  return dir;
}

/** Every file under `dir` with its size and mtime: what a case may not change outside `out/`. */
function listing(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = fs.lstatSync(p);
        out.push(`${path.relative(dir, p)}:${s.size}:${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

// ------------------------------------------------------------------ values

const NASTY = [
  null, true, false, 0, -0, -1, 1, 2, 443, 65535, 65536, 99999, 1e300, -1e300, 1.5, 2 ** 53 + 2, 86401, -86401,
  '', ' ', 'abc', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '=1+1', '@SUM(A1)', '\u202egpj.exe', 'eth\u001b]0;PWNED\u0007',
  '10.0.2.2', '10.0.2.02', '010.0.2.2', '::1', '::ffff:10.0.2.2', '2001:DB8::1', '2001:db8:0:0:0:0:0:1', 'fe80::1%eth0', 'not-an-ip', '256.1.1.1', 'localhost',
  '1s', '0s', '-1s', '1e309s', '500ms', '1h', '1.5m', 's', '99999999d', 'NaN', 'Infinity',
  'UTC', 'America/New_York', 'Mars/Base', 'UTC+5', '+05:00', 'EST', 'local', 'utc',
  'a.pcap', 'rot/*.pcap', 'missing.pcap', 'junk.pcap', 'a.log', 'b.log', '*.log', 'rot', '.', '',
  'firewall', 'server', 'stunnel', 'backend', 'iso', 'nginx', 'syslog', 'json', 'yyyy-MM-dd HH:mm:ss', 'stunnel', '(?<t>', '[', '\\', 'ts',
];
const nasty = fc.constantFrom(...NASTY);
const scalar = fc.oneof({ weight: 6, arbitrary: nasty }, fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean());
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 8, arbitrary: scalar }, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.oneof(nasty.filter((x) => typeof x === 'string'), fc.string({ maxLength: 6 })), tie('v'), { maxKeys: 3 })),
})).v;

/** An object with some of `keys` (plausible or nasty values) and perhaps a stray key. */
function entry(keys) {
  const fields = {};
  for (const [k, plausible] of Object.entries(keys)) fields[k] = fc.oneof({ weight: 3, arbitrary: plausible }, value);
  return fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'vantge', 'File', 'tz'), fc.string({ maxLength: 6 })), value), { freq: 5 }))
    .map(([o, extra]) => {
      if (extra) Object.defineProperty(o, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
      return o;
    });
}

const captureEntry = entry({
  vantage: fc.constantFrom('firewall', 'server', 'edge', '__proto__', ''),
  file: fc.constantFrom('a.pcap', 'missing.pcap', 'junk.pcap', 'rot/r1.pcap'),
  files: fc.array(fc.constantFrom('a.pcap', 'rot/*.pcap', 'missing*.pcap', 'rot'), { maxLength: 3 }),
  clockOffset: fc.oneof(fc.double({ min: -1e5, max: 1e5, noNaN: true }), fc.constantFrom(0, 1e300, '3')),
});
const logEntry = entry({
  component: fc.constantFrom('stunnel', 'backend', 'app', '__proto__', 'toString'),
  file: fc.constantFrom('a.log', 'b.log', 'missing.log'),
  files: fc.array(fc.constantFrom('a.log', '*.log', 'b.log'), { maxLength: 3 }),
  timezone: fc.constantFrom('UTC', 'America/New_York', 'Mars/Base', '+05:00', 5),
  format: fc.constantFrom('stunnel', 'syslog', 'iso', 'nginx', 'yyyy.MM.dd HH:mm:ss', 'zzz'),
  match: fc.constantFrom('stunnel', '(', 'a+', ''),
  program: fc.constantFrom('stunnel', ''),
  year: fc.constantFrom(2026, 1969, 10000, '2026'),
  timeField: fc.constantFrom('ts', 'time', ''),
  timeRegex: fc.constantFrom('(?<t>\\S+)', '(', '\\d+'),
});
const serviceEntry = entry({
  component: fc.constantFrom('stunnel', 'backend', 'app', '__proto__'),
  host: fc.constantFrom('10.0.2.2', '10.0.2.02', '::1', '2001:DB8::1', 'not-an-ip', '0.0.0.0'),
  port: fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom('443', 1.5)),
});
const configValue = fc.record({
  $schema: fc.oneof(fc.constant('./schema/alibi.schema.json'), value),
  interval: fc.oneof(fc.constantFrom('1s', '500ms', '0s', '1e309s', '10m', '1', 1), value),
  captures: fc.oneof({ weight: 4, arbitrary: fc.array(captureEntry, { maxLength: 3 }) }, value),
  logs: fc.oneof({ weight: 4, arbitrary: fc.array(logEntry, { maxLength: 3 }) }, value),
  services: fc.oneof({ weight: 3, arbitrary: fc.array(serviceEntry, { maxLength: 3 }) }, value),
  path: fc.oneof(fc.array(fc.constantFrom('firewall', 'server', 'edge', '__proto__'), { maxLength: 3 }), value),
  parallel: fc.oneof(fc.constantFrom(1, 2, 0, -1, 1.5, 1e9, true), value),
}, { requiredKeys: [] });

// ------------------------------------------------------------------ config property

function checkInput(input, lib) {
  const bad = [];
  const nameOk = (s) => typeof s === 'string' && s.length > 0 && s !== '__proto__';
  if (!(Number.isFinite(input.interval) && input.interval > 0)) bad.push(`interval ${input.interval}`);
  for (const c of input.captures) {
    if (!nameOk(c.vantage)) bad.push(`vantage ${JSON.stringify(c.vantage)}`);
    if (!Array.isArray(c.files) || c.files.some((f) => typeof f !== 'string')) bad.push('capture files');
    if (c.clockOffset !== undefined && !(Number.isFinite(c.clockOffset) && Math.abs(c.clockOffset) <= 86400)) bad.push(`clockOffset ${c.clockOffset}`);
  }
  for (const l of input.logs) {
    if (!nameOk(l.component)) bad.push(`component ${JSON.stringify(l.component)}`);
    if (l.timezone !== undefined && (typeof l.timezone !== 'string' || !lib.zoneOk(l.timezone))) bad.push(`timezone ${JSON.stringify(l.timezone)}`);
    if (l.year !== undefined && !(Number.isInteger(l.year) && l.year >= 1970 && l.year <= 9999)) bad.push(`year ${l.year}`);
  }
  for (const s of input.services) {
    if (!nameOk(s.component)) bad.push(`service component ${JSON.stringify(s.component)}`);
    if (!(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535)) bad.push(`port ${s.port}`);
    if (s.host !== undefined && net.isIP(s.host) === 0) bad.push(`host ${JSON.stringify(s.host)}`);
  }
  if (input.parallel !== undefined && !(Number.isInteger(input.parallel) && input.parallel >= 1)) bad.push(`parallel ${input.parallel}`);
  return bad;
}

function configProperty(dir, lib) {
  return fc.property(configValue, fc.boolean(), fc.nat(), (raw, asText, cut) => {
    let input;
    try {
      if (asText) {
        // The same value as a file, sometimes damaged: cut short or a character doubled.
        let text = JSON.stringify(raw, null, 1) ?? 'null';
        const mode = cut % 4;
        if (mode === 1) text = text.slice(0, cut % (text.length + 1));
        else if (mode === 2) { const i = cut % (text.length + 1); text = text.slice(0, i) + text.charAt(i) + text.slice(i); }
        const f = path.join(dir, 'case.json');
        fs.writeFileSync(f, text);
        input = lib.loadConfigFile(f);
      } else {
        input = lib.parseConfig(raw, { file: 'fuzz.json', baseDir: dir });
      }
    } catch (e) {
      if (!(e instanceof lib.ConfigError)) throw new Error(`not a ConfigError: ${e && e.stack}`);
      if (!/(fuzz|case)\.json/.test(e.message)) throw new Error(`the error does not name the file: ${e.message}`);
      if (!Array.isArray(e.issues) || e.issues.length === 0 || e.issues.some((i) => typeof i.field !== 'string' || !i.message)) throw new Error(`issues without a field or message: ${e.message}`);
      return;
    }
    const bad = checkInput(input, lib);
    if (bad.length) throw new Error(`accepted unusable values: ${bad.join('; ')}`);
  });
}

// ------------------------------------------------------------------ command-line property

/** Each command's flags, read from its source: `name: { type: 'string' | 'boolean' }`. */
function commandFlags() {
  const out = {};
  for (const cmd of ['analyze', 'flows', 'endpoints', 'series', 'info', 'logs', 'watch']) {
    const src = fs.readFileSync(path.join(ROOT, 'lib', 'cli', `${cmd}.ts`), 'utf8');
    const flags = [];
    for (const m of src.matchAll(/['"]?([a-z][a-z-]*)['"]?: \{ type: '(string|boolean)'/g)) flags.push({ name: m[1], type: m[2] });
    out[cmd] = flags;
  }
  return out;
}

const ARG_VALUES = [
  'a.pcap', 'rot/r1.pcap', 'junk.pcap', 'missing.pcap', 'a.log', 'b.log', 'ok.json', '-', '', '.', 'rot',
  'a.pcap@server', 'a.pcap@', '@x', 'a.pcap@__proto__', 'rot/*.pcap@fw', 'a.log@stunnel', 'a.log@stunnel:America/New_York', 'a.log@stunnel:Mars/Base', 'b.log@backend:+05:00',
  'stunnel=10.0.2.2:443', 'backend=127.0.0.1:8080', 'x=10.0.2.02:443', 'x=[::1]:443', 'x=::1:443', 'x=host:99999', 'x=1.2.3.4:-1', '=1.2.3.4:1',
  'server', 'server,firewall', ',', '1s', '0s', '-5s', '1e309s', '10ms', '100', '0', '-1', '1e300', '99999999999', 'NaN', 'abc',
  '443', '65536', '10.0.2.2', 'not-an-ip', 'epoch', 'first', 'bytes', 'packets', 'duration', 'start', 'stunnel', 'iso', 'syslog', 'nginx', 'yyyy-MM-dd', '2026', '(', '(?<t>\\S+)',
  '=HYPERLINK("x")', '\u001b[2J', '\u202eevil', '--', '-h',
];

function cliProperty(dir, lib, flagsOf, exits) {
  const out = path.join(dir, 'out');
  const token = (cmd) => {
    const flags = flagsOf[cmd] ?? [];
    const flag = flags.length ? fc.constantFrom(...flags) : fc.constant({ name: 'json', type: 'boolean' });
    const outFile = fc.constantFrom('r.html', 'f.arrow', 'f.parquet', 'sub/x.html', '');
    return fc.oneof(
      { weight: 5, arbitrary: fc.tuple(flag, fc.constantFrom(...ARG_VALUES), outFile).map(([f, v, o]) => (f.type === 'boolean' ? [`--${f.name}`] : ['html', 'arrow', 'parquet', 'out'].includes(f.name) ? [`--${f.name}`, o && path.join(out, o)] : [`--${f.name}`, v])) },
      { weight: 3, arbitrary: fc.constantFrom(...ARG_VALUES).map((v) => [v]) },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => [s]) },
    );
  };
  // Mostly runs that do work: the command, an input it reads, and a few flags.
  const inputOf = { analyze: ['ok.json', '--capture', 'a.pcap@server'], flows: ['a.pcap'], endpoints: ['a.pcap'], series: ['a.pcap'], info: ['a.pcap'], logs: ['a.log'] };
  const working = fc.constantFrom('analyze', 'flows', 'endpoints', 'series', 'info', 'logs').chain((cmd) => fc.array(token(cmd), { maxLength: 3 }).map((ts) => {
    const inp = inputOf[cmd];
    return cmd === 'analyze' ? [cmd, ...(ts.length % 2 ? [inp[0]] : inp.slice(1)), ...ts.flat()] : [cmd, inp[0], ...ts.flat()];
  }));
  const argv = fc.oneof(
    { weight: 6, arbitrary: working },
    { weight: 9, arbitrary: fc.constantFrom('analyze', 'flows', 'endpoints', 'series', 'info', 'logs').chain((cmd) => fc.array(token(cmd), { maxLength: 6 }).map((ts) => [cmd, ...ts.flat()])) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...ARG_VALUES, 'help', '--version', 'bogus'), { maxLength: 3 }) },
  );
  const before = listing(dir);
  return fc.asyncProperty(argv, async (args) => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out);
    let stderr = '';
    let stdout = '';
    const io = { stdout: (s) => { if (stdout.length < 1 << 20) stdout += s; return true; }, stderr: (s) => void (stderr += s), isTTY: false, stdin: Readable.from([Buffer.from('not a capture')]) };
    const cwd = process.cwd();
    let code;
    process.chdir(dir);
    try {
      code = await lib.main(args, io);
    } finally {
      process.chdir(cwd);
    }
    if (![0, 1, 2].includes(code)) throw new Error(`exit ${code}`);
    exits[code]++;
    if (/internal error/.test(stderr)) throw new Error(`internal error: ${stderr.slice(0, 500)}`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(stderr)) throw new Error(`raw control or bidi character on stderr: ${JSON.stringify(stderr.slice(0, 300))}`);
    // Text output (not --json/--csv, which are data) is for a terminal too.
    // eslint-disable-next-line no-control-regex
    if (!args.includes('--json') && !args.includes('--csv') && /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(stdout)) throw new Error(`raw control or bidi character on stdout: ${JSON.stringify(stdout.slice(0, 300))}`);
    if (listing(dir).split('\n').filter((l) => !l.startsWith('out/') && !l.startsWith('case.json')).join('\n') !== before.split('\n').filter((l) => !l.startsWith('case.json')).join('\n')) throw new Error('a file outside the scratch output folder changed');
  });
}

function watchProperty(lib, flagsOf) {
  const flags = flagsOf.watch;
  const pair = fc.tuple(fc.constantFrom(...flags), fc.constantFrom(...ARG_VALUES));
  return fc.property(fc.array(pair, { maxLength: 6 }), (pairs) => {
    const v = {};
    for (const [f, x] of pairs) {
      if (f.type === 'boolean') v[f.name] = true;
      else if (['log', 'capture', 'service'].includes(f.name)) (v[f.name] ??= []).push(x);
      else v[f.name] = x;
    }
    try {
      lib.optionsFromFlags(v);
    } catch (e) {
      if (!(e instanceof lib.ArgumentError)) throw new Error(`watch flags: not an ArgumentError: ${e && e.stack}`);
    }
  });
}

// ------------------------------------------------------------------ driver

function libs() {
  const { IANAZone, FixedOffsetZone } = require('luxon');
  return {
    ...dist('config/index'),
    ...dist('errors'),
    main: dist('cli').main,
    optionsFromFlags: dist('cli/watch').optionsFromFlags,
    zoneOk: (z) => IANAZone.isValidZone(z) || /^UTC$|^[+-]\d\d:?\d\d$/i.test(z) || FixedOffsetZone.parseSpecifier(z) !== null || z === 'local',
  };
}

/**
 * Runs the three properties for `seconds` (or `cases` each), seed `seed`.
 * @returns {Promise<{seed: number, cases: {config: number, cli: number, watch: number}, exits: Record<number, number>, findings: string[]}>}
 */
async function fuzzConfig({ seconds = 60, seed = Date.now() % 2 ** 31, cases } = {}) {
  const lib = libs();
  const dir = scratch();
  const flagsOf = commandFlags();
  const findings = [];
  const counts = { config: 0, cli: 0, watch: 0 };
  /** Command lines by exit code: 0 ran and wrote its output, 1 unreadable input, 2 usage error. */
  const exits = { 0: 0, 1: 0, 2: 0 };
  const share = { config: 0.35, cli: 0.55, watch: 0.1 };
  try {
    for (const [name, prop] of [['config', configProperty(dir, lib)], ['watch', watchProperty(lib, flagsOf)], ['cli', cliProperty(dir, lib, flagsOf, exits)]]) {
      const params = { seed, interruptAfterTimeLimit: Math.round(seconds * 1000 * share[name]), numRuns: cases ?? 1e9, endOnFailure: false, markInterruptAsFailure: false };
      const r = name === 'cli' ? await fc.check(prop, params) : fc.check(prop, params);
      counts[name] = r.numRuns;
      if (r.failed) findings.push(`${name}: seed ${r.seed}, path "${r.counterexamplePath}": ${JSON.stringify(r.counterexample)?.slice(0, 600)}\n    ${String(r.errorInstance?.message ?? r.error).split('\n')[0].slice(0, 600)}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { seed, cases: counts, exits, findings };
}

async function main() {
  const argv = process.argv.slice(2);
  const opt = (n, d) => {
    const i = argv.indexOf(n);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  const r = await fuzzConfig({ seconds: opt('--seconds', 60), seed: opt('--seed', Date.now() % 2 ** 31), cases: argv.includes('--cases') ? opt('--cases') : undefined });
  if (argv.includes('--json')) console.log(JSON.stringify(r));
  else {
    console.log(`config/CLI fuzz: seed ${r.seed}; cases: ${r.cases.config} configs, ${r.cases.cli} command lines (exit 0: ${r.exits[0]}, 1: ${r.exits[1]}, 2: ${r.exits[2]}; counted over every run, shrinking included), ${r.cases.watch} watch flag sets; ${r.findings.length} findings`);
    for (const f of r.findings) console.log(`  ${f}`);
  }
  process.exitCode = r.findings.length ? 1 : 0;
}

module.exports = { fuzzConfig, main };
if (require.main === module) main();
