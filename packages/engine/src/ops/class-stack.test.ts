import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { seededRandom, uniform } from '../gradcheck/random.js';
import { stackedCopies } from './class-stack.js';
import { lrpScaled } from './lrp-scale.js';
import { productRatio } from './product-ratio.js';

const COPIES = 3;
// Large enough for the native kernels; z with exact zeros and negative values.
const SHARED = [2, 9, 7, 16];
const STACKED = [COPIES * SHARED[0]!, ...SHARED.slice(1)];

/** k copies of a batch along the first axis, as the class-stacked tensor the ops read without copying. */
const tiled = (t: Tensor) => tf.tile(t, [COPIES, ...t.shape.slice(1).map(() => 1)]);

const maxDifference = (a: Tensor, b: Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
const maxMagnitude = (a: Tensor) => tf.max(tf.abs(a)).dataSync()[0]!;

describe.each(['cpu', 'wasm'])('class-stacked operands on %s', (backend) => {
  it('lrpScaled: value and both derivatives equal those of the op on a tiled z', async () => {
    await initEngine({ backend });
    tf.tidy(() => {
      const random = seededRandom(3);
      const dy = uniform(STACKED, random, -1, 1);
      const z = tf.mul(tf.relu(tf.sub(uniform(SHARED, random, -1, 1), 0.3)), tf.sign(uniform(SHARED, random, -1, 1)));
      const w = uniform(STACKED, random, -1, 1);
      const loss = (scaled: (d: Tensor, zz: Tensor) => Tensor) => (d: Tensor, zz: Tensor) => tf.sum(tf.mul(w, tf.square(scaled(d, zz))));
      const stacked = tf.grads(loss((d, zz) => lrpScaled(d, zz, 0.01)))([dy, z]);
      const reference = tf.grads(loss((d, zz) => lrpScaled(d, tiled(zz), 0.01)))([dy, z]);
      expect(maxDifference(lrpScaled(dy, z, 0.01), lrpScaled(dy, tiled(z), 0.01))).toBe(0);
      stacked.forEach((g, i) => {
        expect(g.shape).toEqual(reference[i]!.shape);
        expect(maxDifference(g, reference[i]!)).toBeLessThanOrEqual(1e-6 * maxMagnitude(reference[i]!));
      });
      expect(maxMagnitude(stacked[1]!)).toBeGreaterThan(0);
    });
  });

  it('productRatio: value and the three derivatives equal those of the op on tiled a and c', async () => {
    await initEngine({ backend });
    tf.tidy(() => {
      const random = seededRandom(4);
      const a = uniform(SHARED, random, -1, 1);
      const b = uniform(STACKED, random, -1, 1);
      const c = tf.mul(uniform(SHARED, random, 0.5, 2), tf.sign(uniform(SHARED, random, -1, 1)));
      const w = uniform(STACKED, random, -1, 1);
      const loss = (ratio: (x: Tensor, y: Tensor, d: Tensor) => Tensor) => (x: Tensor, y: Tensor, d: Tensor) => tf.sum(tf.mul(w, tf.square(ratio(x, y, d))));
      const stacked = tf.grads(loss(productRatio))([a, b, c]);
      const reference = tf.grads(loss((x, y, d) => productRatio(tiled(x), y, tiled(d))))([a, b, c]);
      expect(maxDifference(productRatio(a, b, c), productRatio(tiled(a), b, tiled(c)))).toBe(0);
      stacked.forEach((g, i) => {
        expect(g.shape).toEqual(reference[i]!.shape);
        expect(maxDifference(g, reference[i]!)).toBeLessThanOrEqual(1e-6 * maxMagnitude(reference[i]!));
      });
    });
  });
});

describe('stackedCopies', () => {
  it('counts the copies and names the op when the shapes do not stack', () => {
    tf.tidy(() => {
      expect(stackedCopies('op', tf.zeros([6, 4, 2]), tf.zeros([2, 4, 2]))).toBe(3);
      expect(() => stackedCopies('lrpScaled', tf.zeros([5, 4]), tf.zeros([2, 4]))).toThrow(/lrpScaled: \[5,4\] is not a stack of copies of the batch \[2,4\]/);
      expect(() => stackedCopies('op', tf.zeros([4, 3]), tf.zeros([2, 4]))).toThrow(/not a stack/);
      expect(() => productRatio(tf.zeros([2, 4]), tf.zeros([4, 4]), tf.zeros([1, 4]))).toThrow(/productRatio: a \[2,4\] and c \[1,4\]/);
    });
  });
});
