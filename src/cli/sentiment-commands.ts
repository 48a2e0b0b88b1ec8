import type { Language } from '../core/schemas.js';
import {
  evaluateComplaints,
  evaluateSentiment,
  type ComplaintEvalReport,
  type ComplaintRecord,
  type SentimentEvalReport,
  type SentimentRecord,
} from '../evals/sentiment.js';
import { evaluateHandoff, type HandoffRecord } from '../evals/handoff.js';
import { detectComplaint } from '../sentiment/complaint.js';
import { createListener, type Mention } from '../sentiment/listener.js';
import { scoreSentiment } from '../sentiment/sentiment.js';
import { scoreUrgency } from '../sentiment/urgency.js';
import type { Io } from './main.js';
import { languageOption, readJsonl } from './shared.js';

type Values = Record<string, string | boolean | undefined>;
const EXIT_USAGE = 2;

/** `kaiku sentiment [--json] <text…>`: sentiment, urgency and complaint of one message. */
export async function runSentiment(values: Values, positionals: string[], io: Io): Promise<number> {
  let text: string | undefined = positionals.length > 0 ? positionals.join(' ') : await io.readStdin();
  text = text?.replace(/\r?\n$/, '');
  if (!text || text.trim() === '') {
    io.err(
      'kaiku sentiment: no message text. Give it as arguments or on standard input, e.g. kaiku sentiment "ihan surkeaa palvelua"',
    );
    return EXIT_USAGE;
  }
  const sentiment = scoreSentiment(text);
  const urgency = scoreUrgency(text, { sentiment });
  const complaint = detectComplaint(text, { sentiment });
  if (values.json) {
    io.out(JSON.stringify({ sentiment, urgency, complaint }));
    return 0;
  }
  const cues = sentiment.reasons
    .filter((reason) => reason.code !== 'no-cues')
    .map((reason) => `${reason.code} ${reason.evidence ?? reason.detail} (${reason.weight ?? ''})`);
  io.out(
    [
      `sentiment ${sentiment.value} (score ${sentiment.score}, confidence ${sentiment.confidence})`,
      ...(cues.length > 0 ? [`  cues: ${cues.join('; ')}`] : []),
      `urgency ${urgency.value}: ${urgency.reasons.map((reason) => reason.code).join(', ')}`,
      `complaint: ${complaint.value} (${complaint.confidence})`,
    ].join('\n'),
  );
  return 0;
}

/** `kaiku eval sentiment --test <file.jsonl> [--train <file.jsonl>] [--json]` */
export async function runEvalSentiment(values: Values, _positionals: string[], io: Io): Promise<number> {
  const testPath = values.test as string | undefined;
  if (!testPath) {
    io.err(
      'kaiku eval sentiment: give --test <file.jsonl> with {text, label} records (label negative, neutral or positive).',
    );
    return EXIT_USAGE;
  }
  const { model: _model, ...report } = await evaluateSentiment(
    await evalInputs<SentimentRecord>(testPath, values),
  );
  io.out(values.json ? JSON.stringify(report) : formatSentimentReport(report));
  return 0;
}

/** `kaiku eval complaints --test <file.jsonl> [--train <file.jsonl>] [--json]` */
export async function runEvalComplaints(values: Values, _positionals: string[], io: Io): Promise<number> {
  const testPath = values.test as string | undefined;
  if (!testPath) {
    io.err(
      'kaiku eval complaints: give --test <file.jsonl> with {text, label} records (label complaint or not_complaint).',
    );
    return EXIT_USAGE;
  }
  const { model: _model, ...report } = await evaluateComplaints(
    await evalInputs<ComplaintRecord>(testPath, values),
  );
  io.out(values.json ? JSON.stringify(report) : formatComplaintReport(report));
  return 0;
}

