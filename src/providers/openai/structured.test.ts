import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError } from '../../core/errors.js';
import { strictJsonSchema } from './structured.js';

describe('strictJsonSchema', () => {
  it('requires every field, closes every object and drops default and $schema', async () => {
    const schema = z.object({
      intent: z.string().describe('The intent id'),
      priority: z.enum(['low', 'high']).default('low'),
      note: z.string().nullable().optional(),
      facts: z.array(z.object({ key: z.string(), value: z.string() })).max(5),
      target: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('queue'), queue: z.string() }),
        z.object({ kind: z.literal('agent'), agentId: z.string() }),
      ]),
    });

    expect(await strictJsonSchema(schema, 'x')).toEqual({
      type: 'object',
      properties: {
        intent: { type: 'string', description: 'The intent id' },
        priority: { type: 'string', enum: ['low', 'high'] },
        note: { type: ['string', 'null'] },
        facts: {
          type: 'array',
          maxItems: 5,
          items: {
            type: 'object',
            properties: { key: { type: 'string' }, value: { type: 'string' } },
            required: ['key', 'value'],
            additionalProperties: false,
          },
        },
        target: {
          anyOf: [
            {
              type: 'object',
              properties: { kind: { type: 'string', const: 'queue' }, queue: { type: 'string' } },
              required: ['kind', 'queue'],
              additionalProperties: false,
            },
            {
              type: 'object',
              properties: { kind: { type: 'string', const: 'agent' }, agentId: { type: 'string' } },
              required: ['kind', 'agentId'],
              additionalProperties: false,
            },
          ],
        },
      },
      required: ['intent', 'priority', 'note', 'facts', 'target'],
      additionalProperties: false,
    });
  });

  it('keeps a property named "default"', async () => {
    const schema = z.object({ default: z.boolean() });
    expect(await strictJsonSchema(schema, 'x')).toMatchObject({
      properties: { default: { type: 'boolean' } },
      required: ['default'],
    });
  });

  it('returns the same object for the same schema', async () => {
    const schema = z.object({ a: z.string() });
    expect(await strictJsonSchema(schema, 'x')).toBe(await strictJsonSchema(schema, 'x'));
  });

  it.each<[string, z.ZodType, RegExp]>([
    [
      'an optional field',
      z.object({ a: z.string().optional() }),
      /uses `\.optional\(\)` without `\.nullable\(\)`/,
    ],
    ['a record', z.object({ a: z.record(z.string(), z.number()) }), /additionalProperties: false/],
    ['a non-object root', z.string(), /Root schema must have type: 'object'/],
    ['a transform', z.object({ a: z.string().transform(Number) }), /Transforms cannot be represented/],
  ])('rejects %s with a ConfigurationError and a fix', async (_label, schema, message) => {
    const error = await strictJsonSchema(schema, 'bad').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('write optional fields as .nullable()');
  });
});
