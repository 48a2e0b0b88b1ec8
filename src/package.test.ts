import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist', 'index.js');

describe('the built package', () => {
  it('is built (npm install runs the prepare script)', () => {
    expect(existsSync(dist), 'dist/index.js is missing: run "npm run build"').toBe(true);
  });

  it('imports without printing, reading .env, opening sockets or starting timers', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kaiku-import-'));
    writeFileSync(join(cwd, '.env'), 'KAIKU_DOTENV_PROBE=loaded\nOPENAI_API_KEY=sk-should-not-load\n');
    const report = join(cwd, 'report.json');
    const script = `
      import { writeFileSync } from 'node:fs';
      const before = new Set(process.getActiveResourcesInfo());
      const kaiku = await import(${JSON.stringify(dist)});
      const testing = await import(${JSON.stringify(join(root, 'dist', 'testing', 'index.js'))});
      const opened = process.getActiveResourcesInfo().filter((name) => !before.has(name));
      writeFileSync(${JSON.stringify(report)}, JSON.stringify({ exports: Object.keys(kaiku).length, testing: Object.keys(testing).length, probe: process.env.KAIKU_DOTENV_PROBE ?? null, key: process.env.OPENAI_API_KEY ?? null, opened }));
    `;
    const env = { ...process.env };
    delete env.OPENAI_API_KEY;
    delete env.KAIKU_DOTENV_PROBE;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd,
      env,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
    const seen = JSON.parse(readFileSync(report, 'utf8')) as {
      exports: number;
      testing: number;
      probe: string | null;
      key: string | null;
      opened: string[];
    };
    expect(seen.exports).toBeGreaterThan(50);
    expect(seen.testing).toBeGreaterThan(3);
    expect(seen.probe).toBeNull();
    expect(seen.key).toBeNull();
    // File reads of the module loader may still be closing; sockets, DNS look-ups and timers must not exist.
    expect(
      seen.opened.filter((name) => /TCP|UDP|Pipe|GetAddrInfo|Timeout|Immediate|HTTP|TLS|Socket/i.test(name)),
    ).toEqual([]);
  });

  it('runs the bin entry', () => {
    const output = execFileSync(process.execPath, [join(root, 'bin', 'kaiku.js'), '--help'], {
      encoding: 'utf8',
    });
    expect(output).toMatch(/Usage: kaiku <command>/);
  });
});
