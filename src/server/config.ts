import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { readConfigFile } from '../core/config-file.js';
import { ConfigurationError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import { createEngine } from '../engine.js';
import { SAMPLE_INTENTS_FILE, SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { createSqliteStore } from '../store/sqlite.js';
import type { ServerLimits, ServerTenant } from './server.js';

const TenantConfigSchema = z
  .object({
    id: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, ".", "_" or "-"'),
    /** Keys as they are, or `env:NAME` to read one from the environment. */
    keys: z.array(z.string().min(1)).min(1),
    knowledge: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    intents: z.string().min(1).optional(),
    /** A SQLite file for the conversations; without one they live in memory and end with the process. */
    store: z.string().min(1).optional(),
    default_language: z.enum(['fi', 'en']).optional(),
    time_zone: z.string().optional(),
  })
  .strict();

/** The `kaiku serve --config` file (YAML or JSON). Paths are relative to it. */
export const ServeConfigSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(8787),
    host: z.string().min(1).default('127.0.0.1'),
    log: z.boolean().default(true),
    limits: z
      .object({
        body_bytes: z.number().int().positive().optional(),
        requests_per_minute: z.number().int().positive().optional(),
        max_in_flight: z.number().int().positive().optional(),
        /** 0 turns event-loop shedding off. */
        max_event_loop_delay_ms: z.number().int().min(0).optional(),
        timeout_ms: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    tenants: z.array(TenantConfigSchema).min(1),
  })
  .strict();
export type ServeConfig = z.infer<typeof ServeConfigSchema>;

/** What `kaiku serve` runs: the tenants with their engines, limits and where to listen. */
export interface ServePlan {
  port: number;
  host: string;
  log: boolean;
  limits: ServerLimits;
  tenants: ServerTenant[];
  /** A key made up for this run (no config and no KAIKU_API_KEY), to print once. */
  generatedKey?: string;
}

/**
 * Reads a serve configuration and builds every tenant's engine. Without a file, one tenant "default" runs on
 * the sample shop, with its conversations in memory, and the key in KAIKU_API_KEY or a new random one.
 */
export async function loadServePlan(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServePlan> {
  if (path === undefined) {
    const given = env['KAIKU_API_KEY'];
    const key = given && given.length > 0 ? given : randomBytes(24).toString('hex');
    const engine = await createEngine({ knowledge: SAMPLE_KNOWLEDGE_DIR, intents: SAMPLE_INTENTS_FILE });
    return {
      port: 8787,
      host: '127.0.0.1',
      log: true,
      limits: {},
      tenants: [{ id: 'default', keys: [key], engine }],
      ...(given ? {} : { generatedKey: key }),
    };
  }
  const raw = await readConfigFile(
    path,
    'serve configuration',
    'Check the path of the serve configuration (--config).',
  );
  const config = parseInput(
    ServeConfigSchema,
    raw,
    `serve configuration "${path}"`,
    'See "HTTP API" in the README.',
  );
  const base = dirname(resolve(path));
  const at = (relative: string) => (isAbsolute(relative) ? relative : resolve(base, relative));
  const tenants: ServerTenant[] = [];
  try {
    for (const tenant of config.tenants) {
      const keys = tenant.keys.map((key) => {
        if (!key.startsWith('env:')) return key;
        const value = env[key.slice(4)];
        if (!value)
          throw new ConfigurationError(
            `Tenant "${tenant.id}" reads its key from ${key.slice(4)}, which is not set.`,
          );
        return value;
      });
      const engine = await createEngine({
        ...(tenant.knowledge !== undefined
          ? {
              knowledge:
                typeof tenant.knowledge === 'string' ? at(tenant.knowledge) : tenant.knowledge.map(at),
            }
          : {}),
        ...(tenant.intents !== undefined ? { intents: at(tenant.intents) } : {}),
        ...(tenant.store !== undefined ? { store: createSqliteStore({ path: at(tenant.store) }) } : {}),
        ...(tenant.default_language ? { defaultLanguage: tenant.default_language } : {}),
        ...(tenant.time_zone ? { timeZone: tenant.time_zone } : {}),
      });
      // An index folder keeps the changes made through the API; documents are re-read at each start instead.
      const knowledgeDir = typeof tenant.knowledge === 'string' ? at(tenant.knowledge) : undefined;
      const saveKnowledgeTo =
        knowledgeDir &&
        (await access(join(knowledgeDir, 'index.json')).then(
          () => true,
          () => false,
        ))
          ? knowledgeDir
          : undefined;
      tenants.push({ id: tenant.id, keys, engine, ...(saveKnowledgeTo ? { saveKnowledgeTo } : {}) });
    }
  } catch (error) {
    await Promise.all(tenants.map((tenant) => tenant.engine.close()));
    throw error;
  }
  const limits = config.limits;
  return {
    port: config.port,
    host: config.host,
    log: config.log,
    limits: {
      ...(limits.body_bytes ? { bodyBytes: limits.body_bytes } : {}),
      ...(limits.requests_per_minute ? { requestsPerMinute: limits.requests_per_minute } : {}),
      ...(limits.max_in_flight ? { maxInFlight: limits.max_in_flight } : {}),
      ...(limits.max_event_loop_delay_ms !== undefined
        ? { maxEventLoopDelayMs: limits.max_event_loop_delay_ms }
        : {}),
      ...(limits.timeout_ms ? { timeoutMs: limits.timeout_ms } : {}),
    },
    tenants,
  };
}
