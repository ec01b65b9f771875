/**
 * @module config
 * The `alibi analyze` config: its schema (zod, and schema/analyze-config.json generated from it),
 * loading and normalizing, and the typed error that lists every mistake with its fix. Node only
 * (reads files, expands globs).
 */
export { parseConfig, loadConfigFile, intervalSeconds } from './load';
export type { AnalyzeInput, ConfigSource } from './load';
export { ConfigError } from './errors';
export { CONFIG_ISSUE_CODES } from './errors';
export type { ConfigIssue, ConfigIssueCode, ConfigOrigin } from './errors';
export { AnalyzeConfigSchema } from './schema';
export type { RawAnalyzeConfig } from './schema';
export { analyzeConfigJsonSchema, analyzeConfigSchemaText } from './json-schema';
export { expandFiles } from './files';
