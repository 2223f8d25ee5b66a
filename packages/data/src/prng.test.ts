import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng } from './prng.js';

describe('Rng', () => {
  it('draws a fixed sequence for a seed (pinned: datasets depend on it across machines)', () => {
    const rng = new Rng(42);
    expect(Array.from({ length: 4 }, () => rng.nextUint32())).toMatchInlineSnapshot(`
      [
        2837322924,
        544945897,
        479756282,
        3500138142,
      ]
    `);
    expect(deriveSeed(1, 'train')).toMatchInlineSnapshot(`1058655774`);
  });

  it('gives different streams for different seeds and parts', () => {
    expect(new Rng(1).nextUint32()).not.toBe(new Rng(2).nextUint32());
    expect(deriveSeed(1, 'epoch', 1)).not.toBe(deriveSeed(1, 'epoch', 2));
    expect(deriveSeed(1, 'ab', 'c')).not.toBe(deriveSeed(1, 'a', 'bc'));
  });

  it('draws uniform floats in [0,1) and permutations', () => {
    const rng = new Rng(3);
    const draws = Array.from({ length: 10_000 }, () => rng.next());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((a, b) => a + b) / draws.length).toBeCloseTo(0.5, 1);
    const order = rng.permutation(100);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
