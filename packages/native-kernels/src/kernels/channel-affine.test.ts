import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm } from '../test-support.js';
import { CHANNEL_AFFINE_KERNEL } from './channel-affine.js';

describe.skipIf(NATIVE_DISABLED)('native IsnetChannelAffine on wasm', () => {
  beforeAll(useNativeWasm);

  it.each([
    ['activation, 16 channels', [3, 37, 29, 16]],
    ['matrix, 5 channels', [7, 5]],
  ])('equals x * a + y * b + c composed on cpu: %s', async (_name, shape) => {
    const channels = shape[shape.length - 1]!;
    const input = fixedInputs({ x: shape, y: shape, a: [channels], b: [channels], c: [channels] });
    await expectWasmMatchesCpu(() => {
      const [x, a, y, b, c] = [input.x!(), input.a!(), input.y!(), input.b!(), input.c!()];
      return tf.getBackend() === 'wasm' ? (tf.engine().runKernel(CHANNEL_AFFINE_KERNEL, { x, a, y, b, c }) as tf.Tensor) : tf.add(tf.add(tf.mul(x, a), tf.mul(y, b)), c);
    });
  });

  it('names the operand of a wrong shape', async () => {
    await tf.setBackend('wasm');
    const [x, y, a, b] = [tf.zeros([4, 3]), tf.zeros([4, 3]), tf.zeros([3]), tf.zeros([3])];
    expect(() => tf.engine().runKernel(CHANNEL_AFFINE_KERNEL, { x, a, y, b, c: tf.zeros([4]) })).toThrow(/c has shape \[4\], expected \[3\]/);
    expect(() => tf.engine().runKernel(CHANNEL_AFFINE_KERNEL, { x, a, y: tf.zeros([3, 4]), b, c: a })).toThrow(/y has shape \[3,4\], expected \[4,3\]/);
  });
});
