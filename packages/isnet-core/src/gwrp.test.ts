import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gwrp } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gwrp', () => {
  it('weights the values by decay^rank, largest first', () => {
    // [1, 3, 2] sorted is [3, 2, 1]; weights 1, 0.5, 0.25 over 1.75.
    const pooled = gwrp(tf.tensor1d([1, 3, 2]), 0.5);
    expect(pooled.shape).toEqual([]);
    expect(pooled.dataSync()[0]).toBeCloseTo((3 + 1 + 0.25) / 1.75, 6);
  });

  it('is the mean for decay 1', () => {
    expect(gwrp(tf.tensor1d([1, 3, 2, 6]), 1).dataSync()[0]).toBeCloseTo(3, 6);
  });

  it('pools along the requested axis, one result per other index', () => {
    const x = tf.tensor2d([
      [1, 4],
      [3, 0],
      [2, 8],
    ]);
    const byColumn = gwrp(x, 0.5, 0);
    expect(byColumn.shape).toEqual([2]);
    expect(Array.from(byColumn.dataSync())).toEqual([expect.closeTo((3 + 1 + 0.25) / 1.75, 6), expect.closeTo((8 + 2 + 0) / 1.75, 6)]);
    expect(Array.from(gwrp(x, 0.5, -1).dataSync())).toEqual([expect.closeTo((4 + 0.5) / 1.5, 6), expect.closeTo(3 / 1.5, 6), expect.closeTo((8 + 1) / 1.5, 6)]);
  });

  it('routes the gradient to the element holding each rank', () => {
    const grad = tf.grad((x: tf.Tensor) => gwrp(x, 0.5))(tf.tensor1d([1, 3, 2]));
    expect(Array.from(grad.dataSync())).toEqual([0.25 / 1.75, 1 / 1.75, 0.5 / 1.75].map((g) => expect.closeTo(g, 6)));
  });

  it('ranks tied values by index, lower first (as tf.topk orders them)', () => {
    // Ranks: index 1 (2) 0, index 2 (2) 1, index 3 (1) 2, index 0 (0) 3; weights 8, 4, 2, 1 over 15.
    const grad = tf.grad((x: tf.Tensor) => gwrp(x, 0.5))(tf.tensor1d([0, 2, 2, 1]));
    expect(Array.from(grad.dataSync())).toEqual([1 / 15, 8 / 15, 4 / 15, 2 / 15].map((g) => expect.closeTo(g, 6)));
  });

  it('ranks negative values, zeros of either sign and large pools like a comparison sort', () => {
    const values = Float32Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? (i % 2 ? -0 : 0) : Math.sin(i) * 10 ** ((i % 5) - 2)));
    const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
    const weights = Array.from({ length: values.length }, (_, rank) => 0.999 ** rank);
    const total = weights.reduce((a, b) => a + b, 0);
    const expected = new Float64Array(values.length);
    order.forEach((index, rank) => (expected[index] = weights[rank]! / total));
    const grad = tf.grad((x: tf.Tensor) => gwrp(x, 0.999))(tf.tensor1d(values)).dataSync();
    expected.forEach((g, i) => expect(grad[i]).toBeCloseTo(g, 7));
  });

  it('rejects a decay outside (0, 1] and an axis out of range', () => {
    expect(() => gwrp(tf.ones([3]), 0)).toThrow(/decay must lie in \(0, 1\]/);
    expect(() => gwrp(tf.ones([3]), 1.5)).toThrow(/decay must lie in \(0, 1\]/);
    expect(() => gwrp(tf.ones([3]), 0.9, 1)).toThrow(/axis 1 is out of range/);
  });
});
