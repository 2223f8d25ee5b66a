import { describe, expect, it } from 'vitest';
import { oneVsRestAuc, rocAuc } from './auc.js';

/** Pairwise definition, O(positives x negatives): the reference for the rank formula. */
function pairwiseAuc(isPositive: boolean[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    if (!isPositive[i]) return;
    scores.forEach((n, j) => {
      if (isPositive[j]) return;
      pairs++;
      wins += p > n ? 1 : p === n ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('rocAuc', () => {
  it('counts a tie between a positive and a negative as one half', () => {
    // Pairs (0.9, 0.5) 1, (0.9, 0.1) 1, (0.5, 0.5) 1/2, (0.5, 0.1) 1.
    expect(rocAuc([true, true, false, false], [0.9, 0.5, 0.5, 0.1])).toBe(3.5 / 4);
  });

  it('is 1 for a perfect, 0 for a reversed and 1/2 for a constant scorer', () => {
    const isPositive = [false, true, false, true];
    expect(rocAuc(isPositive, [0.1, 0.8, 0.3, 0.9])).toBe(1);
    expect(rocAuc(isPositive, [0.8, 0.1, 0.9, 0.3])).toBe(0);
    expect(rocAuc(isPositive, [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('agrees with the pairwise definition on scores with many ties', () => {
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 20; trial++) {
      const isPositive = Array.from({ length: 40 }, (_, i) => i < 2 || (i > 3 && next() < 0.4));
      const scores = Array.from({ length: 40 }, () => Math.floor(next() * 5));
      expect(rocAuc(isPositive, scores)).toBeCloseTo(pairwiseAuc(isPositive, scores), 14);
    }
  });

  it('is NaN without both outcomes or with a NaN score', () => {
    expect(rocAuc([true, true], [0.1, 0.2])).toBeNaN();
    expect(rocAuc([false, false], [0.1, 0.2])).toBeNaN();
    expect(rocAuc([true, false], [NaN, 0.2])).toBeNaN();
  });
});

describe('oneVsRestAuc', () => {
  const labels = [0, 0, 1, 1];
  const rows = [
    [0.7, 0.2, 0.1],
    [0.4, 0.4, 0.2],
    [0.4, 0.5, 0.1],
    [0.1, 0.6, 0.3],
  ];

  it('averages the per-class AUCs and reports classes absent from the labels', () => {
    // class 0: positives 0.7, 0.4 vs negatives 0.4, 0.1 -> 3.5/4 (one tie); class 1: 1.
    const result = oneVsRestAuc(labels, rows, 3);
    expect(result.perClass.slice(0, 2)).toEqual([0.875, 1]);
    expect(result.perClass[2]).toBeNaN();
    expect(result.skippedClasses).toEqual([2]);
    expect(result.auc).toBe(0.9375);
  });

  it('reads a flat row-major probability array the same way', () => {
    expect(oneVsRestAuc(labels, Float32Array.from(rows.flat()), 3).auc).toBe(0.9375);
  });

  it('skips every class when the labels hold one class only', () => {
    const result = oneVsRestAuc([1, 1], [[0.2, 0.8], [0.6, 0.4]], 2);
    expect(result.skippedClasses).toEqual([0, 1]);
    expect(result.auc).toBeNaN();
  });

  it('refuses scores of the wrong shape', () => {
    expect(() => oneVsRestAuc(labels, rows.slice(1), 3)).toThrow(/4 labels but 3 score rows/);
    expect(() => oneVsRestAuc(labels, new Float64Array(8), 3)).toThrow(/8 scores, expected 4 images x 3 classes/);
    expect(() => oneVsRestAuc([0, 1], [[0.5, 0.5], [0.5]], 2)).toThrow(/score row 1 has 1 values/);
  });
});
