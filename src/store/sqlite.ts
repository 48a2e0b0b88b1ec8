import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { KaikuError } from '../core/errors.js';
import { identitiesOf, identityKey } from '../core/identity.js';
import type {
  ConversationEvent,
  ConversationRecord,
  ConversationStore,
  IncomingMessage,
  RecordResult,
} from '../core/ports.js';
import type {
  Channel,
  Conversation,
  ConversationStatus,
  Customer,
  Identity,
  Message,
} from '../core/schemas.js';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file; created with its folder's permissions when missing. `":memory:"` for a throwaway one. */
  path: string;
  /** Makes ids; inject a counter in tests for stable ids. @default crypto.randomUUID with a kind prefix */
  generateId?: (kind: 'customer' | 'conversation') => string;
}

/**
 * The schema, one migration per version. A database records its version (`PRAGMA user_version`); opening it
 * applies the missing migrations in one transaction each, so an older file is upgraded in place and a newer one
 * is refused rather than misread.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE customers (
     id TEXT PRIMARY KEY,
     name TEXT,
     tier TEXT NOT NULL DEFAULT 'standard',
     created_at TEXT NOT NULL
   );
   CREATE TABLE identities (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     key TEXT NOT NULL UNIQUE,
     customer_id TEXT NOT NULL REFERENCES customers(id),
     kind TEXT NOT NULL,
     value TEXT NOT NULL
   );
   CREATE INDEX identities_customer ON identities(customer_id, seq);
   CREATE TABLE conversations (
     id TEXT PRIMARY KEY,
     customer_id TEXT NOT NULL REFERENCES customers(id),
     status TEXT NOT NULL,
     channels TEXT NOT NULL,
     started_at TEXT NOT NULL,
     last_message_at TEXT NOT NULL
   );
   CREATE INDEX conversations_customer ON conversations(customer_id);
   CREATE TABLE messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL,
     conversation_id TEXT NOT NULL REFERENCES conversations(id),
     customer_id TEXT NOT NULL,
     author TEXT NOT NULL,
     channel TEXT NOT NULL,
     text TEXT NOT NULL,
     received_at TEXT NOT NULL,
     metadata TEXT
   );
   CREATE INDEX messages_conversation ON messages(conversation_id, received_at, seq);
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     conversation_id TEXT NOT NULL REFERENCES conversations(id),
     type TEXT NOT NULL,
     at TEXT NOT NULL,
     data TEXT
   );
   CREATE INDEX events_conversation ON events(conversation_id, seq);`,
];

/**
 * A {@link ConversationStore} in a SQLite file (better-sqlite3): the embedded default that keeps conversations
 * across restarts. Write-ahead logging lets readers go on while a message is written; every `record`, `append`
 * and `appendEvent` is one transaction, committed before its promise resolves, so a process killed at any moment
 * loses no message it had acknowledged. Throws {@link KaikuError} when the file cannot be opened or is from a
 * newer kaiku.
 * @example
 * const engine = await createEngine({ store: createSqliteStore({ path: '.kaiku/conversations.db' }) });
 */
