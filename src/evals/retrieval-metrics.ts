/** One query's ranked result and what was relevant, for {@link scoreRetrieval}. */
export interface RankedResult {
  /** Ranked ids, best first (documents, or groups such as FAQ threads). */
  ranked: readonly string[];
  /** Every id that is a correct result. */
  relevant: readonly string[];
}

/** Retrieval quality over a set of queries. Every figure is in [0, 1]. */
export interface RetrievalScores {
  queries: number;
  /** Share of queries with a relevant id at rank 1. */
  recallAt1: number;
  /** Share of queries with a relevant id in the top 5. */
  recallAt5: number;
  /** Share of queries with a relevant id in the top 10. */
  recallAt10: number;
  /** Mean reciprocal rank of the first relevant id (0 when none is ranked). */
  mrr: number;
  /** Mean nDCG@10 with binary relevance; the ideal ranking puts min(|relevant|, 10) relevant ids first. */
  ndcgAt10: number;
}

/**
 * Scores ranked results. Recall@k is the hit rate (a query counts when any relevant id is in its top k), the
 * usual reading for FAQ retrieval where one right answer suffices. A query with no relevant ids scores 0, never
 * NaN, so it cannot hide a failure.
 */
export function scoreRetrieval(results: readonly RankedResult[]): RetrievalScores {
  if (results.length === 0)
    return { queries: 0, recallAt1: 0, recallAt5: 0, recallAt10: 0, mrr: 0, ndcgAt10: 0 };
  let at1 = 0;
  let at5 = 0;
  let at10 = 0;
  let reciprocal = 0;
  let ndcg = 0;
  for (const { ranked, relevant } of results) {
    const wanted = new Set(relevant);
    const first = ranked.findIndex((id) => wanted.has(id));
    if (first === 0) at1++;
    if (first >= 0 && first < 5) at5++;
    if (first >= 0 && first < 10) at10++;
    if (first >= 0) reciprocal += 1 / (first + 1);
    let dcg = 0;
    const seen = new Set<string>();
    ranked.slice(0, 10).forEach((id, rank) => {
      if (wanted.has(id) && !seen.has(id)) dcg += 1 / Math.log2(rank + 2);
      seen.add(id);
    });
    let ideal = 0;
    for (let rank = 0; rank < Math.min(wanted.size, 10); rank++) ideal += 1 / Math.log2(rank + 2);
    ndcg += ideal > 0 ? dcg / ideal : 0;
  }
  const n = results.length;
  const round = (value: number) => Math.round((value / n) * 10_000) / 10_000;
  return {
    queries: n,
    recallAt1: round(at1),
    recallAt5: round(at5),
    recallAt10: round(at10),
    mrr: round(reciprocal),
    ndcgAt10: round(ndcg),
  };
}

/** Collapses a ranked list of ids to the ranked list of their groups (e.g. FAQ threads), first occurrence wins. */
export function collapseRanking(ranked: readonly string[], groupOf: (id: string) => string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const id of ranked) {
    const group = groupOf(id);
    if (!seen.has(group)) {
      seen.add(group);
      out.push(group);
    }
  }
  return out;
}

/** The p-th percentile (0–1) of durations by nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
