import { describe, expect, it } from 'vitest';
import { failedCaseScores, noUsage, type CaseResult, type CaseScores } from './case-scores.js';
import { hasNaN, intentResult } from './case-result.test-helper.js';
import { headline, summarizeCases } from './summary.js';

const noScores: CaseScores = failedCaseScores({});
const result = intentResult;

describe('summarizeCases', () => {
  it('never yields NaN: an empty run and a run with nothing scorable give nulls with counts of 0', () => {
    const empty = summarizeCases([]);
    expect(hasNaN(empty)).toBe(false);
    expect(empty.triage.intent.accuracy).toEqual({ value: null, count: 0 });
    expect(empty.handoff.precision).toBeNull();
    expect(empty.latency.p95Ms).toBeNull();
    expect(headline(empty)).toEqual({});

    const refusalsOnly = summarizeCases([
      result('a', 'x', 'x', 0.9, {
        expect: { doc_ids: ['refunds'], reference: 'r' },
        scores: { ...noScores, abstention: 0, tokenF1: 0 },
      }),
    ]);
    expect(hasNaN(refusalsOnly)).toBe(false);
    expect(refusalsOnly.answers).toMatchObject({ answered: 0, abstained: 1, refusals: 1 });
    expect(refusalsOnly.answers.groundedness).toEqual({ mean: null, count: 0, missing: 1 });
    expect(refusalsOnly.answers.tokenF1).toEqual({ mean: 0, count: 1, missing: 0 });
  });

  it('builds the confusion matrix, macro-F1, reliability bins and coverage at thresholds', () => {
    const metrics = summarizeCases(
      [
        result('1', 'order_status', 'order_status', 0.95),
        result('2', 'order_status', 'order_status', 0.85),
        result('3', 'order_status', 'refund_status', 0.55),
        result('4', 'refund_status', 'refund_status', 0.92),
      ],
      { thresholds: [0.5, 0.9] },
    );
    const intent = metrics.triage.intent;
    expect(intent.accuracy).toEqual({ value: 0.75, count: 4 });
    expect(intent.confusion).toEqual({
      labels: ['order_status', 'refund_status'],
      matrix: [
        [2, 1],
        [0, 1],
      ],
    });
    // order_status: P 1, R 2/3 → F1 0.8; refund_status: P 0.5, R 1 → F1 0.667.
    expect(intent.macroF1).toBeCloseTo((0.8 + 0.667) / 2, 3);
    expect(intent.reliability[9]).toEqual({ from: 0.9, to: 1, count: 2, confidence: 0.935, accuracy: 1 });
    expect(intent.reliability[5]).toMatchObject({ count: 1, accuracy: 0 });
    expect(intent.reliability[0]).toEqual({ from: 0, to: 0.1, count: 0, confidence: null, accuracy: null });
    expect(intent.coverage).toEqual([
      { threshold: 0.5, coverage: 1, accuracy: 0.75 },
      { threshold: 0.9, coverage: 0.5, accuracy: 1 },
    ]);
    expect(intent.coverageAt90).toBe(0.75);
  });

  it('computes handoff precision and recall over cases that state a handoff, and prices tokens', () => {
    const base = result('h', 'x', 'x', 1);
    const handoff = (id: string, expected: boolean, predicted: 'handoff' | 'continue'): CaseResult => ({
      ...base,
      id,
      expect: { handoff: expected },
      predicted: { ...base.predicted!, handoff: predicted },
      scores: { ...noScores, handoff: (predicted === 'handoff') === expected ? 1 : 0 },
      usage: { ...noUsage(), calls: 1, inputTokens: 1_000_000, outputTokens: 500_000 },
    });
    const metrics = summarizeCases(
      [
        handoff('a', true, 'handoff'),
        handoff('b', true, 'continue'),
        handoff('c', false, 'handoff'),
        handoff('d', false, 'continue'),
      ],
      { pricing: { input_per_million: 0.15, output_per_million: 0.6 } },
    );
    expect(metrics.handoff).toMatchObject({
      cases: 4,
      expected: 2,
      predicted: 2,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
    expect(metrics.handoff.accuracy).toEqual({ value: 0.5, count: 4 });
    expect(metrics.usage.costUsd).toBeCloseTo(4 * (0.15 + 0.3), 6);
  });

  it('counts a failed case as wrong wherever it had an expectation', () => {
    const failed: CaseResult = {
      ...result('e', 'complaint', 'x', 0),
      predicted: null,
      scores: failedCaseScores({ intent: 'complaint' }),
      error: 'boom',
    };
    const metrics = summarizeCases([failed, result('ok', 'complaint', 'complaint', 0.9)]);
    expect(metrics.errors).toBe(1);
    expect(metrics.triage.intent.accuracy).toEqual({ value: 0.5, count: 2 });
  });
});
