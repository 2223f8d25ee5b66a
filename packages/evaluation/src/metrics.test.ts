import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, macroF1 } from './metrics.js';

describe('accuracy', () => {
  it('is the fraction of correct predictions', () => {
    expect(accuracy([0, 1, 2, 1], [0, 2, 2, 1])).toBe(0.75);
    expect(accuracy(new Int32Array([0, 1]), new Int32Array([0, 1]))).toBe(1);
    expect(accuracy([0, 1], [1, 0])).toBe(0);
  });

  it('is NaN without images and refuses mismatched lengths', () => {
    expect(accuracy([], [])).toBeNaN();
    expect(() => accuracy([0, 1], [0])).toThrow(/2 labels but 1 predictions/);
  });
});

describe('confusionMatrix', () => {
  it('counts [true][predicted]', () => {
    expect(confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
  });

  it('refuses indices outside the classes', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/labels\[1\] = 3/);
    expect(() => confusionMatrix([0, 1], [0, 1.5], 3)).toThrow(/predictions\[1\] = 1.5/);
  });
});

describe('macroF1', () => {
  it('gives F1 0 to a class that is never predicted', () => {
    // class 0: 2 TP -> 1; class 1: 2 TP, 1 FP -> 4/5; class 2: 1 FN, never predicted -> 0.
    expect(macroF1([0, 0, 1, 1, 2], [0, 0, 1, 1, 1], 3)).toBeCloseTo(1.8 / 3, 15);
  });

  it('leaves out a class absent from both labels and predictions', () => {
    expect(macroF1([0, 0, 1, 1, 2], [0, 0, 1, 1, 1], 5)).toBeCloseTo(1.8 / 3, 15);
  });

  it('gives F1 0 to a class that is predicted but never the label', () => {
    // class 0: 1 TP, 1 FN -> 2/3; class 1: 1 FP -> 0.
    expect(macroF1([0, 0], [0, 1], 2)).toBeCloseTo(1 / 3, 15);
  });

  it('is 1 for a perfect and 0 for an always-wrong classifier', () => {
    expect(macroF1([0, 1, 2, 2], [0, 1, 2, 2], 3)).toBe(1);
    expect(macroF1([0, 1, 2, 2], [1, 2, 0, 0], 3)).toBe(0);
  });

  it('is NaN without images', () => {
    expect(macroF1([], [], 3)).toBeNaN();
  });
});
