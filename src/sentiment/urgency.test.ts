import { describe, expect, it } from 'vitest';
import { UrgencyResultSchema } from '../core/schemas.js';
import { scoreSentiment } from './sentiment.js';
import { scoreUrgency } from './urgency.js';

describe('scoreUrgency', () => {
  it.each([
    ['Vedenkeitin alkoi savuta ja lensi kipinöitä!', 'critical', 'safety'],
    ['The charger caught fire and my son got burned', 'critical', 'safety'],
    ['sahkoisku tuli laturista', 'critical', 'safety'],
    ['Sovellus kaatuu joka kerta kassalla', 'high', 'outage'],
    ['Tarvitsen paketin ennen lauantaita', 'high', 'deadline'],
    ['I need it by friday, it is a gift', 'high', 'deadline'],
    ['Vien asian kuluttajariitalautakuntaan', 'high', 'legal'],
    ['I will contact my lawyer', 'high', 'legal'],
    ['Kerron tästä Iltalehdelle', 'high', 'media'],
    ['I will never order from you again', 'high', 'churn'],
    ['Äitini on iäkäs eikä pääse postiin', 'high', 'vulnerable'],
    ['Missä tilaukseni on?', 'normal', 'no-signals'],
    ['Kiitos!', 'low', 'courtesy'],
    ['thanks 🙏', 'low', 'courtesy'],
  ])('%s → %s (%s)', (text, level, code) => {
    const result = scoreUrgency(text);
    expect(UrgencyResultSchema.parse(result)).toEqual(result);
    expect(result.value).toBe(level);
    expect(result.reasons.map((reason) => reason.code)).toContain(code);
  });

  it('quotes the text that raised the signal', () => {
    const result = scoreUrgency('Hei. Laite alkoi savuta keittiössä, mitä teen?');
    expect(result.reasons[0]!.evidence).toContain('savuta');
  });

  it('raises a repeated negative contact to high, but not a repeated friendly one', () => {
    const angry = 'Tilaus ei vieläkään tullut, olen todella pettynyt';
    expect(scoreUrgency(angry, { previousCustomerMessages: 2, sentiment: scoreSentiment(angry) }).value).toBe(
      'high',
    );
    expect(
      scoreUrgency('Kiitos vielä kerran', {
        previousCustomerMessages: 3,
        sentiment: scoreSentiment('Kiitos vielä kerran'),
      }).value,
    ).not.toBe('high');
  });

  it('raises a VIP one level but not past high', () => {
    expect(scoreUrgency('Missä tilaukseni on?', { tier: 'vip' }).value).toBe('high');
    expect(scoreUrgency('Laite savuaa', { tier: 'vip' }).value).toBe('critical');
  });

  it('does not mistake a relaxed "heti" for a deadline', () => {
    expect(scoreUrgency('enkä välttämättä ehdi hakea heti').value).toBe('normal');
  });
});
