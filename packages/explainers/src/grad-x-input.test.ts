import * as tf from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { LrpClassifier } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradTimesInput } from './grad-x-input.js';
import { CLASS_LOGIT, inputGradient, MEAN_HIGHEST_PROBABILITY } from './input-gradient.js';

describe('Grad x Input explainer', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('of a linear model is w * x exactly, and sums to the logit minus the bias', () => {
    const [pixels, classes] = [6, 3];
    const random = seededRandom(1);
    const w = Array.from({ length: pixels }, () => Array.from({ length: classes }, () => Math.round((random() * 2 - 1) * 64) / 64));
    const bias = [0.25, -0.5, 0.125];
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 3, 1] }), tf.layers.dense({ units: classes, name: 'out' })] });
    model.getLayer('out').setWeights([tf.tensor2d(w), tf.tensor1d(bias)]);
    // Dyadic pixels and weights: each product w * x is exact in float32.
    const x = Array.from({ length: 2 * pixels }, () => Math.round(random() * 16) / 16);
    const explained = [2, 0];
    const { heatmap, logits } = gradTimesInput(CLASS_LOGIT).explain(new LrpClassifier(model), tf.tensor4d(x, [2, 2, 3, 1]), { classes: explained });
    const expected = x.map((v, i) => v * w[i % pixels]![explained[Math.floor(i / pixels)]!]!);
    expect(Array.from(heatmap.dataSync())).toEqual(expected);
    const totals = tf.sum(heatmap, [1, 2, 3]).dataSync();
    const z = logits.arraySync() as number[][];
    explained.forEach((c, b) => expect(totals[b]).toBeCloseTo(z[b]![c]! - bias[c]!, 5));
  });

  it('is the images times the input gradient of the same quantity, in training mode too', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 2, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }),
        tf.layers.batchNormalization(),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
      ],
    });
    const network = new LrpClassifier(model);
    const images = uniform([3, 5, 5, 1], seededRandom(4), 0, 1);
    const ours = gradTimesInput(MEAN_HIGHEST_PROBABILITY).explain(network, images, { training: true });
    const gradient = inputGradient(MEAN_HIGHEST_PROBABILITY).explain(network, images, { training: true });
    expect(Array.from(ours.heatmap.dataSync())).toEqual(Array.from(tf.mul(images, gradient.heatmap).dataSync()));
    expect(gradTimesInput(MEAN_HIGHEST_PROBABILITY).name).toBe('grad-x-input(mean-highest-probability)');
    // No leak: the gradient it multiplies is released.
    const before = tf.memory().numTensors;
    tf.dispose(Object.values(gradTimesInput(MEAN_HIGHEST_PROBABILITY).explain(network, images)));
    expect(tf.memory().numTensors).toBe(before);
  });
});
