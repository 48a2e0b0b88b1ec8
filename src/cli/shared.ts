import { readFile } from 'node:fs/promises';
import { KaikuError } from '../core/errors.js';
import { LanguageSchema, type Language } from '../core/schemas.js';
import { parseJsonl } from '../engine.js';
import type { Io } from './main.js';

/** Reads a `--lang` flag: a kaiku language, or undefined when the flag is absent. */
export function parseLanguage(value: unknown): Language | undefined {
  if (value === undefined) return undefined;
  const parsed = LanguageSchema.safeParse(value);
  if (!parsed.success) {
    throw new KaikuError(
      'invalid_input',
      `"--lang" must be one of fi, en, sv, other; received "${String(value)}".`,
      {
        hint: 'Leave it out to detect the language.',
      },
    );
  }
  return parsed.data;
}

/** A `--lang` flag as an options fragment: `{ lang }` when given, `{}` when absent. */
export function languageOption(value: unknown): { lang?: Language } {
  const lang = parseLanguage(value);
  return lang ? { lang } : {};
}

/**
 * Reads a JSON Lines file, with a clear error when it is missing or broken. `T` is what the caller expects; the
 * records are not checked here, so pass them to a function that validates its input.
 */
export async function readJsonl<T = unknown>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KaikuError('not_found', `Cannot read "${path}".`, { cause: error, hint: 'Check the path.' });
  }
  return parseJsonl(text, path) as T[];
}

/** A progress bar on standard error when it is a terminal; silent otherwise, so piped output stays clean. */
export function progressBar(
  io: Io,
  label: string,
): ((done: number, total: number) => void) & { finish(): void } {
  let last = 0;
  const update = (done: number, total: number) => {
    if (!io.interactive) return;
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    io.errInline(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  };
  return Object.assign(update, {
    finish: () => {
      if (io.interactive) io.errInline('\n');
    },
  });
}
