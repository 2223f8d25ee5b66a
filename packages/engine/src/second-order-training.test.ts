import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from './engine.js';
import { seededRandom, uniform } from './gradcheck/random.js';
import { softmaxCrossEntropy } from './ops/log-softmax.js';

/**
 * A tiny conv net (conv, batch norm, ReLU, max pool, conv, ReLU, dense) trained with an
 * ISNet-style loss: cross-entropy plus the background share of |x * d logit / dx|, whose
 * weight gradient is second order through conv, batch norm, ReLU and max pooling.
 */
function tinyNet(random: () => number) {
  const v = (shape: number[], scale: number) => tf.variable(tf.mul(uniform(shape, random), scale));
  const params = {
    c1: v([3, 3, 1, 4], 0.5),
    gamma: tf.variable(tf.ones([4])),
    beta: tf.variable(tf.zeros([4])),
    c2: v([3, 3, 4, 8], 0.3),
    dense: v([4 * 4 * 8, 3], 0.1),
  };
  const logits = (x: Tensor) => {
    let h = tf.conv2d(x as Tensor4D, params.c1, 1, 'same');
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    h = tf.relu(tf.batchNorm(h, mean, variance, params.beta, params.gamma, 1e-3));
    h = tf.maxPool(h as Tensor4D, 2, 2, 'valid');
    h = tf.relu(tf.conv2d(h as Tensor4D, params.c2, 1, 'same'));
    return tf.matMul(tf.reshape(h, [x.shape[0]!, -1]), params.dense);
  };
  return { params, logits };
}

describe.each(['wasm', 'cpu'])('second-order training on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it('decreases an ISNet-style loss over a few SGD steps', () => {
    const random = seededRandom(11);
    const net = tinyNet(random);
    const x = uniform([6, 8, 8, 1], random, 0, 1);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    const background = tf.tensor4d(Array.from({ length: 6 * 64 }, (_, i) => ((i % 8) < 2 ? 1 : 0)), [6, 8, 8, 1]);
    const loss = () => {
      const explained = (input: Tensor) => tf.sum(tf.mul(net.logits(input), labels));
      const heatmap = tf.mul(x, tf.grad(explained)(x));
      const backgroundShare = tf.div(tf.sum(tf.mul(tf.abs(heatmap), background)), tf.add(tf.sum(tf.abs(heatmap)), 1e-6));
      return tf.add(softmaxCrossEntropy(labels, net.logits(x)), backgroundShare) as tf.Scalar;
    };
    const optimizer = tf.train.sgd(0.1);
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      const value = optimizer.minimize(loss, true)!;
      losses.push(value.dataSync()[0]!);
      value.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.9);
  });
});
