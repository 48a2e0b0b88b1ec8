import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../engine.js';
import { SAMPLE_INTENTS_FILE, SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { createServer, type KaikuServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const KEY = 'console-e2e-key-0123456789';
const SCREENSHOT_DIR = new URL('../../test-results/', import.meta.url).pathname;

// Under CI the browser must be there; elsewhere the test is skipped when Chromium is not installed.
const browserTest = existsSync(CHROMIUM) || process.env['CI'] ? it : it.skip;

let engine: Engine;
let server: KaikuServer;
let url: string;

beforeAll(async () => {
  engine = await createEngine({ knowledge: SAMPLE_KNOWLEDGE_DIR, intents: SAMPLE_INTENTS_FILE });
  // Event-loop shedding off: other test files load the CPU.
  server = await createServer(engine, { apiKeys: [KEY], limits: { maxEventLoopDelayMs: 0 } });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server.close();
  await engine.close();
});

describe('the agent console in a browser', () => {
  browserTest(
    'a customer writes on chat, continues by email, the agent sees one conversation, and a handoff follows',
    async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        const outside: string[] = [];
        page.on('request', (request) => {
          if (!request.url().startsWith(url)) outside.push(request.url());
        });
        await page.goto(`${url}/#key=${KEY}`);
        await page.click('[data-ui-lang="fi"]');

        // Chat: a delivery question.
        await page.click('[data-channel="chat"]');
        await page.fill('#message-input', 'Hei, missä tilaukseni LU-482913 on? Sen piti tulla eilen.');
        await page.click('#send-button');
        await page.waitForSelector('#customer-thread .bubble[data-author="bot"]');

        // Email, same customer: the same conversation continues.
        await page.click('[data-channel="email"]');
        await page.fill(
          '#message-input',
          'Kirjoitin chatissa tilauksesta LU-482913. Vieläkään ei ole kuulunut mitään.',
        );
        await page.click('#send-button');
        await page.waitForSelector('#conversation-channels .channel:nth-of-type(2)');
        const channels = await page.$$eval('#conversation-channels .channel', (nodes) =>
          nodes.map((node) => node.getAttribute('data-channel')),
        );
        expect(channels).toEqual(['chat', 'email']);
        const timeline = await page.$$eval('#timeline li.timeline-item[data-author="customer"]', (nodes) =>
          nodes.map((node) => node.getAttribute('data-channel')),
        );
        expect(timeline).toEqual(['chat', 'email']);

        // One conversation on the server too.
        const conversations = await engine.store.list({});
        expect(conversations).toHaveLength(1);
        const id = conversations[0]!.conversation.id;
        expect(await page.textContent('#conversation-id')).toContain(id);

        // The customer asks for a person: the agent panel shows the packet with the order number.
        await page.fill('#message-input', 'Haluan puhua oikean ihmisen kanssa nyt heti.');
        await page.click('#send-button');
        await page.waitForSelector('#packet:has-text("KAI-")');
        expect(await page.textContent('#packet')).toContain('LU-482913');
        expect(await page.textContent('#handoff')).toContain('asks-for-human');
        expect((await engine.conversation(id))!.conversation.status).toBe('handed_off');
        expect(await page.$$eval('#triage details', (nodes) => nodes.length)).toBeGreaterThan(0);

        // The interface switches language.
        const finnish = await page.textContent('#send-button');
        await page.click('[data-ui-lang="en"]');
        expect(await page.textContent('#send-button')).not.toBe(finnish);

        await mkdir(SCREENSHOT_DIR, { recursive: true });
        const path = `${SCREENSHOT_DIR}console-e2e.png`;
        await page.screenshot({ path, fullPage: true });
        expect((await stat(path)).size).toBeGreaterThan(20_000);
        expect(errors).toEqual([]);
        expect(outside).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
