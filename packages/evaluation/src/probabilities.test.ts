import { describe, expect, it } from 'vitest';
import { argmaxRows, softmaxRows } from './probabilities.js';

describe('softmaxRows', () => {
  it('normalises each row, also for logits that would overflow exp', () => {
    const probabilities = softmaxRows([0, Math.log(3), 1000, 1000 + Math.log(3)], 2);
    [0.25, 0.75, 0.25, 0.75].forEach((expected, i) => expect(probabilities[i]).toBeCloseTo(expected, 12));
  });

  it('keeps confident predictions distinct where float32 would round them to 1', () => {
    const [, a, , b] = softmaxRows([0, 20, 0, 21], 2);
    expect(a).toBeLessThan(b);
    expect(Math.fround(a)).toBe(Math.fround(b));
  });
});

describe('argmaxRows', () => {
  it('picks the largest value per row, the lowest index on ties', () => {
    expect(Array.from(argmaxRows([0.1, 0.7, 0.2, 0.5, 0.5, 0, -1, -1, -0.5], 3))).toEqual([1, 0, 2]);
  });

  it('refuses values that are not whole rows', () => {
    expect(() => argmaxRows([1, 2, 3], 2)).toThrow(/3 values do not form rows of 2 classes/);
  });
});
