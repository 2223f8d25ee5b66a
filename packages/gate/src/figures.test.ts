import { describe, expect, it } from 'vitest';
import { compareFigures, quartiles, Thresholds, verdict, type Figure } from './figures.js';

describe('verdict', () => {
  it('passes within the tolerance, on both sides and at its edges', () => {
    expect(verdict(3.3, 3, 0.15)).toBe('pass');
    expect(verdict(2.7, 3, 0.15)).toBe('pass');
    expect(verdict(3 * 1.15, 3, 0.15)).toBe('pass');
    expect(verdict(3 * 0.85, 3, 0.15)).toBe('pass');
  });

  it('calls a value above baseline x (1 + t) a regression and below baseline x (1 - t) an improvement', () => {
    expect(verdict(3.46, 3, 0.15)).toBe('regression');
    expect(verdict(2.54, 3, 0.15)).toBe('improved');
  });

  it('compares exactly at tolerance 0 (kernel counts)', () => {
    expect(verdict(101, 101, 0)).toBe('pass');
    expect(verdict(102, 101, 0)).toBe('regression');
    expect(verdict(100, 101, 0)).toBe('improved');
  });

  it('marks a value that could not be measured unavailable, whatever the baseline', () => {
    expect(verdict(null, 5, 0.05)).toBe('unavailable');
    expect(verdict(null, null, 0.05)).toBe('unavailable');
  });

  it('marks a figure without a baseline value new', () => {
    expect(verdict(5, undefined, 0.05)).toBe('new');
    expect(verdict(5, null, 0.05)).toBe('new');
  });
});

describe('compareFigures', () => {
  const thresholds = Thresholds.parse({});
  const base: Figure[] = [
    { method: 'selective', backbone: 'tiny', figure: 'kernels', value: 282 },
    { method: 'selective', backbone: 'tiny', figure: 'step-ratio', value: 2.9 },
    { method: 'selective', backbone: 'small', figure: 'step-ratio', value: 3.1 },
    { method: 'original', backbone: 'tiny', figure: 'instructions', value: null },
  ];

  it('matches each figure to the baseline of the same method, backbone and figure, with its unit and threshold', () => {
    const rows = compareFigures(
      [
        { method: 'selective', backbone: 'tiny', figure: 'kernels', value: 282 },
        { method: 'selective', backbone: 'tiny', figure: 'step-ratio', value: 3.8 },
        { method: 'selective', backbone: 'small', figure: 'step-ratio', value: 3.1 },
        { method: 'original', backbone: 'tiny', figure: 'instructions', value: 1e9 },
        { method: 'gain', backbone: 'tiny', figure: 'peak', value: 1000 },
      ],
      base,
      thresholds,
    );
    expect(rows).toEqual([
      { method: 'selective', backbone: 'tiny', figure: 'kernels', unit: 'kernels/step', value: 282, baseline: 282, threshold: 0, verdict: 'pass' },
      { method: 'selective', backbone: 'tiny', figure: 'step-ratio', unit: 'x standard', value: 3.8, baseline: 2.9, threshold: 0.2, verdict: 'regression' },
      { method: 'selective', backbone: 'small', figure: 'step-ratio', unit: 'x standard', value: 3.1, baseline: 3.1, threshold: 0.2, verdict: 'pass' },
      { method: 'original', backbone: 'tiny', figure: 'instructions', unit: 'instructions/step', value: 1e9, baseline: null, threshold: 0.05, verdict: 'new' },
      { method: 'gain', backbone: 'tiny', figure: 'peak', unit: 'bytes', value: 1000, baseline: null, threshold: 0.01, verdict: 'new' },
    ]);
  });

  it('takes each figure\'s tolerance from the thresholds given', () => {
    const rows = compareFigures([{ method: 'selective', backbone: 'tiny', figure: 'step-ratio', value: 3.8 }], base, Thresholds.parse({ 'step-ratio': 0.5 }));
    expect(rows[0]).toMatchObject({ threshold: 0.5, verdict: 'pass' });
  });

  it('against a baseline from another machine, gates counts and bytes but not timings', () => {
    const measured: Figure[] = [
      { method: 'selective', backbone: 'tiny', figure: 'kernels', value: 283 },
      { method: 'selective', backbone: 'tiny', figure: 'step-ratio', value: 3.8 },
    ];
    expect(compareFigures(measured, base, thresholds, false).map((r) => [r.figure, r.baseline, r.verdict])).toEqual([
      ['kernels', 282, 'regression'],
      ['step-ratio', 2.9, 'unavailable'],
    ]);
  });
});

describe('quartiles', () => {
  it('gives the middle sample of an odd count and the mean of the middle two of an even count', () => {
    expect(quartiles([5, 1, 3]).median).toBe(3);
    expect(quartiles([4, 1, 3, 2]).median).toBe(2.5);
  });

  it('interpolates the quartiles between order statistics', () => {
    // 1..9: positions 2 and 6 of 0..8 are exactly the values 3 and 7.
    expect(quartiles([9, 1, 8, 2, 7, 3, 6, 4, 5])).toEqual({ q1: 3, median: 5, q3: 7 });
    // 1..4: q1 at position 0.75 -> 1.75, q3 at 2.25 -> 3.25.
    expect(quartiles([1, 2, 3, 4])).toEqual({ q1: 1.75, median: 2.5, q3: 3.25 });
  });

  it('is not moved by one wild sample (the reason the gate uses the median)', () => {
    expect(quartiles([2.9, 3.0, 3.1, 3.0, 2.95, 40]).median).toBeCloseTo(3.0, 10);
  });

  it('refuses no samples', () => {
    expect(() => quartiles([])).toThrow(RangeError);
  });
});
