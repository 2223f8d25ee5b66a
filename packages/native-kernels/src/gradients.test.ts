import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedInputs, NATIVE_DISABLED, relativeError, TOLERANCE, useNativeWasm, valuesOn } from './test-support.js';

const BATCH = 4;
const CLASSES = 5;

// A small convolutional classifier touching every native kernel: fused and plain convolutions
// with several strides and paddings, and a dense layer, whose gradients need the backprop
// kernels and transposed matmuls.
const input = fixedInputs({
  x: [BATCH, 12, 12, 2],
  w1: [3, 3, 2, 6],
  b1: [6],
  w2: [3, 3, 6, 8],
  w3: [2, 3, 8, 10],
  b3: [10],
  dense: [3 * 4 * 10, CLASSES],
  denseBias: [CLASSES],
});
const labels = [0, 3, 1, 4].map((label) => Array.from({ length: CLASSES }, (_, c) => (c === label ? 1 : 0)));

function loss(x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor, b3: tf.Tensor, dense: tf.Tensor, denseBias: tf.Tensor): tf.Scalar {
  let h = tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w1 as tf.Tensor4D, strides: 1, pad: 'same', bias: b1, activation: 'relu' });
  h = tf.relu(tf.conv2d(h, w2 as tf.Tensor4D, 2, 'valid'));
  h = tf.fused.conv2d({
    x: h,
    filter: w3 as tf.Tensor4D,
    strides: [2, 1],
    pad: [[0, 0], [1, 0], [0, 1], [0, 0]],
    bias: b3,
    activation: 'relu',
  });
  const logits = tf.fused.matMul({ a: h.reshape([BATCH, -1]), b: dense, bias: denseBias });
  return tf.losses.softmaxCrossEntropy(tf.tensor2d(labels), logits);
}

describe.skipIf(NATIVE_DISABLED)('gradients through a conv net on wasm with native kernels', () => {
  beforeAll(useNativeWasm);

  it('match the cpu backend for the loss, the input and every weight', async () => {
    const build = () => {
      const args = Object.values(input).map((make) => make());
      const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => loss(...(xs as Parameters<typeof loss>)))(args);
      return [value, ...grads];
    };
    const expected = await valuesOn('cpu', build);
    const actual = await valuesOn('wasm', build);
    const names = ['loss', ...Object.keys(input)];
    expected.forEach((values, i) => {
      expect(relativeError(actual[i]!, values), `gradient of ${names[i]}`).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});
