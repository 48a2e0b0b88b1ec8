import { z } from 'zod';
import { round3 } from '../core/text.js';
import { parseInput } from '../core/validate.js';
import { detectHumanRequest } from '../handoff/policy.js';
import { percentile } from './retrieval-metrics.js';
import { precisionRecall } from './scorers.js';

/**
 * A message of a handoff eval: `{text, handoff: true|false}`, or an NLU++ record whose `labels` contain
 * "handoff" when the customer asks for a person.
 */
export const HandoffRecordSchema = z.union([
  z.object({ text: z.string().min(1), handoff: z.boolean() }),
  z.object({ text: z.string().min(1), labels: z.array(z.string()) }),
]);
export type HandoffRecord = z.input<typeof HandoffRecordSchema>;

/** What `kaiku eval handoff` prints. The field names are kept stable for other tools. */
export interface HandoffEvalReport {
  /** Of the messages detected as asking for a person, the share that do. */
  precision: number;
  /** Of the messages that ask for a person, the share detected. */
  recall: number;
  f1: number;
  accuracy: number;
  /** Messages, and how many of them ask for a person. */
  test: number;
  positives: number;
  /** Median milliseconds per message. */
  p50Ms: number;
  /** Up to ten misses and ten false alarms, for reading. */
  missed: string[];
  falseAlarms: string[];
}

/**
 * Measures the detection of requests for a human (the handoff policy's `asks-for-human` rule) on labelled
 * messages.
 * @example (await evaluateHandoff({ records })).f1
 */
export async function evaluateHandoff(options: {
  records: readonly HandoffRecord[];
}): Promise<HandoffEvalReport> {
  const records = parseInput(
    z.array(HandoffRecordSchema).min(1),
    options.records,
    'handoff records',
    'Give {text, handoff: true|false} records, or NLU++ records with "labels".',
  );
  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  const missed: string[] = [];
  const falseAlarms: string[] = [];
  const durations: number[] = [];
  for (const record of records) {
    const gold = 'handoff' in record ? record.handoff : record.labels.includes('handoff');
    const start = performance.now();
    const predicted = detectHumanRequest(record.text).value;
    durations.push(performance.now() - start);
    if (gold && predicted) truePositive++;
    else if (predicted) {
      falsePositive++;
      if (falseAlarms.length < 10) falseAlarms.push(record.text);
    } else if (gold) {
      falseNegative++;
      if (missed.length < 10) missed.push(record.text);
    }
  }
  return {
    ...precisionRecall(truePositive, truePositive + falsePositive, truePositive + falseNegative),
    accuracy: round3((records.length - falsePositive - falseNegative) / records.length),
    test: records.length,
    positives: truePositive + falseNegative,
    p50Ms: Math.round(percentile(durations, 0.5) * 1000) / 1000,
    missed,
    falseAlarms,
  };
}
