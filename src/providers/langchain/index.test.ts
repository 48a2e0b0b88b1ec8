import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import { FakeListChatModel, SyntheticEmbeddings } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError, ModelOutputError } from '../../core/errors.js';
import type { Language } from '../../core/schemas.js';
import type { RetrievalHit, Retriever } from '../../core/ports.js';
import {
  createLangChainRetriever,
  fromLangChainChatModel,
  fromLangChainEmbeddings,
  importLangChain,
  type LangChainChatModelLike,
} from './index.js';

/** A LangChain-shaped embeddings object: each text becomes [length, first char code], and calls are logged. */
function fakeEmbeddings() {
  const calls: string[][] = [];
  return {
    calls,
    model: 'fake-embed-v1',
    async embedDocuments(texts: string[]): Promise<number[][]> {
      calls.push(texts);
      return texts.map((text) => [text.length, text.charCodeAt(0)]);
    },
  };
}

describe('fromLangChainEmbeddings', () => {
  it('returns Float32Array vectors in input order and learns the size from the first call', async () => {
    const embeddings = fakeEmbeddings();
    const embedder = fromLangChainEmbeddings(embeddings);
    expect(embedder).toMatchObject({
      id: 'langchain/embeddings/fake-embed-v1',
      dimensions: 0,
      maxBatchSize: 512,
    });

    const { vectors } = await embedder.embed(['Hei', 'Moikka!']);

    expect(vectors).toEqual([Float32Array.from([3, 72]), Float32Array.from([7, 77])]);
    expect(embedder.dimensions).toBe(2);
  });

  it('takes id and dimensions as given, and splits inputs larger than maxBatchSize', async () => {
    const embeddings = fakeEmbeddings();
    const embedder = fromLangChainEmbeddings(embeddings, {
      id: 'langchain/fake',
      dimensions: 2,
      maxBatchSize: 2,
    });
    expect(embedder).toMatchObject({ id: 'langchain/fake', dimensions: 2 });

    const { vectors } = await embedder.embed(['a', 'bb', 'ccc', 'dddd', 'eeeee']);

    expect(embeddings.calls).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    expect(vectors.map((vector) => vector[0])).toEqual([1, 2, 3, 4, 5]);
  });

  it('wraps a real LangChain Embeddings class', async () => {
    const embedder = fromLangChainEmbeddings(new SyntheticEmbeddings({ vectorSize: 8 }));

    const { vectors } = await embedder.embed(['Miten palautan tuotteen?']);

    expect(embedder.id).toBe('langchain/SyntheticEmbeddings');
    expect(embedder.dimensions).toBe(8);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
  });

  it('rejects vectors of the wrong size or count', async () => {
    const sized = fromLangChainEmbeddings(fakeEmbeddings(), { dimensions: 3 });
    await expect(sized.embed(['x'])).rejects.toThrow(
      /returned 2-dimensional vectors; expected 3\. Pass \{ dimensions: 2 \}/,
    );

    const short = fromLangChainEmbeddings({ embedDocuments: async () => [[1, 2]] });
    await expect(short.embed(['x', 'y'])).rejects.toBeInstanceOf(ModelOutputError);

    const broken = fromLangChainEmbeddings({ embedDocuments: async () => [[1, Number.NaN]] });
    await expect(broken.embed(['x'])).rejects.toThrow(/not a non-empty list of numbers/);
  });

  it("rejects with the caller's abort reason without waiting for LangChain", async () => {
    const embedder = fromLangChainEmbeddings({ embedDocuments: () => new Promise<number[][]>(() => {}) });
    const controller = new AbortController();

    const pending = embedder.embed(['x'], { signal: controller.signal });
    controller.abort('stop');

    await expect(pending).rejects.toBe('stop');
  });

  it('needs an object with embedDocuments', () => {
    expect(() => fromLangChainEmbeddings({} as never)).toThrow(ConfigurationError);
  });
});

const HITS: RetrievalHit[] = [
  {
    chunkId: 'returns#1',
    docId: 'returns',
    lang: 'fi',
    title: 'Palautukset',
    heading: 'Miten palautan tuotteen?',
    text: 'Voit palauttaa tuotteen 30 päivän kuluessa.',
    url: 'https://example.com/palautukset',
    score: 0.91,
  },
  {
    chunkId: 'shipping#2',
    docId: 'shipping',
    lang: 'en',
    title: 'Shipping',
    heading: 'Delivery times',
    text: 'Parcels arrive in 2 to 4 working days.',
    score: 0.42,
  },
];

/** A kaiku Retriever that records what it was asked. */
function fakeRetriever() {
  const calls: {
    query: string;
    options: { k?: number; lang?: Language; signal?: AbortSignal } | undefined;
  }[] = [];
  const retriever: Retriever = {
    async retrieve(query, options) {
      calls.push({ query, options });
      return { hits: HITS };
    },
  };
  return { retriever, calls };
}

