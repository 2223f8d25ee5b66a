import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { checkGradient } from '../gradcheck/check.js';
import { uniform } from '../gradcheck/random.js';
import { weightedSum } from './weighted-sum.js';

describe.each(['cpu', 'wasm'])('weightedSum on %s', (backend) => {
  it('equals alpha a + beta b', async () => {
    await initEngine({ backend });
    tf.tidy(() => {
      const r = () => 0.37;
      const [a, b] = [uniform([4, 5, 16], r), uniform([4, 5, 16], r)];
      const expected = tf.add(tf.mul(a, 0.9), tf.mul(b, -0.01));
      const error = tf.max(tf.abs(tf.sub(weightedSum(a, 0.9, b, -0.01), expected))).dataSync()[0]!;
      expect(error).toBeLessThanOrEqual(1e-7 * tf.max(tf.abs(expected)).dataSync()[0]!);
    });
  });

  it('has the gradient finite differences give', async () => {
    await initEngine({ backend });
    const inputs = (r: () => number) => [uniform([3, 8], r), uniform([3, 8], r), uniform([3, 8], r)];
    const f = (a?: Tensor, b?: Tensor, w?: Tensor) => tf.sum(tf.mul(w!, tf.square(weightedSum(a!, 1.5, b!, -0.25)))) as Scalar;
    const result = checkGradient({ op: 'weightedSum', inputs, f }, 2);
    expect(result.error).toBeUndefined();
    expect(result.relError).toBeLessThanOrEqual(result.tolerance);
  });
});
