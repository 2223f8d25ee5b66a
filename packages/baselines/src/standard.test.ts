import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, softmaxCrossEntropy, uniform } from '@isnet-bench/engine';
import type { Batch } from '@isnet-bench/data';
import { LrpClassifier } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStandardClassifier } from './standard.js';

describe('standard classifier', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('minimises cross-entropy alone and needs no masks', () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) })] });
    const method = createStandardClassifier(new LrpClassifier(model));
    expect(method.needsMasks).toBe(false);
    const images = uniform([5, 4, 4, 1], seededRandom(2), 0, 1) as Tensor4D;
    const labelArray = Int32Array.from([0, 1, 2, 0, 1]);
    const labels = tf.tensor1d(labelArray, 'int32');
    const batch: Batch = { images, masks: tf.zeros([5, 4, 4, 1]), labels, labelArray, indices: labelArray, epoch: 0, batchIndex: 0, dispose() {} };
    const { total, parts } = method.loss(batch, { epoch: 0, batchIndex: 0 });
    const expected = softmaxCrossEntropy(tf.oneHot(labels, 3), model.predict(images) as tf.Tensor);
    expect(total.dataSync()[0]).toBeCloseTo(expected.dataSync()[0]!, 5);
    expect(Object.keys(parts)).toEqual(['classification']);
    const validation = method.validationLoss!(batch);
    expect(validation.total.dataSync()[0]).toBeCloseTo(expected.dataSync()[0]!, 5);
  });

  it('takes its validation loss in inference mode: batch norm on the running statistics, which stay unchanged', () => {
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.batchNormalization({ movingMeanInitializer: tf.initializers.constant({ value: 0.3 }), movingVarianceInitializer: tf.initializers.constant({ value: 4 }) }), tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) })],
    });
    const method = createStandardClassifier(new LrpClassifier(model));
    const images = uniform([5, 4, 4, 1], seededRandom(2), 0, 1) as Tensor4D;
    const labelArray = Int32Array.from([0, 1, 2, 0, 1]);
    const labels = tf.tensor1d(labelArray, 'int32');
    const batch: Batch = { images, masks: tf.zeros([5, 4, 4, 1]), labels, labelArray, indices: labelArray, epoch: 0, batchIndex: 0, dispose() {} };
    const inference = softmaxCrossEntropy(tf.oneHot(labels, 3), model.predict(images) as tf.Tensor).dataSync()[0]!;
    const training = softmaxCrossEntropy(tf.oneHot(labels, 3), model.apply(images, { training: true }) as tf.Tensor).dataSync()[0]!;
    expect(Math.abs(inference - training)).toBeGreaterThan(0.05);
    const state = Object.values(method.stateVariables).map((v) => Array.from(v.dataSync()));
    expect(method.validationLoss!(batch).total.dataSync()[0]).toBeCloseTo(inference, 2);
    expect(Object.values(method.stateVariables).map((v) => Array.from(v.dataSync()))).toEqual(state);
  });
});
