import * as tf from '@tensorflow/tfjs';
import type { Tensor5D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backgroundLoss, foregroundLoss, heatmapLoss, isnetLoss, MaskError, parseIsnetLossParams } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const first = (t: tf.Tensor) => t.dataSync()[0]!;

describe('backgroundLoss', () => {
  it('normalises by the foreground mean, pools the background with GWRP, and takes -log(1 - b / (b + E))', () => {
    // One row of 3 pixels, the first is foreground: Hn = |H| / 2 = [-, 0.5, 0.25]; ranked over
    // all 3 positions (the foreground one as 0) with d = 0.5: b = (0.5 + 0.125 + 0) / 1.75.
    const heatmaps = tf.tensor5d([2, -1, 0.5], [1, 1, 1, 3, 1]);
    const masks = tf.tensor4d([1, 0, 0], [1, 1, 3, 1]);
    const b = 0.625 / 1.75;
    expect(first(backgroundLoss(heatmaps, masks, { d: 0.5, E: 1 }))).toBeCloseTo(-Math.log(1 - b / (b + 1)), 6);
    expect(first(backgroundLoss(heatmaps, masks, { d: 0.5, E: 2 }))).toBeCloseTo(-Math.log(1 - b / (b + 2)), 6);
  });

  it('shares one normalisation across channels (the 3-channel fixtures decide it)', () => {
    // Foreground |H| is 2 and 4 on two channels: mean 3, so both background values (3) become 1;
    // per-channel means would give 1.5 and 0.75 instead.
    const heatmaps = tf.tensor5d([2, 4, 3, -3], [1, 1, 1, 2, 2]);
    const masks = tf.tensor4d([1, 0], [1, 1, 2, 1]);
    const b = 1 / 1.5;
    expect(first(backgroundLoss(heatmaps, masks, { d: 0.5, E: 1 }))).toBeCloseTo(Math.log(1 + b), 6);
  });

  it('clamps the activation below 1, so that the loss stays finite', () => {
    const heatmaps = tf.tensor5d([1e-6, 1e6], [1, 1, 1, 2, 1]);
    const masks = tf.tensor4d([1, 0], [1, 1, 2, 1]);
    expect(first(backgroundLoss(heatmaps, masks, { d: 0.9, E: 1 }))).toBeCloseTo(-Math.log(1 - Math.fround(1 - 1e-7)), 3);
  });

  it('is 0 without background relevance and returns one loss per image', () => {
    const heatmaps = tf.tensor5d([1, 0, 2, 0], [2, 1, 1, 2, 1]);
    const masks = tf.tensor4d([1, 0, 1, 0], [2, 1, 2, 1]);
    const loss = backgroundLoss(heatmaps, masks, { d: 0.9, E: 1 });
    expect(loss.shape).toEqual([2]);
    expect(Array.from(loss.dataSync())).toEqual([0, 0]);
  });

  it('rejects masks that do not fit the heatmaps', () => {
    expect(() => backgroundLoss(tf.zeros([1, 1, 4, 4, 1]) as Tensor5D, tf.ones([1, 4, 3, 1]), { d: 0.9, E: 1 })).toThrow(MaskError);
  });
});

describe('foregroundLoss', () => {
  // One map, pixels [foreground, background] with two channels: F = |c0| + |c1| of the first
  // pixel; the background pixel (100) must not count. C1 = 2, C2 = 10, so C1 + C2 = 12.
  const options = { C1: 2, C2: 10 };
  const single = (c0: number, c1: number) => tf.tensor5d([c0, c1, 100, 100], [1, 1, 1, 2, 2]);
  const masks = tf.tensor4d([1, 0], [1, 1, 2, 1]);

  it.each([
    { regime: 'below C1', F: [0.4, -0.6], L2: (1 / 2 - 1) ** 2, hybrid: (1 / 2 - 1) ** 2 },
    { regime: 'between C1 and C2', F: [2, -3], L2: 0, hybrid: 0 },
    { regime: 'between C2 and C1 + C2', F: [5, -6], L2: (11 / 2 - 10 / 2) ** 2, hybrid: (11 / 2 - 10 / 2) ** 2 },
    { regime: 'at C1 + C2, where both forms are 1', F: [6, -6], L2: 1, hybrid: 1 },
    { regime: 'above C1 + C2', F: [10, -10], L2: (20 / 2 - 10 / 2) ** 2, hybrid: 20 - 12 + 1 },
  ])('$regime', ({ F: [c0, c1], L2, hybrid }) => {
    expect(first(foregroundLoss(single(c0!, c1!), masks, { ...options, form: 'L2' }))).toBeCloseTo(L2, 5);
    expect(first(foregroundLoss(single(c0!, c1!), masks, { ...options, form: 'hybrid' }))).toBeCloseTo(hybrid, 5);
  });

  it('averages over maps', () => {
    const twoMaps = tf.tensor5d([0.4, -0.6, 100, 100, 10, -10, 100, 100], [1, 2, 1, 2, 2]);
    expect(first(foregroundLoss(twoMaps, masks, { ...options, form: 'hybrid' }))).toBeCloseTo((0.25 + 9) / 2, 5);
  });
});