describe('createLangChainRetriever', () => {
  it('is a LangChain BaseRetriever whose Documents carry the passage and its metadata', async () => {
    const { retriever, calls } = fakeRetriever();
    const langChainRetriever = await createLangChainRetriever(retriever);

    const documents = await langChainRetriever.invoke('palautus');

    expect(langChainRetriever).toBeInstanceOf(BaseRetriever);
    expect(documents.every((document) => document instanceof Document)).toBe(true);
    expect(documents.map(({ pageContent, metadata, id }) => ({ pageContent, metadata, id }))).toEqual([
      {
        pageContent: 'Voit palauttaa tuotteen 30 päivän kuluessa.',
        id: 'returns#1',
        metadata: {
          chunkId: 'returns#1',
          docId: 'returns',
          lang: 'fi',
          title: 'Palautukset',
          heading: 'Miten palautan tuotteen?',
          url: 'https://example.com/palautukset',
          score: 0.91,
        },
      },
      {
        pageContent: 'Parcels arrive in 2 to 4 working days.',
        id: 'shipping#2',
        metadata: {
          chunkId: 'shipping#2',
          docId: 'shipping',
          lang: 'en',
          title: 'Shipping',
          heading: 'Delivery times',
          score: 0.42,
        },
      },
    ]);
    expect(calls).toEqual([{ query: 'palautus', options: {} }]);
  });

  it('passes k, lang and the call signal to the kaiku retriever', async () => {
    const { retriever, calls } = fakeRetriever();
    const langChainRetriever = await createLangChainRetriever(retriever, { k: 2, lang: 'fi', tags: ['kb'] });
    const controller = new AbortController();

    await langChainRetriever.invoke('palautus', { signal: controller.signal });

    expect(calls[0]?.options).toEqual({ k: 2, lang: 'fi', signal: controller.signal });
    expect(langChainRetriever.tags).toEqual(['kb']);
  });

  it('works inside a LangChain chain', async () => {
    const { retriever } = fakeRetriever();
    const chain = (await createLangChainRetriever(retriever)).pipe((documents) =>
      documents.map((document) => document.metadata.docId),
    );

    await expect(chain.invoke('toimitus')).resolves.toEqual(['returns', 'shipping']);
  });

  it('needs a kaiku Retriever', async () => {
    await expect(createLangChainRetriever({} as Retriever)).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('importLangChain', () => {
  it('names the install command when @langchain/core is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@langchain/core'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });

    const error = await importLangChain(() => Promise.reject(missing)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('Run `npm install @langchain/core`.');
    expect((error as Error).cause).toBe(missing);
  });

  it('lets other errors through', async () => {
    const other = new TypeError('boom');
    await expect(importLangChain(() => Promise.reject(other))).rejects.toBe(other);
  });
});

describe('fromLangChainChatModel', () => {
  const messages = [
    { role: 'system' as const, content: 'Vastaa lyhyesti.' },
    { role: 'user' as const, content: 'Hei!' },
  ];

  it('answers with a real LangChain chat model', async () => {
    const model = fromLangChainChatModel(new FakeListChatModel({ responses: ['Hei, miten voin auttaa?'] }), {
      id: 'langchain/fake',
    });

    const response = await model.generate({ messages });

    expect(model.id).toBe('langchain/fake');
    expect(response.text).toBe('Hei, miten voin auttaa?');
  });

  /** A LangChain-shaped chat model whose structured output is scripted. */
  function structuredModel(parsed: unknown, rawContent: string): LangChainChatModelLike {
    const raw = { content: rawContent, usage_metadata: { input_tokens: 9, output_tokens: 4 } };
    return {
      invoke: async () => raw,
      withStructuredOutput: () => ({ invoke: async () => ({ raw, parsed }) }),
    };
  }
  const Schema = z.object({ intent: z.enum(['returns', 'other']) });

  it('validates structured output with the schema', async () => {
    const model = fromLangChainChatModel(structuredModel({ intent: 'returns' }, '{"intent":"returns"}'));

    await expect(model.generate({ messages, schema: Schema })).resolves.toEqual({
      text: '{"intent":"returns"}',
      parsed: { intent: 'returns' },
      usage: { inputTokens: 9, outputTokens: 4 },
    });
  });

  it('throws ModelOutputError with the raw text for output that fails the schema', async () => {
    const model = fromLangChainChatModel(structuredModel(null, 'not json'));

    await expect(model.generate({ messages, schema: Schema })).rejects.toMatchObject({
      name: 'ModelOutputError',
      rawText: 'not json',
    });
    const wrong = fromLangChainChatModel(structuredModel({ intent: 'refund' }, '{"intent":"refund"}'));
    await expect(wrong.generate({ messages, schema: Schema })).rejects.toBeInstanceOf(ModelOutputError);
  });

  it('explains when the model cannot do structured output', async () => {
    const model = fromLangChainChatModel({ invoke: async () => ({ content: '' }) });
    await expect(model.generate({ messages, schema: Schema })).rejects.toThrow(/has no withStructuredOutput/);
  });
});
