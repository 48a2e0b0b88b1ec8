// Intent classification bench: kaiku's intent model and natural's classifiers, trained on the same train split
// and scored on the same dev split of three English intent datasets. Libraries run one after another in one
// process (natural-logreg in a worker thread, so it can be stopped at its training budget); each model is
// dropped and garbage collected before the next.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { kaikuIntent } from '../adapters/kaiku-intent.mjs';
import { naturalBayesPeer, naturalLogisticRegressionPeer } from '../adapters/natural.mjs';
import { measurePredictions } from '../lib/classification.mjs';
import { count, fixed, round, significant, table } from '../lib/format.mjs';
import { collectGarbage, measureBuild, startRssSampler, warmUpHeap } from '../lib/measure.mjs';
import { createRandom } from '../lib/synthetic.mjs';
import { pickLibraries, pickNames, ratio, readJsonl } from '../lib/common.mjs';

const DEFAULT_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
/** Dataset name on the command line → its folder under --data. */
const DATASETS = { banking77: 'banking77', clinc150: 'clinc150', bitext: 'bitext_customer_service' };
// Prediction throughput: after one untimed pass over the dev texts (whose answers are scored), whole passes are
// timed until at least this much time has gone by.
const MIN_TIMING_MS = 1000;
// Before its measured training, each library trains once on a few examples of a few labels, untimed, so none
// pays for loading and compiling its code in the measured run.
const WARMUP_LABELS = 5;
const WARMUP_PER_LABEL = 4;
// Training-time estimate of a slow library: stratified subsamples, the first with about this many examples per
// label, doubling; time grows as examples^b, b fitted on the last two timings and kept within these bounds (the
// floor because small subsamples grow more slowly than the full training does; see bench/README.md).
const PROBE_START_PER_LABEL = 2;
const EXPONENT_BOUNDS = [2, 3];
const MB = 1024 * 1024;
const SEED = 13;
const FIGURES = ['accuracy', 'macroF1', 'trainMs', 'messagesPerSecond', 'peakRssDeltaMB', 'retainedDeltaMB'];

export const description =
  "kaiku's intent classifier vs natural's naive Bayes and logistic regression on Banking77, CLINC150 and Bitext";

/** Flags of this suite, in node:util parseArgs form; values arrive as strings and are checked in `run`. */
export const options = {
  datasets: {
    type: 'string',
    valueName: 'a,b',
    default: Object.keys(DATASETS).join(','),
    description: 'datasets to run',
  },
  libs: { type: 'string', valueName: 'a,b', description: 'only these peers (kaiku always runs)' },
  'train-budget-s': {
    type: 'string',
    valueName: 's',
    default: '120',
    description:
      'training seconds per library and dataset; natural-logreg is estimated first and subsampled to fit',
  },
  data: {
    type: 'string',
    valueName: 'dir',
    default: DEFAULT_DATA,
    description: 'folder with banking77/, clinc150/ and bitext_customer_service/',
  },
};

function positiveNumber(name, text) {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`--${name} must be a positive number; received ${JSON.stringify(text)}.`);
  return value;
}

function libraries() {
  return [kaikuIntent(), naturalBayesPeer(), naturalLogisticRegressionPeer()];
}

function loadDataset(root, name) {
  const folder = `${root.replace(/\/$/, '')}/${DATASETS[name]}`;
  try {
    const records = (split) =>
      readJsonl(`${folder}/${split}.jsonl`).map(({ text, label }) => ({ text, label: String(label) }));
    return { folder, train: records('train'), dev: records('dev') };
  } catch (error) {
    throw new Error(`Cannot read ${name} from ${folder} (${error.code ?? error.message}). Pass --data DIR.`, {
      cause: error,
    });
  }
}

