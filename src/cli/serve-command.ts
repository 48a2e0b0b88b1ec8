import { kaikuVersion } from '../version.js';
import { loadServePlan } from '../server/config.js';
import { createServer } from '../server/server.js';
import type { Io } from './main.js';

type Values = Record<string, string | boolean | undefined>;

const EXIT_USAGE = 2;

/**
 * `kaiku serve [--port] [--host] [--config]`: the HTTP API and agent console, until SIGINT or SIGTERM, which
 * finish the requests in flight, close the stores and exit 0.
 */
export async function runServe(values: Values, io: Io): Promise<number> {
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    io.err(`kaiku serve: "--port" must be an integer from 0 to 65535; received "${String(values.port)}".`);
    return EXIT_USAGE;
  }
  const plan = await loadServePlan(typeof values.config === 'string' ? values.config : undefined);
  const server = await createServer({
    tenants: plan.tenants,
    limits: plan.limits,
    logger: plan.log && !values.quiet,
    version: kaikuVersion(),
  });
  const host = typeof values.host === 'string' ? values.host : plan.host;
  const url = await server.listen({ port: port ?? plan.port, host });
  io.err(
    `kaiku serve: listening on ${url} (${plan.tenants.length} tenant${plan.tenants.length > 1 ? 's' : ''}); API at ${url}/v1, OpenAPI at ${url}/openapi.json`,
  );
  if (plan.generatedKey) {
    io.err(`kaiku serve: API key for this run (set KAIKU_API_KEY to choose one): ${plan.generatedKey}`);
    io.err(`kaiku serve: agent console: ${url}/#key=${plan.generatedKey}`);
  } else io.err(`kaiku serve: agent console: ${url}/ (give it an API key)`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.err('kaiku serve: shutting down; finishing requests in flight');
  await server.close();
  await Promise.all(plan.tenants.map((tenant) => tenant.engine.close()));
  io.err('kaiku serve: stopped');
  return 0;
}
