import { describe, expect, it } from 'vitest';
import { intentResult } from './case-result.test-helper.js';
import { compareReports } from './compare.js';
import type { EvalReport } from './run.js';
import { headline, summarizeCases } from './summary.js';

// n cases with an expected intent, of which the first `right` are classified right.
function report(n: number, right: number, ids = (i: number) => `c${i}`): EvalReport {
  const cases = Array.from({ length: n }, (_, i) => intentResult(ids(i), 'a', i < right ? 'a' : 'b', 0.9));
  const metrics = summarizeCases(cases);
  return {
    kind: 'kaiku-eval-report',
    version: 1,
    suite: { name: 't', cases: n },
    kaiku: '0',
    createdAt: '2026-11-22T00:00:00Z',
    durationMs: 1,
    engine: { knowledge: null, intents: null, chatModel: null, judge: null, knowledgeOptions: {} },
    repeat: 1,
    thresholds: [0.5],
    pricing: null,
    metrics,
    headline: headline(metrics),
    slices: { lang: {}, channel: {}, tag: {} },
    variance: {},
    cases,
  };
}

const metric = (result: ReturnType<typeof compareReports>, key: string) =>
  result.metrics.find((item) => item.key === key)!;

describe('compareReports', () => {
  it('passes identical reports with zero deltas and zero-width intervals', () => {
    const result = compareReports(report(50, 40), report(50, 40));
    expect(result.passed).toBe(true);
    expect(metric(result, 'triage.intent.accuracy')).toMatchObject({
      delta: 0,
      low: 0,
      high: 0,
      regressed: false,
    });
  });

  it('flags a clear drop with an interval below zero, and reports the gain the other way', () => {
    const worse = compareReports(report(50, 45), report(50, 25));
    expect(worse.passed).toBe(false);
    expect(worse.regressions).toEqual([
      'triage.intent.accuracy',
      'triage.intent.macroF1',
      'triage.intent.ece',
    ]);
    const accuracy = metric(worse, 'triage.intent.accuracy');
    expect(accuracy.delta).toBe(-0.4);
    expect(accuracy.high).toBeLessThan(0);
    // ECE is lower-better: confidence 0.9 against accuracy 0.5 is worse calibrated.
    expect(metric(worse, 'triage.intent.ece').delta).toBeGreaterThan(0);
    const better = compareReports(report(50, 25), report(50, 45));
    expect(better.passed).toBe(true);
    expect(metric(better, 'triage.intent.accuracy').improved).toBe(true);
  });

  it('lets a drop within tolerance through, and a noisy one unless strict', () => {
    // One case of 50 flips: −0.02, within the default tolerance.
    expect(compareReports(report(50, 45), report(50, 44)).passed).toBe(true);
    // Two flips: beyond 0.02, but the interval reaches 0, so only a strict comparison fails it.
    expect(compareReports(report(50, 45), report(50, 43), { tolerance: 0.01 }).passed).toBe(true);
    expect(
      compareReports(report(50, 45), report(50, 43), { tolerance: 0.01, requireSignificance: false }).passed,
    ).toBe(false);
    expect(
      compareReports(report(50, 45), report(50, 25), {
        tolerance: { 'triage.intent.accuracy': 0.5, 'triage.intent.macroF1': 1, 'triage.intent.ece': 1 },
      }).passed,
    ).toBe(true);
  });

  it('refuses reports with no case in common, and a bootstrap of no iterations', () => {
    expect(() =>
      compareReports(
        report(5, 5),
        report(5, 5, (i) => `other${i}`),
      ),
    ).toThrow(/no case id in common/);
    expect(() => compareReports(report(5, 5), report(5, 5), { iterations: 0 })).toThrow(/"iterations"/);
  });

  it('pairs cases by id and leaves the unmatched out', () => {
    const result = compareReports(
      report(10, 10),
      report(12, 12, (i) => `c${i + 2}`),
    );
    expect(result.pairedCases).toBe(8);
    expect(result.unmatched).toEqual({ baseline: 2, candidate: 4 });
    expect(metric(result, 'triage.intent.accuracy').delta).toBe(0);
  });

  it('does not gate latency unless asked, and refuses what is not a report', () => {
    const slow = report(20, 20);
    slow.cases = slow.cases.map((item) => ({ ...item, latencyMs: [50] }));
    expect(compareReports(report(20, 20), slow).passed).toBe(true);
    expect(
      compareReports(report(20, 20), slow, { gate: ['latency.p95Ms'], tolerance: 5 }).regressions,
    ).toEqual(['latency.p95Ms']);
    expect(() => compareReports({} as EvalReport, slow)).toThrow(/baseline is not a kaiku eval report/);
    expect(() => compareReports(report(1, 1), { ...slow, version: 2 as 1 })).toThrow(/version 2/);
  });
});
