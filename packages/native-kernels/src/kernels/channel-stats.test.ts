import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_DISABLED, randomValues, relativeError, useNativeWasm } from '../test-support.js';
import { CENTRED_SUMS_KERNEL, CHANNEL_MOMENTS_KERNEL } from './channel-stats.js';

// References in double on the host: the kernels sum in double too, so they must agree to
// float32 rounding, also where E[x^2] - E[x]^2 cancels (an offset of 100 on unit noise).
function columns(values: Float32Array, channels: number, fn: (row: number, j: number) => number): Float32Array {
  const out = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) out[i % channels] += fn(Math.floor(i / channels), i % channels);
  return Float32Array.from(out);
}

describe.skipIf(NATIVE_DISABLED)('native per-channel statistics on wasm', () => {
  beforeAll(useNativeWasm);

  it.each([
    ['activation, 16 channels', [3, 37, 29, 16]],
    ['matrix, 5 channels', [7, 5]],
  ])('IsnetChannelMoments: mean and biased variance per channel, %s', (_name, shape) => {
    const channels = shape[shape.length - 1]!;
    const values = randomValues(tf.util.sizeFromShape(shape), 3).map((v) => v + 100);
    const n = values.length / channels;
    const mean = columns(values, channels, (r, j) => values[r * channels + j]! / n);
    const variance = columns(values, channels, (r, j) => (values[r * channels + j]! - mean[j]!) ** 2 / n);
    const [m, v] = tf.engine().runKernel(CHANNEL_MOMENTS_KERNEL, { x: tf.tensor(values, shape) }) as tf.Tensor[];
    expect(m!.shape).toEqual([channels]);
    expect(relativeError(m!.dataSync() as Float32Array, mean)).toBeLessThan(1e-6);
    expect(relativeError(v!.dataSync() as Float32Array, variance)).toBeLessThan(1e-6);
  });

  it.each([
    ['with a only', false],
    ['with a and b', true],
  ])('IsnetCentredSums: sums of a, a (x - mean) [, b, b (x - mean), a b] per channel, %s', (_name, withB) => {
    const shape = [2, 9, 11, 16];
    const channels = 16;
    const size = tf.util.sizeFromShape(shape);
    const [x, a, b, mean] = [randomValues(size, 4), randomValues(size, 5), randomValues(size, 6), randomValues(channels, 7)];
    const at = (v: Float32Array) => (r: number, j: number) => v[r * channels + j]!;
    const centred = (r: number, j: number) => Math.fround(x[r * channels + j]! - mean[j]!);
    const expected = [columns(a, channels, at(a)), columns(a, channels, (r, j) => at(a)(r, j) * centred(r, j))];
    if (withB) expected.push(columns(b, channels, at(b)), columns(b, channels, (r, j) => at(b)(r, j) * centred(r, j)), columns(a, channels, (r, j) => at(a)(r, j) * at(b)(r, j)));
    const inputs: Record<string, tf.Tensor> = { x: tf.tensor(x, shape), mean: tf.tensor(mean, [channels]), a: tf.tensor(a, shape) };
    if (withB) inputs.b = tf.tensor(b, shape);
    const sums = tf.engine().runKernel(CENTRED_SUMS_KERNEL, inputs) as tf.Tensor;
    expect(sums.shape).toEqual([expected.length, channels]);
    const values = sums.dataSync() as Float32Array;
    expected.forEach((row, i) => expect(relativeError(values.subarray(i * channels, (i + 1) * channels), row), `row ${i}`).toBeLessThan(1e-6));
  });

  it('names an operand of a wrong shape', () => {
    const [x, mean] = [tf.zeros([4, 3]), tf.zeros([3])];
    expect(() => tf.engine().runKernel(CENTRED_SUMS_KERNEL, { x, mean: tf.zeros([4]), a: x })).toThrow(/mean has shape \[4\], expected \[3\]/);
    expect(() => tf.engine().runKernel(CENTRED_SUMS_KERNEL, { x, mean, a: x, b: tf.zeros([3, 4]) })).toThrow(/b has shape \[3,4\], expected \[4,3\]/);
  });
});
