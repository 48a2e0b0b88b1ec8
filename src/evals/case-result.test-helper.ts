import { failedCaseScores, noUsage, type CasePrediction, type CaseResult } from './case-scores.js';

/** A prediction that abstained and continued, for tests to override (tests only; not built). */
export const PREDICTION: CasePrediction = {
  language: 'fi',
  intent: 'a',
  intentConfidence: 0.9,
  urgency: 'normal',
  handoff: 'continue',
  handoffReasons: [],
  abstained: true,
  answer: null,
  cited: [],
  ranked: [],
  summary: null,
};

/** A case result with an intent expectation: `gold` expected, `predicted` at `confidence`. */
export function intentResult(
  id: string,
  gold: string,
  predicted: string,
  confidence: number,
  extra: Partial<CaseResult> = {},
): CaseResult {
  return {
    id,
    run: 1,
    lang: 'fi',
    channel: 'chat',
    tags: [],
    messages: 1,
    text: id,
    expect: { intent: gold },
    predicted: { ...PREDICTION, intent: predicted, intentConfidence: confidence },
    scores: { ...failedCaseScores({}), intent: gold === predicted ? 1 : 0 },
    latencyMs: [1],
    usage: noUsage(),
    failures: [],
    ...extra,
  };
}

/** Whether a value holds NaN anywhere inside it. */
export function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (Array.isArray(value)) return value.some(hasNaN);
  if (value && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}
