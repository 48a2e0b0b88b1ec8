// Sentiment bench: kaiku's lexicon sentiment scorer (no training) against natural's SentimentAnalyzer and
// wink-sentiment, the untrained JavaScript scorers a user would pick instead, on the same labelled messages
// (English and Finnish customer messages, Finnish subtitle lines); then the throughput and alerts of kaiku's social
// listener on synthetic mention streams, which has no peer. Libraries run one after another in one process.
import { fileURLToPath } from 'node:url';
import {
  KAIKU_LISTENER_CONFIG,
  kaikuListener,
  kaikuSentiment,
  kaikuSentimentEval,
  mentionStream,
} from '../adapters/kaiku-sentiment.mjs';
import { naturalSentimentPeer } from '../adapters/natural-sentiment.mjs';
import { winkSentimentPeer } from '../adapters/wink-sentiment.mjs';
import { count, fixed, round, significant, table } from '../lib/format.mjs';
import { collectGarbage } from '../lib/measure.mjs';
import { measureLabeller, scoreSentimentLabels } from '../lib/sentiment.mjs';
import { pickLibraries, pickNames, ratio, readJsonl } from '../lib/common.mjs';

const EVALS = fileURLToPath(new URL('../../evals/', import.meta.url));
const DEFAULT_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const LABELS = ['negative', 'neutral', 'positive'];
/**
 * Dataset name on the command line → its file (the two dev sets ship with kaiku; XED lives under --data) and
 * whether its `source` field is a breakdown worth reporting. XED's `source` only says which file a line came from
 * (every neutral line is from neu_fi, every other from the annotated file), so scoring by it means nothing.
 */
const DATASETS = {
  'en-dev': { file: () => `${EVALS}sentiment-en/dev.jsonl`, bySource: true },
  'fi-dev': { file: () => `${EVALS}sentiment-fi/dev.jsonl`, bySource: true },
  'xed-fi': { file: (data) => `${data.replace(/\/$/, '')}/xed_fi/dev.jsonl`, bySource: false },
};
// The sources of the dev sets in the order the tables show them: the two kaiku will be judged on first.
const SOURCE_ORDER = ['social', 'review', 'support'];
// Labelling throughput: after one untimed pass over the texts (whose answers are scored), whole passes are timed
// until at least this much time has gone by.
const MIN_TIMING_MS = 1000;
const RATIO_FIGURES = ['accuracy', 'macroRecall', 'macroF1', 'messagesPerSecond'];

// Listener part. Streams start at syntheticMentions' default start, spelled out because the burst's minutes count
// from it; 24 h at the generator's default 2 mentions a minute is about 2,900 mentions a stream.
const STREAM_START = '2026-11-23T00:00:00Z';
const STREAM_HOURS = 24;
// The measured streams: eight seeds, so the rate is taken over some 23,000 mentions rather than one stream.
const STREAM_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
// The untimed warm-up stream, with a seed outside the measured ones.
// Untimed warm-up before the listener is timed.
const WARMUP_MS = 1000;
const WARMUP_SEED = 9;
// One injected incident: 2 extra negative delivery mentions a minute for 20 minutes from 10:00, on top of the
// background's ~0.1 negative delivery mentions a minute (a quarter of ~2.3 a minute by day, over five topics).
const BURST_SEED = 1;
const BURST = { topic: 'delivery', startMinute: 600, minutes: 20, perMinute: 2 };
const MINUTE_MS = 60_000;

export const description =
  "kaiku's sentiment scorer vs natural and wink-sentiment on English and Finnish messages; listener throughput";

/** Flags of this suite, in node:util parseArgs form; values arrive as strings and are checked in `run`. */
export const options = {
  // Not `--datasets`: that is classify's, with its own default, and every selected suite's flags share one table.
  'sentiment-datasets': {
    type: 'string',
    valueName: 'a,b',
    default: Object.keys(DATASETS).join(','),
    description: 'datasets to run',
  },
  libs: { type: 'string', valueName: 'a,b', description: 'only these peers (kaiku always runs)' },
  data: {
    type: 'string',
    valueName: 'dir',
    default: DEFAULT_DATA,
    description: 'folder with xed_fi/ (the dev sets are read from evals/)',
  },
};

function libraries() {
  return [kaikuSentiment(), naturalSentimentPeer(), winkSentimentPeer()];
}

/**
 * The records of a dataset with label negative, neutral or positive (`label`, or XED's `polarity`); the others
 * (XED's mixed and ambiguous) are counted by label and skipped, as `kaiku eval sentiment` does.
 */
