/**
 * @module config/schema
 * The `alibi analyze` config (SPEC.md) as a zod schema: strict objects (an unknown key is a
 * mistake, not an extension), every field described (the descriptions become
 * schema/analyze-config.json), and the checks JSON types cannot say — zones, addresses, patterns,
 * names — with messages that say the fix. Checks across fields (a path naming no vantage, a log of
 * no service) are in `cross.ts`; files on disk in `files.ts`.
 */
import { FilterSyntaxError, parseFilter } from '../decode/bpf';
import { z } from 'zod';
import type { ConfigIssueCode } from './errors';
import { durationProblem, formatProblem, hostProblem, nameProblem, regexProblem, show, zoneProblem } from './values';

/** The message for a value of the wrong type (or a missing required one). */
function expected(what: string) {
  return (iss: { code?: string; input?: unknown }) => {
    if (iss.code !== 'invalid_type' && iss.code !== 'invalid_union') return undefined;
    if (iss.input === undefined) return `missing: give ${what}`;
    const unquote = typeof iss.input === 'string' && iss.input.trim() !== '' && Number.isFinite(Number(iss.input)) && /number|port|seconds|year|integer/.test(what) ? ' (write numbers without quotes)' : '';
    return `expected ${what}, got ${show(iss.input)}${unquote}`;
  };
}

/** Runs a value check as a zod check: its problem text becomes the issue, with our code. */
function checked<T>(problem: (v: T) => string | null, code: ConfigIssueCode) {
  return (v: T, ctx: z.RefinementCtx) => {
    const p = problem(v);
    if (p !== null) ctx.addIssue({ code: 'custom', message: p, params: { code }, input: v });
  };
}

/** What is wrong with a filter expression, in the words of the filter's parser (where, and what it expected). */
function filterProblem(expr: string): string | null {
  try {
    parseFilter(expr);
    return null;
  } catch (e) {
    return e instanceof FilterSyntaxError ? `${JSON.stringify(expr)}: ${e.reason} ${e.position >= expr.length ? 'at the end' : `at character ${e.position + 1}`}` : (e as Error).message;
  }
}

/** Names: the JSON Schema says what it can of `nameProblem` (editors flag an empty or reserved name). */
const name = (what: string, example: string) =>
  z
    .string({ error: expected(`${what} (a name such as "${example}")`) })
    .superRefine(checked(nameProblem, 'bad_name'))
    .meta({ minLength: 1, not: { enum: ['__proto__', 'constructor', 'prototype'] } });

const path1 = (what: string) => z.string({ error: expected(what) }).min(1, { error: 'is empty; give a file path' });

/** `file` is one path; `files` a list, a glob or a folder. */
const filesSpec = z
  .union([path1('a file, a glob or a folder'), z.array(path1('a file path or a glob'), { error: expected('a list of files') }).min(1, { error: 'is empty; list at least one file' })], {
    error: expected('a list of files, or one glob or folder as a string'),
  })
  .meta({
    description:
      'Several files read as one source in time order: a list of paths, or one string that is a glob (`*`, `?`, `[…]`, `**`) or a folder (its files, not hidden ones). A list may hold globs and folders too. Relative paths resolve against the config file\'s folder. A glob or folder that yields no file is an error; a missing plain file is reported by the reader.',
    examples: [['fw.pcap0', 'fw.pcap1'], 'fw/*.pcap*', 'captures/firewall/'],
  });

const fileSpec = path1('a file path').meta({
  description: "One file, taken as written (no glob). Relative paths resolve against the config file's folder.",
  examples: ['firewall.pcap'],
});

/** Exactly one of `file` and `files`: refines that also run when other keys of the entry are wrong. */
function oneFileKey<T extends z.ZodType>(schema: T, entry: string, partials = false): T {
  const isObj = (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value);
  return schema
    .refine((o: unknown) => {
      const r = o as Record<string, unknown>;
      return !(r.file !== undefined && r.files !== undefined);
    }, { error: 'has both "file" and "files"; keep one ("files" for several)', params: { code: 'file_and_files' }, when: isObj })
    .refine((o: unknown) => {
      const r = o as Record<string, unknown>;
      return !(r.partials !== undefined && (r.file !== undefined || r.files !== undefined));
    }, { error: 'has both "partials" and capture files; keep one (the partials were scanned from those files)', params: { code: 'file_and_partials' }, when: isObj })
    .refine((o: unknown) => {
      const r = o as Record<string, unknown>;
      return r.file !== undefined || r.files !== undefined || r.partials !== undefined;
    }, { error: partials ? `needs "file" (one ${entry} file), "files" (a list, a glob or a folder) or "partials" (a folder alibi scan wrote)` : `needs "file" (one ${entry} file) or "files" (a list, a glob or a folder)`, params: { code: 'no_file' }, when: isObj }) as unknown as T;
}