export function createSqliteStore(options: SqliteStoreOptions): ConversationStore {
  const generateId =
    options.generateId ?? ((kind) => `${kind === 'customer' ? 'cus' : 'conv'}_${randomUUID()}`);
  const db = open(options.path);
  migrate(db, options.path);

  const q = {
    identity: db.prepare<[string], { customer_id: string }>(
      'SELECT customer_id FROM identities WHERE key = ?',
    ),
    customer: db.prepare<[string], CustomerRow>('SELECT * FROM customers WHERE id = ?'),
    identitiesOf: db.prepare<[string], IdentityRow>(
      'SELECT kind, value FROM identities WHERE customer_id = ? ORDER BY seq',
    ),
    insertCustomer: db.prepare('INSERT INTO customers (id, name, tier, created_at) VALUES (?, ?, ?, ?)'),
    setName: db.prepare('UPDATE customers SET name = ? WHERE id = ? AND name IS NULL'),
    insertIdentity: db.prepare('INSERT INTO identities (key, customer_id, kind, value) VALUES (?, ?, ?, ?)'),
    moveIdentities: db.prepare('UPDATE identities SET customer_id = ? WHERE customer_id = ?'),
    moveConversations: db.prepare('UPDATE conversations SET customer_id = ? WHERE customer_id = ?'),
    moveMessages: db.prepare('UPDATE messages SET customer_id = ? WHERE customer_id = ?'),
    deleteCustomer: db.prepare('DELETE FROM customers WHERE id = ?'),
    conversation: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    latestOpen: db.prepare<[string], ConversationRow>(
      "SELECT * FROM conversations WHERE customer_id = ? AND status != 'resolved' ORDER BY last_message_at DESC LIMIT 1",
    ),
    insertConversation: db.prepare(
      'INSERT INTO conversations (id, customer_id, status, channels, started_at, last_message_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    touchConversation: db.prepare('UPDATE conversations SET channels = ?, last_message_at = ? WHERE id = ?'),
    setStatus: db.prepare('UPDATE conversations SET status = ? WHERE id = ?'),
    insertMessage: db.prepare(
      'INSERT INTO messages (id, conversation_id, customer_id, author, channel, text, received_at, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    messages: db.prepare<[string], MessageRow>(
      'SELECT * FROM messages WHERE conversation_id = ? ORDER BY received_at, seq',
    ),
    insertEvent: db.prepare('INSERT INTO events (conversation_id, type, at, data) VALUES (?, ?, ?, ?)'),
    events: db.prepare<[string], EventRow>('SELECT * FROM events WHERE conversation_id = ? ORDER BY seq'),
    inRange: db.prepare<[string, string], { id: string }>(
      'SELECT id FROM conversations WHERE started_at <= ? AND last_message_at >= ? ORDER BY started_at, id',
    ),
  };
  let closed = false;
  const ensureOpen = () => {
    if (closed)
      throw new KaikuError('configuration', 'The conversation store is closed.', {
        hint: 'Create a new store.',
      });
  };

  const customerById = (id: string): Customer => {
    const row = q.customer.get(id)!;
    return {
      id: row.id,
      ...(row.name !== null ? { name: row.name } : {}),
      identities: q.identitiesOf
        .all(id)
        .map((identity) => ({ kind: identity.kind, value: identity.value }) as Identity),
      tier: row.tier as Customer['tier'],
      createdAt: row.created_at,
    };
  };

  const recordNow = (message: IncomingMessage, joinWindowMs: number): RecordResult => {
    const identities = identitiesOf(message.customer, message.channel);
    const known = [
      ...new Set(
        identities
          .map((identity) => q.identity.get(identityKey(identity))?.customer_id)
          .filter((id): id is string => id !== undefined),
      ),
    ];
    const thread = message.conversationId ? q.conversation.get(message.conversationId) : undefined;
    let customerId: string;
    const mergedFrom: string[] = [];
    if (known.length === 0 && identities.length === 0 && thread) {
      customerId = thread.customer_id;
    } else if (known.length === 0) {
      customerId = generateId('customer');
      q.insertCustomer.run(customerId, null, 'standard', message.receivedAt);
    } else {
      // Several customers share this message's identities: they are one person. The oldest survives.
      const found = known
        .map((id) => q.customer.get(id)!)
        .sort((a, b) => a.created_at.localeCompare(b.created_at));
      customerId = found[0]!.id;
      for (const duplicate of found.slice(1)) {
        mergedFrom.push(duplicate.id);
        q.moveIdentities.run(customerId, duplicate.id);
        q.moveConversations.run(customerId, duplicate.id);
        q.moveMessages.run(customerId, duplicate.id);
        q.deleteCustomer.run(duplicate.id);
      }
    }
    for (const identity of identities) {
      const key = identityKey(identity);
      if (!q.identity.get(key)) q.insertIdentity.run(key, customerId, identity.kind, identity.value);
    }
    if (message.customer?.name) q.setName.run(message.customer.name, customerId);

    let row = thread;
    // An explicit thread id of another customer's conversation is not trusted.
    if (row && row.customer_id !== customerId && identities.length > 0) row = undefined;
    if (!row) {
      const latest = q.latestOpen.get(customerId);
      if (latest && Date.parse(message.receivedAt) - Date.parse(latest.last_message_at) <= joinWindowMs)
        row = latest;
    }
    const started = !row;
    let conversation: Conversation;
    if (!row) {
      const id =
        message.conversationId && !q.conversation.get(message.conversationId)
          ? message.conversationId
          : generateId('conversation');
      conversation = {
        id,
        customerId,
        status: 'open',
        channels: [message.channel],
        startedAt: message.receivedAt,
        lastMessageAt: message.receivedAt,
      };
      q.insertConversation.run(
        id,
        customerId,
        'open',
        JSON.stringify(conversation.channels),
        message.receivedAt,
        message.receivedAt,
      );
    } else {
      conversation = toConversation(row);
      if (!conversation.channels.includes(message.channel)) conversation.channels.push(message.channel);
      if (message.receivedAt > conversation.lastMessageAt) conversation.lastMessageAt = message.receivedAt;
      conversation.customerId = customerId;
      q.touchConversation.run(
        JSON.stringify(conversation.channels),
        conversation.lastMessageAt,
        conversation.id,
      );
    }
    const stored: Message = {
      id: message.id,
      conversationId: conversation.id,
      customerId,
      author: message.author,
      channel: message.channel,
      text: message.text,
      receivedAt: message.receivedAt,
      ...(message.metadata ? { metadata: message.metadata } : {}),
    };
    q.insertMessage.run(
      stored.id,
      stored.conversationId,
      customerId,
      stored.author,
      stored.channel,
      stored.text,
      stored.receivedAt,
      message.metadata ? JSON.stringify(message.metadata) : null,
    );
    if (mergedFrom.length > 0) {
      q.insertEvent.run(
        conversation.id,
        'customers_merged',
        message.receivedAt,
        JSON.stringify({ into: customerId, from: mergedFrom }),
      );
    }
    return {
      customer: customerById(customerId),
      conversation,
      message: stored,
      started,
      merged: mergedFrom.length > 0,
    };
  };

  // Group commit: writes that arrive together (concurrent requests) share one transaction, each in its own
  // savepoint so one that fails does not undo the others. Every promise resolves only after the commit, so an
  // acknowledged write is in the log even if the process is killed right after.
  const pending: {
    run: () => unknown;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  }[] = [];
  let scheduled = false;
  const savepoint = db.transaction((run: () => unknown) => run());
  const flush = () => {
    scheduled = false;
    if (pending.length === 0 || closed) return;
    const batch = pending.splice(0);
    if (batch.length === 1) {
      // Alone, a write needs no savepoint: its own transaction is all or nothing.
      const op = batch[0]!;
      let value: unknown;
      try {
        value = savepoint(op.run);
      } catch (error) {
        op.reject(error);
        return;
      }
      op.resolve(value);
      return;
    }
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(() => {
        for (const op of batch) {
          try {
            results.push({ ok: true, value: savepoint(op.run) });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      for (const op of batch) op.reject(error);
      return;
    }
    batch.forEach((op, i) => {
      const result = results[i]!;
      if (result.ok) op.resolve(result.value);
      else op.reject(result.error);
    });
  };
  const write = <T>(run: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      ensureOpen();
      pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });

  const notFound = (conversationId: string, hint: string) =>
    new KaikuError('not_found', `No conversation "${conversationId}" to append to.`, { hint });

  return {
    id: 'sqlite',
    record(message, { joinWindowMs }) {
      return write(() => recordNow(message, joinWindowMs));
    },
    append(message) {
      return write(() => {
        const row = q.conversation.get(message.conversationId);
        if (!row) throw notFound(message.conversationId, 'Record a customer message first.');
        q.insertMessage.run(
          message.id,
          message.conversationId,
          row.customer_id,
          message.author,
          message.channel,
          message.text,
          message.receivedAt,
          message.metadata ? JSON.stringify(message.metadata) : null,
        );
        if (message.receivedAt > row.last_message_at)
          q.touchConversation.run(row.channels, message.receivedAt, row.id);
        return { ...message, customerId: row.customer_id };
      });
    },
    async get(conversationId) {
      ensureOpen();
      const row = q.conversation.get(conversationId);
      if (!row) return undefined;
      const record: ConversationRecord = {
        conversation: toConversation(row),
        customer: customerById(row.customer_id),
        messages: q.messages.all(conversationId).map(toMessage),
        events: q.events.all(conversationId).map(toEvent),
      };
      return record;
    },
    appendEvent(event) {
      return write(() => {
        if (!q.conversation.get(event.conversationId))
          throw new KaikuError(
            'not_found',
            `No conversation "${event.conversationId}" to add a "${event.type}" event to.`,
            { hint: 'Record a message first.' },
          );
        q.insertEvent.run(
          event.conversationId,
          event.type,
          event.at,
          event.data ? JSON.stringify(event.data) : null,
        );
      });
    },
    setStatus(conversationId: string, status: ConversationStatus) {
      return write(() => {
        if (q.setStatus.run(status, conversationId).changes === 0)
          throw new KaikuError('not_found', `No conversation "${conversationId}".`, {
            hint: 'Check the id returned by engine.handle().',
          });
      });
    },
    async list(range = {}) {
      ensureOpen();
      // ISO times compare as text; the bounds cover every time when a side is open.
      const ids = q.inRange.all(range.to ?? '9999', range.from ?? '0000');
      const records: ConversationRecord[] = [];
      for (const { id } of ids) records.push((await this.get(id))!);
      return records;
    },
    async close() {
      if (closed) return;
      // Writes already accepted are committed before the file closes.
      flush();
      closed = true;
      db.close();
    },
  };
}

interface CustomerRow {
  id: string;
  name: string | null;
  tier: string;
  created_at: string;
}
interface IdentityRow {
  kind: string;
  value: string;
}
interface ConversationRow {
  id: string;
  customer_id: string;
  status: string;
  channels: string;
  started_at: string;
  last_message_at: string;
}
interface MessageRow {
  id: string;
  conversation_id: string;
  customer_id: string;
  author: string;
  channel: string;
  text: string;
  received_at: string;
  metadata: string | null;
}
interface EventRow {
  conversation_id: string;
  type: string;
  at: string;
  data: string | null;
}

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status as ConversationStatus,
    channels: JSON.parse(row.channels) as Channel[],
    startedAt: row.started_at,
    lastMessageAt: row.last_message_at,
  };
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    customerId: row.customer_id,
    author: row.author as Message['author'],
    channel: row.channel as Channel,
    text: row.text,
    receivedAt: row.received_at,
    ...(row.metadata !== null ? { metadata: JSON.parse(row.metadata) as Record<string, unknown> } : {}),
  };
}

