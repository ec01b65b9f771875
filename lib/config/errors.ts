/**
 * @module config/errors
 * A config that is wrong in several places says so in one go: `ConfigError` carries every
 * `ConfigIssue` (a stable code, the JSON path of the field, and what to change), one line each.
 * It is an `ArgumentError`, so the CLI exits 2 (SPEC.md: usage error).
 */
import { ArgumentError } from '../errors';

/** Stable snake_case codes of config problems (like zod's issue codes); docs/config.md lists each with its fix. */
export const CONFIG_ISSUE_CODES = [
  'not_json',
  'unreadable',
  'unknown_key',
  'duplicate_key',
  'missing',
  'invalid_type',
  'invalid_value',
  'bad_name',
  'bad_duration',
  'bad_clock_offset',
  'bad_zone',
  'bad_host',
  'bad_port',
  'bad_regex',
  'bad_format',
  'bad_filter',
  'time_field_and_regex',
  'bad_flag',
  'file_and_files',
  'no_file',
  'is_a_folder',
  'no_match',
  'empty_folder',
  'unknown_vantage',
  'unknown_component',
  'duplicate_vantage',
  'duplicate_entry',
  'duplicate_service',
  'duplicate_address',
  'empty_path',
  'nothing_to_analyze',
] as const;
export type ConfigIssueCode = (typeof CONFIG_ISSUE_CODES)[number];

/** One problem: where (`field`, a JSON path such as `captures[1].vantage`; '' = the whole config) and what. */
export interface ConfigIssue {
  code: ConfigIssueCode;
  field: string;
  /** What is wrong and the fix, without the file and field (those are prefixed by `ConfigError`). */
  message: string;
}

/** Where a config came from, for the messages. */
export interface ConfigOrigin {
  /** The config file as the user named it (absent for flags or an object given in code). */
  file?: string;
  /**
   * What the user typed for a field, when that is not a config file (CLI flags):
   * `captures[0].files` → `--capture 'fw*.pcap@firewall'`. Undefined = use file and field.
   */
  label?: (field: string) => string | undefined;
}

/**
 * Every problem of a config, one line each:
 * `alibi.json: captures[0]: unknown key "vantge" (did you mean "vantage"?)`.
 */
export class ConfigError extends ArgumentError {
  /** The first problem's field (a JSON path; '' = the whole config). */
  readonly field: string;
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], origin: ConfigOrigin = {}) {
    super(issues.map((i) => issueLine(i, origin)).join('\n'), { file: origin.file });
    this.issues = Object.freeze(issues.map((i) => Object.freeze({ ...i })));
    this.field = issues[0]?.field ?? '';
  }
  override get code() { return 'bad_config'; }
}

/** `file: field: message`, or `label: message` for a flag. */
export function issueLine(issue: ConfigIssue, origin: ConfigOrigin = {}): string {
  const label = origin.label?.(issue.field);
  if (label !== undefined) return `${label}: ${issue.message}`;
  const head = [origin.file ?? 'config', issue.field].filter(Boolean).join(': ');
  return `${head}: ${issue.message}`;
}

/** `captures[1].vantage` from ['captures', 1, 'vantage']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}
