import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { seededRandom } from '../gradcheck/random.js';
import { rankWeights } from './rank-weights.js';

const weights = Float32Array.of(0.4, 0.3, 0.2, 0.1);

// On 'wasm' the native kernel sorts (where loaded), on 'cpu' the host: both must give these.
describe.each(['cpu', 'wasm'])('rankWeights on %s', (backend) => {
  it('gives each element the weight of its descending rank, ties to the lower index first', async () => {
    await initEngine({ backend });
    const x = tf.tensor2d([
      [1, 3, 2, 3],
      [-0, 0, -1, 5],
      [-2, -1, -3, -2],
    ]);
    expect(Array.from(rankWeights(x, weights).dataSync())).toEqual(
      Array.from(Float32Array.of(0.1, 0.4, 0.2, 0.3, 0.3, 0.2, 0.1, 0.4, 0.3, 0.4, 0.1, 0.2)),
    );
  });

  it('has a zero gradient', async () => {
    await initEngine({ backend });
    const x = tf.tensor2d([[1, 3, 2, 3]]);
    expect(Array.from(tf.grad((v: tf.Tensor) => tf.sum(rankWeights(v, weights)))(x).dataSync())).toEqual([0, 0, 0, 0]);
  });
});

describe('rankWeights', () => {
  it('ranks the same on both backends: 37 rows of 784 values with many ties', async () => {
    const random = seededRandom(3);
    const values = Float32Array.from({ length: 37 * 784 }, () => Math.round(random() * 200 - 100) / 4);
    const w = Float32Array.from({ length: 784 }, (_, i) => 784 - i);
    const on = async (backend: string) => {
      await initEngine({ backend });
      return Array.from(rankWeights(tf.tensor2d(values, [37, 784]), w).dataSync());
    };
    const cpu = await on('cpu');
    expect(await on('wasm')).toEqual(cpu);
    // Every row is a permutation of the weights.
    expect(cpu.slice(0, 784).sort((a, b) => a - b)).toEqual(Array.from(w).sort((a, b) => a - b));
  });

  it('names a weights vector of the wrong length', () => {
    expect(() => rankWeights(tf.zeros([2, 5]), weights)).toThrow(/4 weights for 5 values per row/);
  });
});
