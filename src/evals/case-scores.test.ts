import { describe, expect, it } from 'vitest';
import { failedCaseScores, scoreCase, type CasePrediction } from './case-scores.js';

const answered: CasePrediction = {
  language: 'fi',
  intent: 'delivery_options',
  intentConfidence: 0.8,
  urgency: 'normal',
  handoff: 'continue',
  handoffReasons: ['routine'],
  abstained: false,
  answer: 'Paketti odottaa noutopisteessä 14 päivää.',
  cited: ['pickup-point-parcel'],
  ranked: ['delivery-times', 'pickup-point-parcel'],
  summary: null,
};
const passages = ['Noutopiste\nPaketti odottaa noutopisteessä 14 päivää, minkä jälkeen se palautuu meille.'];

describe('scoreCase', () => {
  it('scores a right Finnish answer on every metric its case states', () => {
    const { scores, failures } = scoreCase(
      {
        language: 'fi',
        intent: 'delivery_options',
        doc_ids: ['pickup-point-parcel'],
        reference: 'Paketti odottaa noutopisteessä 14 päivää.',
        answer_facts: ['14 päivää'],
        handoff: false,
        urgency: 'normal',
      },
      answered,
      passages,
      'fi',
    );
    expect(scores).toMatchObject({
      language: 1,
      intent: 1,
      urgency: 1,
      recallAt1: 0,
      recallAt5: 1,
      reciprocalRank: 0.5,
      abstention: 1,
      groundedness: 1,
      citationPrecision: 1,
      tokenF1: 1,
      rougeL: 1,
      answerFactRecall: 1,
      handoff: 1,
      handoffReasons: null,
      summaryFactRecall: null,
      judgeGroundedness: null,
    });
    expect(failures).toEqual([]);
  });

  it('counts a refusal on an answerable case as 0 for correctness, and says so', () => {
    const refusal = { ...answered, abstained: true, answer: null, cited: [] };
    const { scores, failures } = scoreCase(
      { doc_ids: ['pickup-point-parcel'], reference: 'Paketti odottaa 14 päivää.', answer_facts: ['14'] },
      refusal,
      [],
      'fi',
    );
    expect(scores).toMatchObject({ abstention: 0, tokenF1: 0, rougeL: 0, answerFactRecall: 0 });
    // Nothing was answered, so there is nothing to ground or cite: null, not 0 and not NaN.
    expect(scores.groundedness).toBeNull();
    expect(scores.citationPrecision).toBeNull();
    expect(failures).toContain('answer: abstained on an answerable question');
  });

  it('treats an empty answer as an abstention', () => {
    const empty = { ...answered, answer: '   ' };
    const { scores } = scoreCase({ answerable: true, reference: 'Jotain.' }, empty, passages, 'fi');
    expect(scores.abstention).toBe(0);
    expect(scores.tokenF1).toBe(0);
    expect(scores.groundedness).toBeNull();
  });

  it('rewards abstaining on an unanswerable case and does not score its correctness', () => {
    const refusal = { ...answered, abstained: true, answer: null, cited: [] };
    const { scores, failures } = scoreCase({ doc_ids: [], reference: 'ignored' }, refusal, [], 'en');
    expect(scores.abstention).toBe(1);
    expect(scores.tokenF1).toBeNull();
    expect(scores.recallAt1).toBeNull();
    expect(failures).toEqual([]);
  });

  it('flags an answer to an unanswerable case, its wrong citation and an unsupported sentence', () => {
    const made = {
      ...answered,
      language: 'en' as const,
      answer: 'We gift-wrap every order for 3 euros.',
      cited: ['gift-cards'],
    };
    const { scores, failures } = scoreCase(
      { answerable: false, doc_ids: [] },
      made,
      ['Gift cards are valid for two years.'],
      'en',
    );
    expect(scores.abstention).toBe(0);
    expect(scores.citationPrecision).toBe(0);
    expect(scores.groundedness).toBe(0);
    expect(failures).toEqual([
      'answer: answered an unanswerable question',
      'groundedness: no cited passage supports “We gift-wrap every order for 3 euros.”',
      'citations: cited gift-cards, relevant none',
    ]);
  });

  it('scores handoff, its reasons and the facts the summary carries', () => {
    const handedOff: CasePrediction = {
      ...answered,
      handoff: 'handoff',
      handoffReasons: ['asks-for-human', 'high-urgency'],
      summary: 'Tilaus LU-482913 myöhässä, maksoi 189,90 €.\norder_number: LU-482913',
    };
    const { scores, failures } = scoreCase(
      {
        handoff: true,
        handoff_reasons: ['asks-for-human', 'legal-threat'],
        summary_facts: ['LU-482913', '189,90 €', 'lauantai'],
      },
      handedOff,
      passages,
      'fi',
    );
    expect(scores.handoff).toBe(1);
    expect(scores.handoffReasons).toBe(0);
    expect(scores.summaryFactRecall).toBeCloseTo(2 / 3, 6);
    expect(failures).toEqual([
      'handoff reasons: missing legal-threat (cited asks-for-human, high-urgency)',
      'summary: lacks lauantai',
    ]);
  });

  it('scores a missed handoff 0 with no reason score, and its summary facts 0', () => {
    const { scores, failures } = scoreCase(
      { handoff: true, handoff_reasons: ['critical-urgency'], summary_facts: ['LU-530871'] },
      answered,
      passages,
      'fi',
    );
    expect(scores).toMatchObject({ handoff: 0, handoffReasons: null, summaryFactRecall: 0 });
    expect(failures[0]).toBe('handoff: expected a person to take over, got continue (routine)');
  });

  it('keeps an LLM judge verdict only for answered cases, and reports a judge failure', () => {
    const judged = scoreCase({ reference: 'x' }, answered, passages, 'fi', {
      groundedness: 0.5,
      correctness: 1,
    });
    expect(judged.scores.judgeGroundedness).toBe(0.5);
    expect(judged.scores.judgeCorrectness).toBe(1);
    const failed = scoreCase({}, answered, passages, 'fi', {
      groundedness: null,
      correctness: null,
      error: 'the judge call failed: 500',
    });
    expect(failed.scores.judgeGroundedness).toBeNull();
    expect(failed.failures).toContain('judge: the judge call failed: 500');
  });
});

describe('failedCaseScores', () => {
  it('is 0 for every score the case expected and null for the rest', () => {
    const scores = failedCaseScores({
      intent: 'complaint',
      doc_ids: ['refunds'],
      handoff: true,
      reference: 'x',
    });
    expect(scores).toMatchObject({ intent: 0, recallAt1: 0, abstention: 0, tokenF1: 0, handoff: 0 });
    expect(scores.language).toBeNull();
    expect(scores.groundedness).toBeNull();
    expect(scores.summaryFactRecall).toBeNull();
  });
});
