import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { KaikuError } from './errors.js';

/**
 * Reads a configuration file, YAML or JSON by its extension, and parses it. A missing file is `not_found` with
 * `missingHint`; broken syntax is `invalid_input` naming the file. The caller validates what it holds.
 */
export async function readConfigFile(path: string, what: string, missingHint: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KaikuError('not_found', `Cannot read "${path}".`, {
      cause: error,
      hint: missingHint,
    });
  }
  const json = path.endsWith('.json');
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new KaikuError('invalid_input', `The ${what} "${path}" is not valid ${json ? 'JSON' : 'YAML'}.`, {
      cause: error,
      hint: 'Fix the syntax at the position the cause names.',
    });
  }
}
