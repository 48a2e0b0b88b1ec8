import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml, renderMarkdown, writeReports } from './report.js';
import { runEvalSuite, type EvalReport } from './run.js';
import { loadSuite } from './suite.js';

const CHROMIUM = '/usr/bin/chromium';
const SAMPLE_SUITE = new URL('../../evals/sample-kb/suite.yaml', import.meta.url).pathname;

let report: EvalReport;

beforeAll(async () => {
  report = await runEvalSuite(await loadSuite(SAMPLE_SUITE));
});

describe('the shipped sample suite', () => {
  it('has at least 60 Finnish and English cases: answerable, unanswerable, sensitive and multi-channel', () => {
    expect(report.suite.cases).toBeGreaterThanOrEqual(60);
    for (const tag of ['answerable', 'unanswerable', 'sensitive', 'multi-channel'])
      for (const lang of ['fi', 'en'])
        expect(
          report.cases.filter((item) => item.tags.includes(tag) && item.lang === lang).length,
          `${tag}/${lang}`,
        ).toBeGreaterThanOrEqual(5);
    expect(report.cases.filter((item) => item.messages > 1).length).toBeGreaterThanOrEqual(10);
    expect(report.metrics.errors).toBe(0);
  });
});

describe('renderMarkdown and renderHtml', () => {
  it('write every area, the slices and the failing cases with what went wrong', () => {
    const markdown = renderMarkdown(report);
    for (const heading of [
      '## Headline',
      '## Triage',
      '## Answers',
      '## Handoff',
      '## Latency and usage',
      '## Slices',
    ])
      expect(markdown).toContain(heading);
    const failing = report.cases.filter((item) => item.failures.length > 0);
    expect(markdown).toContain(`## Failing cases (${failing.length})`);
    expect(markdown).toContain(`**${failing[0]!.id}**`);
    expect(markdown).toContain('| lang: fi |');
  });

  it('escape hostile case text and load nothing from outside the file', () => {
    const hostile: EvalReport = {
      ...report,
      cases: [
        {
          ...report.cases[0]!,
          id: '<img src=x onerror=alert(1)>',
          text: '</td><script>alert("x")</script>',
          failures: ['intent: expected <b>, got "&"'],
        },
      ],
    };
    const html = renderHtml(hostile);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;');
    expect(html).toContain('expected &lt;b&gt;, got &quot;&amp;&quot;');
    // Self-contained: no external stylesheet, script, image or font.
    expect(html).not.toMatch(/(href|src)=["']?https?:/i);
  });
});

// Under CI the browser must be there; elsewhere the test is skipped when Chromium is not installed.
const browserTest = existsSync(CHROMIUM) || process.env['CI'] ? it : it.skip;

describe('the HTML report in a browser', () => {
  browserTest(
    'opens offline in headless Chromium with every chart drawn',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kaiku-report-'));
      const written = await writeReports(report, dir);
      expect(JSON.parse(await readFile(written.json, 'utf8')).suite.name).toBe('sample-kb');
      expect(await readFile(written.markdown, 'utf8')).toContain('# Eval report: sample-kb');

      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage();
        const requests: string[] = [];
        page.on('request', (request) => requests.push(request.url()));
        await page.goto(pathToFileURL(written.html).href);
        const charts = await page.$$eval('svg[data-chart]', (nodes) =>
          nodes.map((node) => {
            const box = node.getBoundingClientRect();
            return {
              name: node.getAttribute('data-chart'),
              empty: node.getAttribute('data-empty') === 'true',
              width: box.width,
              height: box.height,
              marks: node.querySelectorAll('rect').length,
              drawnBars: [...node.querySelectorAll('rect.bar')].filter(
                (rect) => rect.getBoundingClientRect().height > 0,
              ).length,
            };
          }),
        );
        expect(charts.map((chart) => chart.name).sort()).toEqual([
          'confusion',
          'latency',
          'per-intent-f1',
          'reliability',
        ]);
        for (const chart of charts) {
          expect(chart.empty, chart.name!).toBe(false);
          expect(chart.width, chart.name!).toBeGreaterThan(100);
          expect(chart.height, chart.name!).toBeGreaterThan(100);
        }
        const byName = Object.fromEntries(charts.map((chart) => [chart.name, chart]));
        const labels = report.metrics.triage.intent.confusion.labels.length;
        expect(byName['confusion']!.marks).toBe(labels * labels);
        expect(byName['per-intent-f1']!.drawnBars).toBe(
          Object.keys(report.metrics.triage.intent.perIntent).length,
        );
        expect(byName['reliability']!.drawnBars).toBe(
          report.metrics.triage.intent.reliability.filter((bin) => bin.count > 0).length,
        );
        expect(byName['latency']!.drawnBars).toBe(report.metrics.latency.histogram.length);
        const failingRows = await page.$$eval('tr[data-case]', (rows) => rows.length);
        expect(failingRows).toBe(report.cases.filter((item) => item.failures.length > 0).length);
        // Only the file itself was loaded.
        expect(requests).toEqual([pathToFileURL(written.html).href]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
