import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deepSupervisionLoss, downsampleMask } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const grid = (t: tf.Tensor) => (t.squeeze([0, 3]) as tf.Tensor2D).arraySync();

describe('downsampleMask', () => {
  it('marks a window foreground when any of its pixels is', () => {
    const mask = tf.tensor4d([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 4, 4, 1]);
    expect(grid(downsampleMask(mask, [2, 2]))).toEqual([
      [1, 0],
      [0, 0],
    ]);
  });

  it('uses adaptive (overlapping) windows when the sizes do not divide', () => {
    // 5 -> 2: rows and columns 0..2 and 2..4; the centre pixel lies in all four windows.
    const centre = tf.tensor4d(Array.from({ length: 25 }, (_, p) => (p === 12 ? 1 : 0)), [1, 5, 5, 1]);
    expect(grid(downsampleMask(centre, [2, 2]))).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const corner = tf.tensor4d(Array.from({ length: 25 }, (_, p) => (p === 24 ? 1 : 0)), [1, 5, 5, 1]);
    expect(grid(downsampleMask(corner, [2, 2]))).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('keeps the batch apart and returns [batch, h, w, 1]', () => {
    const masks = tf.tensor4d([1, 0, 0, 0, 0, 0, 0, 1], [2, 2, 2, 1]);
    const small = downsampleMask(masks, [1, 1]);
    expect(small.shape).toEqual([2, 1, 1, 1]);
    expect(Array.from(small.dataSync())).toEqual([1, 1]);
    expect(Array.from(downsampleMask(tf.zeros([2, 2, 2, 1]), [1, 1]).dataSync())).toEqual([0, 0]);
  });

  it('rejects a mask that is not [batch, H, W, 1] or a bad size', () => {
    expect(() => downsampleMask(tf.zeros([1, 4, 4, 3]), [2, 2])).toThrow(/must be \[batch, height, width, 1\]/);
    expect(() => downsampleMask(tf.zeros([1, 4, 4, 1]), [0, 2])).toThrow(/bad target size/);
  });
});

describe('deepSupervisionLoss', () => {
  it('sorts the layer losses in descending order and pools them with GWRP', () => {
    const loss = deepSupervisionLoss([tf.scalar(1), tf.scalar(3), tf.scalar(2)], 0.5);
    expect(loss.shape).toEqual([]);
    expect(loss.dataSync()[0]).toBeCloseTo((3 + 1 + 0.25) / 1.75, 6);
  });

  it('uses the reference decay 0.8 by default', () => {
    expect(deepSupervisionLoss([tf.scalar(1), tf.scalar(2)]).dataSync()[0]).toBeCloseTo((2 + 0.8) / 1.8, 6);
  });

  it('needs at least one layer', () => {
    expect(() => deepSupervisionLoss([])).toThrow(/no layer loss/);
  });
});
