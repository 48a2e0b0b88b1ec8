import { describe, expect, it } from 'vitest';
import { ComplaintResultSchema } from '../core/schemas.js';
import { InvalidInputError } from '../core/errors.js';
import {
  detectComplaint,
  loadComplaintModel,
  trainComplaintModel,
  type ComplaintExample,
} from './complaint.js';

describe('detectComplaint', () => {
  it.each([
    ['Olen todella pettynyt, tilaus tuli taas myöhässä.', 'dissatisfaction'],
    ['Teen reklamaation: sohvan kangas repesi kahdessa viikossa.', 'complaint-word'],
    ['I was promised a callback within 24 hours. That was a week ago.', 'broken-promise'],
    ['This is the third time I have to ask about the same invoice.', 'failed-again'],
    ['I was charged twice for one order. Please reverse it.', 'put-it-right'],
    ['Sain väärän koon ja kukaan ei vastaa viesteihin.', 'problem'],
  ])('finds a complaint in %s', (text, cue) => {
    const result = detectComplaint(text);
    expect(ComplaintResultSchema.parse(result)).toEqual(result);
    expect(result.value).toBe('complaint');
    expect(result.reasons.map((reason) => reason.code)).toContain(cue);
  });

  it.each([
    'Missä tilaukseni on?',
    'How do I return an item I dropped and broke myself?',
    'Kiitos nopeasta toimituksesta!',
    'Is the blue model still out of stock?',
    'Voinko maksaa laskun osissa?',
  ])('does not call %s a complaint', (text) => {
    expect(detectComplaint(text).value).toBe('not_complaint');
  });

  it('uses a given sentiment instead of scoring again', () => {
    const calm = detectComplaint('Olen todella pettynyt.', {
      sentiment: { value: 'positive', score: 0.9, confidence: 0.9, reasons: [] },
    });
    const upset = detectComplaint('Olen todella pettynyt.');
    expect(calm.confidence).toBeLessThan(upset.confidence);
  });
});

describe('trainComplaintModel', () => {
  const examples: ComplaintExample[] = [
    ...[
      'the stitching came apart',
      'my parcel was left in the rain',
      'the app logged me out mid payment',
      'the colour faded',
      'you sent the wrong size twice',
      'the courier was rude to me',
    ].map((text) => ({ text, label: 'complaint' as const })),
    ...[
      'what sizes do you have',
      'can I pay by invoice',
      'when do you open',
      'please add a gift note',
      'is express delivery available',
      'thanks for the quick answer',
    ].map((text) => ({ text, label: 'not_complaint' as const })),
  ];

  it('learns a domain the rules do not know and keeps its reasons', () => {
    const model = trainComplaintModel(examples);
    const result = model.detect('the stitching came apart again');
    expect(result.value).toBe('complaint');
    expect(result.reasons[0]!.code).toBe('model');
    expect(model.detect('what sizes do you have in blue').value).toBe('not_complaint');
  });

  it('saves and loads to the same answers', () => {
    const model = trainComplaintModel(examples);
    const loaded = loadComplaintModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(loaded.detect('the colour faded')).toEqual(model.detect('the colour faded'));
  });

  it('rejects bad examples and saved data with a hint', () => {
    expect(() => trainComplaintModel([{ text: 'x', label: 'angry' as never }])).toThrow(InvalidInputError);
    expect(() =>
      trainComplaintModel([
        { text: 'a', label: 'complaint' },
        { text: 'b', label: 'complaint' },
      ]),
    ).toThrow(/needs both labels/);
    expect(() => loadComplaintModel({ kind: 'something-else' })).toThrow(/model.toJSON/);
  });
});
