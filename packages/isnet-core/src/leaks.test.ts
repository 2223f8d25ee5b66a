import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor5D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  backgroundLoss,
  deepSupervisionLoss,
  downsampleMask,
  foregroundLoss,
  gwrp,
  heatmapLoss,
  HeatmapSumStats,
  isnetLoss,
  parseIsnetLossParams,
  validateMasks,
} from './index.js';

// Every function is called outside any tf.tidy: whatever it returns is disposed here, and
// the count of live tensors must come back to where it was.

let heatmaps: Tensor5D;
let masks: Tensor;
let images: Tensor;
let logits: Tensor;
let labels: Tensor;
let layerLosses: tf.Scalar[];
const params = parseIsnetLossParams({ C1: 1, C2: 5, foreground: 'hybrid' });

beforeAll(async () => {
  await tf.setBackend('cpu');
  heatmaps = tf.randomNormal([2, 2, 4, 4, 3], 0, 1, 'float32', 3) as Tensor5D;
  masks = tf.tensor4d(Array.from({ length: 32 }, (_, i) => (i % 16 < 5 ? 1 : 0)), [2, 4, 4, 1]);
  images = tf.zeros([2, 4, 4, 3]);
  logits = tf.ones([2, 4]);
  labels = tf.tensor1d([1, 2], 'int32');
  layerLosses = [tf.scalar(1), tf.scalar(2)];
});

const leaked = (run: () => tf.TensorContainer) => {
  const before = tf.memory().numTensors;
  tf.dispose(run());
  return tf.memory().numTensors - before;
};

describe('no tensor leaks', () => {
  it.each<[string, () => tf.TensorContainer]>([
    ['gwrp', () => gwrp(heatmaps, 0.9, 2)],
    ['backgroundLoss', () => backgroundLoss(heatmaps, masks, params)],
    ['foregroundLoss', () => foregroundLoss(heatmaps, masks, { C1: 1, C2: 5, form: 'hybrid' })],
    ['heatmapLoss', () => ({ ...heatmapLoss(heatmaps, masks, params) })],
    ['downsampleMask', () => downsampleMask(masks, [3, 3])],
    ['deepSupervisionLoss', () => deepSupervisionLoss(layerLosses)],
    ['isnetLoss', () => ({ ...isnetLoss({ logits, labels, heatmapLoss: layerLosses[0]!, P: 0.7 }) })],
    ['validateMasks', () => validateMasks(masks, images)],
    ['gradient of the heatmap loss', () => tf.grad((h: Tensor) => heatmapLoss(h as Tensor5D, masks, params).total)(heatmaps)],
    ['second-order gradient', () => tf.grad((h: Tensor) => tf.sum(tf.square(tf.grad((g: Tensor) => heatmapLoss(g as Tensor5D, masks, params).total)(h))))(heatmaps)],
  ])('%s', (_name, run) => {
    expect(leaked(run)).toBe(0);
  });

  it('HeatmapSumStats.add', async () => {
    const stats = new HeatmapSumStats();
    const before = tf.memory().numTensors;
    await stats.add(heatmaps);
    expect(tf.memory().numTensors).toBe(before);
  });
});
