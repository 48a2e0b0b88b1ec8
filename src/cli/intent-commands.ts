import { writeFile } from 'node:fs/promises';
import { evaluateIntents, type IntentEvalReport, type LabelledMessage } from '../evals/intents.js';
import type { Io } from './main.js';
import { languageOption, readJsonl } from './shared.js';

type Values = Record<string, string | boolean | undefined>;

/** Exit code for bad usage or input. */
const EXIT_USAGE = 2;

/** `kaiku train intents --data <train.jsonl> [--dev <dev.jsonl>] --out <model.json>` */
export async function runTrainIntents(values: Values, _positionals: string[], io: Io): Promise<number> {
  const dataPath = values.data as string | undefined;
  const out = values.out as string | undefined;
  if (!dataPath || !out) {
    io.err('kaiku train intents: give --data <train.jsonl> and --out <model.json>.');
    return EXIT_USAGE;
  }
  const train = await readJsonl<LabelledMessage>(dataPath);
  const dev = values.dev ? await readJsonl<LabelledMessage>(values.dev as string) : undefined;
  // Trained and scored on the dev split when there is one (the model is calibrated on it, too).
  const report = await evaluateIntents({
    train: train,
    test: dev ?? train,
    ...(dev ? { dev: dev } : {}),
    ...languageOption(values.lang),
  });
  await writeFile(out, JSON.stringify(report.model.toJSON()));
  const summary = {
    out,
    labels: report.labels,
    examples: report.train,
    trainMs: report.trainMs,
    ...(dev ? { devAccuracy: report.accuracy, devEce: report.ece } : { trainingAccuracy: report.accuracy }),
  };
  if (values.json) io.out(JSON.stringify(summary));
  else
    io.out(
      `Trained ${report.labels} intents on ${report.train} examples in ${report.trainMs} ms → ${out}\n` +
        (dev
          ? `dev: accuracy ${report.accuracy}, ECE ${report.ece} (calibrated on it)`
          : `training-set accuracy ${report.accuracy} (give --dev for an honest figure)`),
    );
  return 0;
}

/** `kaiku eval intents --train <train.jsonl> [--dev <dev.jsonl>] --test <test.jsonl> [--json]` */
export async function runEvalIntents(values: Values, _positionals: string[], io: Io): Promise<number> {
  const trainPath = values.train as string | undefined;
  const testPath = values.test as string | undefined;
  if (!trainPath || !testPath) {
    io.err('kaiku eval intents: give --train <train.jsonl> and --test <test.jsonl>.');
    return EXIT_USAGE;
  }
  const [train, test, dev] = await Promise.all([
    readJsonl<LabelledMessage>(trainPath),
    readJsonl<LabelledMessage>(testPath),
    values.dev ? readJsonl<LabelledMessage>(values.dev as string) : Promise.resolve(undefined),
  ]);
  const { model: _model, ...report } = await evaluateIntents({
    train: train,
    test: test,
    ...(dev ? { dev: dev } : {}),
    ...languageOption(values.lang),
  });
  io.out(values.json ? JSON.stringify(report) : formatIntentReport(report));
  return 0;
}

function formatIntentReport(report: IntentEvalReport): string {
  const worst = Object.entries(report.perLabel)
    .sort((a, b) => a[1].f1 - b[1].f1)
    .slice(0, 5)
    .map(
      ([label, scores]) =>
        `  ${label}: F1 ${scores.f1} (precision ${scores.precision}, recall ${scores.recall})`,
    );
  return [
    `${report.test} test messages, ${report.labels} intents, trained on ${report.train} in ${report.trainMs} ms`,
    `accuracy ${report.accuracy}, macro-F1 ${report.macroF1}, ECE ${report.ece}, coverage at 90% precision ${report.coverageAt90}`,
    ...(report.oosRecall !== undefined
      ? [
          `out of scope: recall ${report.oosRecall}, precision ${report.oosPrecision}; in-scope accuracy ${report.inScopeAccuracy}`,
        ]
      : []),
    `classify p50 ${report.p50Ms} ms`,
    'weakest intents:',
    ...worst,
  ].join('\n');
}
