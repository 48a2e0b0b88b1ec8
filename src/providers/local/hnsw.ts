import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError, InvalidInputError, KaikuError } from '../../core/errors.js';
import type { VectorIndex } from '../../core/ports.js';

/** Options of {@link createHnswVectorIndex}. */
export interface HnswOptions {
  dimensions: number;
  /** Graph degree: higher is more accurate and uses more memory. @default 8 */
  m?: number;
  /** Candidate list size while building. @default 32 */
  efConstruction?: number;
  /** Candidate list size while searching; raised to k when smaller. @default 64 */
  efSearch?: number;
  /** Initial capacity; the index grows by doubling. @default 1024 */
  capacity?: number;
}

/** An HNSW index that can also be saved to a folder. */
export interface HnswVectorIndex extends VectorIndex {
  save(dir: string): Promise<void>;
}

interface HnswNative {
  initIndex(
    maxElements: number,
    m?: number,
    efConstruction?: number,
    randomSeed?: number,
    allowReplaceDeleted?: boolean,
  ): void;
  readIndexSync(path: string, allowReplaceDeleted?: boolean): void;
  writeIndexSync(path: string): void;
  resizeIndex(newMaxElements: number): void;
  addPoint(point: number[], label: number, replaceDeleted?: boolean): void;
  markDelete(label: number): void;
  searchKnn(point: number[], k: number): { distances: number[]; neighbors: number[] };
  setEf(ef: number): void;
  getMaxElements(): number;
  getCurrentCount(): number;
}

type HnswModule = { HierarchicalNSW: new (space: 'cosine', dimensions: number) => HnswNative };

async function loadNative(): Promise<HnswModule> {
  try {
    const module = (await import('hnswlib-node')) as unknown as HnswModule & { default?: HnswModule };
    return module.default ?? module;
  } catch (error) {
    throw new ConfigurationError(
      'The HNSW vector index needs the native package hnswlib-node, which is not installed or did not build.',
      {
        cause: error,
        hint: 'Run "npm_config_nodedir=/usr npm install hnswlib-node", or use the in-memory vector index.',
      },
    );
  }
}

/**
 * An approximate nearest-neighbour {@link VectorIndex} on hnswlib-node (cosine space), loaded lazily so
 * importing kaiku never loads the native add-on. Ids are strings; removal marks graph nodes deleted and new
 * vectors reuse them.
 */
export async function createHnswVectorIndex(options: HnswOptions): Promise<HnswVectorIndex> {
  const { HierarchicalNSW } = await loadNative();
  const native = new HierarchicalNSW('cosine', options.dimensions);
  native.initIndex(options.capacity ?? 1024, options.m ?? 8, options.efConstruction ?? 32, 100, true);
  return wrap(native, options, new Map(), [], []);
}

/** Loads an index saved with `save(dir)`. */
export async function loadHnswVectorIndex(dir: string, options: HnswOptions): Promise<HnswVectorIndex> {
  const { HierarchicalNSW } = await loadNative();
  let labels: { ids: (string | null)[] };
  try {
    labels = JSON.parse(await readFile(join(dir, 'hnsw-labels.json'), 'utf8')) as { ids: (string | null)[] };
  } catch (error) {
    throw new KaikuError('knowledge_base', `Cannot read the vector index in "${dir}".`, {
      cause: error,
      hint: 'Rebuild it with "kaiku index".',
    });
  }
  const native = new HierarchicalNSW('cosine', options.dimensions);
  native.readIndexSync(join(dir, 'hnsw.bin'), true);
  const byId = new Map<string, number>();
  const free: number[] = [];
  labels.ids.forEach((id, label) => (id === null ? free.push(label) : byId.set(id, label)));
  return wrap(native, options, byId, labels.ids, free);
}

function wrap(
  native: HnswNative,
  options: HnswOptions,
  byId: Map<string, number>,
  idOf: (string | null)[],
  free: number[],
): HnswVectorIndex {
  const dimensions = options.dimensions;
  const efSearch = options.efSearch ?? 64;
  // The native binding takes plain arrays only; one reused array avoids a garbage array per call.
  const scratch = new Array<number>(dimensions).fill(0);
  const toArray = (vector: Float32Array) => {
    for (let i = 0; i < dimensions; i++) scratch[i] = vector[i]!;
    return scratch;
  };
  const check = (vector: Float32Array) => {
    if (vector.length !== dimensions) {
      throw new InvalidInputError(
        `Vector has ${vector.length} dimensions; the index expects ${dimensions}.`,
        [{ path: ['vector'], message: 'wrong length' }],
        {
          hint: 'Use the same embedder for indexing and querying.',
        },
      );
    }
  };
  return {
    dimensions,
    get size() {
      return byId.size;
    },
    async upsert(records) {
      for (const { id, vector } of records) {
        check(vector);
        const existing = byId.get(id);
        if (existing !== undefined) {
          native.markDelete(existing);
          idOf[existing] = null;
          free.push(existing);
          byId.delete(id);
        }
        const reuse = free.pop();
        if (reuse === undefined && native.getCurrentCount() >= native.getMaxElements()) {
          native.resizeIndex(native.getMaxElements() * 2);
        }
        const label = reuse ?? idOf.length;
        native.addPoint(toArray(vector), label, reuse !== undefined);
        idOf[label] = id;
        byId.set(id, label);
      }
    },
    async remove(ids) {
      for (const id of ids) {
        const label = byId.get(id);
        if (label === undefined) continue;
        native.markDelete(label);
        idOf[label] = null;
        free.push(label);
        byId.delete(id);
      }
    },
    async search(vector, { k }) {
      check(vector);
      const wanted = Math.min(k, byId.size);
      if (wanted === 0) return { hits: [] };
      native.setEf(Math.max(efSearch, wanted));
      const { distances, neighbors } = native.searchKnn(toArray(vector), wanted);
      return { hits: neighbors.map((label, i) => ({ id: idOf[label]!, score: 1 - distances[i]! })) };
    },
    async save(dir) {
      native.writeIndexSync(join(dir, 'hnsw.bin'));
      await writeFile(join(dir, 'hnsw-labels.json'), JSON.stringify({ ids: idOf }));
    },
  };
}