/** Each label's training records in a seeded random order, so subsamples are stratified, nested and repeatable. */
function shuffledByLabel(train) {
  const random = createRandom(SEED);
  const byLabel = new Map();
  for (const record of train) {
    if (!byLabel.has(record.label)) byLabel.set(record.label, []);
    byLabel.get(record.label).push(record);
  }
  for (const records of byLabel.values()) {
    for (let i = records.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [records[i], records[j]] = [records[j], records[i]];
    }
  }
  return byLabel;
}

/** The stratified subsample keeping `fraction` of every label (at least one example each), in file order. */
function subsample(train, byLabel, fraction) {
  if (fraction >= 1) return train;
  const keep = new Set();
  for (const records of byLabel.values())
    for (const record of records.slice(0, Math.max(1, Math.ceil(fraction * records.length))))
      keep.add(record);
  return train.filter((record) => keep.has(record));
}

function warmupExamples(byLabel) {
  return [...byLabel.values()]
    .slice(0, WARMUP_LABELS)
    .flatMap((records) => records.slice(0, WARMUP_PER_LABEL));
}

const durationText = (ms) =>
  ms < 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms < 120_000
      ? `${(ms / 1000).toFixed(0)} s`
      : ms < 7_200_000
        ? `${(ms / 60_000).toFixed(0)} min`
        : `${(ms / 3_600_000).toFixed(1)} h`;

/**
 * Trains `library` on `examples` in a worker thread and measures it there; stops the worker when training has
 * not ended after `timeoutMs`. Returns the figures, or `{ timedOut: true }`.
 */
