import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm } from '../test-support.js';
import { WEIGHTED_SUM_KERNEL } from './weighted-sum.js';

describe.skipIf(NATIVE_DISABLED)('native IsnetWeightedSum on wasm', () => {
  beforeAll(useNativeWasm);

  const fused = (a: tf.Tensor, b: tf.Tensor, alpha: number, beta: number) =>
    tf.getBackend() === 'wasm' ? (tf.engine().runKernel(WEIGHTED_SUM_KERNEL, { a, b }, { alpha, beta } as never) as tf.Tensor) : tf.add(tf.mul(a, alpha), tf.mul(b, beta));

  it.each([
    ['a filter, SGD step', [3, 3, 16, 32], 1, -0.01],
    ['large, split across threads', [64, 28, 28, 16], 0.9, 1],
    ['one value', [1], -2.5, 0.125],
  ] as const)('equals alpha a + beta b composed on cpu: %s', async (_name, shape, alpha, beta) => {
    const input = fixedInputs({ a: [...shape], b: [...shape] });
    await expectWasmMatchesCpu(() => fused(input.a!(), input.b!(), alpha, beta));
  });

  it('names operands of different shapes', () => {
    tf.tidy(() => {
      expect(() => fused(tf.zeros([2, 3]), tf.zeros([3, 2]), 1, 1)).toThrow(/IsnetWeightedSum \(native kernels\): b has shape \[3,2\], expected \[2,3\]/);
    });
  });
});
