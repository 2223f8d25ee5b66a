import { describe, expect, it } from 'vitest';
import { resizeGray, resizeMask } from './resize.js';

describe('resizeGray', () => {
  it('keeps a constant image constant at any size', () => {
    const flat = new Float32Array(7 * 5).fill(0.4);
    for (const [h, w] of [[3, 2], [7, 5], [16, 11]]) {
      for (const value of resizeGray(flat, 7, 5, h, w)) expect(value).toBeCloseTo(0.4, 6);
    }
  });

  it('averages areas when shrinking', () => {
    const image = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(Array.from(resizeGray(image, 4, 4, 2, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
    // 3 -> 2 columns: each output covers 1.5 input pixels.
    expect(Array.from(resizeGray(Float32Array.from([0, 3, 6]), 1, 3, 1, 2))).toEqual([1, 5]);
  });

  it('interpolates bilinearly between pixel centres when enlarging', () => {
    expect(Array.from(resizeGray(Float32Array.from([0, 4]), 1, 2, 1, 4))).toEqual([0, 1, 3, 4]);
  });
});

describe('resizeMask', () => {
  it('stays binary and keeps pixels at least half covered', () => {
    const mask = Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(resizeMask(mask, 4, 4, 2, 2))).toEqual([1, 0, 0, 1]);
    const enlarged = resizeMask(mask, 4, 4, 9, 9);
    expect(enlarged.every((v) => v === 0 || v === 1)).toBe(true);
  });
});
