// Small helpers every suite uses: reading JSON Lines, checking a list flag, and one kaiku/peer ratio.
import { readFileSync } from 'node:fs';

/** The records of a JSON Lines file (blank lines skipped). */
export function readJsonl(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** The distinct names of a comma-separated `--flag` value; throws for a name not in `known`. */
export function pickNames(flag, text, known) {
  const names = [...new Set(text.split(',').map((name) => name.trim()))].filter((name) => name !== '');
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new RangeError(`Unknown --${flag} ${unknown.join(', ')}; choose from ${known.join(', ')}.`);
  return names;
}

/** a / b to four significant digits, or null when either is not a number or b is 0. */
export function ratio(a, b) {
  return typeof a === 'number' && typeof b === 'number' && b !== 0 ? Number((a / b).toPrecision(4)) : null;
}

/** The libraries a `--libs` flag keeps: kaiku always, and the named peers (all of them without the flag). */
export function pickLibraries(libs, flag) {
  if (!flag) return libs;
  const peers = libs.filter((library) => library.name !== 'kaiku').map((library) => library.name);
  const wanted = new Set(['kaiku', ...pickNames('libs', flag, ['kaiku', ...peers])]);
  return libs.filter((library) => wanted.has(library.name));
}
