import type { z } from 'zod';
import { InvalidInputError } from './errors.js';

/**
 * Parses `value` with `schema` at a public boundary; on failure throws an {@link InvalidInputError} that names
 * every offending field. `what` names the value in the message, e.g. `"message"`.
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
  hint?: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw InvalidInputError.fromZod(what, result.error, hint);
  return result.data;
}
