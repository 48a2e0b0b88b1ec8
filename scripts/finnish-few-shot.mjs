#!/usr/bin/env node
// Finnish few-shot intents: trains on the first N Finnish examples of each intent in knowledge/intents.jsonl
// (default 8) and scores the held-out messages in evals/intents-fi/test.jsonl, which no model was tuned on.
// With --dev-cv it scores only development data instead: six random N / rest splits of the Finnish examples in
// knowledge/intents.jsonl, with and without concept features (what the concept weight was chosen on).
// --test scores another set instead, such as the blind development sets evals/intents-fi/dev.jsonl and dev2.jsonl.
// Run after `npm run build`:  node scripts/finnish-few-shot.mjs [--per-intent 8] [--json] [--dev-cv] [--test file]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evaluateIntents, parseJsonl, SAMPLE_INTENTS_FILE } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    'per-intent': { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
    'dev-cv': { type: 'boolean', default: false },
    test: { type: 'string', default: 'evals/intents-fi/test.jsonl' },
  },
});
const perIntent = Number(values['per-intent']);
const readJsonl = (path) => parseJsonl(readFileSync(path, 'utf8'), String(path));
const finnish = readJsonl(SAMPLE_INTENTS_FILE).filter((example) => example.lang === 'fi');

if (values['dev-cv']) {
  const byLabel = new Map();
  for (const example of finnish) byLabel.set(example.label, [...(byLabel.get(example.label) ?? []), example]);
  let state = 7;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const splits = Array.from({ length: 6 }, () => {
    const train = [];
    const test = [];
    for (const examples of byLabel.values()) {
      const shuffled = examples
        .map((example) => ({ example, key: random() }))
        .sort((a, b) => a.key - b.key)
        .map(({ example }) => example);
      train.push(...shuffled.slice(0, perIntent));
      test.push(...shuffled.slice(perIntent));
    }
    return { train, test };
  });
  const report = {};
  for (const [name, model] of [
    ['concepts', {}],
    ['noConcepts', { concepts: false }],
  ]) {
    const accuracies = [];
    for (const { train, test } of splits)
      accuracies.push((await evaluateIntents({ train, test, lang: 'fi', model })).accuracy);
    report[name] = {
      meanAccuracy: Math.round((accuracies.reduce((a, b) => a + b) / accuracies.length) * 1000) / 1000,
      accuracies,
    };
  }
  console.log(values.json ? JSON.stringify({ perIntent, splits: 6, ...report }) : report);
} else {
  const seen = new Map();
  const train = finnish.filter((example) => {
    const count = seen.get(example.label) ?? 0;
    seen.set(example.label, count + 1);
    return count < perIntent;
  });
  const test = readJsonl(new URL(`../${values.test}`, import.meta.url));
  const { model: _model, perLabel, ...report } = await evaluateIntents({ train, test, lang: 'fi' });
  const weakest = Object.entries(perLabel)
    .sort((a, b) => a[1].f1 - b[1].f1)
    .slice(0, 5)
    .map(([label, scores]) => `${label} ${scores.f1}`);
  if (values.json) console.log(JSON.stringify({ perIntent, ...report, perLabel }));
  else
    console.log(
      `${perIntent} Finnish examples per intent (${report.train} in all) → ${report.test} messages of ${values.test}: ` +
        `accuracy ${report.accuracy}, macro-F1 ${report.macroF1}, ECE ${report.ece}\nweakest: ${weakest.join(', ')}`,
    );
}
