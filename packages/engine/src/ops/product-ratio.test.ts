import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { checkGradient } from '../gradcheck/check.js';
import { uniform } from '../gradcheck/random.js';
import { productRatio } from './product-ratio.js';

describe.each(['cpu', 'wasm'])('productRatio on %s', (backend) => {
  // Denominators kept away from 0 (as the LRP stabiliser keeps them); shaped like an
  // activation large enough for the native kernels.
  const inputs = (r: () => number) => {
    const shape = [2, 9, 7, 16];
    const c = uniform(shape, r, 0.5, 2);
    return [uniform(shape, r), uniform(shape, r), tf.mul(c, tf.sign(uniform(shape, r))), uniform(shape, r)];
  };

  it('equals (a * b) / c', async () => {
    await initEngine({ backend });
    tf.tidy(() => {
      const [a, b, c] = inputs(() => 0.37);
      expect(tf.max(tf.abs(tf.sub(productRatio(a!, b!, c!), tf.div(tf.mul(a!, b!), c!)))).dataSync()[0]).toBe(0);
    });
  });

  it('has the gradient finite differences give', async () => {
    await initEngine({ backend });
    const f = (a?: Tensor, b?: Tensor, c?: Tensor, w?: Tensor) => tf.sum(tf.mul(w!, tf.square(productRatio(a!, b!, c!)))) as Scalar;
    const result = checkGradient({ op: 'productRatio', inputs, f }, 1);
    expect(result.error).toBeUndefined();
    expect(result.relError).toBeLessThanOrEqual(result.tolerance);
  });
});
