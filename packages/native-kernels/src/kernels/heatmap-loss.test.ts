import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_DISABLED, useNativeWasm } from '../test-support.js';
import { HEATMAP_LOSS_KERNEL } from './heatmap-loss.js';

// The values and gradient are checked against isnet-core's composed heatmapLoss there
// (fused-heatmap-loss.test.ts); here, what the kernel refuses.
describe.skipIf(NATIVE_DISABLED)('native IsnetHeatmapLoss on wasm', () => {
  beforeAll(useNativeWasm);

  const attrs = { A: 1, B: 1, E: 1, C1: 1, C2: 2, form: 'hybrid' };
  const run = (heatmaps: tf.Tensor, masks: tf.Tensor, decay: tf.Tensor, extra: Record<string, unknown> = {}) =>
    tf.engine().runKernel(HEATMAP_LOSS_KERNEL, { heatmaps, masks, decay }, { ...attrs, ...extra } as never) as tf.Tensor[];

  it('gives the total, both parts and a gradient of the heatmaps shape', () => {
    tf.tidy(() => {
      const outputs = run(tf.ones([2, 3, 4, 5, 1]), tf.ones([2, 4, 5, 1]), tf.ones([20]));
      expect(outputs.map((t) => t.shape)).toEqual([[], [], [], [2, 3, 4, 5, 1]]);
    });
  });

  it('names the operand or attribute at fault', () => {
    tf.tidy(() => {
      const heatmaps = tf.zeros([2, 1, 4, 5, 1]);
      expect(() => run(heatmaps, tf.zeros([2, 5, 4, 1]), tf.zeros([20]))).toThrow(/masks has shape \[2,5,4,1\], expected \[2,4,5,1\]/);
      expect(() => run(heatmaps, tf.zeros([2, 4, 5, 1]), tf.zeros([19]))).toThrow(/decay has shape \[19\], expected \[20\]/);
      expect(() => run(tf.zeros([2, 4, 5, 1]), tf.zeros([2, 4, 5, 1]), tf.zeros([20]))).toThrow(/heatmaps must have rank 5/);
      expect(() => run(heatmaps, tf.zeros([2, 4, 5, 1]), tf.zeros([20]), { form: 'L1' })).toThrow(/form must be 'L2' or 'hybrid', got 'L1'/);
    });
  });
});
