import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VectorIndex } from '../core/ports.js';
import { createHnswVectorIndex, loadHnswVectorIndex } from '../providers/local/hnsw.js';
import { createMemoryVectorIndex, loadMemoryVectorIndex } from './memory-vector-index.js';

type Saveable = VectorIndex & { save(dir: string): Promise<void> };

// Every VectorIndex adapter runs this one contract suite.
const adapters: [
  string,
  (dimensions: number) => Promise<Saveable>,
  (dir: string, dimensions: number) => Promise<VectorIndex>,
][] = [
  [
    'memory',
    async (dimensions) => createMemoryVectorIndex(dimensions),
    (dir, dimensions) => loadMemoryVectorIndex(dir, dimensions),
  ],
  [
    'hnsw',
    (dimensions) => createHnswVectorIndex({ dimensions, capacity: 4 }),
    (dir, dimensions) => loadHnswVectorIndex(dir, { dimensions }),
  ],
];

const unit = (...values: number[]) => Float32Array.from(values);

describe.each(adapters)('VectorIndex contract: %s', (_name, create, load) => {
  it('finds nearest vectors by cosine, best first, with scores in [-1, 1]', async () => {
    const index = await create(3);
    await index.upsert([
      { id: 'x', vector: unit(1, 0, 0) },
      { id: 'y', vector: unit(0, 1, 0) },
      { id: 'xy', vector: unit(1, 1, 0) },
    ]);
    const { hits } = await index.search(unit(2, 0.1, 0), { k: 2 });
    expect(hits.map((hit) => hit.id)).toEqual(['x', 'xy']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[0]!.score).toBeLessThanOrEqual(1.0001);
    expect(index.size).toBe(3);
  });

  it('replaces an existing id, removes ids, grows past its capacity', async () => {
    const index = await create(2);
    await index.upsert([{ id: 'a', vector: unit(1, 0) }]);
    await index.upsert([{ id: 'a', vector: unit(0, 1) }]);
    expect(index.size).toBe(1);
    expect((await index.search(unit(0, 1), { k: 1 })).hits[0]).toMatchObject({ id: 'a' });
    const many = Array.from({ length: 20 }, (_, i) => ({
      id: `v${i}`,
      vector: unit(Math.cos(i), Math.sin(i)),
    }));
    await index.upsert(many);
    expect(index.size).toBe(21);
    await index.remove(['a', 'v3', 'missing']);
    expect(index.size).toBe(19);
    const ids = (await index.search(unit(0, 1), { k: 30 })).hits.map((hit) => hit.id);
    expect(ids).not.toContain('a');
    expect(ids).not.toContain('v3');
    expect(ids).toHaveLength(19);
  });

  it('returns nothing from an empty index and rejects wrong dimensions', async () => {
    const index = await create(2);
    expect((await index.search(unit(1, 0), { k: 5 })).hits).toEqual([]);
    await expect(index.upsert([{ id: 'bad', vector: unit(1, 0, 0) }])).rejects.toThrow(/expects 2/);
  });

  it('saves and loads the same results', async () => {
    const index = await create(3);
    await index.upsert(Array.from({ length: 10 }, (_, i) => ({ id: `p${i}`, vector: unit(i, 10 - i, 1) })));
    await index.remove(['p4']);
    const dir = await mkdtemp(join(tmpdir(), 'kaiku-vectors-'));
    await index.save(dir);
    const loaded = await load(dir, 3);
    const query = unit(3, 7, 1);
    expect((await loaded.search(query, { k: 5 })).hits.map((hit) => hit.id)).toEqual(
      (await index.search(query, { k: 5 })).hits.map((hit) => hit.id),
    );
    expect(loaded.size).toBe(9);
  });
});
