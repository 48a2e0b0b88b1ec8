import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KaikuError } from '../core/errors.js';
import { ChannelSchema, type MessageInput, type TriageResult } from '../core/schemas.js';
import { createEngine, type Engine } from '../engine.js';
import { kaikuVersion } from '../version.js';
import { SAMPLE_CONVERSATIONS_DIR, SAMPLE_INTENTS_FILE, SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { runEvalCompare, runEvalRun } from './eval-commands.js';
import { runEvalIntents, runTrainIntents } from './intent-commands.js';
import { runHandoff, runMetrics } from './handoff-commands.js';
import { runAsk, runEvalRetrieval, runIndex } from './knowledge-commands.js';
import {
  runEvalComplaints,
  runEvalHandoff,
  runEvalSentiment,
  runListen,
  runSentiment,
} from './sentiment-commands.js';

/** Exit codes: 0 success, 1 a failure while running, 2 bad usage or input. */
const EXIT_USAGE = 2;

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string };

interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[], io: Io): Promise<number>;
}

/** Where the CLI writes; replaceable in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Writes to standard error without a newline (progress bars). */
  errInline(text: string): void;
  readStdin(): Promise<string | undefined>;
  color: boolean;
  /** Standard error is a terminal: progress bars are drawn. */
  interactive: boolean;
}

const engineOptions: Record<string, OptionSpec> = {
  knowledge: {
    type: 'string',
    description: 'folder of Markdown articles (default: the bundled sample shop)',
  },
  intents: {
    type: 'string',
    description: 'intent examples (.jsonl) or a saved model (.json) (default: the sample intents)',
  },
};

