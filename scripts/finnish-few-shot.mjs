#!/usr/bin/env node
// Finnish few-shot intents: trains on the first N Finnish examples of each intent in knowledge/intents.jsonl
// (default 8) and scores the held-out messages in evals/intents-fi/test.jsonl, which no model was tuned on.
// Run after `npm run build`:  node scripts/finnish-few-shot.mjs [--per-intent 8] [--json]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evaluateIntents, parseJsonl, SAMPLE_INTENTS_FILE } from '../dist/index.js';

const { values } = parseArgs({
  options: { 'per-intent': { type: 'string', default: '8' }, json: { type: 'boolean', default: false } },
});
const perIntent = Number(values['per-intent']);
const readJsonl = (path) => parseJsonl(readFileSync(path, 'utf8'), String(path));
const seen = new Map();
const train = readJsonl(SAMPLE_INTENTS_FILE).filter((example) => {
  if (example.lang !== 'fi') return false;
  const count = seen.get(example.label) ?? 0;
  seen.set(example.label, count + 1);
  return count < perIntent;
});
const test = readJsonl(new URL('../evals/intents-fi/test.jsonl', import.meta.url));
const { model: _model, perLabel, ...report } = await evaluateIntents({ train, test, lang: 'fi' });
const weakest = Object.entries(perLabel)
  .sort((a, b) => a[1].f1 - b[1].f1)
  .slice(0, 5)
  .map(([label, scores]) => `${label} ${scores.f1}`);
if (values.json) console.log(JSON.stringify({ perIntent, ...report, perLabel }));
else
  console.log(
    `${perIntent} Finnish examples per intent (${report.train} in all) → ${report.test} held-out messages: ` +
      `accuracy ${report.accuracy}, macro-F1 ${report.macroF1}, ECE ${report.ece}\nweakest: ${weakest.join(', ')}`,
  );