export const CaptureEntrySchema = oneFileKey(
  z
    .strictObject(
      {
        vantage: name('a vantage name', 'firewall').optional().meta({
          description: 'Where the capture was taken (names the source in the report, in `path` and in `network:A->B` culprits). One entry per vantage. Default: `capture<N>` (N = the entry\'s position, from 1).',
          examples: ['firewall'],
        }),
        file: fileSpec.optional(),
        files: filesSpec.optional(),
        partials: path1('a folder').optional().meta({
          description: "A partials folder `alibi scan --out` wrote for this vantage (scanned elsewhere, perhaps on many machines): read instead of the capture files, with the same result. Relative to the config file's folder. Instead of `file`/`files`.",
          examples: ['partials/'],
        }),
        clockOffset: z
          .number({ error: expected('a number of seconds') })
          .min(-86400, { error: (i) => `${show(i.input)} s is more than a day; |clockOffset| is at most 86400 seconds` })
          .max(86400, { error: (i) => `${show(i.input)} s is more than a day; |clockOffset| is at most 86400 seconds` })
          .optional()
          .meta({ description: "Seconds to add to this capture's timestamps to put them on the reference clock (|x| ≤ 86400).", examples: [0.25, -3600] }),
      },
      { error: expected('a capture such as {"vantage": "firewall", "file": "fw.pcap"}') },
    )
    .meta({ description: 'A capture (pcap or pcapng, .gz too) and where it was taken. Exactly one of `file`, `files` and `partials`.', oneOf: [{ required: ['file'] }, { required: ['files'] }, { required: ['partials'] }] }),
  'capture',
  true,
);

export const LogEntrySchema = oneFileKey(
  z
    .strictObject(
      {
        component: name('a component name', 'stunnel').meta({
          description: 'The component that writes this log. Several entries may share a component (an access and an error log). When `services` is given, it must be one of their components.',
          examples: ['stunnel'],
        }),
        file: fileSpec.optional(),
        files: filesSpec.optional(),
        timezone: z
          .string({ error: expected('a time zone name (a string like "Europe/Berlin" or "UTC+5")') })
          .superRefine(checked(zoneProblem, 'bad_zone'))
          .optional()
          .meta({ description: 'Zone of timestamps written without an offset: an IANA name or `UTC`, `UTC+5`, `UTC-03:30`. Default: the machine\'s zone (the report says so).', examples: ['America/New_York', 'UTC+5'] }),
        format: z
          .string({ error: expected('a format name or a luxon format string') })
          .min(1, { error: 'is empty; leave "format" out to detect it' })
          .superRefine(checked(formatProblem, 'bad_format'))
          .optional()
          .meta({ description: 'Timestamp format: `auto` (default: detected, in the first fields of each line), a built-in name (`stunnel`, `syslog`, `iso8601`, `clf`, `epoch`, `ctime`, `json`, `logfmt`, `epoch-ms`, … see `alibi logs --help`), or a luxon format string.', examples: ['auto', 'clf', 'yyyy-MM-dd HH:mm:ss'] }),
        match: z
          .string({ error: expected('a regular expression (as a string)') })
          .superRefine(checked(regexProblem, 'bad_regex'))
          .optional()
          .meta({ description: 'Only lines matching this regular expression (JavaScript syntax) count.', examples: ['GET /api/'] }),
        program: name('a program name', 'stunnel')
          .optional()
          .meta({ description: "In a syslog file, the program whose lines are this component's (read by the log reader; default: the component name).", examples: ['stunnel'] }),
        year: z
          .number({ error: expected('a year (an integer number)') })
          .int({ error: (i) => `${show(i.input)} is not a whole year` })
          .min(1970, { error: (i) => `${show(i.input)} is not a year between 1970 and 2100` })
          .max(2100, { error: (i) => `${show(i.input)} is not a year between 1970 and 2100` })
          .optional()
          .meta({ description: 'The year of timestamps written without one (syslog `Feb  7 11:11:53`), read by the log reader.', examples: [2022] }),
        timeField: z
          .number({ error: expected('a field number (a positive integer)') })
          .int({ error: (i) => `${show(i.input)} is not a field number (a positive integer)` })
          .positive({ error: (i) => `${show(i.input)} is not a field number (a positive integer, 1 = the first field)` })
          .optional()
          .meta({ description: 'Where the time is not at the start of the line: the number of the field (1 = first) that holds it, read by the log reader.', examples: [4] }),
        timeRegex: z
          .string({ error: expected('a regular expression (as a string)') })
          .superRefine(checked(regexProblem, 'bad_regex'))
          .optional()
          .meta({ description: 'Where the time is not at the start of the line: a regular expression that finds it, read by the log reader.', examples: ['time=(\\S+)'] }),
      },
      { error: expected('a log such as {"component": "stunnel", "file": "stunnel.log"}') },
    )
    .refine((o) => !(o.timeField !== undefined && o.timeRegex !== undefined), {
      error: 'has both "timeField" and "timeRegex"; keep one (the field when the time is always there, the regex otherwise)',
      params: { code: 'time_field_and_regex' },
    })
    .meta({ description: 'A log and the component that writes it. Exactly one of `file` and `files`.', oneOf: [{ required: ['file'] }, { required: ['files'] }] }),
  'log',
);

