import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import type { Batch } from '@isnet-bench/data';
import { explain, LrpClassifier } from '@isnet-bench/lrp';
import { heatmapLoss, parseIsnetLossParams } from '@isnet-bench/isnet-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOriginalIsnet } from './original.js';

const classes = 3;
const model = () =>
  tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 4 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }),
    ],
  });

describe('Original ISNet', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('optimises one heatmap per class: its heatmap loss is the loss of the C per-class LRP heatmaps', () => {
    const classifier = new LrpClassifier(model());
    const images = uniform([4, 6, 6, 1], seededRandom(6), 0, 1) as Tensor4D;
    const masks = tf.tensor4d(Array.from({ length: 4 * 36 }, (_, i) => (i % 6 < 3 ? 1 : 0)), [4, 6, 6, 1]);
    const labelArray = Int32Array.from([0, 1, 2, 0]);
    const batch: Batch = { images, masks, labels: tf.tensor1d(labelArray, 'int32'), labelArray, indices: Int32Array.from([0, 1, 2, 3]), epoch: 0, batchIndex: 0, dispose() {} };
    const method = createOriginalIsnet(classifier, { loss: { C1: 0.05, C2: 1 } });
    const { parts } = method.loss(batch, { epoch: 0, batchIndex: 0 });
    const perClass = Array.from({ length: classes }, (_, c) => explain(classifier.graph, images, { classes: new Array(4).fill(c), training: true }).heatmap);
    const expected = heatmapLoss(tf.stack(perClass, 1) as tf.Tensor5D, masks, parseIsnetLossParams({ C1: 0.05, C2: 1 })).total;
    expect(parts['heatmap']!.dataSync()[0]).toBeCloseTo(expected.dataSync()[0]!, 5);
  });

  it('takes its validation loss on the C heatmaps in inference mode, in passes of any size', () => {
    const classifier = new LrpClassifier(model());
    const images = uniform([4, 6, 6, 1], seededRandom(6), 0, 1) as Tensor4D;
    const masks = tf.tensor4d(Array.from({ length: 4 * 36 }, (_, i) => (i % 6 < 3 ? 1 : 0)), [4, 6, 6, 1]);
    const labelArray = Int32Array.from([0, 1, 2, 0]);
    const batch: Batch = { images, masks, labels: tf.tensor1d(labelArray, 'int32'), labelArray, indices: Int32Array.from([0, 1, 2, 3]), epoch: 0, batchIndex: 0, dispose() {} };
    const perClass = Array.from({ length: classes }, (_, c) => explain(classifier.graph, images, { classes: new Array(4).fill(c), training: false }).heatmap);
    const expected = heatmapLoss(tf.stack(perClass, 1) as tf.Tensor5D, masks, parseIsnetLossParams({ C1: 0.05, C2: 1 })).total.dataSync()[0]!;
    for (const classesPerPass of [1, 'auto'] as const) {
      const { total, parts } = createOriginalIsnet(classifier, { loss: { C1: 0.05, C2: 1 }, classesPerPass }).validationLoss!(batch);
      expect(parts['heatmap']!.dataSync()[0]).toBeCloseTo(expected, 5);
      expect(total.dataSync()[0]).toBeCloseTo(0.3 * parts['classification']!.dataSync()[0]! + 0.7 * expected, 5);
    }
  });
});

describe('Original ISNet, gradients accumulated over groups of classes', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it.each([
    ['two classes per pass', { classesPerPass: 2 }],
    ["'auto' with a budget that fits one class", { groupMemoryMB: 0.01 }],
    ["'auto' with a budget that fits all", { groupMemoryMB: 100 }],
  ])('equal the one-pass gradients of the same loss: %s', (_name, grouping) => {
    const images = uniform([4, 6, 6, 1], seededRandom(9), 0, 1) as Tensor4D;
    const masks = tf.tensor4d(Array.from({ length: 4 * 36 }, (_, i) => (i % 6 < 3 ? 1 : 0)), [4, 6, 6, 1]);
    const labelArray = Int32Array.from([0, 1, 2, 0]);
    const batch: Batch = { images, masks, labels: tf.tensor1d(labelArray, 'int32'), labelArray, indices: labelArray, epoch: 0, batchIndex: 0, dispose() {} };
    const onePass = createOriginalIsnet(new LrpClassifier(model()), { loss: { C1: 0.05, C2: 1 } });
    const grouped = createOriginalIsnet(new LrpClassifier(model()), { loss: { C1: 0.05, C2: 1 }, ...grouping });
    const expected = tf.variableGrads(() => onePass.loss(batch, { epoch: 0, batchIndex: 0 }).total, onePass.trainableVariables);
    const actual = grouped.lossAndGradients!(batch, { epoch: 0, batchIndex: 0 });
    expect(actual.value.dataSync()[0]).toBeCloseTo(expected.value.dataSync()[0]!, 5);
    onePass.trainableVariables.forEach((v, i) => {
      const a = actual.grads[grouped.trainableVariables[i]!.name]!;
      const e = expected.grads[v.name]!;
      expect(tf.max(tf.abs(tf.sub(a, e))).dataSync()[0]).toBeLessThan(1e-5 * Math.max(1, tf.max(tf.abs(e)).dataSync()[0]!));
    });
  });
});
