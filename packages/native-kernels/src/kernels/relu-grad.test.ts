import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm, valuesOn } from '../test-support.js';
import { RELU_GRAD_KERNEL } from './relu-grad.js';

describe.skipIf(NATIVE_DISABLED)('native IsnetReluGrad on wasm', () => {
  beforeAll(useNativeWasm);

  const fused = (dy: tf.Tensor, x: tf.Tensor) => (tf.getBackend() === 'wasm' ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }) as tf.Tensor) : tf.mul(dy, tf.step(x)));

  it.each([
    ['activation', [3, 37, 29, 16]],
    ['small', [5, 3]],
  ])('equals dy * step(x) composed on cpu: %s', async (_name, shape) => {
    const input = fixedInputs({ dy: shape, x: shape });
    // Exact zeros in x (the step's boundary) too.
    await expectWasmMatchesCpu(() => fused(input.dy!(), tf.relu(input.x!())));
    await expectWasmMatchesCpu(() => fused(input.dy!(), input.x!()));
  });

  it('gives NaN where x or dy is NaN and where an infinite dy meets x <= 0, as the composed ops', async () => {
    const x = Float32Array.of(NaN, 1, -1, 0, 2, -3);
    const dy = Float32Array.of(1, NaN, Infinity, -Infinity, Infinity, 5);
    const build = () => fused(tf.tensor1d(dy), tf.tensor1d(x));
    expect(Array.from((await valuesOn('wasm', build))[0]!)).toEqual(Array.from((await valuesOn('cpu', build))[0]!));
  });
});
