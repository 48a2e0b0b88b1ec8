// Retrieval bench: kaiku and the JavaScript libraries a user would pick instead, in one process, on the same data.
// Quality on stackfaq (document and thread level); build time, query latency, recall and memory on a synthetic
// Zipf corpus. Libraries run one after another; each index is dropped and garbage collected before the next.
import { fileURLToPath } from 'node:url';
import { collapseRanking, percentile, scoreRetrieval } from '../../dist/index.js';
import { buildKaiku, KAIKU_CONFIG } from '../adapters/kaiku.mjs';
import { langchainPeer } from '../adapters/langchain.mjs';
import { minisearchPeer } from '../adapters/minisearch.mjs';
import { oramaPeer } from '../adapters/orama.mjs';
import { fixed, round, significant, table } from '../lib/format.mjs';
import {
  collectGarbage,
  measureBuild,
  measureQueries,
  startRssSampler,
  warmUpHeap,
} from '../lib/measure.mjs';
import { generateSyntheticCorpus } from '../lib/synthetic.mjs';
import { ratio, readJsonl } from '../lib/common.mjs';

const DEFAULT_STACKFAQ = fileURLToPath(new URL('../../../shared/data/stackfaq/', import.meta.url));
// stackfaq searches ask for this many documents, so the thread-level list still has 10 distinct threads after
// collapsing; document-level metrics read the first 10.
const STACKFAQ_DEPTH = 50;
const TOP_K = 10;
const WARMUP_QUERIES = 20;
const WARMUP_BUILD_DOCS = 200;
const QUALITY = ['mrr', 'recallAt1', 'recallAt5', 'recallAt10', 'ndcgAt10'];
const COST = [
  'buildMs',
  'chunksPerSecond',
  'p50Ms',
  'p95Ms',
  'peakRssDeltaMB',
  'heapUsedDeltaMB',
  'externalDeltaMB',
  'retainedDeltaMB',
];

export const description =
  'kaiku vs MiniSearch, Orama and LangChain: quality on stackfaq, speed and memory on a synthetic corpus';

/** Flags of this suite, in node:util parseArgs form; values arrive as strings and are checked in `run`. */
export const options = {
  chunks: { type: 'string', valueName: 'n', default: '100000', description: 'synthetic corpus size' },
  queries: { type: 'string', valueName: 'n', default: '1000', description: 'synthetic queries' },
  'budget-s': {
    type: 'string',
    valueName: 's',
    default: '60',
    description: 'seconds of timed querying per library and dataset; a slower library stops there',
  },
  'skip-synthetic': { type: 'boolean', default: false, description: 'run stackfaq only' },
  libs: { type: 'string', valueName: 'a,b', description: 'only these libraries (kaiku always runs)' },
  stackfaq: {
    type: 'string',
    valueName: 'dir',
    default: DEFAULT_STACKFAQ,
    description: 'folder with docs.jsonl and dev.jsonl',
  },
};

function positiveInteger(name, text) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`--${name} must be a positive integer; received ${JSON.stringify(text)}.`);
  return value;
}

async function libraries() {
  return [
    { name: 'kaiku', config: KAIKU_CONFIG, build: (docs) => buildKaiku(docs) },
    minisearchPeer({ fuzzy: false }),
    // Fuzzy matching is about typos in real queries, and costs minutes at 100k chunks: stackfaq only.
    { ...minisearchPeer({ fuzzy: true }), datasets: ['stackfaq'] },
    oramaPeer(),
    await langchainPeer(),
  ];
}

