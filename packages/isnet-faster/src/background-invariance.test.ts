import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import type { Batch } from '@isnet-bench/data';
import { LrpClassifier } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { backgroundSwapCrossEntropy, backgroundSwapInvariance, createSelectiveInvariantIsnet, swapBackgrounds } from './background-invariance.js';
import { selectiveInvariantDefinition } from './definitions.js';
import { createSelectiveIsnet } from './selective.js';

function tinyClassifier() {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }), name: 'c1' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.reLU({ name: 'r1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }), name: 'out' }),
    ],
  });
  return new LrpClassifier(model);
}

function batchOf(size: number): Batch {
  const labelArray = Int32Array.from({ length: size }, (_, i) => i % 4);
  return {
    images: uniform([size, 8, 8, 1], seededRandom(3), 0, 1) as Tensor4D,
    masks: tf.tensor4d(Array.from({ length: size * 64 }, (_, i) => (i % 8 >= 2 && i % 8 < 6 ? 1 : 0)), [size, 8, 8, 1]),
    labels: tf.tensor1d(labelArray, 'int32'),
    labelArray,
    indices: Int32Array.from({ length: size }, (_, i) => i),
    epoch: 0,
    batchIndex: 0,
    dispose() {},
  };
}

describe('background-swap invariance (extension)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it("keeps each image's foreground and takes the next image's background (soft masks blend)", () => {
    // Three 1x3 images: pixel values 10 i + p; masks: image 0 keeps pixel 0, image 1 pixel 1 half, image 2 none.
    const images = tf.tensor4d([0, 1, 2, 10, 11, 12, 20, 21, 22], [3, 1, 3, 1]);
    const masks = tf.tensor4d([1, 0, 0, 0, 0.5, 0, 0, 0, 0], [3, 1, 3, 1]);
    const expected = [0, 11, 12, 20, 0.5 * 11 + 0.5 * 21, 22, 0, 1, 2];
    expect(Array.from(swapBackgrounds(images, masks).dataSync())).toEqual(expected);
    const single = tf.tensor4d([5, 6], [1, 1, 2, 1]);
    expect(Array.from(swapBackgrounds(single, tf.zerosLike(single)).dataSync())).toEqual([5, 6]);
  });

  it('is the mean squared logit change (analytic, linear logits), zero for a model that reads only the foreground, with finite-difference gradients', () => {
    const images = tf.tensor4d([0.2, 0.9, 0.4, 0.1, 0.7, 0.3, 0.5, 0.8], [2, 1, 4, 1]);
    const masks = tf.tensor4d([1, 1, 0, 0, 1, 1, 0, 0], [2, 1, 4, 1]);
    const w = tf.variable(tf.tensor2d([0.5, -1, 2, 0.25, 1.5, 0.5, -0.5, 3], [4, 2]));
    const linear = (x: tf.Tensor) => tf.matMul(tf.reshape(x, [-1, 4]), w);
    const value = (weights: number[]) => {
      // By hand: swapped image 0 = [0.2, 0.9, 0.5, 0.8], image 1 = [0.7, 0.3, 0.4, 0.1]; squared change of both logits.
      const x = [[0.2, 0.9, 0.4, 0.1], [0.7, 0.3, 0.5, 0.8]];
      const s = [[0.2, 0.9, 0.5, 0.8], [0.7, 0.3, 0.4, 0.1]];
      let sum = 0;
      for (let b = 0; b < 2; b++)
        for (let c = 0; c < 2; c++) {
          let d = 0;
          for (let p = 0; p < 4; p++) d += (x[b]![p]! - s[b]![p]!) * weights[p * 2 + c]!;
          sum += d * d;
        }
      return sum / 4;
    };
    const weights = Array.from(w.dataSync());
    const loss = () => backgroundSwapInvariance(linear(images), images, masks, linear);
    expect(loss().dataSync()[0]).toBeCloseTo(value(weights), 5);
    const gradient = tf.grad(() => loss())(w).dataSync();
    for (let i = 0; i < weights.length; i++) {
      const h = 1e-3;
      const up = weights.map((v, j) => (j === i ? v + h : v));
      const down = weights.map((v, j) => (j === i ? v - h : v));
      expect(gradient[i]).toBeCloseTo((value(up) - value(down)) / (2 * h), 3);
    }
    // Background weights zero: nothing outside the masks is read, no penalty.
    w.assign(tf.tensor2d([0.5, -1, 2, 0.25, 0, 0, 0, 0], [4, 2]));
    expect(loss().dataSync()[0]).toBe(0);
  });

  it("'label' form: the cross-entropy of the swapped images against their own labels (analytic, linear logits)", () => {
    const images = tf.tensor4d([0.2, 0.9, 0.4, 0.1, 0.7, 0.3, 0.5, 0.8], [2, 1, 4, 1]);
    const masks = tf.tensor4d([1, 1, 0, 0, 1, 1, 0, 0], [2, 1, 4, 1]);
    const w = [0.5, -1, 2, 0.25, 1.5, 0.5, -0.5, 3];
    const linear = (x: tf.Tensor) => tf.matMul(tf.reshape(x, [-1, 4]), tf.tensor2d(w, [4, 2]));
    const swapped = [[0.2, 0.9, 0.5, 0.8], [0.7, 0.3, 0.4, 0.1]];
    const labels = [1, 0];
    let expected = 0;
    swapped.forEach((x, b) => {
      const z = [0, 1].map((c) => x.reduce((sum, v, p) => sum + v * w[p * 2 + c]!, 0));
      expected += Math.log(Math.exp(z[0]!) + Math.exp(z[1]!)) - z[labels[b]!]!;
    });
    expect(backgroundSwapCrossEntropy(tf.tensor1d(labels, 'int32'), images, masks, linear).dataSync()[0]).toBeCloseTo(expected / 2, 5);
    const method = createSelectiveInvariantIsnet(tinyClassifier(), { loss: { C1: 0.05, C2: 1 }, invariance: { form: 'label' } });
    const invariance = tf.tidy(() => method.loss(batchOf(6), { epoch: 0, batchIndex: 0 }).parts['invariance']!.dataSync()[0]!);
    expect(invariance).toBeGreaterThan(0);
  });

  it("adds weight x invariance to Selective ISNet's loss, moves batch-norm statistics exactly as Selective ISNet does, and leaks nothing", () => {
    const config = { loss: { C1: 0.05, C2: 1 }, invariance: { weight: 2 } };
    const invariantClassifier = tinyClassifier();
    const method = createSelectiveInvariantIsnet(invariantClassifier, config);
    const plainClassifier = tinyClassifier();
    const plain = createSelectiveIsnet(plainClassifier, { loss: config.loss });
    expect(method.name).toBe('selective-invariant');
    expect(method.config).toMatchObject({ invariance: { weight: 2 }, explainedClass: 'lowest' });
    const batch = batchOf(6);
    const before = tf.memory().numTensors;
    let parts: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(() => {
      const loss = method.loss(batch, { epoch: 0, batchIndex: 0 });
      parts = Object.fromEntries(Object.entries(loss.parts).map(([k, v]) => [k, v.dataSync()[0]!]));
      return loss.total;
    }, method.trainableVariables);
    expect(Object.keys(parts).sort()).toEqual(['classification', 'heatmap', 'invariance']);
    expect(parts['invariance']).toBeGreaterThan(0);
    expect(value.dataSync()[0]).toBeCloseTo(0.3 * parts['classification']! + 0.7 * parts['heatmap']! + 2 * parts['invariance']!, 4);
    for (const v of method.trainableVariables) expect(Number.isFinite(tf.tidy(() => tf.sum(tf.abs(grads[v.name]!)).dataSync()[0]!))).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);

    tf.dispose(tf.variableGrads(() => plain.loss(batch, { epoch: 0, batchIndex: 0 }).total, plain.trainableVariables).value);
    const statistics = (c: LrpClassifier) => Array.from(c.stateVariables['bn/moving_mean']!.dataSync());
    expect(statistics(invariantClassifier)).toEqual(statistics(plainClassifier));

    const validation = tf.tidy(() => method.validationLoss!(batch).parts['invariance']!.dataSync()[0]!);
    expect(validation).toBeGreaterThan(0);
    expect(statistics(invariantClassifier)).toEqual(statistics(plainClassifier));
  });

  it('is listed as an extension and tunes like the ISNets', () => {
    expect(selectiveInvariantDefinition.description).toMatch(/^extension \(not the papers' method\)/);
    expect(selectiveInvariantDefinition.config.parse({})).toMatchObject({ invariance: { weight: 1, form: 'logits' }, tuneEpochs: 0 });
    expect(selectiveInvariantDefinition.prepare).toBeDefined();
  });
});
