/**
 * @module config/json-schema
 * schema/analyze-config.json is generated from the zod schema (`npm run schema`), so the file
 * editors validate against and the checks alibi runs cannot drift apart; a test compares them.
 */
import { z } from 'zod';
import { AnalyzeConfigSchema } from './schema';

/**
 * The JSON Schema (draft 2020-12) of the config. Checks JSON Schema cannot say (zones, regular
 * expressions, names that must refer to something) are alibi's own; the schema says what it can.
 * @example (analyzeConfigJsonSchema().properties as any).captures.type //=> 'array'
 */
export function analyzeConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(AnalyzeConfigSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The text of schema/analyze-config.json. */
export function analyzeConfigSchemaText(): string {
  return JSON.stringify(analyzeConfigJsonSchema(), null, 2) + '\n';
}
