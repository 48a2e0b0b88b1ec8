import { readFileSync } from 'node:fs';

let version: string | undefined;

/** kaiku's version, from its package.json (read once, on first use). */
export function kaikuVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return version;
}
