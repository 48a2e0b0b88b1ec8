// Store suite: the SQLite conversation store under a million messages. It appends them through the store's
// `record()` (identity lookup, join window, conversation update, message insert: one committed write each), from
// one writer and from several concurrent ones (the store commits concurrent writes together), then reads
// conversations' histories. The peer is better-sqlite3 itself inserting the same rows into one bare table, one
// transaction each: the floor cost of a durable write, so kaiku/raw shows what the store's bookkeeping costs.
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../dist/index.js';
import { ratio } from '../lib/common.mjs';
import { count, fixed, round, significant, table } from '../lib/format.mjs';

export const description =
  'SQLite conversation store: append a million messages, read histories (peer: raw better-sqlite3)';

export const options = {
  messages: { type: 'string', valueName: 'n', default: '1000000', description: 'messages appended' },
  customers: {
    type: 'string',
    valueName: 'n',
    default: '20000',
    description: 'customers they come from (messages per conversation = messages / customers)',
  },
  concurrency: {
    type: 'string',
    valueName: 'n',
    default: '16',
    description: 'writers in flight for the concurrent run (a server handling that many messages at once)',
  },
  'sequential-messages': {
    type: 'string',
    valueName: 'n',
    default: '100000',
    description: 'messages appended by one writer, each awaited before the next',
  },
};

// History reads timed: this many conversations, picked evenly.
const READS = 2000;
const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 1);

function positiveInteger(name, text) {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`--${name} must be a positive integer; received ${JSON.stringify(text)}.`);
  return value;
}

// Message i comes from customer i mod customers, by chat or email, one second after the one before.
function message(i, customers) {
  const customer = i % customers;
  return {
    id: `m${i}`,
    channel: i % 3 === 0 ? 'email' : 'chat',
    author: 'customer',
    text: `Viesti ${i}: missä on tilaukseni LU-${100000 + customer}? Tilasin sen viime viikolla.`,
    receivedAt: new Date(START + i * 1000).toISOString(),
    customer: { email: `customer${customer}@example.com` },
  };
}

async function appendThroughStore(path, total, customers, concurrency) {
  const store = createSqliteStore({ path });
  const conversations = new Array(Math.min(customers, total));
  let next = 0;
  const started = performance.now();
  const writer = async () => {
    while (next < total) {
      const i = next++;
      const result = await store.record(message(i, customers), { joinWindowMs: 365 * DAY_MS });
      if (i < conversations.length) conversations[i] = result.conversation.id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  const ms = performance.now() - started;
  return { store, conversations, ms };
}

async function readHistories(store, conversations) {
  const durations = [];
  let messages = 0;
  const step = Math.max(1, Math.floor(conversations.length / READS));
  for (let k = 0; k < READS; k++) {
    const id = conversations[(k * step) % conversations.length];
    const started = performance.now();
    const record = await store.get(id);
    durations.push(performance.now() - started);
    messages += record.messages.length;
  }
  durations.sort((a, b) => a - b);
  const at = (q) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))];
  return {
    reads: READS,
    p50Ms: round(at(0.5), 3),
    p95Ms: round(at(0.95), 3),
    meanMessages: round(messages / READS, 1),
  };
}

function rawInserts(path, total, customers) {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE messages (seq INTEGER PRIMARY KEY, id TEXT, conversation_id TEXT, author TEXT, channel TEXT, text TEXT, received_at TEXT)',
  );
  const insert = db.prepare(
    'INSERT INTO messages (id, conversation_id, author, channel, text, received_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const one = db.transaction((row) =>
    insert.run(row.id, row.customer.email, row.author, row.channel, row.text, row.receivedAt),
  );
  const started = performance.now();
  for (let i = 0; i < total; i++) one(message(i, customers));
  const ms = performance.now() - started;
  db.close();
  return ms;
}