const COMMANDS: Record<string, Command> = {
  index: {
    summary:
      'Index documents (md, html, txt, json, jsonl) into a folder; re-running updates it incrementally.',
    usage:
      'kaiku index <dir|file…> --out <indexDir> [--lang fi|en] [--vectors auto|memory|hnsw] [--keep-missing] [--json]',
    options: {
      out: { type: 'string', description: 'index folder to create or update' },
      lang: { type: 'string', description: 'language of documents that declare none (default: detected)' },
      vectors: {
        type: 'string',
        description: 'vector store: auto (HNSW from 2,000 passages), memory or hnsw',
      },
      'keep-missing': {
        type: 'boolean',
        description: 'when updating, keep articles that are no longer in the given documents',
      },
      json: { type: 'boolean', description: 'print the report as JSON' },
    },
    run: runIndex,
  },
  ask: {
    summary: 'Answer a question from an index, with citations, or abstain with the reason.',
    usage: 'kaiku ask --index <indexDir> [--json] [--lang fi|en] <question…>',
    options: {
      index: { type: 'string', description: 'index folder written by "kaiku index"' },
      lang: { type: 'string', description: 'language of the question (default: detected)' },
      json: {
        type: 'boolean',
        description: 'print {answer, citations, confidence, abstained, reason, language}',
      },
    },
    run: runAsk,
  },
  'eval run': {
    summary:
      'Run an eval suite (triage, retrieval, answers, handoff, latency) and write JSON, Markdown and HTML reports.',
    usage: 'kaiku eval run <suite.yaml> [--out <dir>] [--repeat N] [--engine <engine.yaml>] [--json]',
    options: {
      out: {
        type: 'string',
        description: 'folder for report.json, report.md and report.html (default: <suite folder>/results)',
      },
      repeat: { type: 'string', description: 'runs of the whole suite, for variance (default: 1)' },
      engine: {
        type: 'string',
        description: "engine configuration laid over the suite's engine block (YAML or JSON, same fields)",
      },
      json: {
        type: 'boolean',
        description: 'print the whole report {suite, metrics, headline, slices, variance, cases, …} as JSON',
      },
    },
    run: runEvalRun,
  },
  'eval compare': {
    summary:
      'Compare two eval reports with bootstrap intervals; exit 1 when a metric regresses beyond tolerance.',
    usage:
      'kaiku eval compare <baseline.json> <candidate.json> [--tolerance 0.02|key=n,…] [--gate key,…] [--strict] [--json]',
    options: {
      tolerance: {
        type: 'string',
        description: 'how much worse a metric may get: one number, or key=number pairs (default: 0.02)',
      },
      gate: { type: 'string', description: 'also gate on these metrics (latency.p95Ms, usage.costUsd …)' },
      strict: {
        type: 'boolean',
        description: 'a drop beyond tolerance fails even when the bootstrap interval includes no change',
      },
      json: {
        type: 'boolean',
        description:
          'print {pairedCases, metrics: [{key, baseline, candidate, delta, low, high, regressed}], regressions, passed}',
      },
    },
    run: runEvalCompare,
  },
  'eval retrieval': {
    summary: 'Measure retrieval on {id,title,text} documents and {id,query,doc_ids} queries.',
    usage: 'kaiku eval retrieval --docs <docs.jsonl> --queries <queries.jsonl> [--k 10] [--lang en] [--json]',
    options: {
      docs: { type: 'string', description: 'JSONL documents {id, title, text[, lang, group|thread_id]}' },
      queries: { type: 'string', description: 'JSONL queries {id, query, doc_ids}' },
      k: { type: 'string', description: 'ranks scored (default: 10)' },
      lang: {
        type: 'string',
        description: 'language of documents and queries that declare none (default: en)',
      },
      json: {
        type: 'boolean',
        description:
          'print {queries, recallAt1, recallAt5, recallAt10, mrr, ndcgAt10, indexMs, p50Ms, p95Ms, …}',
      },
    },
    run: runEvalRetrieval,
  },
  'train intents': {
    summary: 'Train an intent model from {text, label} examples and save it as one JSON file.',
    usage:
      'kaiku train intents --data <train.jsonl> [--dev <dev.jsonl>] --out <model.json> [--lang fi|en] [--json]',
    options: {
      data: { type: 'string', description: 'JSONL training examples {text, label[, lang]}' },
      dev: { type: 'string', description: 'JSONL dev examples: calibrates the confidences and is scored' },
      out: { type: 'string', description: 'file to write the model to' },
      lang: { type: 'string', description: 'language of examples that declare none (default: detected)' },
      json: { type: 'boolean', description: 'print the summary as JSON' },
    },
    run: runTrainIntents,
  },
  'eval intents': {
    summary: 'Train on one split and measure intent accuracy, calibration and speed on another.',
    usage:
      'kaiku eval intents --train <train.jsonl> [--dev <dev.jsonl>] --test <test.jsonl> [--lang fi|en] [--json]',
    options: {
      train: { type: 'string', description: 'JSONL training examples {text, label[, lang]}' },
      dev: { type: 'string', description: 'JSONL calibration examples (default: a holdout of --train)' },
      test: { type: 'string', description: 'JSONL test examples' },
      lang: { type: 'string', description: 'language of examples that declare none (default: detected)' },
      json: {
        type: 'boolean',
        description:
          'print {accuracy, macroF1, ece, coverageAt90, trainMs, p50Ms, perLabel, …} (+ oosRecall, oosPrecision, inScopeAccuracy with oos labels)',
      },
    },
    run: runEvalIntents,
  },
  sentiment: {
    summary: 'Score the sentiment, urgency and complaint of one message, with the cues behind each.',
    usage: 'kaiku sentiment [--json] <text…>\n       echo "text" | kaiku sentiment --json',
    options: {
      json: { type: 'boolean', description: 'print {sentiment, urgency, complaint} as JSON' },
    },
    run: runSentiment,
  },
  'eval sentiment': {
    summary:
      'Measure sentiment on {text, label} messages: the lexicon scorer, or a model trained on --train.',
    usage: 'kaiku eval sentiment --test <file.jsonl> [--train <file.jsonl>] [--lang fi|en] [--json]',
    options: {
      test: {
        type: 'string',
        description:
          'JSONL {text, label} with label negative, neutral or positive (or "polarity"); others skipped',
      },
      train: { type: 'string', description: 'JSONL training messages: train a model on them and score it' },
      lang: { type: 'string', description: 'language of messages that declare none (for a trained model)' },
      json: {
        type: 'boolean',
        description: 'print {accuracy, macroRecall, macroF1, negativeF1, perLabel, scorer, p50Ms, …}',
      },
    },
    run: runEvalSentiment,
  },
  'eval complaints': {
    summary: 'Measure complaint detection on {text, label} messages (complaint / not_complaint).',
    usage: 'kaiku eval complaints --test <file.jsonl> [--train <file.jsonl>] [--lang fi|en] [--json]',
    options: {
      test: { type: 'string', description: 'JSONL {text, label} with label complaint or not_complaint' },
      train: { type: 'string', description: 'JSONL training messages: train a model on them and score it' },
      lang: { type: 'string', description: 'language of messages that declare none (for a trained model)' },
      json: { type: 'boolean', description: 'print {accuracy, f1, precision, recall, scorer, p50Ms, …}' },
    },
    run: runEvalComplaints,
  },
  handoff: {
    summary:
      'Replay a conversation file and print the handoff decision and, when a human takes over, the packet.',
    usage: 'kaiku handoff --conversation <file.json> [--json] [--knowledge <dir>] [--intents <file>]',
    options: {
      conversation: {
        type: 'string',
        description:
          'JSON {customer: {name, email, phone}, messages: [{channel, from: customer|agent|bot, at, text}]}',
      },
      json: { type: 'boolean', description: 'print {handoff, packet, reply} as JSON' },
      ...engineOptions,
    },
    run: (values, _positionals, io) => runHandoff(values, io, () => engineFrom(values)),
  },
  metrics: {
    summary:
      'Service metrics from a SQLite store: first-contact resolution, deflection, handoff rate, response times, SLA, CSAT/NPS/CES.',
    usage: 'kaiku metrics --store <conversations.db> [--from <iso>] [--to <iso>] [--json]',
    options: {
      store: { type: 'string', description: 'the SQLite file of createSqliteStore({ path })' },
      from: { type: 'string', description: 'start of the range (ISO date or time; default: the beginning)' },
      to: { type: 'string', description: 'end of the range (default: now)' },
      json: {
        type: 'boolean',
        description:
          'print {conversations, resolved, handedOff, firstContactResolution, deflection, handoffRate, firstResponse, firstHumanResponse, slaCompliance, csat, nps, ces}',
      },
    },
    run: (values, _positionals, io) => runMetrics(values, io),
  },
  'eval handoff': {
    summary: 'Measure how well requests for a person are detected, on labelled messages.',
    usage: 'kaiku eval handoff --data <file.jsonl> [--json]',
    options: {
      data: {
        type: 'string',
        description:
          'JSONL {text, handoff: true|false}, or NLU++ {text, labels} (labels containing "handoff")',
      },
      json: { type: 'boolean', description: 'print {precision, recall, f1, accuracy, test, positives, …}' },
    },
    run: runEvalHandoff,
  },
  listen: {
    summary: 'Replay a stream of social-media mentions and print each spike alert.',
    usage: 'kaiku listen --input <mentions.jsonl> [--window 60] [--baseline 720] [--json]',
    options: {
      input: {
        type: 'string',
        description: 'JSONL mentions {id, source, author: {handle, followers}, text, at, url}, in time order',
      },
      window: { type: 'string', description: 'minutes a spike is counted in (default: 60)' },
      baseline: { type: 'string', description: 'minutes of baseline before it (default: 720)' },
      json: {
        type: 'boolean',
        description: 'print one JSON line per alert {at, topic, severity, count, baseline, examples, …}',
      },
    },
    run: runListen,
  },
  triage: {
    summary: 'Triage one message: language, intent, sentiment, urgency, route, answer and handoff.',
    usage:
      'kaiku triage [--json] [--channel <channel>] [--knowledge <dir>] [--intents <file>] <text…>\n       echo "text" | kaiku triage --json',
    options: {
      json: { type: 'boolean', description: 'print the TriageResult as JSON' },
      channel: {
        type: 'string',
        description: `channel of the message: ${ChannelSchema.options.join(', ')} (default: chat)`,
      },
      ...engineOptions,
    },
    async run(values, positionals, io) {
      let text: string | undefined = positionals.length > 0 ? positionals.join(' ') : await io.readStdin();
      if (text === undefined) {
        io.err(
          'kaiku triage: no message text. Give it as arguments or on standard input, e.g. kaiku triage "Missä tilaukseni on?"',
        );
        return EXIT_USAGE;
      }
      text = text.replace(/\r?\n$/, '');
      const engine = await engineFrom(values);
      const result = await engine.handle({
        channel: (values.channel as MessageInput['channel']) ?? 'chat',
        text,
      });
      io.out(values.json ? JSON.stringify(result, null, 2) : formatTriage(result, io.color));
      return 0;
    },
  },
  serve: {
    summary: 'Serve the HTTP API and the agent console (tenants, API keys, limits from --config).',
    usage: 'kaiku serve [--port 8787] [--host 127.0.0.1] [--config <serve.yaml>] [--quiet]',
    options: {
      port: { type: 'string', description: 'port to listen on; 0 picks a free one (default: 8787)' },
      host: { type: 'string', description: 'address to listen on (default: 127.0.0.1)' },
      config: {
        type: 'string',
        description: 'tenants with their keys, knowledge, intents and stores, and limits (YAML or JSON)',
      },
      quiet: { type: 'boolean', description: 'no request logs' },
    },
    // Loaded on use: the other commands need no HTTP server.
    run: async (values, _positionals, io) => (await import('./serve-command.js')).runServe(values, io),
  },
  demo: {
    summary: 'Run the sample multi-channel conversations through the engine and print a readable report.',
    usage: 'kaiku demo [--json] [--conversations <dir>] [--knowledge <dir>] [--intents <file>]',
    options: {
      json: { type: 'boolean', description: 'print every TriageResult as JSON lines' },
      conversations: {
        type: 'string',
        description: 'folder of conversation .json files (default: the bundled samples)',
      },
      ...engineOptions,
    },
    async run(values, _positionals, io) {
      const dir = (values.conversations as string | undefined) ?? SAMPLE_CONVERSATIONS_DIR;
      const conversations = await loadConversations(dir);
      const engine = await engineFrom(values);
      const style = styler(io.color);
      let answers = 0;
      let handoffs = 0;
      for (const conversation of conversations) {
        if (!values.json) io.out(`\n${style.bold(`━━ ${conversation.title}`)}`);
        for (const message of conversation.messages) {
          const result = await engine.handle(message);
          if (!result.answer.abstained) answers++;
          if (result.packet) handoffs++;
          if (values.json) io.out(JSON.stringify(result));
          else io.out(formatTriage(result, io.color, message));
        }
      }
      if (!values.json)
        io.out(
          `\n${style.bold('Summary')}: ${conversations.length} conversations, ${answers} cited answers, ${handoffs} handoff packets.`,
        );
      await engine.close();
      return 0;
    },
  },
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [first, ...afterFirst] = argv;
  // Two-word commands ("eval retrieval") are looked up as one name.
  const twoWords =
    first !== undefined && afterFirst[0] !== undefined ? `${first} ${afterFirst[0]}` : undefined;
  const [name, rest] = twoWords && COMMANDS[twoWords] ? [twoWords, afterFirst.slice(1)] : [first, afterFirst];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(generalHelp());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(kaikuVersion());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`kaiku: unknown command "${name}". Run "kaiku --help" for the list of commands.`);
    return EXIT_USAGE;
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    const options = Object.fromEntries(
      Object.entries(command.options).map(([key, { description: _description, ...spec }]) => [key, spec]),
    );
    parsed = parseArgs({
      args: rest,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`kaiku ${name}: ${(error as Error).message}\nUsage: ${command.usage}`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    io.out(commandHelp(name, command));
    return 0;
  }
  try {
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (error) {
    if (error instanceof KaikuError) {
      io.err(`kaiku ${name}: ${error.message}`);
      // Provider and model failures are runtime failures; every other KaikuError is about what was asked.
      return error.code === 'provider' || error.code === 'model_output' ? 1 : EXIT_USAGE;
    }
    throw error;
  }
}

function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'kaiku — triage and answer customer-service messages, offline, in Finnish and English.',
    '',
    'Usage: kaiku <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Run "kaiku <command> --help" for a command\'s options.',
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  const lines = Object.entries(command.options).map(([option, spec]) => {
    const flag = `--${option}${spec.type === 'string' ? ` <value>` : ''}`;
    return `  ${flag.padEnd(26)} ${spec.description}`;
  });
  return [
    `kaiku ${name} — ${command.summary}`,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    ...lines,
    `  ${'-h, --help'.padEnd(26)} show this help`,
  ].join('\n');
}

