// Worker thread of the classify suite: trains one library, so the main thread can stop a training that overruns
// its budget (worker.terminate() interrupts synchronous code), then measures it like the main thread would.
// Protocol: the worker posts 'ready' after an untimed warm-up training; the main thread resets its RSS sampler
// and answers 'go'; the worker posts 'trained' the moment training ends, then 'done' with the figures.
import { parentPort, workerData } from 'node:worker_threads';
import { measurePredictions } from './classification.mjs';
import { collectGarbage } from './measure.mjs';

const MB = 1024 * 1024;
const { module, factory, warmup, examples, dev, minTimingMs } = workerData;
const library = (await import(module))[factory]();
library.train(warmup);
await collectGarbage();
const go = new Promise((resolve) => parentPort.once('message', resolve));
parentPort.postMessage({ type: 'ready' });
await go;
const before = process.memoryUsage();
const start = performance.now();
let model = library.train(examples);
const trainMs = performance.now() - start;
parentPort.postMessage({ type: 'trained', trainMs });
await collectGarbage();
const after = process.memoryUsage();
const evaluation = measurePredictions(model, dev, minTimingMs);
model = undefined;
parentPort.postMessage({
  type: 'done',
  trainMs,
  heapUsedDeltaMB: (after.heapUsed - before.heapUsed) / MB,
  externalDeltaMB: (after.external - before.external) / MB,
  retainedDeltaMB: (after.heapUsed + after.external - before.heapUsed - before.external) / MB,
  evaluation,
});
