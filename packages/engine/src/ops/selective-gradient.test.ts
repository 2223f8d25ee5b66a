import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { seededRandom, uniform } from '../gradcheck/random.js';
import { selectiveGradient } from './selective-gradient.js';

const EPSILON = 0.01;

/** eta summed over the rows, composed from TF.js ops: its autodiff gradient is the reference. */
const eta = (z: Tensor, mask: Tensor) => {
  const pc = tf.sum(tf.mul(tf.softmax(z), mask), -1);
  return tf.sum(tf.sub(tf.log(tf.add(pc, EPSILON)), tf.log(tf.add(tf.sub(1, pc), EPSILON))));
};

const maxRelative = (a: Tensor, b: Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1e-6, tf.max(tf.abs(b)).dataSync()[0]!);

describe.each(['cpu', 'wasm'])('selectiveGradient on %s', (backend) => {
  // Logits spread wide enough that some rows' classes are near-certain and others unlikely.
  const inputs = () => {
    const random = seededRandom(31);
    const z = tf.mul(uniform([6, 5], random, -1, 1), tf.tensor2d([[1], [3], [6], [0.2], [4], [8]]));
    const mask = tf.oneHot(tf.tensor1d([0, 4, 2, 1, 3, 2], 'int32'), 5).toFloat();
    return { z, mask, upstream: uniform([6, 5], random, -1, 1) };
  };

  it("equals the autodiff gradient of eta", async () => {
    await initEngine({ backend });
    tf.tidy(() => {
      const { z, mask } = inputs();
      expect(maxRelative(selectiveGradient(z, mask, EPSILON), tf.grad((l: Tensor) => eta(l, mask))(z))).toBeLessThan(1e-5);
    });
  });

  it("has the derivative autodiff gives eta's gradient (second order)", async () => {
    await initEngine({ backend });
    tf.tidy(() => {
      const { z, mask, upstream } = inputs();
      const fused = tf.grad((l: Tensor) => tf.sum(tf.mul(upstream, selectiveGradient(l, mask, EPSILON))))(z);
      const composed = tf.grad((l: Tensor) => tf.sum(tf.mul(upstream, tf.grad((m: Tensor) => eta(m, mask))(l))))(z);
      expect(maxRelative(fused, composed)).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(composed)).dataSync()[0]).toBeGreaterThan(1e-3);
    });
  });
});
