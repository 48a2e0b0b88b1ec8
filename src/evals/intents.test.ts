import { describe, expect, it } from 'vitest';
import { coverageAt, evaluateIntents, expectedCalibrationError } from './intents.js';

const row = (gold: string, predicted: string, confidence: number) => ({
  confidence,
  right: gold === predicted,
});

describe('intent eval metrics', () => {
  it('computes the calibration error per confidence bin', () => {
    // Bin 0.9: confidence 0.9 each, 1 of 2 right → |1 − 1.8| = 0.8; bin 0.5: 0.5, right → |1 − 0.5| = 0.5.
    const rows = [row('a', 'a', 0.9), row('a', 'b', 0.9), row('b', 'b', 0.5)];
    expect(expectedCalibrationError(rows)).toBeCloseTo((0.8 + 0.5) / 3, 10);
    expect(expectedCalibrationError([])).toBe(0);
  });

  it('finds the largest most-confident share at the wanted precision, never splitting a tie', () => {
    const rows = [row('a', 'a', 0.99), row('a', 'a', 0.95), row('a', 'b', 0.8), row('a', 'a', 0.7)];
    expect(coverageAt(rows, 0.9)).toBe(0.5);
    expect(coverageAt(rows, 0.75)).toBe(1);
    // A tie at the top that is half wrong cannot be cut in two.
    expect(coverageAt([row('a', 'a', 0.9), row('a', 'b', 0.9)], 0.9)).toBe(0);
  });

  it('scores a model end to end, counting "unknown" as out of scope only when the data has it', async () => {
    const train = [
      ...['where is my order', 'track my parcel', 'order not arrived', 'parcel tracking'].map((text) => ({
        text,
        label: 'order',
      })),
      ...['refund please', 'money back', 'want a refund', 'refund my order'].map((text) => ({
        text,
        label: 'refund',
      })),
    ];
    const report = await evaluateIntents({
      train,
      test: [
        { text: 'where is my parcel', label: 'order' },
        { text: 'I want my money back', label: 'refund' },
      ],
      lang: 'en',
    });
    expect(report).toMatchObject({ accuracy: 1, test: 2, train: 8, labels: 2 });
    expect(report.oosRecall).toBeUndefined();
    await expect(evaluateIntents({ train, test: [], lang: 'en' })).rejects.toThrow(/test messages/);
  });
});
