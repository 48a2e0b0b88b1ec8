import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = new URL('.', import.meta.url).pathname;

/** Static (value) imports of a module specifier prefix in a source file; `import type` does not count. */
function valueImports(file: string, prefix: string): string[] {
  const source = readFileSync(file, 'utf8');
  const imports = source.match(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms) ?? [];
  return imports.filter((statement) => statement.includes(`'${prefix}`));
}

describe('optional and heavy dependencies load lazily', () => {
  it.each([
    ['langchain', '@langchain/'],
    ['openai', 'openai'],
  ])('src/providers/%s has no top-level value import of %s', (directory, prefix) => {
    const files = readdirSync(join(here, directory))
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
      .map((name) => join(here, directory, name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(valueImports(file, prefix), file).toEqual([]);
  });
});
