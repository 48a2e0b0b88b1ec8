import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalReport } from './run.js';
import { HEADLINE_METRICS, type EvalMetrics } from './summary.js';

/** Paths of the three reports {@link writeReports} wrote. */
export interface WrittenReports {
  json: string;
  markdown: string;
  html: string;
}

/** Writes `report.json`, `report.md` and `report.html` (self-contained, opens offline) into `dir`. */
export async function writeReports(report: EvalReport, dir: string): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const paths = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  await Promise.all([
    writeFile(paths.json, `${JSON.stringify(report, null, 2)}\n`),
    writeFile(paths.markdown, renderMarkdown(report)),
    writeFile(paths.html, renderHtml(report)),
  ]);
  return paths;
}

const LABELS: Record<string, string> = {
  'triage.language.accuracy': 'Language accuracy',
  'triage.intent.accuracy': 'Intent accuracy',
  'triage.intent.macroF1': 'Intent macro-F1',
  'triage.intent.ece': 'Intent ECE (lower is better)',
  'triage.urgency.accuracy': 'Urgency accuracy',
  'retrieval.recallAt1': 'Recall@1',
  'retrieval.recallAt5': 'Recall@5',
  'retrieval.mrr': 'MRR',
  'retrieval.ndcgAt10': 'nDCG@10',
  'answers.abstentionAccuracy': 'Abstention correctness',
  'answers.groundedness': 'Groundedness (offline)',
  'answers.citationPrecision': 'Citation precision',
  'answers.tokenF1': 'Correctness, token F1',
  'answers.rougeL': 'Correctness, ROUGE-L',
  'answers.factRecall': 'Answer fact recall',
  'answers.judgeGroundedness': 'Groundedness (LLM judge)',
  'answers.judgeCorrectness': 'Correctness (LLM judge)',
  'handoff.precision': 'Handoff precision',
  'handoff.recall': 'Handoff recall',
  'handoff.f1': 'Handoff F1',
  'handoff.reasonAccuracy': 'Handoff reason accuracy',
  'handoff.summaryFactRecall': 'Summary fact recall',
  'latency.p50Ms': 'Latency p50 (ms)',
  'latency.p95Ms': 'Latency p95 (ms)',
  'usage.costUsd': 'Cost (USD)',
};

/** A metric's readable name. */
export function metricLabel(key: string): string {
  return LABELS[key] ?? key;
}

// How many cases each headline metric was taken over.
function countOf(metrics: EvalMetrics, key: string): number {
  const [group, name] = key.split('.') as [string, string];
  if (group === 'triage') {
    if (name === 'language') return metrics.triage.language.count;
    if (name === 'urgency') return metrics.triage.urgency.count;
    return metrics.triage.intent.accuracy.count;
  }
  if (group === 'retrieval') return metrics.retrieval.queries;
  if (group === 'answers') {
    if (name === 'abstentionAccuracy') return metrics.answers.abstentionAccuracy.count;
    const value = metrics.answers[name as 'tokenF1'];
    return typeof value === 'object' && value !== null && 'count' in value
      ? value.count
      : metrics.answers.cases;
  }
  if (group === 'handoff') {
    if (name === 'reasonAccuracy') return metrics.handoff.reasonAccuracy.count;
    if (name === 'summaryFactRecall') return metrics.handoff.summaryFactRecall.count;
    return metrics.handoff.cases;
  }
  if (group === 'latency') return metrics.latency.messages;
  return metrics.cases;
}

const fmt = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined
    ? '–'
    : Number.isInteger(value)
      ? String(value)
      : value.toFixed(digits);

function headlineRows(report: EvalReport): { key: string; value: number; count: number }[] {
  return HEADLINE_METRICS.filter((metric) => report.headline[metric.key] !== undefined).map((metric) => ({
    key: metric.key,
    value: report.headline[metric.key]!,
    count: countOf(report.metrics, metric.key),
  }));
}