async function engineFrom(values: Record<string, string | boolean | undefined>): Promise<Engine> {
  return createEngine({
    knowledge: (values.knowledge as string | undefined) ?? SAMPLE_KNOWLEDGE_DIR,
    intents: (values.intents as string | undefined) ?? SAMPLE_INTENTS_FILE,
  });
}

interface SampleConversation {
  id: string;
  title: string;
  messages: MessageInput[];
}

async function loadConversations(dir: string): Promise<SampleConversation[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  } catch (error) {
    throw new KaikuError('not_found', `Cannot read the conversations folder "${dir}".`, {
      cause: error,
      hint: 'Pass --conversations <dir> with .json files.',
    });
  }
  return Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      try {
        return JSON.parse(await readFile(path, 'utf8')) as SampleConversation;
      } catch (error) {
        throw new KaikuError('invalid_input', `Conversation file ${path} is not valid JSON.`, {
          cause: error,
          hint: 'Fix the file or remove it.',
        });
      }
    }),
  );
}

function styler(color: boolean) {
  const wrap = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    bold: wrap('1'),
    dim: wrap('2'),
    red: wrap('31'),
    green: wrap('32'),
    yellow: wrap('33'),
    cyan: wrap('36'),
  };
}

function formatTriage(result: TriageResult, color: boolean, message?: MessageInput): string {
  const style = styler(color);
  const pct = (value: number) => `${Math.round(value * 100)}%`;
  const lines: string[] = [];
  if (message) {
    const who = message.customer?.email ?? message.customer?.phone ?? message.customer?.handle ?? 'anonymous';
    lines.push(
      '',
      `${style.cyan(`[${message.channel}]`)} ${style.dim(`${who} · ${String(message.receivedAt ?? '')}`)}`,
      `  “${oneLine(message.text, 160)}”`,
    );
  }
  const sentimentColor =
    result.sentiment.value === 'negative'
      ? style.red
      : result.sentiment.value === 'positive'
        ? style.green
        : (text: string) => text;
  lines.push(
    `  language ${result.language.value} (${pct(result.language.confidence)}) · intent ${style.bold(result.intent.value)} (${pct(result.intent.confidence)}) · ` +
      `sentiment ${sentimentColor(`${result.sentiment.value} ${result.sentiment.score.toFixed(2)}`)} · urgency ${result.urgency.value} · ` +
      `queue ${result.route.queue}/${result.route.priority}${result.route.skill ? ` (skill ${result.route.skill})` : ''} by rule "${result.route.rule}" · conversation ${result.conversationId.slice(0, 13)}`,
  );
  if (result.answer.abstained) {
    lines.push(`  ${style.yellow('answer: abstained')} — ${result.answer.reasons[0]?.detail ?? ''}`);
  } else {
    const citation = result.answer.citations[0]!;
    lines.push(
      `  ${style.green('answer')} (${pct(result.answer.confidence)}): ${oneLine(result.answer.text ?? '', 220)}`,
      `    cited: [${citation.id}/${citation.lang}] ${citation.title}${citation.url ? ` ${citation.url}` : ''}`,
    );
  }
  const handoffColor =
    result.handoff.value === 'handoff'
      ? style.red
      : result.handoff.value === 'offer'
        ? style.yellow
        : style.green;
  lines.push(
    `  handoff: ${handoffColor(result.handoff.value)} (${pct(result.handoff.confidence)}) — ${result.handoff.reasons.map((reason) => `${reason.code}${reason.evidence ? ` “${oneLine(reason.evidence, 50)}”` : ''}`).join('; ')}`,
  );
  if (result.packet) {
    const packet = result.packet;
    lines.push(
      `  ${style.bold(`handoff packet ${packet.reference}`)} → ${packet.queue}/${packet.priority}, SLA due ${packet.slaDueAt}, channels ${packet.channels.join(' → ')}, ${packet.timeline.length} timeline entries`,
      `    customer: ${packet.customer.name ?? packet.customer.id} [${packet.customer.identities.map((identity) => `${identity.kind} ${identity.value}`).join(', ')}]`,
      `    issue: ${oneLine(packet.summary.issue, 200)}`,
      `    wants: ${oneLine(packet.summary.customerWants, 200)}`,
      `    key facts: ${packet.keyFacts.map((fact) => `${fact.kind}=${fact.value}`).join(', ') || '(none)'}`,
      `    sentiment: ${packet.sentimentTrajectory.map((point) => point.score.toFixed(2)).join(' → ')}`,
      `    next step: ${packet.suggestedNextStep}`,
    );
  }
  lines.push(`  ${style.dim('reply:')} ${oneLine(result.reply, 260)}`);
  return lines.join('\n');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function processIo(): Io {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    errInline: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    interactive: Boolean(process.stderr.isTTY),
    async readStdin() {
      if (process.stdin.isTTY) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
