#!/usr/bin/env node
// Fits the answer-confidence calibration on the sample shop's dev questions and reports how well calibrated it
// is by 2-fold cross-validation (fit on one half, measure on the other). The fit on all of them is the default
// DEFAULT_ANSWER_CALIBRATION in src/retrieve/knowledge-index.ts. Run after `npm run build`:
//   node scripts/calibrate-answers.mjs [--json]
import { readFileSync } from 'node:fs';
import {
  createKnowledgeIndex,
  expectedCalibrationError,
  fitAnswerCalibration,
  loadArticles,
  SAMPLE_KNOWLEDGE_DIR,
} from '../dist/index.js';

const questions = readFileSync(new URL('../evals/sample-kb/questions.dev.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
const articles = await loadArticles(SAMPLE_KNOWLEDGE_DIR);
const base = await createKnowledgeIndex();
await base.upsert(articles);

async function measure(calibration, held) {
  const index = await createKnowledgeIndex({ calibration, minConfidence: 0 });
  await index.upsert(articles);
  const rows = [];
  for (const question of held) {
    const answer = await index.answer(question.query, { lang: question.lang });
    const right = !answer.abstained && question.doc_ids.includes(answer.citations[0]?.id);
    rows.push({ confidence: answer.confidence, right, answerable: question.answerable });
  }
  return rows;
}

const folds = [questions.filter((_, i) => i % 2 === 0), questions.filter((_, i) => i % 2 === 1)];
const rows = [];
for (let fold = 0; fold < 2; fold++) {
  const calibration = await fitAnswerCalibration(base, folds[1 - fold]);
  rows.push(...(await measure(calibration, folds[fold])));
}
const ece = expectedCalibrationError(rows);
const answered = rows.filter((row) => row.confidence >= 0.5);
const report = {
  questions: rows.length,
  crossValidatedEce: Number(ece.toFixed(3)),
  atThreshold: {
    threshold: 0.5,
    answered: answered.length,
    precision: Number((answered.filter((row) => row.right).length / Math.max(1, answered.length)).toFixed(3)),
    answerableAnsweredRight: Number(
      (answered.filter((row) => row.right).length / rows.filter((row) => row.answerable).length).toFixed(3),
    ),
    unanswerableAbstained: `${rows.filter((row) => !row.answerable && row.confidence < 0.5).length}/${rows.filter((row) => !row.answerable).length}`,
  },
  fittedOnAll: await fitAnswerCalibration(base, questions),
};
console.log(JSON.stringify(report, null, process.argv.includes('--json') ? 0 : 2));