const SLICE_COLUMNS = [
  'triage.intent.accuracy',
  'retrieval.mrr',
  'answers.abstentionAccuracy',
  'answers.tokenF1',
  'handoff.f1',
  'latency.p95Ms',
] as const;

function sliceRows(report: EvalReport): { slice: string; cases: number; values: (number | null)[] }[] {
  const rows: { slice: string; cases: number; values: (number | null)[] }[] = [];
  for (const [kind, slices] of Object.entries(report.slices))
    for (const [name, metrics] of Object.entries(slices))
      rows.push({
        slice: `${kind}: ${name}`,
        cases: metrics.cases,
        values: SLICE_COLUMNS.map((key) =>
          HEADLINE_METRICS.find((metric) => metric.key === key)!.read(metrics),
        ),
      });
  return rows;
}

function failingCases(report: EvalReport) {
  return report.cases.filter((item) => item.failures.length > 0);
}

/** The report as Markdown: headline, each area, slices, variance and the failing cases. */
export function renderMarkdown(report: EvalReport): string {
  const m = report.metrics;
  const table = (head: string[], rows: (string | number)[][]) =>
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  const lines = [
    `# Eval report: ${report.suite.name}`,
    '',
    `${report.suite.cases} cases × ${report.repeat} run(s) · kaiku ${report.kaiku} · ${report.createdAt} · ${(report.durationMs / 1000).toFixed(1)} s`,
    `Engine: knowledge ${report.engine.knowledge ?? 'none'}, intents ${report.engine.intents ?? 'none'}, chat model ${report.engine.chatModel ?? 'none (extractive)'}, judge ${report.engine.judge ?? 'none'}.`,
    m.errors > 0
      ? `\n**${m.errors} case(s) failed with an error** (counted as wrong; see the failing cases).`
      : '',
    '',
    '## Headline',
    '',
    table(
      ['metric', 'value', 'cases'],
      headlineRows(report).map((row) => [metricLabel(row.key), fmt(row.value), row.count]),
    ),
    '',
    '## Triage',
    '',
    table(
      ['threshold', 'coverage', 'accuracy'],
      m.triage.intent.coverage.map((row) => [row.threshold, fmt(row.coverage), fmt(row.accuracy)]),
    ),
    '',
    `Intent accuracy ${fmt(m.triage.intent.accuracy.value)} (${m.triage.intent.accuracy.count}), macro-F1 ${fmt(m.triage.intent.macroF1)}, ECE ${fmt(m.triage.intent.ece)}, coverage at 90% precision ${fmt(m.triage.intent.coverageAt90)}; language ${fmt(m.triage.language.value)} (${m.triage.language.count}); urgency ${fmt(m.triage.urgency.value)} (${m.triage.urgency.count}).`,
    '',
    '## Answers',
    '',
    `${m.answers.answered} answered, ${m.answers.abstained} abstained of ${m.answers.cases}; ${m.answers.refusals} refusal(s) on answerable cases (scored 0 for correctness). Abstained on ${fmt(m.answers.abstainedWhenUnanswerable.value)} of ${m.answers.abstainedWhenUnanswerable.count} unanswerable, answered ${fmt(m.answers.answeredWhenAnswerable.value)} of ${m.answers.answeredWhenAnswerable.count} answerable.`,
    '',
    '## Handoff',
    '',
    `${m.handoff.expected} expected, ${m.handoff.predicted} handed off, of ${m.handoff.cases}: precision ${fmt(m.handoff.precision)}, recall ${fmt(m.handoff.recall)}, F1 ${fmt(m.handoff.f1)}; reason accuracy ${fmt(m.handoff.reasonAccuracy.mean)} (${m.handoff.reasonAccuracy.count}); summary fact recall ${fmt(m.handoff.summaryFactRecall.mean)} (${m.handoff.summaryFactRecall.count}).`,
    '',
    '## Latency and usage',
    '',
    `${m.latency.messages} messages: p50 ${fmt(m.latency.p50Ms)} ms, p95 ${fmt(m.latency.p95Ms)} ms. LLM calls ${m.usage.calls} (${m.usage.inputTokens} in / ${m.usage.outputTokens} out tokens), judge calls ${m.usage.judgeCalls}, cost ${m.usage.costUsd === null ? 'not priced' : `$${m.usage.costUsd}`}.`,
    '',
    '## Slices',
    '',
    table(
      ['slice', 'cases', ...SLICE_COLUMNS.map(metricLabel)],
      sliceRows(report).map((row) => [row.slice, row.cases, ...row.values.map((value) => fmt(value))]),
    ),
  ];
  if (report.repeat > 1) {
    lines.push(
      '',
      '## Variance over runs',
      '',
      table(
        ['metric', 'mean', 'std', 'min', 'max'],
        Object.entries(report.variance).map(([key, spread]) => [
          metricLabel(key),
          fmt(spread.mean),
          fmt(spread.std, 4),
          fmt(spread.min),
          fmt(spread.max),
        ]),
      ),
    );
  }
  const failing = failingCases(report);
  lines.push('', `## Failing cases (${failing.length})`, '');
  for (const item of failing.slice(0, 200))
    lines.push(
      `- **${item.id}** (${item.lang}, ${item.channel}${report.repeat > 1 ? `, run ${item.run}` : ''}) “${cell(item.text.slice(0, 160))}”: ${item.failures.map(cell).join('; ')}`,
    );
  if (failing.length > 200) lines.push(`- … and ${failing.length - 200} more (see report.json)`);
  return `${lines.join('\n')}\n`;
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The report as one HTML file with inline SVG charts and styles: no scripts, no network, opens offline. */
export function renderHtml(report: EvalReport): string {
  const m = report.metrics;
  const failing = failingCases(report);
  const table = (head: string[], rows: string[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
      .map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const sections = [
    `<h1>Eval report: ${escape(report.suite.name)}</h1>`,
    `<p class="meta">${report.suite.cases} cases × ${report.repeat} run(s) · kaiku ${escape(report.kaiku)} · ${escape(report.createdAt)} · ${(report.durationMs / 1000).toFixed(1)} s<br>Engine: knowledge ${escape(report.engine.knowledge ?? 'none')} · intents ${escape(report.engine.intents ?? 'none')} · chat model ${escape(report.engine.chatModel ?? 'none (extractive)')} · judge ${escape(report.engine.judge ?? 'none')}</p>`,
    m.errors > 0 ? `<p class="bad">${m.errors} case(s) failed with an error; they count as wrong.</p>` : '',
    '<h2>Headline</h2>',
    table(
      ['metric', 'value', 'cases'],
      headlineRows(report).map((row) => [escape(metricLabel(row.key)), fmt(row.value), String(row.count)]),
    ),
    '<h2>Triage</h2>',
    '<div class="charts">',
    figure('Confusion matrix (rows: expected intent, columns: predicted)', confusionSvg(m)),
    figure('Reliability diagram (intent confidence against accuracy)', reliabilitySvg(m)),
    figure('F1 per intent, worst first', perIntentSvg(m)),
    '</div>',
    table(
      ['confidence ≥', 'coverage', 'accuracy'],
      m.triage.intent.coverage.map((row) => [String(row.threshold), fmt(row.coverage), fmt(row.accuracy)]),
    ),
    '<h2>Retrieval and answers</h2>',
    table(
      ['figure', 'value'],
      [
        ['queries with relevant documents', String(m.retrieval.queries)],
        [
          'recall@1 / @5 / @10',
          `${fmt(m.retrieval.recallAt1)} / ${fmt(m.retrieval.recallAt5)} / ${fmt(m.retrieval.recallAt10)}`,
        ],
        ['MRR · nDCG@10', `${fmt(m.retrieval.mrr)} · ${fmt(m.retrieval.ndcgAt10)}`],
        [
          'answered · abstained · refusals',
          `${m.answers.answered} · ${m.answers.abstained} · ${m.answers.refusals}`,
        ],
        [
          'abstained when unanswerable',
          `${fmt(m.answers.abstainedWhenUnanswerable.value)} (${m.answers.abstainedWhenUnanswerable.count})`,
        ],
        [
          'answered when answerable',
          `${fmt(m.answers.answeredWhenAnswerable.value)} (${m.answers.answeredWhenAnswerable.count})`,
        ],
      ],
    ),
    '<h2>Handoff</h2>',
    table(
      ['expected', 'handed off', 'precision', 'recall', 'F1', 'reason accuracy', 'summary fact recall'],
      [
        [
          String(m.handoff.expected),
          String(m.handoff.predicted),
          fmt(m.handoff.precision),
          fmt(m.handoff.recall),
          fmt(m.handoff.f1),
          fmt(m.handoff.reasonAccuracy.mean),
          fmt(m.handoff.summaryFactRecall.mean),
        ],
      ],
    ),
    '<h2>Latency and usage</h2>',
    '<div class="charts">',
    figure(
      `engine.handle() latency, ${m.latency.messages} messages: p50 ${fmt(m.latency.p50Ms)} ms, p95 ${fmt(m.latency.p95Ms)} ms`,
      latencySvg(m),
    ),
    '</div>',
    `<p>LLM calls ${m.usage.calls} (${m.usage.inputTokens} input / ${m.usage.outputTokens} output tokens) · judge calls ${m.usage.judgeCalls} · cost ${m.usage.costUsd === null ? 'not priced' : `$${m.usage.costUsd}`}</p>`,
    '<h2>Slices</h2>',
    table(
      ['slice', 'cases', ...SLICE_COLUMNS.map((key) => escape(metricLabel(key)))],
      sliceRows(report).map((row) => [
        escape(row.slice),
        String(row.cases),
        ...row.values.map((value) => fmt(value)),
      ]),
    ),
    report.repeat > 1
      ? `<h2>Variance over ${report.repeat} runs</h2>${table(
          ['metric', 'mean', 'std', 'min', 'max'],
          Object.entries(report.variance).map(([key, spread]) => [
            escape(metricLabel(key)),
            fmt(spread.mean),
            fmt(spread.std, 4),
            fmt(spread.min),
            fmt(spread.max),
          ]),
        )}`
      : '',
    `<h2>Failing cases (${failing.length})</h2>`,
    failing.length === 0
      ? '<p>None.</p>'
      : `<table class="cases"><thead><tr><th>case</th><th>lang · channel</th><th>message</th><th>what went wrong</th></tr></thead><tbody>${failing
          .slice(0, 500)
          .map(
            (item) =>
              `<tr data-case="${escape(item.id)}"><td>${escape(item.id)}${report.repeat > 1 ? ` (run ${item.run})` : ''}</td><td>${item.lang} · ${item.channel}</td><td>${escape(item.text)}</td><td><ul>${item.failures.map((failure) => `<li>${escape(failure)}</li>`).join('')}</ul></td></tr>`,
          )
          .join(
            '',
          )}</tbody></table>${failing.length > 500 ? `<p>… and ${failing.length - 500} more in report.json.</p>` : ''}`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kaiku eval: ${escape(report.suite.name)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1d2433}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde2ea;padding-bottom:4px}
.meta{color:#5a6475}.bad{color:#b3261e;font-weight:600}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #dde2ea;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f9}td ul{margin:0;padding-left:18px}.cases td:nth-child(3){max-width:420px}
.charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:600;margin-bottom:6px}
svg text{font:10px system-ui,sans-serif;fill:#1d2433}.empty{color:#5a6475;font-style:italic}
</style></head><body>
${sections.join('\n')}
</body></html>
`;
}

function figure(caption: string, svg: string): string {
  return `<figure><figcaption>${escape(caption)}</figcaption>${svg}</figure>`;
}

function emptyChart(name: string, why: string): string {
  return `<svg data-chart="${name}" data-empty="true" width="320" height="40" role="img"><title>${escape(why)}</title><text x="4" y="24">${escape(why)}</text></svg>`;
}

// At most this many intents in the heatmap: those with the most errors, so a 150-intent set stays readable.
const MAX_HEATMAP_LABELS = 40;

function confusionSvg(m: EvalMetrics): string {
  const { labels, matrix } = m.triage.intent.confusion;
  if (labels.length === 0) return emptyChart('confusion', 'No case states an intent.');
  let shown = labels.map((_, i) => i);
  if (labels.length > MAX_HEATMAP_LABELS) {
    const errors = labels.map(
      (_, i) =>
        matrix[i]!.reduce((sum, count, j) => sum + (i === j ? 0 : count), 0) +
        matrix.reduce((sum, row, j) => sum + (i === j ? 0 : row[i]!), 0),
    );
    shown = shown
      .sort((a, b) => errors[b]! - errors[a]!)
      .slice(0, MAX_HEATMAP_LABELS)
      .sort((a, b) => a - b);
  }
  const cell = 16;
  const margin = 130;
  const size = margin + shown.length * cell + 10;
  // Rotated column labels lean right past the last column.
  const width = size + 60;
  const parts: string[] = [];
  shown.forEach((row, y) => {
    const total = matrix[row]!.reduce((sum, count) => sum + count, 0);
    parts.push(
      `<text x="${margin - 4}" y="${margin + y * cell + 12}" text-anchor="end">${escape(labels[row]!.slice(0, 22))}</text>`,
    );
    shown.forEach((column, x) => {
      const count = matrix[row]![column]!;
      const share = total > 0 ? count / total : 0;
      const color =
        row === column
          ? `rgba(30,130,76,${(0.08 + 0.92 * share).toFixed(3)})`
          : `rgba(200,40,40,${(count > 0 ? 0.15 + 0.85 * share : 0.03).toFixed(3)})`;
      parts.push(
        `<rect x="${margin + x * cell}" y="${margin + y * cell}" width="${cell - 1}" height="${cell - 1}" fill="${color}"><title>${escape(`${labels[row]} → ${labels[column]}: ${count}`)}</title></rect>`,
      );
    });
  });
  shown.forEach((column, x) => {
    const cx = margin + x * cell + 11;
    parts.push(
      `<text transform="translate(${cx},${margin - 4}) rotate(-60)">${escape(labels[column]!.slice(0, 22))}</text>`,
    );
  });
  const note =
    shown.length < labels.length
      ? `<text x="4" y="12">${shown.length} of ${labels.length} intents, those with the most errors</text>`
      : '';
  return `<svg data-chart="confusion" width="${width}" height="${size}" viewBox="0 0 ${width} ${size}" role="img"><title>Confusion matrix</title>${note}${parts.join('')}</svg>`;
}

function reliabilitySvg(m: EvalMetrics): string {
  const bins = m.triage.intent.reliability;
  if (bins.every((bin) => bin.count === 0)) return emptyChart('reliability', 'No case states an intent.');
  const size = 260;
  const pad = 36;
  const inner = size - pad - 12;
  const x = (value: number) => pad + value * inner;
  const y = (value: number) => 12 + (1 - value) * inner;
  const parts = [
    `<rect x="${pad}" y="12" width="${inner}" height="${inner}" fill="none" stroke="#aab2c0"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#7a8494" stroke-dasharray="4 3"/>`,
  ];
  for (const bin of bins) {
    if (bin.count === 0 || bin.accuracy === null) continue;
    parts.push(
      `<rect class="bar" x="${x(bin.from) + 1}" y="${y(bin.accuracy)}" width="${inner / 10 - 2}" height="${Math.max(0.5, y(0) - y(bin.accuracy))}" fill="#3b6fd8" fill-opacity="0.75"><title>${escape(`confidence ${bin.from.toFixed(1)}–${bin.to.toFixed(1)}: ${bin.count} messages, accuracy ${fmt(bin.accuracy)}, mean confidence ${fmt(bin.confidence)}`)}</title></rect>`,
      `<text x="${x(bin.from) + inner / 20}" y="${y(bin.accuracy) - 3}" text-anchor="middle">${bin.count}</text>`,
    );
  }
  for (const tick of [0, 0.5, 1]) {
    parts.push(
      `<text x="${x(tick)}" y="${size - 8}" text-anchor="middle">${tick}</text>`,
      `<text x="${pad - 4}" y="${y(tick) + 3}" text-anchor="end">${tick}</text>`,
    );
  }
  parts.push(`<text x="${pad + inner / 2}" y="${size}" text-anchor="middle">confidence</text>`);
  return `<svg data-chart="reliability" width="${size}" height="${size + 4}" viewBox="0 0 ${size} ${size + 4}" role="img"><title>Reliability diagram; ECE ${fmt(m.triage.intent.ece)}</title>${parts.join('')}</svg>`;
}

function perIntentSvg(m: EvalMetrics): string {
  const rows = Object.entries(m.triage.intent.perIntent)
    .sort(([, a], [, b]) => a.f1 - b.f1)
    .slice(0, 80);
  if (rows.length === 0) return emptyChart('per-intent-f1', 'No case states an intent.');
  const rowHeight = 15;
  const labelWidth = 150;
  const barWidth = 220;
  const height = rows.length * rowHeight + 8;
  const parts = rows.map(([label, scores], i) => {
    const top = 4 + i * rowHeight;
    return `<text x="${labelWidth - 4}" y="${top + 11}" text-anchor="end">${escape(label.slice(0, 26))}</text><rect class="bar" x="${labelWidth}" y="${top + 2}" width="${Math.max(1, scores.f1 * barWidth)}" height="${rowHeight - 4}" fill="${scores.f1 >= 0.8 ? '#1e824c' : scores.f1 >= 0.5 ? '#d89b1e' : '#c82828'}"><title>${escape(`${label}: F1 ${fmt(scores.f1)}, precision ${fmt(scores.precision)}, recall ${fmt(scores.recall)}, ${scores.support} cases`)}</title></rect><text x="${labelWidth + Math.max(1, scores.f1 * barWidth) + 4}" y="${top + 11}">${fmt(scores.f1, 2)}</text>`;
  });
  const width = labelWidth + barWidth + 40;
  return `<svg data-chart="per-intent-f1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"><title>F1 per intent</title>${parts.join('')}</svg>`;
}

function latencySvg(m: EvalMetrics): string {
  const bins = m.latency.histogram;
  if (bins.length === 0) return emptyChart('latency', 'No message was timed.');
  const width = 420;
  const height = 180;
  const pad = 30;
  const most = Math.max(...bins.map((bin) => bin.count), 1);
  const barWidth = (width - pad - 10) / bins.length;
  const parts = bins.map((bin, i) => {
    const barHeight = (bin.count / most) * (height - pad - 20);
    const left = pad + i * barWidth;
    return `<rect class="bar" x="${left + 1}" y="${height - pad - barHeight}" width="${barWidth - 2}" height="${Math.max(0.5, barHeight)}" fill="#6a4fc4"><title>${escape(`${fmt(bin.fromMs)}–${fmt(bin.toMs)} ms: ${bin.count}`)}</title></rect>${bin.count > 0 ? `<text x="${left + barWidth / 2}" y="${height - pad - barHeight - 3}" text-anchor="middle">${bin.count}</text>` : ''}`;
  });
  parts.push(
    `<line x1="${pad}" y1="${height - pad}" x2="${width - 10}" y2="${height - pad}" stroke="#aab2c0"/>`,
    `<text x="${pad}" y="${height - pad + 14}">0</text>`,
    `<text x="${width - 10}" y="${height - pad + 14}" text-anchor="end">${fmt(bins.at(-1)!.toMs, 2)} ms+</text>`,
  );
  return `<svg data-chart="latency" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"><title>Latency histogram</title>${parts.join('')}</svg>`;
}
