// Timing and memory measurement shared by the suites.
import { Worker } from 'node:worker_threads';

const MB = 1024 * 1024;

/** Runs a full GC when node was started with --expose-gc; says whether it could. */
export async function collectGarbage() {
  if (typeof globalThis.gc !== 'function') return false;
  // Two passes and a turn of the event loop, so finalisers and weak references of the previous index are gone.
  globalThis.gc();
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc();
  return true;
}

/**
 * Allocates and drops some 100 MB of small objects, so V8's young generation has grown to its working size
 * before anything is measured: otherwise the first library measured is charged for that growth in RSS.
 */
export async function warmUpHeap() {
  let objects = [];
  for (let round = 0; round < 5; round++) {
    objects = [];
    for (let i = 0; i < 500_000; i++) objects.push({ i, text: `w${i}` });
  }
  objects = undefined;
  await collectGarbage();
}

// The sampler runs on its own thread because most index builds are synchronous: a setInterval on the main thread
// would never fire while they run, and the peak would be missed. RSS is per process, so the worker sees the
// main thread's allocations; heapUsed is per isolate, so it is only read on the main thread, before and after.
const SAMPLER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const peakKb = new Int32Array(workerData.buffer);
const intervalMs = workerData.intervalMs;
const sample = () => {
  const kb = Math.round(process.memoryUsage.rss() / 1024);
  if (kb > Atomics.load(peakKb, 0)) Atomics.store(peakKb, 0, kb);
};
sample();
setInterval(sample, intervalMs);
parentPort.postMessage('ready');
`;

/** Starts a thread that records the process's peak RSS every `intervalMs`; `stop()` returns it in bytes. */
export async function startRssSampler(intervalMs = 5) {
  const buffer = new SharedArrayBuffer(4);
  const peakKb = new Int32Array(buffer);
  const worker = new Worker(SAMPLER_SOURCE, { eval: true, workerData: { buffer, intervalMs } });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    /** Forgets the peak so far and starts again from the current RSS. */
    reset() {
      Atomics.store(peakKb, 0, Math.round(process.memoryUsage.rss() / 1024));
    },
    peakBytes: () => Math.max(Atomics.load(peakKb, 0) * 1024, process.memoryUsage.rss()),
    stop: () => worker.terminate(),
  };
}

/**
 * Measures `build()`: wall time, peak RSS above the RSS before it (sampled), and what the built index keeps once
 * garbage is collected: V8 heap used, plus `external` memory (ArrayBuffer backing stores, where typed-array
 * indexes live and which heapUsed leaves out). Returns `{ value, buildMs, peakRssDeltaMB, heapUsedDeltaMB,
 * externalDeltaMB, retainedDeltaMB }`.
 */
export async function measureBuild(sampler, build) {
  await collectGarbage();
  const before = process.memoryUsage();
  sampler.reset();
  const start = performance.now();
  const value = await build();
  const buildMs = performance.now() - start;
  const peakRss = sampler.peakBytes();
  await collectGarbage();
  const after = process.memoryUsage();
  return {
    value,
    buildMs,
    peakRssDeltaMB: (peakRss - before.rss) / MB,
    heapUsedDeltaMB: (after.heapUsed - before.heapUsed) / MB,
    externalDeltaMB: (after.external - before.external) / MB,
    retainedDeltaMB: (after.heapUsed + after.external - before.heapUsed - before.external) / MB,
  };
}

/**
 * Runs `search` for each query, one at a time, after `warmup` untimed queries. Stops early once `budgetMs` of
 * timed searching has passed, so a slow library cannot stall the whole bench; `timedOut` then says so and only
 * the first `ranked.length` queries have results. Returns `{ ranked, durationsMs, timedOut, totalMs }`.
 */
export async function measureQueries(search, queries, { warmup = [], k = 10, budgetMs = Infinity } = {}) {
  for (const query of warmup) await search(query, k);
  const ranked = [];
  const durationsMs = [];
  let totalMs = 0;
  for (const query of queries) {
    if (totalMs > budgetMs) break;
    const start = performance.now();
    const ids = await search(query, k);
    const elapsed = performance.now() - start;
    durationsMs.push(elapsed);
    totalMs += elapsed;
    ranked.push(ids);
  }
  return { ranked, durationsMs, timedOut: ranked.length < queries.length, totalMs };
}
