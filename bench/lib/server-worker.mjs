// Child process of the server suite: runs kaiku's HTTP API on loopback, so the load generator in the parent does not
// share an event loop with it. Started with `fork(this file, [JSON config])`; config is
// { apiKey, maxInFlight, maxEventLoopDelayMs, requestsPerMinute }.
// Protocol over IPC: the worker posts { type: 'ready', url } once it listens on a free port. To { type: 'count' } it
// answers { type: 'count', customerMessages, conversations, rssMB }; to { type: 'check', ids } (message ids the
// server answered 200 for) { type: 'check', found }, how many of them the store holds as customer messages; to
// { type: 'close' } it closes the server and the engine, answers { type: 'closed' } and exits.
import { createEngine, createServer, SAMPLE_INTENTS_FILE, SAMPLE_KNOWLEDGE_DIR } from '../../dist/index.js';

const config = JSON.parse(process.argv[2]);
const engine = await createEngine({ knowledge: SAMPLE_KNOWLEDGE_DIR, intents: SAMPLE_INTENTS_FILE });
const server = await createServer(engine, {
  apiKeys: [config.apiKey],
  limits: {
    requestsPerMinute: config.requestsPerMinute,
    maxInFlight: config.maxInFlight,
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
  },
  logger: false,
});
const url = await server.listen({ port: 0, host: '127.0.0.1' });

const customerMessages = (records) =>
  records.flatMap((record) => record.messages.filter((message) => message.author === 'customer'));

process.on('message', async (message) => {
  if (message?.type === 'count') {
    const records = await engine.store.list();
    process.send({
      type: 'count',
      customerMessages: customerMessages(records).length,
      conversations: records.length,
      rssMB: Math.round(process.memoryUsage().rss / (1024 * 1024)),
    });
  } else if (message?.type === 'check') {
    const stored = new Set(customerMessages(await engine.store.list()).map((item) => item.id));
    process.send({ type: 'check', found: message.ids.filter((id) => stored.has(id)).length });
  } else if (message?.type === 'close') {
    await server.close();
    await engine.close();
    process.send({ type: 'closed' }, () => process.exit(0));
  }
});
// The parent went away without saying 'close': do not outlive it.
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url });
