import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_INTENTS_FILE } from '../sample.js';
import { loadServePlan } from './config.js';
import { createServer } from './server.js';
import { createKnowledgeIndex } from '../retrieve/knowledge-index.js';
import { loadArticles } from '../retrieve/knowledge.js';
import { SAMPLE_KNOWLEDGE_DIR } from '../sample.js';

const BIN = new URL('../../bin/kaiku.js', import.meta.url).pathname;
const KEY = 'serve-test-key-0123456789';

beforeAll(() => nock.enableNetConnect('127.0.0.1'));
afterAll(() => nock.disableNetConnect());

describe('kaiku serve', () => {
  it('serves the sample shop on the embedded defaults and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--quiet'], {
      env: { ...process.env, KAIKU_API_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on (http:\/\/[\d.:]+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`kaiku serve exited early: ${stderr}`)));
    });
    try {
      expect(stderr).not.toContain(KEY);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      // A client honours 503 + Retry-After: a loaded test machine can make the server shed for a moment.
      let triage!: Response;
      for (let attempt = 0; attempt < 5; attempt++) {
        triage = await fetch(`${url}/v1/triage`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'Missä tilaukseni on?' }),
        });
        if (triage.status !== 503) break;
        await new Promise((resolve) =>
          setTimeout(resolve, Number(triage.headers.get('retry-after') ?? 1) * 1000),
        );
      }
      expect(triage.status).toBe(200);
      expect(((await triage.json()) as { intent: { value: string } }).intent.value).toBe('order_status');
      expect((await fetch(`${url}/v1/triage`, { method: 'POST' })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('kaiku serve: stopped');
  }, 30_000);
});

describe('loadServePlan', () => {
  it('builds one engine per tenant, keys from the environment, paths relative to the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaiku-serve-'));
    await writeFile(
      join(dir, 'serve.yaml'),
      [
        'port: 9000',
        'limits: { max_in_flight: 32, timeout_ms: 2000, max_event_loop_delay_ms: 0 }',
        'tenants:',
        `  - { id: acme, keys: ["env:ACME_KEY"], intents: ${SAMPLE_INTENTS_FILE}, store: acme.db }`,
        `  - { id: globex, keys: ["${KEY}"] }`,
      ].join('\n'),
    );
    const plan = await loadServePlan(join(dir, 'serve.yaml'), { ACME_KEY: 'acme-key-from-env-0123' });
    try {
      expect(plan).toMatchObject({
        port: 9000,
        host: '127.0.0.1',
        limits: { maxInFlight: 32, timeoutMs: 2000, maxEventLoopDelayMs: 0 },
      });
      expect(plan.tenants.map((tenant) => [tenant.id, tenant.keys])).toEqual([
        ['acme', ['acme-key-from-env-0123']],
        ['globex', [KEY]],
      ]);
      expect(plan.tenants[0]!.engine.store).not.toBe(plan.tenants[1]!.engine.store);
      expect(plan.tenants[0]!.engine.intents).toBeDefined();
    } finally {
      await Promise.all(plan.tenants.map((tenant) => tenant.engine.close()));
    }

    await expect(loadServePlan(join(dir, 'serve.yaml'), {})).rejects.toThrow(/ACME_KEY, which is not set/);
    await writeFile(join(dir, 'bad.yaml'), 'tenants: [{ id: x, keys: [k], knowlege: y }]');
    await expect(loadServePlan(join(dir, 'bad.yaml'))).rejects.toThrow(/knowlege/);
    await expect(loadServePlan(join(dir, 'missing.yaml'))).rejects.toThrow(/Cannot read ".*missing\.yaml"/);
  });
});

describe('knowledge changes through the API', () => {
  it('are saved to a tenant index folder, so they outlive the process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaiku-kb-'));
    const index = await createKnowledgeIndex();
    await index.upsert(await loadArticles([SAMPLE_KNOWLEDGE_DIR]));
    await index.save(join(dir, 'index'));
    await writeFile(
      join(dir, 'serve.yaml'),
      `tenants:\n  - { id: shop, keys: ["${KEY}"], knowledge: index }\n`,
    );

    const plan = await loadServePlan(join(dir, 'serve.yaml'));
    expect(plan.tenants[0]!.saveKnowledgeTo).toBe(join(dir, 'index'));
    const server = await createServer({ tenants: plan.tenants, limits: { maxEventLoopDelayMs: 0 } });
    const put = await server.app.inject({
      method: 'PUT',
      url: '/v1/knowledge/holiday-hours',
      headers: { authorization: `Bearer ${KEY}` },
      payload: {
        title: 'Joulun aukioloajat',
        lang: 'fi',
        body: 'Jouluaattona asiakaspalvelu on kiinni. Tapaninpäivänä palvelemme 10–16.',
      },
    });
    expect(put.statusCode).toBe(200);
    const removed = await server.app.inject({
      method: 'DELETE',
      url: '/v1/knowledge/gift-cards',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(removed.json()).toMatchObject({ removed: 2 });
    await server.close();
    await plan.tenants[0]!.engine.close();

    const again = await loadServePlan(join(dir, 'serve.yaml'));
    try {
      const ids = new Set(again.tenants[0]!.engine.knowledge!.articles.map((article) => article.id));
      expect(ids.has('holiday-hours')).toBe(true);
      expect(ids.has('gift-cards')).toBe(false);
    } finally {
      await again.tenants[0]!.engine.close();
    }
  });
});