function loadDataset(name, root) {
  const file = DATASETS[name].file(root);
  let rows;
  try {
    rows = readJsonl(file);
  } catch (error) {
    const hint = name === 'xed-fi' ? ' Pass --data DIR.' : '';
    throw new Error(`Cannot read ${name} from ${file} (${error.code ?? error.message}).${hint}`, {
      cause: error,
    });
  }
  const records = [];
  const skippedByLabel = {};
  for (const row of rows) {
    const label = row.label ?? row.polarity;
    if (LABELS.includes(label)) records.push({ text: row.text, label, source: row.source });
    else skippedByLabel[label] = (skippedByLabel[label] ?? 0) + 1;
  }
  return { file, records, skipped: rows.length - records.length, skippedByLabel };
}

const tally = (values) => {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

/** The sources of `records`, in SOURCE_ORDER first, with their message counts. */
function sourcesOf(records) {
  const counts = tally(records.map((record) => record.source));
  const names = [
    ...SOURCE_ORDER.filter((name) => counts[name]),
    ...Object.keys(counts).filter((name) => !SOURCE_ORDER.includes(name)),
  ];
  return Object.fromEntries(names.map((name) => [name, counts[name]]));
}

function ratiosFor(rows) {
  const kaiku = rows.kaiku;
  const ratios = {};
  if (!kaiku || kaiku.error) return ratios;
  for (const [name, peer] of Object.entries(rows)) {
    if (name === 'kaiku' || peer.error) continue;
    ratios[name] = Object.fromEntries(
      RATIO_FIGURES.map((figure) => [figure, ratio(kaiku[figure], peer[figure])]),
    );
  }
  return ratios;
}

/** Labels the dataset with one library and scores it; `{ error }` if it failed. */
function runLibrary(library, records, sources) {
  const texts = records.map((record) => record.text);
  const gold = records.map((record) => record.label);
  const measured = measureLabeller(library.label, texts, MIN_TIMING_MS);
  const score = scoreSentimentLabels(gold, measured.predicted);
  const row = {
    config: library.config,
    accuracy: round(score.accuracy, 4),
    macroRecall: round(score.macroRecall, 4),
    macroF1: round(score.macroF1, 4),
    negativeF1: round(score.negativeF1, 4),
    messagesPerSecond: round(measured.messagesPerSecond, 0),
    p50Us: round(measured.p50Us, 1),
    passes: measured.passes,
    // How often each label was answered: a scorer that cannot read the language answers mostly neutral.
    predicted: Object.fromEntries(
      LABELS.map((label) => [label, measured.predicted.filter((value) => value === label).length]),
    ),
    perLabel: Object.fromEntries(
      Object.entries(score.perLabel).map(([label, { precision, recall, f1, support }]) => [
        label,
        { precision: round(precision, 4), recall: round(recall, 4), f1: round(f1, 4), support },
      ]),
    ),
  };
  if (sources) {
    row.macroF1BySource = Object.fromEntries(
      Object.keys(sources).map((source) => {
        const index = records.flatMap((record, i) => (record.source === source ? [i] : []));
        const { macroF1 } = scoreSentimentLabels(
          index.map((i) => gold[i]),
          index.map((i) => measured.predicted[i]),
        );
        return [source, round(macroF1, 4)];
      }),
    );
  }
  return row;
}

// kaiku's eval rounds every label's F1 to 3 decimals before averaging, and its figures to 3: they may differ from
// the bench's by a few thousandths and still agree.
const EVAL_TOLERANCE = 0.002;

async function runDataset(name, libs, root, suiteLog) {
  const log = (line) => suiteLog(`${name} ${line}`);
  const { file, records, skipped, skippedByLabel } = loadDataset(name, root);
  const sources = DATASETS[name].bySource ? sourcesOf(records) : undefined;
  log(`${count(records.length)} messages${skipped ? `, ${count(skipped)} skipped` : ''}`);
  const results = {};
  for (const library of libs) {
    log(`${library.name}: labelling`);
    try {
      results[library.name] = runLibrary(library, records, sources);
    } catch (error) {
      log(`${library.name}: failed: ${error?.stack ?? error}`);
      results[library.name] = { config: library.config, error: String(error?.message ?? error) };
    } finally {
      await collectGarbage();
    }
  }

  // The same records through `evaluateSentiment` (what `kaiku eval sentiment` prints): its figures must be the
  // bench's, or one of the two has drifted from the definitions.
  let kaikuEval;
  if (results.kaiku && !results.kaiku.error) {
    const figures = await kaikuSentimentEval(records);
    kaikuEval = {
      ...figures,
      agrees:
        figures.test === records.length &&
        ['accuracy', 'macroRecall', 'macroF1', 'negativeF1'].every(
          (key) => Math.abs(figures[key] - results.kaiku[key]) <= EVAL_TOLERANCE,
        ),
    };
    if (!kaikuEval.agrees) log(`kaiku's evaluateSentiment disagrees: ${JSON.stringify(figures)}`);
  }

  return {
    file,
    messages: records.length,
    skipped,
    ...(skipped ? { skippedByLabel } : {}),
    labels: Object.fromEntries(
      LABELS.map((label) => [label, records.filter((record) => record.label === label).length]),
    ),
    ...(sources ? { sources } : {}),
    results,
    ratios: ratiosFor(results),
    ...(kaikuEval ? { kaikuEval } : {}),
  };
}

/**
 * Ingests `mentions` into a fresh listener, one at a time, timing the ingest calls only. Ids are prefixed with
 * `tag`, so every mention of the run has its own id.
 */
function replay(tag, mentions) {
  const listener = kaikuListener();
  const input = mentions.map((mention) => ({ ...mention, id: `${tag}:${mention.id}` }));
  const scored = new Array(input.length);
  const start = performance.now();
  for (let i = 0; i < input.length; i++) scored[i] = listener.ingest(input[i]);
  const ms = performance.now() - start;
  const { ingested, duplicates } = listener.stats();
  return { input, scored, ms, ingested, duplicates, alerts: listener.alerts() };
}

const minutesAfter = (iso, fromMs) => round((Date.parse(iso) - fromMs) / MINUTE_MS, 1);
const alertSummary = (alert, startMs) => ({
  at: alert.at,
  minute: minutesAfter(alert.at, startMs),
  topic: alert.topic,
  severity: alert.severity,
  count: alert.count,
  windowMinutes: alert.windowMinutes,
});

async function runListener(log) {
  const streamOptions = (seed, extra = {}) => ({ start: STREAM_START, hours: STREAM_HOURS, seed, ...extra });
  const startMs = Date.parse(STREAM_START);
  // A listener runs for days: the figure is its steady state, so the warm-up (untimed) replays the warm-up stream
  // into fresh listeners until the code has run for WARMUP_MS, as long as the timed streams take together.
  const warmupMentions = mentionStream(streamOptions(WARMUP_SEED));
  const warmupStarted = performance.now();
  let warmups = 0;
  while (performance.now() - warmupStarted < WARMUP_MS)
    replay(`warmup-${WARMUP_SEED}-${warmups++}`, warmupMentions);
  log(`listener: warmed up on ${warmups} replays of seed ${WARMUP_SEED}`);

  const streams = [];
  // The streams run back to back, as a live feed would: a forced full GC before each would shrink the young
  // generation and charge every stream for growing it again.
  const inputs = STREAM_SEEDS.map((seed) => mentionStream(streamOptions(seed)));
  await collectGarbage();
  for (const [index, seed] of STREAM_SEEDS.entries()) {
    const mentions = inputs[index];
    const run = replay(`seed-${seed}`, mentions);
    streams.push({
      seed,
      mentions: mentions.length,
      scored: run.ingested,
      duplicates: run.duplicates,
      ms: round(run.ms, 1),
      mentionsPerSecond: round(run.ingested / (run.ms / 1000), 0),
      alerts: run.alerts.length,
      alertList: run.alerts.map((alert) => alertSummary(alert, startMs)),
    });
    log(`listener: seed ${seed}, ${count(run.ingested)} mentions in ${run.ms.toFixed(0)} ms`);
  }
  const totalScored = streams.reduce((sum, stream) => sum + stream.scored, 0);
  const totalMs = streams.reduce((sum, stream) => sum + stream.ms, 0);

  // The burst stream: when does the listener see the injected incident, and what else does it raise?
  await collectGarbage();
  const burstRun = replay(`burst-${BURST_SEED}`, mentionStream(streamOptions(BURST_SEED, { burst: BURST })));
  const burstStartMs = startMs + BURST.startMinute * MINUTE_MS;
  // The generator tags injected mentions "burst-<n>" (background ones "m-<n>").
  const injected = burstRun.input.flatMap((mention, i) =>
    mention.id.startsWith(`burst-${BURST_SEED}:burst-`) ? [burstRun.scored[i]] : [],
  );
  const first = burstRun.alerts.find((alert) => alert.topic === BURST.topic);
  log(`listener: burst stream, ${burstRun.alerts.length} alerts`);
  return {
    config: KAIKU_LISTENER_CONFIG,
    start: STREAM_START,
    hours: STREAM_HOURS,
    warmupSeed: WARMUP_SEED,
    streams,
    totalMentions: totalScored,
    totalMs: round(totalMs, 1),
    mentionsPerSecond: round(totalScored / (totalMs / 1000), 0),
    alertsPerStream: streams.map((stream) => stream.alerts),
    meanAlertsPerStream: round(streams.reduce((sum, stream) => sum + stream.alerts, 0) / streams.length, 2),
    burst: {
      seed: BURST_SEED,
      ...BURST,
      startsAt: new Date(burstStartMs).toISOString(),
      mentions: burstRun.input.length,
      injected: injected.length,
      // Of the injected mentions: how many the listener scored negative, and negative with the burst's topic
      // (only those count towards its alert).
      injectedNegative: injected.filter((mention) => mention?.sentiment.value === 'negative').length,
      injectedNegativeOnTopic: injected.filter(
        (mention) => mention?.sentiment.value === 'negative' && mention.topic === BURST.topic,
      ).length,
      ms: round(burstRun.ms, 1),
      alerts: burstRun.alerts.length,
      alertList: burstRun.alerts.map((alert) => alertSummary(alert, startMs)),
      firstTopicAlertAt: first?.at ?? null,
      minutesToFirstTopicAlert: first ? minutesAfter(first.at, burstStartMs) : null,
    },
  };
}

/** Runs the suite; `values` are the parsed flags, `log` writes a progress line to stderr. */
export async function run(values, { log, gcExposed, environment }) {
  const datasetNames = pickNames('sentiment-datasets', values['sentiment-datasets'], Object.keys(DATASETS));
  const libs = pickLibraries(libraries(), values.libs);
  const started = performance.now();
  const datasets = {};
  for (const name of datasetNames) datasets[name] = await runDataset(name, libs, values.data, log);
  const listener = await runListener(log);
  return {
    suite: 'sentiment',
    ...environment,
    gcExposed,
    settings: { minTimingMs: MIN_TIMING_MS, evalTolerance: EVAL_TOLERANCE },
    libraries: Object.fromEntries(libs.map((library) => [library.name, library.config])),
    datasets,
    ratios: Object.fromEntries(Object.entries(datasets).map(([name, dataset]) => [name, dataset.ratios])),
    listener,
    durationMs: round(performance.now() - started, 0),
  };
}

const COLUMNS = [
  ['accuracy', 'accuracy', fixed(3)],
  ['macro-recall', 'macroRecall', fixed(3)],
  ['macro-F1', 'macroF1', fixed(3)],
  ['neg-F1', 'negativeF1', fixed(3)],
  ['msg/s', 'messagesPerSecond', fixed(0)],
  ['p50 µs', 'p50Us', fixed(1)],
];
const RATIO_COLUMNS = COLUMNS.filter(([, key]) => RATIO_FIGURES.includes(key));

function resultTable(rows) {
  return table(
    ['library', ...COLUMNS.map(([title]) => title), 'answered −/0/+'],
    Object.entries(rows).map(([name, row]) =>
      row.error
        ? [name, ...COLUMNS.map(() => null), 'failed']
        : [
            name,
            ...COLUMNS.map(([, key, show]) => show(row[key])),
            LABELS.map((label) => row.predicted[label]).join('/'),
          ],
    ),
  );
}

function ratioTable(ratios) {
  const entries = Object.entries(ratios);
  if (entries.length === 0) return '(no peer to compare)';
  return table(
    ['kaiku / peer', ...RATIO_COLUMNS.map(([title]) => title)],
    entries.map(([name, ratio]) => [name, ...RATIO_COLUMNS.map(([, key]) => significant(ratio[key]))]),
  );
}

function sourceTable(dataset) {
  const sources = Object.entries(dataset.sources);
  return table(
    ['macro-F1 by source', ...sources.map(([source, n]) => `${source} (${n})`)],
    Object.entries(dataset.results).map(([name, row]) => [
      name,
      ...sources.map(([source]) => (row.error ? null : fixed(3)(row.macroF1BySource[source]))),
    ]),
  );
}

const clock = (iso) => iso.slice(11, 16);
const alertText = (alert) =>
  `${clock(alert.at)} ${alert.topic} (severity ${alert.severity}, ${alert.count} in ${alert.windowMinutes} min)`;

function listenerText(listener) {
  const out = [
    `listener: createListener() defaults, syntheticMentions ${listener.hours} h streams from ${listener.start}, each mention ingested once into a fresh listener, streams back to back after ${WARMUP_MS} ms of untimed warm-up replays (seed ${listener.warmupSeed})`,
    'scored: mentions the listener scored; duplicates: the same author posting the same text again, dropped by the listener (the timings include them)',
    table(
      ['seed', 'scored', 'duplicates', 'ms', 'mentions/s', 'alerts'],
      [
        ...listener.streams.map((stream) => [
          String(stream.seed),
          count(stream.scored),
          String(stream.duplicates),
          fixed(0)(stream.ms),
          fixed(0)(stream.mentionsPerSecond),
          String(stream.alerts),
        ]),
        [
          'all',
          count(listener.totalMentions),
          String(listener.streams.reduce((sum, stream) => sum + stream.duplicates, 0)),
          fixed(0)(listener.totalMs),
          fixed(0)(listener.mentionsPerSecond),
          `${listener.meanAlertsPerStream} a stream`,
        ],
      ],
    ),
  ];
  const falseAlarms = listener.streams.flatMap((stream) =>
    stream.alertList.map((alert) => `seed ${stream.seed} ${alertText(alert)}`),
  );
  if (falseAlarms.length > 0) out.push(`  alerts without a burst: ${falseAlarms.join('; ')}`);
  const burst = listener.burst;
  const end = new Date(Date.parse(burst.startsAt) + burst.minutes * MINUTE_MS).toISOString();
  out.push(
    '',
    `burst (seed ${burst.seed}): ${burst.perMinute} extra negative "${burst.topic}" mentions a minute, ${clock(burst.startsAt)}–${clock(end)}: ${burst.injected} injected, ${burst.injectedNegative} scored negative, ${burst.injectedNegativeOnTopic} negative with topic "${burst.topic}"`,
    `  ${burst.alerts} alert${burst.alerts === 1 ? '' : 's'}: ${burst.alertList.map(alertText).join('; ') || 'none'}`,
    burst.minutesToFirstTopicAlert === null
      ? `  no "${burst.topic}" alert`
      : `  first "${burst.topic}" alert ${burst.minutesToFirstTopicAlert} min after the burst started`,
  );
  return out.join('\n');
}

/** The human report: one table per dataset (and per source for the dev sets), the ratios, then the listener. */
export function formatText(report) {
  const out = [];
  out.push(
    `sentiment bench · node ${report.node} · ${report.cpu} × ${report.cores} · gc ${report.gcExposed ? 'exposed' : 'NOT exposed (run with --expose-gc)'} · ${(report.durationMs / 1000).toFixed(0)} s`,
    'Ratios are kaiku / peer: above 1 is better for kaiku. No library is trained. natural and wink are English-only:',
    'on the Finnish sets they show what a user who picks them gets. answered −/0/+ counts the negative/neutral/positive answers.',
  );
  for (const [name, dataset] of Object.entries(report.datasets)) {
    const labels = LABELS.map((label) => `${label} ${count(dataset.labels[label])}`).join(', ');
    const skipped = dataset.skipped
      ? `; ${count(dataset.skipped)} skipped (${Object.entries(dataset.skippedByLabel)
          .map(([label, n]) => `${label} ${n}`)
          .join(', ')})`
      : '';
    out.push(
      '',
      `${name}: ${count(dataset.messages)} messages (${labels})${skipped}`,
      resultTable(dataset.results),
    );
    for (const [library, row] of Object.entries(dataset.results))
      if (row.error) out.push(`  ${library} failed: ${row.error}`);
    if (dataset.kaikuEval && !dataset.kaikuEval.agrees)
      out.push(`  kaiku's evaluateSentiment gives other figures: ${JSON.stringify(dataset.kaikuEval)}`);
    out.push('', ratioTable(dataset.ratios));
    if (dataset.sources) out.push('', sourceTable(dataset));
  }
  out.push('', listenerText(report.listener));
  out.push('', 'configurations:');
  for (const [name, config] of Object.entries(report.libraries)) out.push(`  ${name}: ${config}`);
  out.push(`  listener: ${report.listener.config}`);
  return out.join('\n');
}