export const ServiceEntrySchema = z
  .strictObject(
    {
      component: name('a component name', 'backend').meta({ description: 'The component listening there (the name its logs use).', examples: ['backend'] }),
      host: z
        .string({ error: expected('an IP address (a string like "10.0.2.2" or "2001:db8::1")') })
        .superRefine(checked(hostProblem, 'bad_host'))
        .meta({ description: 'The IPv4 or IPv6 address the service listens on, as the captures show it (host names are not supported: captures carry addresses).', examples: ['10.0.2.2', '2001:db8::1'], anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] }),
      port: z
        .number({ error: expected('a TCP port number (1..65535)') })
        .int({ error: (i) => `${show(i.input)} is not a TCP port (an integer 1..65535)` })
        .min(1, { error: (i) => `${show(i.input)} is not a TCP port (1..65535)` })
        .max(65535, { error: (i) => `${show(i.input)} is not a TCP port (1..65535)` })
        .meta({ description: 'The TCP port.', examples: [443] }),
    },
    { error: expected('a service such as {"component": "backend", "host": "127.0.0.1", "port": 8080}') },
  )
  .meta({ description: 'Where a component listens: its traffic in the captures is that component\'s input and answers.' });

/** For editors only: `parseDuration` (lib/time.ts) is what alibi checks durations with. */
const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$';

const intervalSchema = z
  .union([z.string().meta({ pattern: DURATION_PATTERN }), z.number().positive({ error: (i) => `${show(i.input)} is not a positive number of seconds` })], {
    error: expected('a duration such as "1s" or a number of seconds'),
  })
  // The number branch checks its own sign; the strings are parseDuration's to judge.
  .superRefine(checked((v: string | number) => (typeof v === 'string' ? durationProblem(v) : null), 'bad_duration'))
  .meta({ description: 'Bin width of the timeline: `250ms`, `1s`, `10s`, `5m`, `1h`, or a positive number of seconds. Default 1 s.', examples: ['1s', 0.25] });

export const AnalyzeConfigSchema = z
  .strictObject(
    {
      $schema: z.string({ error: expected('the schema\'s path or URL') }).optional().meta({ description: 'For editors: the JSON Schema of this file (e.g. `./node_modules/pcap-alibi/schema/analyze-config.json`). Ignored by alibi.' }),
      interval: intervalSchema.optional(),
      captures: z
        .array(CaptureEntrySchema, { error: expected('a list of captures, e.g. [{"vantage": "firewall", "file": "fw.pcap"}]') })
        .optional()
        .meta({ description: 'The packet captures, one entry per vantage point.' }),
      logs: z
        .array(LogEntrySchema, { error: expected('a list of logs, e.g. [{"component": "stunnel", "file": "stunnel.log"}]') })
        .optional()
        .meta({ description: 'The logs, each with the component that writes it.' }),
      services: z
        .array(ServiceEntrySchema, { error: expected('a list of services, e.g. [{"component": "backend", "host": "127.0.0.1", "port": 8080}]') })
        .optional()
        .meta({ description: "Where each component listens. Default: inferred (the busiest server in the captures; the report says so). When given, every log's component must be one of them." }),
      path: z
        .array(name('a vantage name', 'firewall'), { error: expected('a list of vantage names, e.g. ["firewall", "server"]') })
        .optional()
        .meta({ description: 'The vantages from the clients towards the service. Default: the captures in the order given (loopback captures left out).', examples: [['firewall', 'server']] }),
      filter: z
        .string({ error: expected('a tcpdump expression, e.g. "tcp port 443"') })
        .superRefine(checked(filterProblem, 'bad_filter'))
        .optional()
        .meta({ description: 'Read every capture through this tcpdump expression (host, net, port, portrange, tcp flags, and/or/not): only the packets it keeps count, as if each capture had been cut with `tcpdump -r IN -w OUT EXPR`. `--filter` overrides it.', examples: ['tcp port 443', 'not host 10.0.0.5'] }),
      parallel: z.boolean({ error: expected('true or false') }).optional().meta({ description: 'Read several captures in worker threads (default true).' }),
    },
    { error: expected('a config object such as {"captures": [...], "logs": [...]}') },
  )
  .meta({
    title: 'alibi analyze config',
    description: 'The input of `alibi analyze <config.json>`: captures (with vantage names), logs (with components), services and a path. At least one capture or one log. Relative paths resolve against this file\'s folder. See docs/config.md.',
  });

/** The config as written (before paths are resolved and globs expanded). */
export type RawAnalyzeConfig = z.input<typeof AnalyzeConfigSchema>;
export type RawCapture = z.input<typeof CaptureEntrySchema>;
export type RawLog = z.input<typeof LogEntrySchema>;

/** The keys each kind of object knows, for "did you mean" and "belongs to" hints. */
export const KNOWN_KEYS = {
  config: Object.keys(AnalyzeConfigSchema.shape),
  captures: Object.keys(CaptureEntrySchema.shape),
  logs: Object.keys(LogEntrySchema.shape),
  services: Object.keys(ServiceEntrySchema.shape),
} as const;
