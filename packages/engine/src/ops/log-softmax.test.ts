import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { seededRandom, uniform } from '../gradcheck/random.js';
import { softmaxCrossEntropy } from './log-softmax.js';

// The first and second derivatives of a loss through softmaxCrossEntropy (soft labels, both
// inputs differentiated, an upstream gradient that depends on them too), as plain arrays.
function derivatives(): number[][] {
  return tf.tidy(() => {
    const r = seededRandom(3);
    const [labels, logits, r1, r2] = [uniform([2, 3, 4], r, 0, 1), uniform([2, 3, 4], r, -2, 2), uniform([2, 3, 4], r), uniform([2, 3, 4], r)];
    const f = (l: Tensor, z: Tensor) => tf.mul(softmaxCrossEntropy(l, z), tf.add(tf.sum(tf.square(z)), tf.sum(l)));
    const first = tf.grads(f)([labels!, logits!]);
    const second = tf.grads((l: Tensor, z: Tensor) => {
      const [gl, gz] = tf.grads(f)([l, z]);
      return tf.add(tf.sum(tf.mul(gl!, r1!)), tf.sum(tf.mul(gz!, r2!)));
    })([labels!, logits!]);
    return [f(labels!, logits!), ...first, ...second].map((t) => Array.from(t.dataSync()));
  });
}

describe('softmaxCrossEntropy', () => {
  // On 'wasm' the native kernels (loss, gradients, and the gradients' hand-derived gradients)
  // run; on 'cpu' every derivative comes from the composed ops. The finite-difference check
  // (gradcheck) is too coarse for a small error in one term of the second derivative.
  it("gives the loss and its first and second derivatives of the composed form on 'wasm'", async () => {
    await initEngine({ backend: 'cpu' });
    const composed = derivatives();
    await initEngine({ backend: 'wasm' });
    const fused = derivatives();
    composed.forEach((values, i) => {
      const scale = Math.max(...values.map(Math.abs));
      const error = Math.max(...values.map((v, j) => Math.abs(v - fused[i]![j]!)));
      expect(error / scale, `output ${i}`).toBeLessThan(1e-5);
    });
  });
});