// The records of --test, of --train when given, and --lang: what evaluateSentiment and evaluateComplaints take.
async function evalInputs<T>(
  testPath: string,
  values: Values,
): Promise<{ test: T[]; train?: T[]; lang?: Language }> {
  const [test, train] = await Promise.all([
    readJsonl<T>(testPath),
    values.train ? readJsonl<T>(values.train as string) : Promise.resolve(undefined),
  ]);
  return { test, ...(train ? { train } : {}), ...languageOption(values.lang) };
}

/** `kaiku listen --input <mentions.jsonl> [--json]`: replays a stream and prints one line per alert. */
export async function runListen(values: Values, _positionals: string[], io: Io): Promise<number> {
  const input = values.input as string | undefined;
  if (!input) {
    io.err(
      'kaiku listen: give --input <mentions.jsonl> with {id, source, author: {handle, followers}, text, at, url} lines.',
    );
    return EXIT_USAGE;
  }
  const mentions = await readJsonl<Mention>(input);
  const listener = createListener({
    ...(values.window ? { windowMinutes: Number(values.window) } : {}),
    ...(values.baseline ? { baselineMinutes: Number(values.baseline) } : {}),
  });
  listener.on('alert', (alert) => {
    if (values.json) {
      const { at, topic, severity, count, baseline, examples, windowMinutes, pValue, topTerms } = alert;
      io.out(
        JSON.stringify({ at, topic, severity, count, baseline, examples, windowMinutes, pValue, topTerms }),
      );
    } else io.out(`${alert.at} ALERT severity ${alert.severity}/10 · ${alert.summary}`);
  });
  let replies = 0;
  listener.on('reply-needed', () => replies++);
  for (const mention of mentions) listener.ingest(mention);
  const stats = listener.stats();
  io.err(
    `${stats.ingested} mentions scored, ${stats.duplicates} duplicates dropped, ${replies} need a reply, ${stats.alerts} alert(s).`,
  );
  return 0;
}

function formatSentimentReport(report: SentimentEvalReport): string {
  return [
    `${report.test} messages (${report.skipped} skipped for another label), scorer: ${report.scorer}` +
      (report.train ? `, trained on ${report.train} in ${report.trainMs} ms` : ''),
    `accuracy ${report.accuracy}, macro-recall ${report.macroRecall}, macro-F1 ${report.macroF1}, negative F1 ${report.negativeF1}`,
    ...Object.entries(report.perLabel).map(
      ([label, scores]) =>
        `  ${label}: precision ${scores.precision}, recall ${scores.recall}, F1 ${scores.f1} (${scores.support})`,
    ),
    `score p50 ${report.p50Ms} ms`,
  ].join('\n');
}

function formatComplaintReport(report: ComplaintEvalReport): string {
  return [
    `${report.test} messages, scorer: ${report.scorer}` +
      (report.train ? `, trained on ${report.train} in ${report.trainMs} ms` : ''),
    `accuracy ${report.accuracy}; complaint F1 ${report.f1} (precision ${report.precision}, recall ${report.recall})`,
    `detect p50 ${report.p50Ms} ms`,
  ].join('\n');
}

/** `kaiku eval handoff --data <file.jsonl> [--json]`: how well requests for a person are detected. */
export async function runEvalHandoff(values: Values, _positionals: string[], io: Io): Promise<number> {
  const data = values.data as string | undefined;
  if (!data) {
    io.err(
      'kaiku eval handoff: give --data <file.jsonl> with {text, handoff: true|false} or NLU++ {text, labels} records.',
    );
    return EXIT_USAGE;
  }
  const report = await evaluateHandoff({ records: await readJsonl<HandoffRecord>(data) });
  if (values.json) io.out(JSON.stringify(report));
  else
    io.out(
      [
        `${report.test} messages, ${report.positives} ask for a person`,
        `precision ${report.precision}, recall ${report.recall}, F1 ${report.f1}, accuracy ${report.accuracy}`,
        ...(report.missed.length > 0 ? [`missed: ${report.missed.join(' | ')}`] : []),
        ...(report.falseAlarms.length > 0 ? [`false alarms: ${report.falseAlarms.join(' | ')}`] : []),
      ].join('\n'),
    );
  return 0;
}