function loadStackfaq(folder) {
  try {
    return { docs: readJsonl(`${folder}/docs.jsonl`), queries: readJsonl(`${folder}/dev.jsonl`) };
  } catch (error) {
    throw new Error(
      `Cannot read stackfaq from ${folder} (${error.code ?? error.message}). Pass --stackfaq DIR.`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Builds one library's index over `docs` and runs `queries` against it. Returns the cost figures and the ranked
 * ids (kept out of the report), or `{ error }` when the library failed; either way the index is released.
 */
async function runLibrary(library, docs, queries, warmup, { depth, budgetMs, context, sampler, log }) {
  log(`${library.name}: building over ${docs.length} docs`);
  let built;
  try {
    // An untimed build over a few docs first, so no library pays for loading and compiling its code in the
    // measured build, whatever its place in the run order.
    const warmupIndex = await library.build(docs.slice(0, WARMUP_BUILD_DOCS), { ...context });
    warmupIndex.close?.();
    await collectGarbage();
    const build = await measureBuild(sampler, () => library.build(docs, context));
    built = build.value;
    if (built.embedder) context.embedder = built.embedder;
    log(`${library.name}: built in ${(build.buildMs / 1000).toFixed(1)} s; querying`);
    // The warm-up gets a tenth of the budget at most, so a library needing seconds per query starts promptly.
    const warmupRun = await measureQueries(built.search, warmup, { k: depth, budgetMs: budgetMs / 10 });
    const run = await measureQueries(built.search, queries, { k: depth, budgetMs });
    if (run.timedOut)
      log(
        `${library.name}: stopped after ${run.ranked.length}/${queries.length} queries (budget ${budgetMs / 1000} s)`,
      );
    return {
      ranked: run.ranked,
      cost: {
        queries: run.ranked.length,
        queriesTotal: queries.length,
        timedOut: run.timedOut,
        warmupQueries: warmupRun.ranked.length,
        buildMs: build.buildMs,
        chunksPerSecond: docs.length / (build.buildMs / 1000),
        p50Ms: percentile(run.durationsMs, 0.5),
        p95Ms: percentile(run.durationsMs, 0.95),
        peakRssDeltaMB: build.peakRssDeltaMB,
        heapUsedDeltaMB: build.heapUsedDeltaMB,
        externalDeltaMB: build.externalDeltaMB,
        retainedDeltaMB: build.retainedDeltaMB,
      },
    };
  } catch (error) {
    log(`${library.name}: failed: ${error?.stack ?? error}`);
    return { ranked: [], cost: { error: String(error?.message ?? error) } };
  } finally {
    built?.close?.();
    built = undefined;
    await collectGarbage();
  }
}

function roundCost(cost) {
  if (cost.error) return cost;
  return {
    ...cost,
    buildMs: round(cost.buildMs, 1),
    chunksPerSecond: round(cost.chunksPerSecond, 0),
    p50Ms: round(cost.p50Ms, 4),
    p95Ms: round(cost.p95Ms, 4),
    peakRssDeltaMB: round(cost.peakRssDeltaMB, 1),
    heapUsedDeltaMB: round(cost.heapUsedDeltaMB, 1),
    externalDeltaMB: round(cost.externalDeltaMB, 1),
    retainedDeltaMB: round(cost.retainedDeltaMB, 1),
  };
}

/**
 * kaiku/peer for every figure. Quality is compared on the queries both answered (the first n: all libraries get
 * the queries in the same order), so a peer stopped by the budget is compared on the same queries as kaiku.
 */
function ratiosFor(rows, rescore) {
  const kaiku = rows.kaiku;
  const ratios = {};
  if (!kaiku || kaiku.error) return ratios;
  for (const [name, peer] of Object.entries(rows)) {
    if (name === 'kaiku' || peer.error) continue;
    const queries = Math.min(kaiku.queries, peer.queries);
    const ours = queries === kaiku.queries ? kaiku : rescore('kaiku', queries);
    const theirs = queries === peer.queries ? peer : rescore(name, queries);
    const entry = { queries };
    for (const metric of QUALITY) entry[metric] = ratio(ours[metric], theirs[metric]);
    for (const metric of COST) entry[metric] = ratio(kaiku[metric], peer[metric]);
    ratios[name] = entry;
  }
  return ratios;
}

async function runStackfaq(libs, folder, { budgetMs, sampler, log }) {
  const { docs: records, queries } = loadStackfaq(folder);
  const docs = records.map(({ id, title, text }) => ({ id, title, text }));
  const threadOf = new Map(records.map((doc) => [doc.id, doc.thread_id]));
  // Warm-up queries are FAQ titles, not the scored paraphrases, so no cache has seen a scored query.
  const warmup = records
    .filter((_, i) => i % Math.ceil(records.length / WARMUP_QUERIES) === 0)
    .map((doc) => doc.title);
  const queryTexts = queries.map((query) => query.query);
  const context = {};
  const ranked = { doc: {}, thread: {} };
  const costs = {};
  for (const library of libs) {
    if (library.datasets && !library.datasets.includes('stackfaq')) continue;
    const result = await runLibrary(library, docs, queryTexts, warmup, {
      depth: STACKFAQ_DEPTH,
      budgetMs,
      context,
      sampler,
      log: (line) => log(`stackfaq ${line}`),
    });
    costs[library.name] = { config: library.config, ...roundCost(result.cost) };
    ranked.doc[library.name] = result.ranked.map((ids) => ids.slice(0, TOP_K));
    ranked.thread[library.name] = result.ranked.map((ids) =>
      collapseRanking(ids, (id) => threadOf.get(id) ?? id).slice(0, TOP_K),
    );
  }
  const relevant = {
    doc: queries.map((query) => query.doc_ids),
    thread: queries.map((query) => [query.thread_id]),
  };
  const score = (level, name, count) =>
    scoreRetrieval(
      ranked[level][name].slice(0, count).map((ids, i) => ({ ranked: ids, relevant: relevant[level][i] })),
    );
  const out = { docs: docs.length, queries: queries.length, depth: STACKFAQ_DEPTH };
  const ratios = {};
  for (const level of ['doc', 'thread']) {
    out[level] = {};
    for (const [name, cost] of Object.entries(costs)) {
      if (cost.error) {
        out[level][name] = cost;
        continue;
      }
      const { queries: _scored, ...scores } = score(level, name, cost.queries);
      out[level][name] = { ...scores, ...cost };
    }
    ratios[level] = ratiosFor(out[level], (name, count) => score(level, name, count));
  }
  return { result: out, ratios };
}

async function runSynthetic(libs, { chunks, queries: queryCount, budgetMs, sampler, log }) {
  log(`synthetic: generating ${chunks} chunks and ${queryCount} queries`);
  const corpus = generateSyntheticCorpus({ chunks, queries: queryCount, warmupQueries: WARMUP_QUERIES });
  const queryTexts = corpus.queries.map((query) => query.query);
  const warmup = corpus.warmup.map((query) => query.query);
  const context = {};
  const ranked = {};
  const results = {};
  const score = (name, count) =>
    scoreRetrieval(
      ranked[name].slice(0, count).map((ids, i) => ({ ranked: ids, relevant: [corpus.queries[i].targetId] })),
    );
  for (const library of libs) {
    if (library.datasets && !library.datasets.includes('synthetic')) continue;
    const result = await runLibrary(library, corpus.docs, queryTexts, warmup, {
      depth: TOP_K,
      budgetMs,
      context,
      sampler,
      log: (line) => log(`synthetic ${line}`),
    });
    ranked[library.name] = result.ranked;
    const cost = roundCost(result.cost);
    if (cost.error) {
      results[library.name] = { config: library.config, ...cost };
      continue;
    }
    const { queries: _scored, ...scores } = score(library.name, cost.queries);
    results[library.name] = { config: library.config, ...scores, ...cost };
  }
  return {
    result: {
      chunks,
      queries: queryCount,
      vocabularySize: corpus.vocabularySize,
      zipfExponent: corpus.zipfExponent,
      titleShare: corpus.titleShare,
      seed: corpus.seed,
      results,
    },
    ratios: ratiosFor(results, score),
  };
}

/** Runs the suite; `values` are the parsed flags, `log` writes a progress line to stderr. */
export async function run(values, { log, gcExposed, environment }) {
  const chunks = positiveInteger('chunks', values.chunks);
  const queries = positiveInteger('queries', values.queries);
  const budgetMs = positiveInteger('budget-s', values['budget-s']) * 1000;
  let libs = await libraries();
  if (values.libs) {
    const wanted = new Set(['kaiku', ...values.libs.split(',').map((name) => name.trim())]);
    const unknown = [...wanted].filter((name) => !libs.some((library) => library.name === name));
    if (unknown.length > 0)
      throw new RangeError(
        `Unknown --libs ${unknown.join(', ')}; choose from ${libs.map((library) => library.name).join(', ')}.`,
      );
    libs = libs.filter((library) => wanted.has(library.name));
  }
  const started = performance.now();
  const sampler = await startRssSampler();
  await warmUpHeap();
  try {
    const datasets = {};
    const ratios = {};
    const stackfaq = await runStackfaq(libs, values.stackfaq, { budgetMs, sampler, log });
    datasets.stackfaq = stackfaq.result;
    ratios.stackfaq = stackfaq.ratios;
    if (!values['skip-synthetic']) {
      const synthetic = await runSynthetic(libs, { chunks, queries, budgetMs, sampler, log });
      datasets.synthetic = synthetic.result;
      ratios.synthetic = synthetic.ratios;
    }
    return {
      suite: 'retrieval',
      ...environment,
      gcExposed,
      settings: {
        topK: TOP_K,
        stackfaqDepth: STACKFAQ_DEPTH,
        warmupQueries: WARMUP_QUERIES,
        warmupBuildDocs: WARMUP_BUILD_DOCS,
        budgetSeconds: budgetMs / 1000,
      },
      datasets,
      ratios,
      durationMs: round(performance.now() - started, 0),
    };
  } finally {
    await sampler.stop();
  }
}

const COLUMNS = [
  ['MRR', 'mrr', fixed(3)],
  ['R@1', 'recallAt1', fixed(3)],
  ['R@5', 'recallAt5', fixed(3)],
  ['R@10', 'recallAt10', fixed(3)],
  ['nDCG@10', 'ndcgAt10', fixed(3)],
  ['build ms', 'buildMs', fixed(0)],
  ['chunks/s', 'chunksPerSecond', fixed(0)],
  ['p50 ms', 'p50Ms', significant],
  ['p95 ms', 'p95Ms', significant],
  ['peak RSS MB', 'peakRssDeltaMB', fixed(1)],
  ['kept MB', 'retainedDeltaMB', fixed(1)],
];

function resultTable(rows) {
  return table(
    ['library', ...COLUMNS.map(([title]) => title), 'queries'],
    Object.entries(rows).map(([name, row]) =>
      row.error
        ? [name, `failed: ${row.error}`, ...COLUMNS.slice(1).map(() => null), null]
        : [
            name,
            ...COLUMNS.map(([, key, show]) => show(row[key])),
            row.timedOut ? `${row.queries}/${row.queriesTotal} (budget)` : String(row.queries),
          ],
    ),
  );
}

function ratioTable(ratios) {
  const entries = Object.entries(ratios);
  if (entries.length === 0) return '(no peer to compare)';
  return table(
    ['kaiku / peer', ...COLUMNS.map(([title]) => title), 'queries'],
    entries.map(([name, ratio]) => [
      name,
      ...COLUMNS.map(([, key]) => significant(ratio[key])),
      String(ratio.queries),
    ]),
  );
}

/** The human report: one table per dataset and level, then the kaiku/peer ratios. */
export function formatText(report) {
  const out = [];
  out.push(
    `retrieval bench · node ${report.node} · ${report.cpu} × ${report.cores} · gc ${report.gcExposed ? 'exposed' : 'NOT exposed (run with --expose-gc)'} · ${(report.durationMs / 1000).toFixed(0)} s`,
  );
  out.push(
    'Ratios are kaiku / peer: above 1 is better for kaiku in quality and chunks/s, below 1 is better in ms and MB.',
  );
  const { stackfaq, synthetic } = report.datasets;
  const levels = {
    doc: "document level (relevant: every answer of the query's thread)",
    thread: "thread level (ranked docs collapsed to FAQ threads; relevant: the query's thread)",
  };
  for (const level of ['doc', 'thread']) {
    out.push('', `stackfaq ${levels[level]}: ${stackfaq.docs} docs, ${stackfaq.queries} queries`);
    out.push(resultTable(stackfaq[level]), '', ratioTable(report.ratios.stackfaq[level]));
  }
  if (synthetic) {
    out.push(
      '',
      `synthetic: ${synthetic.chunks} chunks, ${synthetic.queries} queries, Zipf s=${synthetic.zipfExponent} over ${synthetic.vocabularySize} words, ${synthetic.titleShare * 100}% of query words from the title, seed ${synthetic.seed}; relevant: the target chunk`,
    );
    out.push(resultTable(synthetic.results), '', ratioTable(report.ratios.synthetic));
  }
  out.push('', 'configurations:');
  const configs = { ...stackfaq.doc, ...(synthetic?.results ?? {}) };
  for (const [name, row] of Object.entries(configs)) out.push(`  ${name}: ${row.config}`);
  return out.join('\n');
}