async function trainInWorker(library, examples, dev, { warmup, timeoutMs, sampler }) {
  const worker = new Worker(new URL('../lib/training-worker.mjs', import.meta.url), {
    workerData: { ...library.worker, warmup, examples, dev, minTimingMs: MIN_TIMING_MS },
  });
  let timer;
  try {
    return await new Promise((resolve, reject) => {
      let rssBefore = 0;
      let peakRss = 0;
      worker.on('message', (message) => {
        if (message.type === 'ready') {
          sampler.reset();
          rssBefore = process.memoryUsage.rss();
          timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs);
          worker.postMessage('go');
        } else if (message.type === 'trained') {
          clearTimeout(timer);
          peakRss = sampler.peakBytes();
        } else if (message.type === 'done') {
          const { type: _type, evaluation, ...trained } = message;
          resolve({
            trained: { ...trained, buildMs: trained.trainMs, peakRssDeltaMB: (peakRss - rssBefore) / MB },
            evaluation,
          });
        }
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the training worker exited with code ${code}`)));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

/**
 * Trains a library whose full training may not fit the budget, in a worker thread that is stopped when the budget
 * runs out: on stratified subsamples of growing size (about PROBE_START_PER_LABEL examples per label, then
 * doubling) until the full set is estimated to fit in what is left of the budget (it is then trained on it) or
 * the next doubling is not (the last subsample that finished is kept). Estimates extrapolate the last training
 * time with the exponent fitted on the last two.
 */
async function trainWithinBudget(library, train, byLabel, dev, { warmup, budgetMs, sampler, log }) {
  const total = train.length;
  const budgetText = `budget ${budgetMs / 1000} s`;
  const probes = [];
  const timings = [];
  let fraction = Math.min(1, (PROBE_START_PER_LABEL * byLabel.size) / total);
  let spentMs = 0;
  let kept;
  let estimate;
  for (;;) {
    const examples = subsample(train, byLabel, fraction);
    const remainingMs = budgetMs - spentMs;
    log(`${library.name}: training on ${count(examples.length)} of ${count(total)} examples`);
    const outcome = await trainInWorker(library, examples, dev, { warmup, timeoutMs: remainingMs, sampler });
    if (outcome.timedOut) {
      log(`${library.name}: stopped after ${durationText(remainingMs)}, the rest of the budget`);
      probes.push({ examples: examples.length, stoppedAfterMs: round(remainingMs, 0) });
      if (!kept)
        return {
          probes,
          reason: `training on ${count(examples.length)} examples did not finish within the ${budgetMs / 1000} s budget`,
        };
      if (examples.length === total)
        estimate.reason = `${estimate.reason.replace(` (${budgetText})`, '')}, but training on them did not finish within the ${budgetMs / 1000} s budget`;
      break;
    }
    spentMs += outcome.trained.trainMs;
    timings.push(outcome.trained.trainMs);
    probes.push({ examples: examples.length, trainMs: round(outcome.trained.trainMs, 0) });
    kept = { ...outcome, examples, fraction };
    if (examples.length === total) return { kept, probes };

    const [previousMs, latestMs] = [timings.at(-2), timings.at(-1)];
    const exponent =
      probes.length >= 2
        ? Math.min(
            EXPONENT_BOUNDS[1],
            Math.max(
              EXPONENT_BOUNDS[0],
              Math.log(latestMs / previousMs) / Math.log(probes.at(-1).examples / probes.at(-2).examples),
            ),
          )
        : EXPONENT_BOUNDS[0];
    const extrapolate = (size) => latestMs * (size / examples.length) ** exponent;
    const estimatedFullMs = extrapolate(total);
    estimate = {
      exponent: round(exponent, 2),
      estimatedTrainMs: round(estimatedFullMs, 0),
      reason: `estimated ${durationText(estimatedFullMs)} to train on ${count(total)} examples (${budgetText})`,
    };
    const nextFraction = Math.min(1, fraction * 2);
    const nextSize = subsample(train, byLabel, nextFraction).length;
    const fits = (ms) => spentMs + ms <= budgetMs;
    // The full set only after two timings, so the exponent is measured rather than assumed.
    if (probes.length >= 2 && fits(estimatedFullMs)) fraction = 1;
    else if (nextSize < total && fits(extrapolate(nextSize))) fraction = nextFraction;
    else break;
  }
  return { kept, probes, ...estimate };
}

function figures(trained, evaluation, budgetMs) {
  return {
    trainExamples: trained.examples.length,
    accuracy: round(evaluation.accuracy, 4),
    macroF1: round(evaluation.macroF1, 4),
    trainMs: round(trained.buildMs, 0),
    messagesPerSecond: round(evaluation.messagesPerSecond, 0),
    predictPasses: evaluation.predictPasses,
    peakRssDeltaMB: round(trained.peakRssDeltaMB, 1),
    retainedDeltaMB: round(trained.retainedDeltaMB, 1),
    heapUsedDeltaMB: round(trained.heapUsedDeltaMB, 1),
    externalDeltaMB: round(trained.externalDeltaMB, 1),
    ...(trained.buildMs > budgetMs ? { overBudget: true } : {}),
  };
}

/** Trains `library` on `examples` (after an untimed warm-up) and measures it on `dev`; `{ error }` if it failed. */
async function runLibrary(library, examples, dev, { warmup, sampler, log }) {
  let trained;
  try {
    library.train(warmup);
    await collectGarbage();
    log(`${library.name}: training on ${count(examples.length)} examples`);
    trained = await measureBuild(sampler, () => library.train(examples));
    log(`${library.name}: trained in ${(trained.buildMs / 1000).toFixed(1)} s; predicting`);
    return {
      trained: { ...trained, examples },
      evaluation: measurePredictions(trained.value, dev, MIN_TIMING_MS),
    };
  } catch (error) {
    log(`${library.name}: failed: ${error?.stack ?? error}`);
    return { error: String(error?.message ?? error) };
  } finally {
    trained = undefined;
    await collectGarbage();
  }
}

function ratiosFor(rows) {
  const kaiku = rows.kaiku;
  const ratios = {};
  if (!kaiku || kaiku.error) return ratios;
  for (const [name, peer] of Object.entries(rows)) {
    if (name === 'kaiku' || peer.error || peer.skipped) continue;
    ratios[name] = Object.fromEntries(FIGURES.map((figure) => [figure, ratio(kaiku[figure], peer[figure])]));
  }
  return ratios;
}

async function runDataset(name, libs, root, { budgetMs, sampler, log: suiteLog }) {
  const log = (line) => suiteLog(`${name} ${line}`);
  const { folder, train, dev } = loadDataset(root, name);
  const byLabel = shuffledByLabel(train);
  const warmup = warmupExamples(byLabel);
  log(`${byLabel.size} labels, train ${count(train.length)}, dev ${count(dev.length)}`);
  const results = {};
  const subsampled = [];
  for (const library of libs) {
    if (!library.estimateTraining) {
      const outcome = await runLibrary(library, train, dev, { warmup, sampler, log });
      results[library.name] = outcome.error
        ? { config: library.config, error: outcome.error }
        : { config: library.config, ...figures(outcome.trained, outcome.evaluation, budgetMs) };
      continue;
    }
    try {
      const outcome = await trainWithinBudget(library, train, byLabel, dev, {
        warmup,
        budgetMs,
        sampler,
        log,
      });
      const row = outcome.kept && {
        config: library.config,
        ...figures(
          { ...outcome.kept.trained, examples: outcome.kept.examples },
          outcome.kept.evaluation,
          budgetMs,
        ),
      };
      if (!outcome.reason) {
        results[library.name] = { ...row, probes: outcome.probes };
        continue;
      }
      const { kept: _kept, ...skipped } = outcome;
      results[library.name] = { config: library.config, skipped: true, ...skipped };
      log(`${library.name}: ${outcome.reason}`);
      if (row)
        subsampled.push({ library, row, fraction: outcome.kept.fraction, examples: outcome.kept.examples });
    } catch (error) {
      log(`${library.name}: failed: ${error?.stack ?? error}`);
      results[library.name] = { config: library.config, error: String(error?.message ?? error) };
    }
  }

  // A peer trained on a subsample is compared with every other library trained on that same subsample.
  const subsamples = [];
  for (const { library: slow, row, fraction, examples } of subsampled) {
    log(`subsample of ${count(examples.length)} for ${slow.name}: training the others on it`);
    const rows = {};
    for (const library of libs) {
      if (library === slow) rows[library.name] = row;
      else if (!library.estimateTraining) {
        const outcome = await runLibrary(library, examples, dev, { warmup, sampler, log });
        rows[library.name] = outcome.error
          ? { config: library.config, error: outcome.error }
          : { config: library.config, ...figures(outcome.trained, outcome.evaluation, budgetMs) };
      }
    }
    subsamples.push({ slow, fraction, examples, rows });
  }

  return {
    folder,
    labels: byLabel.size,
    train: train.length,
    dev: dev.length,
    results,
    ratios: ratiosFor(results),
    subsamples: subsamples.map(({ slow, fraction, examples, rows }) => ({
      for: slow.name,
      reason: results[slow.name].reason,
      fraction: round(fraction, 4),
      train: examples.length,
      results: rows,
      ratios: ratiosFor(rows),
    })),
  };
}

/** Runs the suite; `values` are the parsed flags, `log` writes a progress line to stderr. */
export async function run(values, { log, gcExposed, environment }) {
  const budgetMs = positiveNumber('train-budget-s', values['train-budget-s']) * 1000;
  const datasetNames = pickNames('datasets', values.datasets, Object.keys(DATASETS));
  const libs = pickLibraries(libraries(), values.libs);
  const started = performance.now();
  const sampler = await startRssSampler();
  await warmUpHeap();
  try {
    const datasets = {};
    for (const name of datasetNames)
      datasets[name] = await runDataset(name, libs, values.data, { budgetMs, sampler, log });
    return {
      suite: 'classify',
      ...environment,
      gcExposed,
      settings: {
        trainBudgetSeconds: budgetMs / 1000,
        minTimingMs: MIN_TIMING_MS,
        warmupExamples: WARMUP_LABELS * WARMUP_PER_LABEL,
        probeStartPerLabel: PROBE_START_PER_LABEL,
        exponentBounds: EXPONENT_BOUNDS,
        seed: SEED,
      },
      libraries: Object.fromEntries(libs.map((library) => [library.name, library.config])),
      datasets,
      ratios: Object.fromEntries(Object.entries(datasets).map(([name, dataset]) => [name, dataset.ratios])),
      durationMs: round(performance.now() - started, 0),
    };
  } finally {
    await sampler.stop();
  }
}

const COLUMNS = [
  ['accuracy', 'accuracy', fixed(3)],
  ['macro-F1', 'macroF1', fixed(3)],
  ['train ms', 'trainMs', fixed(0)],
  ['msg/s', 'messagesPerSecond', fixed(0)],
  ['peak RSS MB', 'peakRssDeltaMB', fixed(1)],
  ['kept MB', 'retainedDeltaMB', fixed(1)],
];

function resultTable(rows) {
  return table(
    ['library', ...COLUMNS.map(([title]) => title), 'trained on'],
    Object.entries(rows).map(([name, row]) => {
      if (row.error) return [name, ...COLUMNS.map(() => null), 'failed'];
      if (row.skipped) return [name, ...COLUMNS.map(() => null), 'skipped'];
      const trainedOn = `${count(row.trainExamples)}${row.overBudget ? ' (over budget)' : ''}`;
      return [name, ...COLUMNS.map(([, key, show]) => show(row[key])), trainedOn];
    }),
  );
}

function probeText(probe) {
  return probe.stoppedAfterMs === undefined
    ? `${count(probe.examples)} in ${durationText(probe.trainMs)}`
    : `${count(probe.examples)} stopped after ${durationText(probe.stoppedAfterMs)}`;
}

function notes(rows) {
  return Object.entries(rows)
    .filter(([, row]) => row.error || row.skipped)
    .map(([name, row]) =>
      row.error
        ? `  ${name} failed: ${row.error}`
        : `  ${name} skipped: ${row.reason} (timed on ${row.probes.map(probeText).join(', ')}${row.exponent ? `; growth exponent ${row.exponent}` : ''})`,
    );
}

function ratioTable(ratios) {
  const entries = Object.entries(ratios);
  if (entries.length === 0) return '(no peer trained on the same examples to compare)';
  return table(
    ['kaiku / peer', ...COLUMNS.map(([title]) => title)],
    entries.map(([name, ratio]) => [name, ...COLUMNS.map(([, key]) => significant(ratio[key]))]),
  );
}

/** The human report: one table per dataset (and per subsample), then the kaiku/peer ratios. */
export function formatText(report) {
  const out = [];
  out.push(
    `classify bench · node ${report.node} · ${report.cpu} × ${report.cores} · gc ${report.gcExposed ? 'exposed' : 'NOT exposed (run with --expose-gc)'} · train budget ${report.settings.trainBudgetSeconds} s · ${(report.durationMs / 1000).toFixed(0)} s`,
  );
  out.push(
    'Ratios are kaiku / peer: above 1 is better for kaiku in accuracy, macro-F1 and msg/s, below 1 is better in ms and MB.',
    "natural has no out-of-scope notion: CLINC's oos is one more label for every library, and kaiku's 'unknown' counts as its best guess.",
  );
  for (const [name, dataset] of Object.entries(report.datasets)) {
    out.push(
      '',
      `${name}: ${dataset.labels} labels, train ${count(dataset.train)}, dev ${count(dataset.dev)}`,
      resultTable(dataset.results),
      ...notes(dataset.results),
      '',
      ratioTable(dataset.ratios),
    );
    for (const sub of dataset.subsamples) {
      out.push(
        '',
        `${name}, stratified subsample for ${sub.for}: ${count(sub.train)} of ${count(dataset.train)} training examples (${(sub.fraction * 100).toFixed(1)}% of each label), same dev set`,
        resultTable(sub.results),
        ...notes(sub.results),
        '',
        ratioTable(sub.ratios),
      );
    }
  }
  out.push('', 'configurations:');
  for (const [name, config] of Object.entries(report.libraries)) out.push(`  ${name}: ${config}`);
  return out.join('\n');
}
