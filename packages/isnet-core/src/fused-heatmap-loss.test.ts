import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor5D } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { heatmapLoss, parseIsnetLossParams } from './index.js';

// On 'wasm' with the native kernels heatmapLoss is one kernel that also returns its gradient;
// on 'cpu' it is composed: the two must agree in value, parts and gradient.
type Case = {
  name: string;
  shape: [number, number, number, number, number];
  form: 'L2' | 'hybrid';
  C1: number;
  C2: number;
  maskDtype: 'float32' | 'int32' | 'bool';
  /** Per-map factors on the heatmaps: foreground totals below C1, between C1 and C2, beyond. */
  scales?: number[];
  /** Foreground values times 1e-9: the background activation saturates at its clamp. */
  saturated?: boolean;
};
const CASES: Case[] = [
  { name: 'hybrid, one map, one channel', shape: [4, 1, 9, 7, 1], form: 'hybrid', C1: 1, C2: 3, maskDtype: 'float32' },
  { name: 'L2, three maps, two channels, int masks', shape: [3, 3, 6, 8, 2], form: 'L2', C1: 4, C2: 9, maskDtype: 'int32', scales: [0.05, 0.4, 3] },
  { name: 'hybrid, five maps, three channels, bool masks', shape: [2, 5, 5, 5, 3], form: 'hybrid', C1: 0.5, C2: 2, maskDtype: 'bool', scales: [0.01, 0.1, 0.3, 1, 10] },
  { name: 'saturated background activation', shape: [2, 2, 6, 6, 1], form: 'hybrid', C1: 1, C2: 3, maskDtype: 'float32', saturated: true },
];

function lossAndGradient(c: Case): number[][] {
  return tf.tidy(() => {
    const r = seededRandom(5);
    const [batch, maps, height, width] = c.shape;
    const maskValues = Array.from({ length: batch * height * width }, (_, i) => (r() < 0.4 || i % (height * width) === 0 ? 1 : 0));
    const masks = tf.tensor4d(maskValues, [batch, height, width, 1], c.maskDtype);
    let heatmaps = uniform(c.shape, r, -1, 1) as Tensor5D;
    if (c.scales) heatmaps = tf.mul(heatmaps, tf.tensor(c.scales, [1, maps, 1, 1, 1])) as Tensor5D;
    if (c.saturated) heatmaps = tf.mul(heatmaps, tf.sub(1, tf.mul(tf.reshape(tf.cast(masks, 'float32'), [batch, 1, height, width, 1]), 1 - 1e-9))) as Tensor5D;
    const params = parseIsnetLossParams({ foreground: c.form, C1: c.C1, C2: c.C2, A: 2, B: 0.5, d: 0.9, E: 0.5 });
    const [gradient] = tf.grads((h: Tensor) => heatmapLoss(h as Tensor5D, masks, params).total)([heatmaps]);
    const { total, background, foreground } = heatmapLoss(heatmaps, masks, params);
    return [total, background, foreground, gradient!].map((t) => Array.from(t.dataSync()));
  });
}

describe('heatmapLoss, fused on wasm against composed on cpu', () => {
  it.each(CASES)('$name', async (c) => {
    await initEngine({ backend: 'cpu' });
    const composed = lossAndGradient(c);
    await initEngine({ backend: 'wasm' });
    const fused = lossAndGradient(c);
    composed.forEach((values, i) => {
      const scale = Math.max(...values.map(Math.abs));
      const error = Math.max(...values.map((v, j) => Math.abs(v - fused[i]![j]!)));
      expect(error / scale, ['total', 'background', 'foreground', 'gradient'][i]).toBeLessThan(1e-5);
    });
  });

  const fixture = () => ({
    heatmaps: uniform([2, 1, 4, 4, 1], seededRandom(1), -1, 1) as Tensor5D,
    masks: tf.tensor4d(Array.from({ length: 32 }, (_, i) => (i % 3 ? 1 : 0)), [2, 4, 4, 1]),
    params: parseIsnetLossParams({}),
  });

  it('keeps no tensor beyond those it returns (loss and gradient)', async () => {
    await initEngine({ backend: 'wasm' });
    const { heatmaps, masks, params } = fixture();
    const before = tf.memory().numTensors;
    const loss = heatmapLoss(heatmaps, masks, params);
    const gradient = tf.grad((h: Tensor) => heatmapLoss(h as Tensor5D, masks, params).total)(heatmaps);
    expect(tf.memory().numTensors).toBe(before + 4);
    tf.dispose([loss.total, loss.background, loss.foreground, gradient, heatmaps, masks]);
  });

  it.runIf(process.env.ISNET_NATIVE !== '0')('refuses a second derivative by name where the kernel runs', async () => {
    await initEngine({ backend: 'wasm' });
    const { heatmaps, masks, params } = fixture();
    // The loss scaled by a function of the heatmaps: its upstream gradient depends on them.
    const scaled = (x: Tensor) => tf.mul(heatmapLoss(x as Tensor5D, masks, params).total, tf.sum(x));
    const gradientNorm = (h: Tensor) => tf.sum(tf.square(tf.grad(scaled)(h)));
    expect(() => tf.grad(gradientNorm)(heatmaps)).toThrow(/heatmapLoss: derivatives of this order are not implemented/);
  });
});