function toEvent(row: EventRow): ConversationEvent {
  return {
    conversationId: row.conversation_id,
    type: row.type,
    at: row.at,
    ...(row.data !== null ? { data: JSON.parse(row.data) as Record<string, unknown> } : {}),
  } as ConversationEvent;
}

// better-sqlite3 is loaded when a store is created, not when kaiku is imported: a user of the memory store
// never needs its native build.
function open(path: string): BetterSqlite3.Database {
  let Database: typeof BetterSqlite3;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (error) {
    throw new KaikuError(
      'configuration',
      'The SQLite store needs the better-sqlite3 package, which could not be loaded.',
      {
        cause: error,
        hint: 'Run npm install (with npm_config_nodedir=/usr where Node headers cannot be downloaded).',
      },
    );
  }
  try {
    const db = new Database(path);
    // WAL: readers never wait for the writer; NORMAL: a commit is in the log before it returns, and the log
    // survives a killed process (only a power cut can lose the last commits).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Checkpoint the log into the database every ~40 MB instead of every 4 MB: a third more writes a second.
    db.pragma('wal_autocheckpoint = 10000');
    return db;
  } catch (error) {
    throw new KaikuError('configuration', `Cannot open the SQLite database "${path}".`, {
      cause: error,
      hint: 'Check that the folder exists and is writable, and that the file is a kaiku database.',
    });
  }
}

function migrate(db: BetterSqlite3.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new KaikuError(
      'configuration',
      `The database "${path}" is at schema version ${version}; this kaiku knows up to ${MIGRATIONS.length}.`,
      { hint: 'Upgrade kaiku, or open a copy made by this version.' },
    );
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next]!);
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}
