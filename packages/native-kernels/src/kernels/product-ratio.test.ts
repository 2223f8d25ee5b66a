import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm } from '../test-support.js';
import { PRODUCT_RATIO_GRAD_KERNEL, PRODUCT_RATIO_KERNEL } from './product-ratio.js';

describe.skipIf(NATIVE_DISABLED)('native product-ratio kernels on wasm', () => {
  beforeAll(useNativeWasm);

  it.each([
    ['activation', [3, 17, 13, 16]],
    ['small', [5, 3]],
  ])('match (a * b) / c and the gradient of the composed ops on cpu: %s', async (_name, shape) => {
    const input = fixedInputs({ a: shape, b: shape, c: shape, g: shape });
    // Denominators away from 0, as the stabiliser keeps them.
    const c = () => tf.add(input.c!(), tf.mul(0.5, tf.sign(input.c!())));
    await expectWasmMatchesCpu(() => {
      if (tf.getBackend() === 'wasm') {
        const value = tf.engine().runKernel(PRODUCT_RATIO_KERNEL, { a: input.a!(), b: input.b!(), c: c() }) as tf.Tensor;
        return [value, ...(tf.engine().runKernel(PRODUCT_RATIO_GRAD_KERNEL, { g: input.g!(), a: input.a!(), b: input.b!(), c: c() }) as tf.Tensor[])];
      }
      const f = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.div(tf.mul(a, b), d);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => f(a, b, d))([input.a!(), input.b!(), c()], input.g!());
      return [f(input.a!(), input.b!(), c()), ...grads];
    });
  });
});
