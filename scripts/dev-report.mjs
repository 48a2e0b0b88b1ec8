#!/usr/bin/env node
// Measures the offline defaults on the sample shop's dev data and prints one JSON object:
// intent accuracy by 4-fold cross-validation on knowledge/intents.jsonl, answer quality on
// evals/sample-kb/questions.dev.jsonl, and engine.handle() latency. Run after `npm run build`:
//   node scripts/dev-report.mjs
// Issues 3, 4 and 7 replace these figures with `kaiku eval …`; this script only keeps the
// numbers quoted for the foundation reproducible.
import { readFileSync } from 'node:fs';
import {
  createEngine,
  createKnowledgeIndex,
  loadArticles,
  parseJsonl,
  SAMPLE_INTENTS_FILE,
  SAMPLE_KNOWLEDGE_DIR,
  trainIntentModel,
  UNKNOWN_INTENT,
} from '../dist/index.js';

const readJsonl = (path) => parseJsonl(readFileSync(path, 'utf8'), String(path));
const intents = readJsonl(SAMPLE_INTENTS_FILE);
const questions = readJsonl(new URL('../evals/sample-kb/questions.dev.jsonl', import.meta.url));

// Intents: 4 folds by position; a prediction below the floor counts by its best guess.
const byLang = { fi: [0, 0], en: [0, 0] };
let confidenceSum = 0;
for (let fold = 0; fold < 4; fold++) {
  const model = trainIntentModel(intents.filter((_, i) => i % 4 !== fold));
  for (const example of intents.filter((_, i) => i % 4 === fold)) {
    const result = model.predict(example.text, { lang: example.lang });
    const label = result.value === UNKNOWN_INTENT ? result.alternatives[0]?.label : result.value;
    byLang[example.lang][1]++;
    if (label === example.label) byLang[example.lang][0]++;
    confidenceSum += result.confidence;
  }
}
const share = ([right, total]) => Number((right / total).toFixed(3));

// Answers on the sample knowledge base.
const knowledge = await createKnowledgeIndex();
await knowledge.upsert(await loadArticles(SAMPLE_KNOWLEDGE_DIR));
const answers = [];
for (const question of questions) {
  answers.push({ question, answer: await knowledge.answer(question.query, { lang: question.lang }) });
}
const isRight = ({ question, answer }) =>
  !answer.abstained && question.doc_ids.includes(answer.citations[0]?.id);
const answerable = answers.filter(({ question }) => question.answerable);
const answered = answers.filter(({ answer }) => !answer.abstained);
const unanswerable = answers.filter(({ question }) => !question.answerable);
// The article ranked first, whatever the confidence.
let topRight = 0;
for (const { question } of answerable) {
  const signals = await knowledge.answerSignals(question.query, { lang: question.lang });
  if (signals && question.doc_ids.includes(signals.docId)) topRight++;
}

// Latency of the whole pipeline, one message at a time, on one engine.
const startedAt = performance.now();
const engine = await createEngine({ knowledge: SAMPLE_KNOWLEDGE_DIR, intents: SAMPLE_INTENTS_FILE });
const engineStartMs = performance.now() - startedAt;
const timings = [];
for (const [i, question] of questions.entries()) {
  const begin = performance.now();
  await engine.handle({
    channel: 'chat',
    customer: { email: `dev${i % 40}@example.com` },
    text: question.query,
  });
  timings.push(performance.now() - begin);
}
timings.sort((a, b) => a - b);
const percentile = (p) =>
  Number(timings[Math.min(timings.length - 1, Math.floor(p * timings.length))].toFixed(2));

console.log(
  JSON.stringify(
    {
      intents: {
        examples: intents.length,
        folds: 4,
        accuracy: share([byLang.fi[0] + byLang.en[0], byLang.fi[1] + byLang.en[1]]),
        accuracyFi: share(byLang.fi),
        accuracyEn: share(byLang.en),
        meanConfidence: Number((confidenceSum / intents.length).toFixed(3)),
      },
      answers: {
        questions: questions.length,
        answerable: answerable.length,
        topCitationAccuracy: Number((topRight / answerable.length).toFixed(3)),
        answered: answered.length,
        answeredPrecision: Number((answered.filter(isRight).length / answered.length).toFixed(3)),
        answerableAnsweredRight: Number((answerable.filter(isRight).length / answerable.length).toFixed(3)),
        unanswerableAbstained: `${unanswerable.filter(({ answer }) => answer.abstained).length}/${unanswerable.length}`,
      },
      latency: {
        engineStartMs: Math.round(engineStartMs),
        handleP50Ms: percentile(0.5),
        handleP95Ms: percentile(0.95),
        messages: timings.length,
      },
    },
    null,
    2,
  ),
);