export async function run(values, { log, gcExposed, environment }) {
  const total = positiveInteger('messages', values.messages);
  const customers = positiveInteger('customers', values.customers);
  const concurrency = positiveInteger('concurrency', values.concurrency);
  const sequentialTotal = Math.min(
    total,
    positiveInteger('sequential-messages', values['sequential-messages']),
  );
  const dir = await mkdtemp(join(tmpdir(), 'kaiku-bench-store-'));
  const started = performance.now();
  try {
    log(`store: ${count(sequentialTotal)} messages, one writer`);
    const sequential = await appendThroughStore(join(dir, 'sequential.db'), sequentialTotal, customers, 1);
    await sequential.store.close();

    log(`store: ${count(total)} messages, ${concurrency} writers`);
    const concurrent = await appendThroughStore(join(dir, 'store.db'), total, customers, concurrency);
    log('store: reading histories');
    const reads = await readHistories(concurrent.store, concurrent.conversations);
    await concurrent.store.close();
    const fileMB = round(
      ['store.db', 'store.db-wal'].reduce((sum, name) => {
        try {
          return sum + statSync(join(dir, name)).size;
        } catch {
          return sum;
        }
      }, 0) /
        (1024 * 1024),
      1,
    );

    log(`raw better-sqlite3: ${count(sequentialTotal)} inserts, one transaction each`);
    const rawMs = rawInserts(join(dir, 'raw.db'), sequentialTotal, customers);

    const kaiku = {
      sequentialMessagesPerSecond: round(sequentialTotal / (sequential.ms / 1000), 0),
      concurrentMessagesPerSecond: round(total / (concurrent.ms / 1000), 0),
      historyP50Ms: reads.p50Ms,
      historyP95Ms: reads.p95Ms,
      fileMB,
    };
    const raw = { sequentialMessagesPerSecond: round(sequentialTotal / (rawMs / 1000), 0) };
    return {
      suite: 'store',
      ...environment,
      gcExposed,
      settings: {
        messages: total,
        customers,
        concurrency,
        sequentialMessages: sequentialTotal,
        reads: READS,
      },
      libraries: {
        kaiku:
          'createSqliteStore(): WAL, synchronous NORMAL, record() per message (identity, join window, insert), group commit of concurrent writes',
        'raw-sqlite':
          'better-sqlite3 alone: one bare table, one INSERT per transaction, WAL, synchronous NORMAL',
      },
      results: { kaiku: { ...kaiku, meanMessagesPerConversation: reads.meanMessages }, 'raw-sqlite': raw },
      ratios: {
        'raw-sqlite': {
          sequentialMessagesPerSecond: ratio(
            kaiku.sequentialMessagesPerSecond,
            raw.sequentialMessagesPerSecond,
          ),
        },
      },
      durationMs: round(performance.now() - started, 0),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatText(report) {
  const { settings, results, ratios } = report;
  const kaiku = results.kaiku;
  return [
    `store bench · node ${report.node} · ${report.cpu} × ${report.cores} · ${(report.durationMs / 1000).toFixed(0)} s`,
    `${count(settings.messages)} messages from ${count(settings.customers)} customers (${kaiku.meanMessagesPerConversation} a conversation when read); one writer on the first ${count(settings.sequentialMessages)}`,
    '',
    table(
      [
        'library',
        'one writer msg/s',
        `${settings.concurrency} writers msg/s`,
        'history p50 ms',
        'history p95 ms',
        'file MB',
      ],
      [
        [
          'kaiku sqlite',
          count(kaiku.sequentialMessagesPerSecond),
          count(kaiku.concurrentMessagesPerSecond),
          fixed(3)(kaiku.historyP50Ms),
          fixed(3)(kaiku.historyP95Ms),
          fixed(1)(kaiku.fileMB),
        ],
        [
          'raw better-sqlite3',
          count(results['raw-sqlite'].sequentialMessagesPerSecond),
          null,
          null,
          null,
          null,
        ],
      ],
    ),
    '',
    `kaiku / raw, one writer: ${significant(ratios['raw-sqlite'].sequentialMessagesPerSecond)} (the store's identity lookups, join window and conversation update on top of the insert)`,
    '',
    'configurations:',
    ...Object.entries(report.libraries).map(([name, config]) => `  ${name}: ${config}`),
  ].join('\n');
}
