import { describe, expect, it } from 'vitest';
import { collapseRanking, percentile, scoreRetrieval } from './retrieval-metrics.js';

describe('scoreRetrieval', () => {
  it('scores hits, ranks and nDCG by hand', () => {
    const scores = scoreRetrieval([
      { ranked: ['a', 'b', 'c'], relevant: ['a'] },
      { ranked: ['x', 'y', 'b', 'z', 'w', 'v'], relevant: ['b'] },
      { ranked: ['q', 'r', 's', 't', 'u', 'v'], relevant: ['v'] },
      { ranked: ['m'], relevant: ['n'] },
    ]);
    expect(scores.queries).toBe(4);
    expect(scores.recallAt1).toBe(0.25);
    expect(scores.recallAt5).toBe(0.5);
    expect(scores.recallAt10).toBe(0.75);
    expect(scores.mrr).toBeCloseTo((1 + 1 / 3 + 1 / 6 + 0) / 4, 4);
    expect(scores.ndcgAt10).toBeCloseTo((1 + 1 / Math.log2(4) + 1 / Math.log2(7) + 0) / 4, 4);
  });

  it('counts every relevant id for nDCG and none twice', () => {
    const perfect = scoreRetrieval([{ ranked: ['a', 'b', 'a'], relevant: ['a', 'b'] }]);
    expect(perfect.ndcgAt10).toBe(1);
  });

  it('never yields NaN: no queries, no relevant ids, empty rankings', () => {
    expect(scoreRetrieval([])).toEqual({
      queries: 0,
      recallAt1: 0,
      recallAt5: 0,
      recallAt10: 0,
      mrr: 0,
      ndcgAt10: 0,
    });
    const scores = scoreRetrieval([{ ranked: [], relevant: [] }]);
    for (const value of Object.values(scores)) expect(Number.isNaN(value)).toBe(false);
  });
});

describe('collapseRanking and percentile', () => {
  it('collapses answers to their threads in rank order', () => {
    expect(collapseRanking(['t1-a0', 't1-a1', 't2-a0', 't1-a2', 't3-a0'], (id) => id.split('-')[0]!)).toEqual(
      ['t1', 't2', 't3'],
    );
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 0.95)).toBe(5);
    expect(percentile([], 0.5)).toBe(0);
  });
});
