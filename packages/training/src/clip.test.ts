import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '@isnet-bench/engine';
import { clipFactor, globalNorm } from './clip.js';

describe('gradient clipping', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('takes the L2 norm over all gradients together and scales them to the maximum norm', () => {
    const gradients = [tf.tensor1d([3, 4]), tf.tensor2d([[12]])];
    const norm = globalNorm(gradients);
    expect(norm.dataSync()[0]).toBeCloseTo(13, 5);
    const factor = clipFactor(13, 2);
    const clipped = gradients.map((gradient) => gradient.mul(factor));
    expect(globalNorm(clipped).dataSync()[0]).toBeCloseTo(2, 5);
    expect(Array.from(clipped[0].dataSync())).toEqual([expect.closeTo(6 / 13, 6), expect.closeTo(8 / 13, 6)]);
    tf.dispose([norm, ...gradients, ...clipped]);
  });

  it('leaves gradients within the norm alone, and never clips when the maximum is 0', () => {
    expect(clipFactor(0.5, 1)).toBe(1);
    expect(clipFactor(1e9, 0)).toBe(1);
  });
});
