import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import type { Batch } from '@isnet-bench/data';
import { LrpClassifier } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGradInputIsnet } from './grad-input.js';
import { stochasticClasses } from './isnet-method.js';
import { createSelectiveIsnet } from './selective.js';
import { createStochasticIsnet } from './stochastic.js';

function tinyClassifier(classes = 4) {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }), name: 'c1' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.reLU({ name: 'r1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }), name: 'out' }),
    ],
  });
  return new LrpClassifier(model);
}

function batchOf(size: number, classes: number): Batch {
  const random = seededRandom(3);
  const labelArray = Int32Array.from({ length: size }, (_, i) => i % classes);
  const masks = tf.tensor4d(Array.from({ length: size * 64 }, (_, i) => (i % 8 >= 2 && i % 8 < 6 ? 1 : 0)), [size, 8, 8, 1]);
  return {
    images: uniform([size, 8, 8, 1], random, 0, 1) as Tensor4D,
    masks,
    labels: tf.tensor1d(labelArray, 'int32'),
    labelArray,
    indices: Int32Array.from({ length: size }, (_, i) => i),
    epoch: 0,
    batchIndex: 0,
    dispose() {},
  };
}

describe('Faster ISNet methods', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it.each([
    ['selective', (c: LrpClassifier) => createSelectiveIsnet(c, { loss: { C1: 0.05, C2: 1 } })],
    ['selective-ds', (c: LrpClassifier) => createSelectiveIsnet(c, { loss: { C1: 0.05, C2: 1 }, deepSupervision: { layers: ['r1'] } })],
    ['stochastic', (c: LrpClassifier) => createStochasticIsnet(c, { loss: { C1: 0.05, C2: 1 } }, 7)],
    ['grad-input', (c: LrpClassifier) => createGradInputIsnet(c, { loss: { C1: 0.05, C2: 1 } })],
  ])('%s: a finite loss with classification and heatmap parts, gradients for every weight, no leak', (name, create) => {
    const method = create(tinyClassifier());
    expect(method.name).toBe(name);
    const batch = batchOf(6, 4);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const { total, parts } = method.loss(batch, { epoch: 0, batchIndex: 0 });
      expect(Object.keys(parts).sort()).toEqual(['classification', 'heatmap']);
      return total;
    }, method.trainableVariables);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const gradNorms = tf.tidy(() => tf.stack(method.trainableVariables.map((v) => tf.sum(tf.abs(grads[v.name]!)))));
    for (const norm of gradNorms.dataSync()) expect(norm).toBeGreaterThan(0);
    gradNorms.dispose();
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('moves batch-norm running statistics once per training step', () => {
    const classifier = tinyClassifier();
    const method = createSelectiveIsnet(classifier, { loss: { C1: 0.05, C2: 1 } });
    const mean = classifier.stateVariables['bn/moving_mean']!;
    const before = mean.dataSync().slice();
    tf.dispose(tf.variableGrads(() => method.loss(batchOf(6, 4), { epoch: 0, batchIndex: 0 }).total, method.trainableVariables).value);
    expect(Array.from(mean.dataSync())).not.toEqual(Array.from(before));
  });

  it.each([
    ['selective', (c: LrpClassifier) => createSelectiveIsnet(c, { loss: { C1: 0.05, C2: 1 } })],
    ['selective-ds', (c: LrpClassifier) => createSelectiveIsnet(c, { loss: { C1: 0.05, C2: 1 }, deepSupervision: { layers: ['r1'] } })],
    ['stochastic', (c: LrpClassifier) => createStochasticIsnet(c, { loss: { C1: 0.05, C2: 1 } }, 7)],
  ])('%s: the validation loss is (1 - P) CE of the inference logits + P heatmap loss, and changes no state', (_name, create) => {
    const classifier = tinyClassifier();
    const method = create(classifier);
    // Running statistics away from the initial (0, 1), so that inference and training modes differ.
    tf.dispose(tf.variableGrads(() => method.loss(batchOf(6, 4), { epoch: 0, batchIndex: 0 }).total, method.trainableVariables).value);
    const batch = batchOf(6, 4);
    const state = Object.values(method.stateVariables).map((v) => Array.from(v.dataSync()));
    const before = tf.memory().numTensors;
    const [total, classification, heatmap, expectedCE] = tf.tidy(() => {
      const { total, parts } = method.validationLoss!(batch);
      const logits = classifier.predict(batch.images);
      const ce = tf.mean(tf.neg(tf.sum(tf.mul(tf.oneHot(batch.labels, 4), tf.logSoftmax(logits)), -1)));
      return [total, parts['classification']!, parts['heatmap']!, ce].map((t) => t.dataSync()[0]!);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(classification).toBeCloseTo(expectedCE, 5);
    expect(heatmap).toBeGreaterThan(0);
    expect(total).toBeCloseTo(0.3 * classification + 0.7 * heatmap, 5);
    expect(Object.values(method.stateVariables).map((v) => Array.from(v.dataSync()))).toEqual(state);
    // The training loss runs on batch statistics: a different value on the same batch.
    const training = tf.tidy(() => method.loss(batch, { epoch: 0, batchIndex: 0 }).parts['classification']!.dataSync()[0]!);
    expect(Math.abs(training - classification)).toBeGreaterThan(1e-4);
  });

  it('rejects deep-supervision targets that do not match the layers', () => {
    expect(() => createSelectiveIsnet(tinyClassifier(), { deepSupervision: { layers: ['r1'], targets: [] } })).toThrow(/one \{C1, C2\} per supervised layer/);
  });
});

describe('Stochastic ISNet class choice', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('picks the highest logit when the coin is below 1/2, else another class uniformly', () => {
    const n = 4000;
    const logits = tf.tile(tf.tensor2d([[0, 5, 1, 2, 3]]), [n, 1]);
    const classes = stochasticClasses(logits, tf.randomUniform([n], 0, 1, 'float32', 1), tf.randomUniform([n], 0, 1, 'float32', 2)).dataSync();
    const counts = [0, 0, 0, 0, 0];
    for (const c of classes) counts[c]!++;
    expect(counts[1]! / n).toBeCloseTo(0.5, 1);
    for (const other of [0, 2, 3, 4]) expect(counts[other]! / n).toBeCloseTo(0.125, 1);
  });
});