describe('heatmapLoss', () => {
  it('is the batch mean of A * background + B * foreground, with its parts', () => {
    const heatmaps = tf.randomNormal([3, 2, 4, 4, 2], 0, 1, 'float32', 7) as Tensor5D;
    const masks = tf.tensor4d(Array.from({ length: 3 * 16 }, (_, i) => (i % 16 < 6 ? 1 : 0)), [3, 4, 4, 1]);
    const params = parseIsnetLossParams({ A: 2, B: 3, C1: 1, C2: 5 });
    const { background, foreground, total } = heatmapLoss(heatmaps, masks, params);
    expect(first(background)).toBeCloseTo(first(tf.mean(backgroundLoss(heatmaps, masks, params))), 6);
    expect(first(foreground)).toBeCloseTo(first(tf.mean(foregroundLoss(heatmaps, masks, { C1: 1, C2: 5, form: 'L2' }))), 6);
    expect(first(total)).toBeCloseTo(2 * first(background) + 3 * first(foreground), 5);
  });
});

describe('isnetLoss', () => {
  const logits = tf.tensor2d([
    [0, 0],
    [2, 0],
  ]);
  const heatmap = tf.scalar(3);
  const crossEntropy = (Math.log(2) + Math.log(1 + Math.exp(-2))) / 2;

  it('mixes cross-entropy and heatmap loss as (1 - P) CE + P heatmap', () => {
    const { classification, total } = isnetLoss({ logits, labels: tf.tensor1d([0, 0], 'int32'), heatmapLoss: heatmap, P: 0.7 });
    expect(first(classification)).toBeCloseTo(crossEntropy, 6);
    expect(first(total)).toBeCloseTo(0.3 * crossEntropy + 0.7 * 3, 6);
    expect(first(isnetLoss({ logits, labels: tf.tensor1d([0, 0], 'int32'), heatmapLoss: heatmap, P: 0 }).total)).toBeCloseTo(crossEntropy, 6);
    expect(first(isnetLoss({ logits, labels: tf.tensor1d([0, 0], 'int32'), heatmapLoss: heatmap, P: 1 }).total)).toBeCloseTo(3, 6);
  });

  it('takes class indices or one-hot labels', () => {
    const oneHot = tf.tensor2d([
      [1, 0],
      [1, 0],
    ]);
    expect(first(isnetLoss({ logits, labels: oneHot, heatmapLoss: heatmap, P: 0.5 }).classification)).toBeCloseTo(crossEntropy, 6);
  });

  it('rejects labels that do not fit the logits', () => {
    expect(() => isnetLoss({ logits, labels: tf.tensor1d([0, 1, 1], 'int32'), heatmapLoss: heatmap, P: 0.5 })).toThrow(/labels \[3\] do not fit logits \[2,2\]/);
    expect(() => isnetLoss({ logits, labels: tf.ones([2, 3]), heatmapLoss: heatmap, P: 0.5 })).toThrow(RangeError);
    expect(() => isnetLoss({ logits, labels: tf.scalar(1, 'int32'), heatmapLoss: heatmap, P: 0.5 })).toThrow(RangeError);
    expect(() => isnetLoss({ logits, labels: tf.ones([2, 2, 1]), heatmapLoss: heatmap, P: 0.5 })).toThrow(RangeError);
  });
});
