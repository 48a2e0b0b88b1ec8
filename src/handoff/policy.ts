import type {
  Answer,
  HandoffAction,
  HandoffDecision,
  IntentResult,
  Reason,
  SentimentResult,
  UrgencyResult,
} from '../core/schemas.js';
import { excerptAround, foldText, round3 } from '../core/text.js';

/** Everything the handoff policy looks at. Gather it with the other stages; the policy itself does no I/O. */
export interface HandoffSignals {
  text: string;
  intent: IntentResult;
  sentiment: SentimentResult;
  urgency: UrgencyResult;
  answer: Answer;
  /** Sentiment scores of the customer's earlier messages in this conversation, oldest first. */
  previousSentimentScores: readonly number[];
  /** Bot replies so far in this conversation that did not resolve it. */
  botTurns: number;
  tier: 'standard' | 'vip';
  /** The conversation is already with a human. */
  alreadyHandedOff: boolean;
}

/** The thresholds and lists of {@link decideHandoff}. Every field has a default in {@link DEFAULT_HANDOFF_POLICY}. */
export interface HandoffPolicy {
  /** Intents a human always handles. */
  sensitiveIntents: readonly string[];
  /** The intent that means "let me talk to a person". */
  humanIntent: string;
  /** Minimum confidence of `humanIntent` to count as a request for a human. */
  humanIntentConfidence: number;
  /** Sentiment score at or below which a human takes over. */
  angryScore: number;
  /** Sentiment score at or below which a worsening trend hands over. */
  worseningScore: number;
  /** Bot turns without resolution after which a human is offered. */
  maxBotTurns: number;
}

/** The default thresholds: billing disputes and privacy requests go to a person; sentiment ≤ -0.6 hands over. */
export const DEFAULT_HANDOFF_POLICY: HandoffPolicy = {
  sensitiveIntents: ['billing_dispute', 'privacy_request'],
  humanIntent: 'human_agent',
  humanIntentConfidence: 0.5,
  angryScore: -0.6,
  worseningScore: -0.3,
  maxBotTurns: 3,
};

// Folded (no ä/ö) so "haluun puhua ihmisen kanssa" and "ihmisen kanssa" typed either way both match. Asking to
// be put through, to talk to someone, or to stop talking to a bot all count.
const ASKS_FOR_HUMAN = new RegExp(
  '\\b(' +
    [
      // Finnish
      'ihmisen kanssa|oikea(n|lle)? ihmi|ihmiselle|ihminen|asiakaspalvelija(n|lle)?|puhua jonkun|puhelimessa jonkun',
      'yhdistaa|yhdistakaa|siirt(a|akaa|aa) (minut|puhelu)|soit[a-z]* (mulle|minulle|meille|takaisin)|takaisinsoit',
      'soittopyyn|esimie|botti|robotti|koneen kanssa|automaatin kanssa',
      // English
      'human\\b|real person|a person\\b|live agent|an agent|operator\\b|representative|supervisor|manager',
      'call me( back)?|callback|(a|an) (staff member|member of staff|colleague|employee|human being)',
      '(talk|speak) (to|with) (someone|somebody|a|an|your)',
      '(speak|talk|chat)( directly)? (to|with) (the|a|an|your|someone|somebody|anyone|anybody|reception|staff)',
      '(put|transfer|connect|get|pass|switch) me (through|over|to|with)',
      '(someone|somebody|anyone) else on the line|(get|give) me (someone|somebody) else',
      '(bots?|a machine|virtual agents?|robots?|chatbot)\\b',
      'this (conversation|chat) is (not working|useless|pointless|going nowhere)',
    ].join('|') +
    ')',
);

/**
 * Whether a message asks for a person ("haluan puhua ihmisen kanssa", "put me through to someone", "stop the
 * bot"), with the words that ask. The handoff policy's `asks-for-human` rule; usable alone.
 * @example detectHumanRequest('Voinko puhua oikean ihmisen kanssa?') // { value: true, evidence: '…' }
 */
export function detectHumanRequest(text: string): { value: boolean; evidence?: string } {
  const asked = ASKS_FOR_HUMAN.exec(foldText(text));
  return asked
    ? { value: true, evidence: excerptAround(text, asked.index, asked[0].length) }
    : { value: false };
}

const SENSITIVE_TOPICS: readonly { code: string; pattern: RegExp; detail: string }[] = [
  {
    code: 'bereavement',
    pattern:
      /\b(kuoli|kuollut|menehtyi|kuolinpes|perunkirjoi|omaiseni|passed away|deceased|death of|bereave|estate of)/,
    detail: 'bereavement',
  },
  {
    code: 'privacy-request',
    pattern: /\b(gdpr|tietosuoja|henkilotie|personal data|delete my data|poista(kaa)? tietoni)/,
    detail: 'a privacy request',
  },
];

// Urgency signals that make the case a person's, whatever the tone: a threat, or a vulnerable customer.
const THREATS: Readonly<Record<string, { code: string; detail: string }>> = {
  legal: { code: 'legal-threat', detail: 'The message raises a legal threat.' },
  media: { code: 'media-threat', detail: 'The message raises a media threat.' },
  vulnerable: {
    code: 'vulnerable-customer',
    detail: 'The customer may be vulnerable (illness, bereavement, age).',
  },
};

const ACTION_RANK: Record<HandoffAction, number> = { continue: 0, offer: 1, handoff: 2 };

