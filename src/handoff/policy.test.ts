import { describe, expect, it } from 'vitest';
import type { Answer, IntentResult } from '../core/schemas.js';
import { scoreSentiment } from '../sentiment/sentiment.js';
import { scoreUrgency } from '../sentiment/urgency.js';
import { decideHandoff, DEFAULT_HANDOFF_POLICY, type HandoffSignals, detectHumanRequest } from './policy.js';

const answered: Answer = {
  abstained: false,
  text: 'Toimitus kestää 1–3 arkipäivää.',
  citations: [],
  confidence: 0.8,
  language: 'fi',
  reasons: [],
};
const abstained: Answer = {
  abstained: true,
  text: null,
  citations: [],
  confidence: 0.1,
  language: 'fi',
  reasons: [{ code: 'not-covered', detail: 'not covered' }],
};

function signals(text: string, overrides: Partial<HandoffSignals> = {}): HandoffSignals {
  const intent: IntentResult = { value: 'order_status', confidence: 0.8, alternatives: [], reasons: [] };
  const sentiment = scoreSentiment(text);
  return {
    text,
    intent,
    sentiment,
    urgency: scoreUrgency(text, { sentiment }),
    answer: answered,
    previousSentimentScores: [],
    botTurns: 0,
    tier: 'standard',
    alreadyHandedOff: false,
    ...overrides,
  };
}

describe('decideHandoff', () => {
  it.each([
    ['haluun puhua ihmisen kanssa', 'handoff', 'asks-for-human'],
    ['Haluan puhua oikean ihmisen kanssa nyt', 'handoff', 'asks-for-human'],
    ['voitteko soittaa mulle takaisin', 'handoff', 'asks-for-human'],
    ['Can I speak to a real person please', 'handoff', 'asks-for-human'],
    ['I want a live agent', 'handoff', 'asks-for-human'],
    ['Äitini kuoli ja hänen tilauksensa pitää perua', 'handoff', 'bereavement'],
    ['I will contact my lawyer about this', 'handoff', 'legal-threat'],
    ['Kerron tästä Iltalehdelle', 'handoff', 'media-threat'],
    ['Olen raskaana enkä jaksa kantaa pakettia, voiko sen tuoda kotiin?', 'handoff', 'vulnerable-customer'],
    ['Haluan että poistatte kaikki henkilötietoni GDPR:n nojalla', 'handoff', 'privacy-request'],
    ['Laturi alkoi savuta ja lapsi sai palovamman', 'handoff', 'critical-urgency'],
    ['Tämä on surkeaa ja naurettavaa palvelua, olen raivoissani!', 'handoff', 'strong-negativity'],
    ['Kuinka kauan toimitus kestää?', 'continue', 'routine'],
  ])('%s → %s (%s)', (text, action, code) => {
    const decision = decideHandoff(signals(text));
    expect(decision.value).toBe(action);
    expect(decision.reasons[0]!.code).toBe(code);
    expect(decision.confidence).toBeGreaterThan(0);
    expect(decision.confidence).toBeLessThanOrEqual(1);
  });

  it('quotes the evidence for an explicit request', () => {
    const decision = decideHandoff(signals('moi, haluun puhua ihmisen kanssa kiitos'));
    expect(decision.reasons[0]!.evidence).toContain('ihmisen kanssa');
  });

  it('offers a human when the knowledge base has no answer', () => {
    const decision = decideHandoff(signals('Myyttekö ruohonleikkureita?', { answer: abstained }));
    expect(decision.value).toBe('offer');
    expect(decision.reasons[0]!.code).toBe('no-answer');
  });

  it('hands over sensitive intents and keeps a handed-off conversation with the human', () => {
    expect(
      decideHandoff(
        signals('veloititte kahdesti', {
          intent: { value: 'billing_dispute', confidence: 0.7, alternatives: [], reasons: [] },
        }),
      ).reasons[0]!.code,
    ).toBe('sensitive-intent');
    expect(decideHandoff(signals('ok kiitos', { alreadyHandedOff: true })).value).toBe('handoff');
  });

  it('hands over when negativity rises over the conversation, not on one mild complaint', () => {
    const text = 'Paketti ei vieläkään tullut';
    expect(decideHandoff(signals(text)).value).toBe('continue');
    const rising = decideHandoff(signals(text, { previousSentimentScores: [0, -0.1] }));
    expect(rising.value).toBe('handoff');
    expect(rising.reasons[0]!.code).toBe('rising-negativity');
  });

  it('offers a human after repeated unresolved bot turns and to VIPs', () => {
    expect(
      decideHandoff(signals('ja entä sitten?', { botTurns: 3 })).reasons.map((reason) => reason.code),
    ).toContain('bot-loop');
    expect(decideHandoff(signals('Missä tilaus?', { tier: 'vip' })).value).toBe('offer');
  });

  it('follows a configured policy', () => {
    const text = 'En ole tyytyväinen';
    expect(decideHandoff(signals(text), { ...DEFAULT_HANDOFF_POLICY, angryScore: -0.1 }).value).toBe(
      'handoff',
    );
    expect(
      decideHandoff(
        signals('ihmisen kanssa', {
          intent: { value: 'human_agent', confidence: 0.9, alternatives: [], reasons: [] },
        }),
        DEFAULT_HANDOFF_POLICY,
      ).value,
    ).toBe('handoff');
  });

  it('gives each reason once, even when several rules see the same threat', () => {
    const decision = decideHandoff(
      signals('I will file a complaint with the Consumer Authority and call my lawyer!'),
    );
    const codes = decision.reasons.map((reason) => reason.code);
    expect(codes.filter((code) => code === 'legal-threat')).toHaveLength(1);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('is pure: the same signals give the same decision', () => {
    const input = signals('Haluan puhua ihmisen kanssa');
    expect(decideHandoff(input)).toEqual(decideHandoff(input));
  });
});

describe('detectHumanRequest', () => {
  it.each([
    'Voinko puhua oikean ihmisen kanssa?',
    'haluun puhua ihmisen kanssa',
    'siirtäkää minut asiakaspalvelijalle',
    'lopeta tuo botti ja yhdistä joku',
    'put me through to someone who can help',
    'Can I get someone else on the line to confirm?',
    'I really want to stop talking to bots, get me a human',
    'transfer me to room service',
    'I need an operator',
  ])('hears a request for a person in %s', (text) => {
    const result = detectHumanRequest(text);
    expect(result.value).toBe(true);
    expect(text).toContain(result.evidence!.replace(/…/g, '').trim().slice(0, 10));
  });

  it.each([
    'What time does reception open?',
    'I want to send that money to someone else',
    'Can I deposit a cheque under somebody else’s name?',
    'Missä tilaukseni on?',
  ])('does not hear one in %s', (text) => {
    expect(detectHumanRequest(text)).toEqual({ value: false });
  });
});
