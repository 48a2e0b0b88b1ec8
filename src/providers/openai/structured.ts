import type { z } from 'zod';
import { ConfigurationError, InvalidInputError } from '../../core/errors.js';

/** OpenAI's rule for `response_format.json_schema.name`. */
const SCHEMA_NAME = /^[\w-]{1,64}$/;

const cache = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * The JSON Schema sent as `response_format.json_schema.schema` with `strict: true`.
 *
 * `z.toJSONSchema()` alone is not enough for strict mode: it leaves `.optional()` fields out of `required`,
 * emits `oneOf` for discriminated unions, open `additionalProperties` for `z.record()` / `z.looseObject()`, and
 * `default` keywords (which Azure OpenAI rejects). So the schema goes through the openai SDK's own converter
 * (`openai/helpers/zod`: `z.toJSONSchema()` with draft 7, then the SDK's strict-mode checks, which turn `oneOf`
 * into `anyOf` and reject what strict mode cannot express), and then `default` and `$schema` are removed.
 * Optional fields must be written `.nullable()` (the model answers `null`) or `.nullable().optional()`.
 */
export async function strictJsonSchema(schema: z.ZodType, name: string): Promise<Record<string, unknown>> {
  const cached = cache.get(schema);
  if (cached) return cached;
  const { zodResponseFormat } = await import('openai/helpers/zod');
  let converted: Record<string, unknown>;
  try {
    converted = structuredClone(zodResponseFormat(schema, name).json_schema.schema ?? {});
  } catch (error) {
    throw new ConfigurationError(
      `The schema "${name}" cannot be used for OpenAI structured output: ${(error as Error).message}`,
      {
        cause: error,
        hint:
          'Use a z.object() at the root, write optional fields as .nullable(), avoid z.record(), transforms ' +
          'and dates; see https://platform.openai.com/docs/guides/structured-outputs#supported-schemas.',
      },
    );
  }
  delete converted['$schema'];
  removeDefaults(converted);
  cache.set(schema, converted);
  return converted;
}

/** Checks `schemaName` against OpenAI's naming rule (letters, digits, `_` and `-`, at most 64). */
export function checkSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name)) {
    throw new InvalidInputError(
      `"schemaName" must be 1 to 64 letters, digits, "_" or "-"; received "${name.slice(0, 80)}".`,
      [{ path: ['schemaName'], message: 'Invalid schema name.' }],
      { hint: 'Rename the schema, e.g. "triage_result".' },
    );
  }
  return name;
}

/** Removes `default` from every subschema; strict mode requires every field, so a default never applies. */
function removeDefaults(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) removeDefaults(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  delete schema['default'];
  for (const key of ['properties', '$defs', 'definitions']) {
    const children = schema[key];
    if (typeof children === 'object' && children !== null) {
      for (const child of Object.values(children)) removeDefaults(child);
    }
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties', 'not']) {
    removeDefaults(schema[key]);
  }
}
