import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { seededRandom, uniform } from '../gradcheck/random.js';
import { batchNormTraining } from './batch-norm-training.js';

// The derivatives are checked against finite differences in gradcheck/cases.ts; here the
// values, the statistics, and what happens past the second order.
describe.each(['cpu', 'wasm'])('batchNormTraining on %s', (backend) => {
  const inputs = () => {
    const random = seededRandom(7);
    return { x: tf.add(uniform([4, 5, 3, 6], random), 3), gamma: uniform([6], random, 0.5, 1.5), beta: uniform([6], random) };
  };

  it('equals tf.moments + tf.batchNorm and returns the batch statistics', async () => {
    await initEngine({ backend });
    tf.tidy(() => {
      const { x, gamma, beta } = inputs();
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      const expected = tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
      const actual = batchNormTraining(x, gamma, beta, 1e-3);
      expect(tf.max(tf.abs(tf.sub(actual.y, expected))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(actual.mean, mean))).dataSync()[0]).toBeLessThan(1e-6);
      expect(tf.max(tf.abs(tf.sub(actual.variance, variance))).dataSync()[0]).toBeLessThan(1e-6);
    });
  });

  it('leaks no tensors through its first and second derivatives', async () => {
    await initEngine({ backend });
    const { x, gamma, beta } = inputs();
    const before = tf.memory().numTensors;
    const secondOrder = tf.grads((xIn: tf.Tensor, g: tf.Tensor) => {
      const dx = tf.grad((inner: tf.Tensor) => tf.sum(tf.square(batchNormTraining(inner, g, beta, 1e-3).y)))(xIn);
      return tf.sum(tf.mul(dx, dx));
    });
    tf.dispose(secondOrder([x, gamma]));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta]);
  });

  it('says so when differentiated a third time instead of returning a wrong value', async () => {
    await initEngine({ backend });
    const { x, gamma, beta } = inputs();
    const f = (v: tf.Tensor) => tf.sum(tf.square(batchNormTraining(v, gamma, beta, 1e-3).y));
    const third = () => tf.grad((v: tf.Tensor) => tf.sum(tf.grad((w: tf.Tensor) => tf.sum(tf.grad(f)(w)))(v)))(x);
    expect(third).toThrow(/batchNormTraining: derivatives of this order are not implemented/);
    tf.dispose([x, gamma, beta]);
  });
});
