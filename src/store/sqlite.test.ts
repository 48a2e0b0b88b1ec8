import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KaikuError } from '../core/errors.js';
import { storeContract } from './contract.test-helper.js';
import { createSqliteStore } from './sqlite.js';

const tempFile = async () => join(await mkdtemp(join(tmpdir(), 'kaiku-sqlite-')), 'store.db');
const DAY = 86_400_000;

storeContract('sqlite', async () => createSqliteStore({ path: await tempFile() }));

describe('sqlite conversation store', () => {
  it('keeps conversations across a restart', async () => {
    const path = await tempFile();
    const first = createSqliteStore({ path });
    const recorded = await first.record(
      {
        id: 'm1',
        channel: 'email',
        author: 'customer',
        text: 'Lasku LU-123 on väärin',
        receivedAt: '2026-11-23T08:00:00.000Z',
        customer: { email: 'maija@example.com', name: 'Maija' },
        metadata: { subject: 'Lasku' },
      },
      { joinWindowMs: DAY },
    );
    await first.appendEvent({
      conversationId: recorded.conversation.id,
      type: 'answered',
      at: '2026-11-23T08:00:01.000Z',
      data: { confidence: 0.8 },
    });
    await first.close();
    const reopened = createSqliteStore({ path });
    const record = (await reopened.get(recorded.conversation.id))!;
    expect(record.customer).toMatchObject({
      name: 'Maija',
      identities: [{ kind: 'email', value: 'maija@example.com' }],
    });
    expect(record.messages).toEqual([recorded.message]);
    expect(record.events).toEqual([
      {
        conversationId: recorded.conversation.id,
        type: 'answered',
        at: '2026-11-23T08:00:01.000Z',
        data: { confidence: 0.8 },
      },
    ]);
    await reopened.close();
  });

  it('refuses a database from a newer kaiku, and a path it cannot open, with a hint', async () => {
    const path = await tempFile();
    const Database = createRequire(import.meta.url)('better-sqlite3');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => createSqliteStore({ path })).toThrow(/schema version 99/);
    try {
      createSqliteStore({ path: join(tmpdir(), 'no-such-folder-kaiku', 'x', 'store.db') });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KaikuError);
      expect((error as KaikuError).hint).toMatch(/writable/);
    }
  });

  it('loses no acknowledged message when the process is killed mid-write', async () => {
    const dist = fileURLToPath(new URL('../../dist/store/sqlite.js', import.meta.url));
    expect(existsSync(dist), 'run npm run build first: the writer process uses dist/').toBe(true);
    const path = await tempFile();
    // The writer records messages as fast as it can and prints each id once its promise has resolved.
    const writer = `
      const { createSqliteStore } = await import(${JSON.stringify(dist)});
      const store = createSqliteStore({ path: ${JSON.stringify(path)} });
      for (let i = 0; ; i++) {
        await store.record({ id: 'm' + i, channel: 'chat', author: 'customer', text: 'viesti ' + i,
          receivedAt: new Date(Date.UTC(2026, 10, 23, 8) + i).toISOString(), customer: { email: 'kill@example.com' } },
          { joinWindowMs: 365 * 86400000 });
        process.stdout.write('m' + i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', writer], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: string[] = [];
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        acknowledged.push(...lines);
        // Killed while it is writing, a few thousand messages in.
        if (acknowledged.length >= 3000 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(stderr).toBe('');
    expect(acknowledged.length).toBeGreaterThanOrEqual(3000);
    const Database = createRequire(import.meta.url)('better-sqlite3');
    const db = new Database(path, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set(db.prepare('SELECT id FROM messages').pluck().all() as string[]);
    db.close();
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // And the store opens and reads it as usual.
    const store = createSqliteStore({ path });
    const conversation = (
      await store.record(
        {
          id: 'after',
          channel: 'chat',
          author: 'customer',
          text: 'taas',
          receivedAt: '2026-11-24T08:00:00.000Z',
          customer: { email: 'kill@example.com' },
        },
        { joinWindowMs: 365 * DAY },
      )
    ).conversation;
    expect((await store.get(conversation.id))!.messages.length).toBe(stored.size + 1);
    await store.close();
  }, 30_000);
});
