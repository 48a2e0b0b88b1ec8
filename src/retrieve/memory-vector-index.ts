import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, KaikuError } from '../core/errors.js';
import type { VectorIndex, VectorRecord } from '../core/ports.js';

/** An in-memory vector index that can be saved to a folder. */
export interface MemoryVectorIndex extends VectorIndex {
  save(dir: string): Promise<void>;
}

/**
 * An exact (brute-force) cosine {@link VectorIndex} in memory: every query scans every vector. Right for tests
 * and knowledge bases of a few thousand passages; use the HNSW index beyond that.
 */
export function createMemoryVectorIndex(
  dimensions: number,
  restored?: { ids: string[]; data: Float32Array },
): MemoryVectorIndex {
  const ids: string[] = restored?.ids ?? [];
  const rows = new Map<string, number>(ids.map((id, row) => [id, row]));
  let data = restored?.data ?? new Float32Array(dimensions * 64);
  return {
    async save(dir) {
      await writeFile(join(dir, 'vectors.json'), JSON.stringify({ dimensions, ids }));
      await writeFile(
        join(dir, 'vectors.bin'),
        Buffer.from(data.buffer, data.byteOffset, ids.length * dimensions * 4),
      );
    },
    dimensions,
    get size() {
      return rows.size;
    },
    async upsert(records: readonly VectorRecord[]) {
      for (const { id, vector } of records) {
        if (vector.length !== dimensions) throw wrongLength(vector.length, dimensions);
        let row = rows.get(id);
        if (row === undefined) {
          row = ids.length;
          ids.push(id);
          rows.set(id, row);
          if ((row + 1) * dimensions > data.length) {
            const grown = new Float32Array(data.length * 2);
            grown.set(data);
            data = grown;
          }
        }
        writeUnit(vector, data, row * dimensions);
      }
    },
    async remove(removed) {
      for (const id of removed) {
        const row = rows.get(id);
        if (row === undefined) continue;
        // Move the last row into the hole so the data stays dense.
        const last = ids.length - 1;
        if (row !== last) {
          data.copyWithin(row * dimensions, last * dimensions, (last + 1) * dimensions);
          ids[row] = ids[last]!;
          rows.set(ids[row]!, row);
        }
        ids.pop();
        rows.delete(id);
      }
    },
    async search(vector, { k }) {
      if (vector.length !== dimensions) throw wrongLength(vector.length, dimensions);
      const query = new Float32Array(dimensions);
      writeUnit(vector, query, 0);
      const count = ids.length;
      const scores = new Float32Array(count);
      for (let row = 0; row < count; row++) {
        let dot = 0;
        const offset = row * dimensions;
        for (let i = 0; i < dimensions; i++) dot += data[offset + i]! * query[i]!;
        scores[row] = dot;
      }
      const order = Array.from({ length: count }, (_, row) => row)
        .sort((a, b) => scores[b]! - scores[a]!)
        .slice(0, k);
      return { hits: order.map((row) => ({ id: ids[row]!, score: scores[row]! })) };
    },
  };
}

function writeUnit(vector: Float32Array, target: Float32Array, offset: number): void {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  const factor = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < vector.length; i++) target[offset + i] = vector[i]! * factor;
}

function wrongLength(received: number, expected: number): InvalidInputError {
  return new InvalidInputError(
    `Vector has ${received} dimensions; the index expects ${expected}.`,
    [{ path: ['vector'], message: 'wrong length' }],
    {
      hint: 'Use the same embedder for indexing and querying.',
    },
  );
}

/** Loads an index saved with `save(dir)`. */
export async function loadMemoryVectorIndex(dir: string, dimensions: number): Promise<MemoryVectorIndex> {
  try {
    const meta = JSON.parse(await readFile(join(dir, 'vectors.json'), 'utf8')) as {
      dimensions: number;
      ids: string[];
    };
    const buffer = await readFile(join(dir, 'vectors.bin'));
    if (meta.dimensions !== dimensions || buffer.length !== meta.ids.length * dimensions * 4)
      throw new Error('size mismatch');
    const data = new Float32Array(Math.max(dimensions * 64, meta.ids.length * dimensions * 2));
    data.set(new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length)));
    return createMemoryVectorIndex(dimensions, { ids: meta.ids, data });
  } catch (error) {
    throw new KaikuError('knowledge_base', `Cannot read the vectors in "${dir}".`, {
      cause: error,
      hint: 'Rebuild the index with "kaiku index".',
    });
  }
}
