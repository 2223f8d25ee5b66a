import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm } from '../test-support.js';
import { CHANNEL_AFFINE_KERNEL } from './channel-affine.js';

describe.skipIf(NATIVE_DISABLED)('native IsnetChannelAffine on wasm', () => {
  beforeAll(useNativeWasm);

  it.each([
    ['activation, 16 channels, 3 terms', [3, 37, 29, 16], 3],
    ['activation, 16 channels, 2 terms', [3, 37, 29, 16], 2],
    ['activation, 16 channels, 1 term', [3, 37, 29, 16], 1],
    ['matrix, 5 channels, 3 terms', [7, 5], 3],
  ])('equals the sum of x * a terms plus c composed on cpu: %s', async (_name, shape, terms) => {
    const channels = shape[shape.length - 1]!;
    const input = fixedInputs({ x: shape, y: shape, z: shape, a: [channels], b: [channels], d: [channels], c: [channels] });
    await expectWasmMatchesCpu(() => {
      const pairs = (['x', 'y', 'z'] as const).slice(0, terms).map((name, i) => [name, (['a', 'b', 'd'] as const)[i]!] as const);
      if (tf.getBackend() === 'wasm') {
        const inputs: Record<string, tf.Tensor> = { c: input.c!() };
        for (const [operand, coefficient] of pairs) [inputs[operand], inputs[coefficient]] = [input[operand]!(), input[coefficient]!()];
        return tf.engine().runKernel(CHANNEL_AFFINE_KERNEL, inputs) as tf.Tensor;
      }
      return tf.add(pairs.map(([operand, coefficient]) => tf.mul(input[operand]!(), input[coefficient]!())).reduce((s, t) => tf.add(s, t)), input.c!());
    });
  });

  it('names the operand of a wrong shape and a term given by halves or out of order', async () => {
    await tf.setBackend('wasm');
    const [x, y, a, b] = [tf.zeros([4, 3]), tf.zeros([4, 3]), tf.zeros([3]), tf.zeros([3])];
    const run = (inputs: Record<string, tf.Tensor>) => () => tf.engine().runKernel(CHANNEL_AFFINE_KERNEL, inputs);
    expect(run({ x, a, y, b, c: tf.zeros([4]) })).toThrow(/c has shape \[4\], expected \[3\]/);
    expect(run({ x, a, y: tf.zeros([3, 4]), b, c: a })).toThrow(/y has shape \[3,4\], expected \[4,3\]/);
    expect(run({ x, a, y, c: a })).toThrow(/y and b must be given together/);
    expect(run({ x, a, z: y, d: b, c: a })).toThrow(/z given without y/);
  });
});