/**
 * Decides whether a human must take over (`handoff`), should be offered (`offer`), or the bot carries on
 * (`continue`). Pure and explainable: every rule that fired is a reason with its code and the evidence text;
 * the action is the strongest any rule asked for.
 * @example decideHandoff(signals).reasons[0] // { code: 'asks-for-human', evidence: 'haluun puhua ihmisen kanssa', … }
 */
export function decideHandoff(
  signals: HandoffSignals,
  policy: HandoffPolicy = DEFAULT_HANDOFF_POLICY,
): HandoffDecision {
  const fired: { action: HandoffAction; reason: Reason; strength: number }[] = [];
  const add = (action: HandoffAction, strength: number, reason: Reason) =>
    fired.push({ action, reason: { ...reason, weight: strength }, strength });
  const folded = foldText(signals.text);

  const asked = detectHumanRequest(signals.text);
  if (asked.value) {
    add('handoff', 0.95, {
      code: 'asks-for-human',
      detail: 'The customer asks for a person.',
      evidence: asked.evidence!,
    });
  } else if (
    signals.intent.value === policy.humanIntent &&
    signals.intent.confidence >= policy.humanIntentConfidence
  ) {
    add('handoff', signals.intent.confidence, {
      code: 'asks-for-human',
      detail: `Intent "${policy.humanIntent}" (${signals.intent.confidence.toFixed(2)}).`,
    });
  }
  if (signals.alreadyHandedOff) {
    add('handoff', 0.9, {
      code: 'already-handed-off',
      detail: 'A human already has this conversation; new messages go to them.',
    });
  }
  if (policy.sensitiveIntents.includes(signals.intent.value)) {
    add('handoff', Math.max(0.6, signals.intent.confidence), {
      code: 'sensitive-intent',
      detail: `"${signals.intent.value}" is always handled by a person.`,
    });
  }
  for (const topic of SENSITIVE_TOPICS) {
    const match = topic.pattern.exec(folded);
    if (match)
      add('handoff', 0.85, {
        code: topic.code,
        detail: `The message raises ${topic.detail}.`,
        evidence: excerptAround(signals.text, match.index, match[0].length),
      });
  }
  // Threats are found once, by urgency scoring; here they decide who handles the case.
  for (const reason of signals.urgency.reasons) {
    const threat = THREATS[reason.code];
    if (threat)
      add('handoff', 0.85, {
        code: threat.code,
        detail: threat.detail,
        ...(reason.evidence ? { evidence: reason.evidence } : {}),
      });
  }
  if (signals.urgency.value === 'critical') {
    add('handoff', 0.95, {
      code: 'critical-urgency',
      detail: `Critical urgency: ${signals.urgency.reasons.map((reason) => reason.code).join(', ')}.`,
      evidence: signals.urgency.reasons[0]?.evidence,
    });
  } else if (signals.urgency.value === 'high') {
    add(signals.sentiment.value === 'negative' ? 'handoff' : 'offer', 0.7, {
      code: 'high-urgency',
      detail: `High urgency (${signals.urgency.reasons.map((reason) => reason.code).join(', ')})${signals.sentiment.value === 'negative' ? ' and a negative customer' : ''}.`,
      evidence: signals.urgency.reasons[0]?.evidence,
    });
  }
  if (signals.sentiment.score <= policy.angryScore) {
    add('handoff', 0.8, {
      code: 'strong-negativity',
      detail: `Sentiment ${signals.sentiment.score.toFixed(2)} ≤ ${policy.angryScore}.`,
      evidence:
        signals.sentiment.reasons
          .map((reason) => reason.evidence)
          .filter(Boolean)
          .slice(0, 3)
          .join(', ') || undefined,
    });
  } else if (signals.sentiment.score <= policy.worseningScore && signals.previousSentimentScores.length > 0) {
    const previous = signals.previousSentimentScores[signals.previousSentimentScores.length - 1]!;
    if (signals.sentiment.score < previous) {
      add('handoff', 0.7, {
        code: 'rising-negativity',
        detail: `Sentiment fell from ${previous.toFixed(2)} to ${signals.sentiment.score.toFixed(2)} over the conversation.`,
      });
    }
  }
  if (signals.answer.abstained) {
    add('offer', 0.6, {
      code: 'no-answer',
      detail: `The knowledge base has no confident answer: ${signals.answer.reasons[0]?.detail ?? 'abstained'}`,
    });
  }
  if (signals.botTurns >= policy.maxBotTurns) {
    add('offer', 0.6, {
      code: 'bot-loop',
      detail: `${signals.botTurns} bot replies have not resolved the conversation.`,
    });
  }
  if (signals.tier === 'vip')
    add('offer', 0.5, { code: 'vip', detail: 'VIP customer: a person is offered.' });

  if (fired.length === 0) {
    return {
      value: 'continue',
      confidence: round3(signals.answer.abstained ? 0.5 : Math.max(0.5, signals.answer.confidence)),
      reasons: [{ code: 'routine', detail: 'A routine message the bot can answer; no handoff rule fired.' }],
    };
  }
  const value = fired.reduce<HandoffAction>(
    (best, item) => (ACTION_RANK[item.action] > ACTION_RANK[best] ? item.action : best),
    'continue',
  );
  // Independent reasons for the chosen action reinforce each other: 1 − Π(1 − strength).
  const supporting = fired.filter((item) => item.action === value);
  const confidence = 1 - supporting.reduce((product, item) => product * (1 - item.strength), 1);
  const reasons = [...supporting, ...fired.filter((item) => item.action !== value)].map(
    (item) => item.reason,
  );
  return { value, confidence: round3(confidence), reasons };
}
