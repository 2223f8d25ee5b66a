import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { seededRandom, uniform } from '../gradcheck/random.js';

/** Runs fn on 'cpu' (reference) and on 'wasm' with the engine's kernels, returns both results. */
async function onBoth(fn: () => Tensor): Promise<[Float32Array, Float32Array, number[]]> {
  await tf.setBackend('cpu');
  const expected = fn();
  const cpu = expected.dataSync() as Float32Array;
  const shape = expected.shape;
  await tf.setBackend('wasm');
  const actual = fn().dataSync() as Float32Array;
  return [cpu, actual, shape];
}

function maxRelError(expected: Float32Array, actual: Float32Array): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    err = Math.max(err, Math.abs(expected[i]! - actual[i]!));
  }
  return err / scale;
}

const CONVS = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 4], s: 2, pad: 'same' },
  { x: [2, 7, 9, 2], f: [3, 3, 2, 5], s: 2, pad: 'same' },
  { x: [1, 9, 9, 2], f: [3, 3, 2, 3], s: 2, pad: 'valid' },
  { x: [1, 10, 10, 2], f: [5, 5, 2, 3], s: 3, pad: 'valid' },
  { x: [3, 6, 6, 1], f: [1, 1, 1, 2], s: 2, pad: 'valid' },
  { x: [2, 6, 6, 2], f: [3, 3, 2, 2], s: 1, pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
] as const;

describe('wasm training kernels agree with cpu', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
  });

  it.each(CONVS.map((c) => [JSON.stringify(c), c] as const))('conv2d backprops %s', async (_name, c) => {
    const r = seededRandom(7);
    const x = uniform([...c.x], r).dataSync();
    const f = uniform([...c.f], r).dataSync();
    const grads = () => {
      const xt = tf.tensor(x, [...c.x]) as Tensor4D;
      const ft = tf.tensor(f, [...c.f]) as Tensor4D;
      const [gx, gf] = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.square(tf.conv2d(a as Tensor4D, b as Tensor4D, c.s, c.pad as never))))([xt, ft]);
      return tf.concat([gx!.flatten(), gf!.flatten()]);
    };
    const [expected, actual] = await onBoth(grads);
    expect(maxRelError(expected, actual)).toBeLessThan(1e-5);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul transposeA=%s transposeB=%s', async (ta, tb) => {
    const r = seededRandom(3);
    const a = uniform(ta ? [6, 5] : [5, 6], r).dataSync();
    const b = uniform(tb ? [4, 6] : [6, 4], r).dataSync();
    const [expected, actual] = await onBoth(() =>
      tf.matMul(tf.tensor2d(a, ta ? [6, 5] : [5, 6]), tf.tensor2d(b, tb ? [4, 6] : [6, 4]), ta, tb),
    );
    expect(maxRelError(expected, actual)).toBeLessThan(1e-5);
  });

  it('routes the max-pool gradient to the window maximum when every value is negative', async () => {
    const x = [-5, -3, -4, -6, -1, -2, -7, -8, 1, 2, 3, 4, 5, 6, 7, 8];
    const [expected, actual] = await onBoth(() => tf.grad((t: Tensor) => tf.sum(tf.maxPool(t as Tensor4D, 2, 2, 'valid')))(tf.tensor4d(x, [1, 4, 4, 1])));
    expect(Array.from(actual)).toEqual(Array.from(expected));
    expect(actual[4]).toBe(1); // -1 wins the top-left window
  });
});

describe('wasm kernels that avoid copies and transposes', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
  });

  it.each([
    [[4, 5, 6, 3], [0, 1, 2], false],
    [[4, 5, 6, 3], [0, 1, 2], true],
    [[4, 5, 6, 3], [0], false],
    [[4, 5, 6, 3], [2, 0, 1], false],
    [[4, 5, 6, 3], [-4, -3], true],
    [[4, 5, 6, 3], [0, 1, 2, 3], false],
    [[4, 5, 6, 3], [0, 1, 2, 3], true],
    [[7], [0], false],
    [[4, 5, 6, 3], [1, 2], false],
    [[4, 5, 6, 3], [3], true],
    [[3, 1, 4], [0, 2], false],
    [[4, 1, 5, 1, 3], [0, 2], false],
    [[4, 1, 5, 1, 3], [0, 1, 3], true],
  ] as const)('sum and mean of %j over %j (keepDims %s) agree with cpu', async (shape, axis, keepDims) => {
    const x = uniform([...shape], seededRandom(11), -1, 1).dataSync();
    for (const reduce of [tf.sum, tf.mean]) {
      const [expected, actual, expectedShape] = await onBoth(() => reduce(tf.tensor(x, [...shape]), [...axis], keepDims));
      expect(reduce(tf.tensor(x, [...shape]), [...axis], keepDims).shape).toEqual(expectedShape);
      expect(maxRelError(expected, actual)).toBeLessThan(1e-5);
    }
  });

  it.each([
    [[1, 1, 1, 3], [2, 3, 4, 1]],
    [[2, 1, 3], [1, 4, 2]],
    [[3, 2], [2, 3]],
    [[4, 1], [1, 5]],
    [[5], [3]],
    [[2, 3], [1, 1]],
  ])('tile of %j by %j gives every output its input element (cpu and wasm)', async (shape, reps) => {
    const x = uniform(shape, seededRandom(12), -1, 1).dataSync();
    // Reference: output element at coordinates c reads input element at c mod shape.
    const outShape = shape.map((s, d) => s * reps[d]!);
    const expected = Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, (_, flat) => {
      let rest = flat;
      let index = 0;
      let stride = 1;
      for (let d = shape.length - 1; d >= 0; d--) {
        const c = rest % outShape[d]!;
        rest = Math.floor(rest / outShape[d]!);
        index += (c % shape[d]!) * stride;
        stride *= shape[d]!;
      }
      return x[index]!;
    });
    const [cpu, wasm, cpuShape] = await onBoth(() => tf.tile(tf.tensor(x, shape), reps));
    expect(cpuShape).toEqual(outShape);
    expect(Array.from(cpu)).toEqual(expected);
    expect(Array.from(wasm)).toEqual(expected);
  });

  it.each([
    [[2, 3, 4, 5, 1], 1],
    [[4, 3], 0],
    [[3, 4], -1],
    [[2, 1, 3], 1],
  ])('unstack of %j along axis %i gives output i the input elements at index i (wasm)', async (shape, axis) => {
    const x = uniform(shape, seededRandom(14), -1, 1).dataSync();
    const at = axis < 0 ? axis + shape.length : axis;
    const count = shape[at]!;
    const inner = shape.slice(at + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, at).reduce((a, b) => a * b, 1);
    await tf.setBackend('wasm');
    const parts = tf.unstack(tf.tensor(x, shape), axis);
    expect(parts.length).toBe(count);
    parts.forEach((part, i) => {
      expect(part.shape).toEqual(shape.filter((_, d) => d !== at));
      // Reference: element (o, j) of output i is input element (o, i, j).
      const expected = Array.from({ length: outer * inner }, (_, flat) => x[(Math.floor(flat / inner) * count + i) * inner + (flat % inner)]!);
      expect(Array.from(part.dataSync())).toEqual(expected);
    });
    expect(tf.unstack(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 1).map((t) => Array.from(t.dataSync()))).toEqual([[1, 3], [2, 4]]);
  });

  it('tiles int32 and bool tensors', () => {
    expect(Array.from(tf.tile(tf.tensor2d([1, 2], [1, 2], 'int32'), [2, 2]).dataSync())).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(Array.from(tf.tile(tf.tensor1d([true, false], 'bool'), [2]).dataSync())).toEqual([1, 0, 1, 0]);
  });

  it.each([
    ['scale and offset', true, true, 0],
    ['no scale', false, true, 0],
    ['no offset', true, false, 0],
    ['neither, mean 1000', false, false, 1000],
  ] as const)('batchNorm with %s agrees with cpu', async (_name, withScale, withOffset, shift) => {
    const r = seededRandom(13);
    const x = uniform([2, 5, 4, 3], r, shift - 1, shift + 1).dataSync();
    const [mean, variance, scale, offset] = [uniform([3], r, shift - 0.5, shift + 0.5), uniform([3], r, 0.2, 2), uniform([3], r), uniform([3], r)].map((t) => t.dataSync());
    const [expected, actual] = await onBoth(() =>
      tf.batchNorm(tf.tensor4d(x, [2, 5, 4, 3]), tf.tensor1d(mean!), tf.tensor1d(variance!), withOffset ? tf.tensor1d(offset!) : undefined, withScale ? tf.tensor1d(scale!) : undefined, 1e-3),
    );
    expect(maxRelError(expected, actual)).toBeLessThan(1e-5);
  });

  it('sums int32 tensors exactly (stock kernel)', () => {
    expect(Array.from(tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0).dataSync())).toEqual([9, 12]);
  });

  it('shares buffers in clone and same-dtype cast, and frees them with the last handle', () => {
    const before = tf.memory().numBytes;
    const x = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(x);
    const same = tf.cast(x, 'float32');
    const converted = tf.tidy(() => tf.cast(tf.tensor1d([1.7, -2.2]), 'int32'));
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(same.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(converted.dataSync())).toEqual([1, -2]);
    expect(converted.dtype).toBe('int32');
    tf.dispose([copy, same, converted]);
    expect(tf.memory().numBytes).toBe(before);
  });
});

describe('wasm BatchMatMul without the native kernels', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', native: false });
  });

  // The stock kernel caches its XNNPACK operator by b's data alone; the same data under a
  // second shape (column sums of one tensor split two ways) corrupted the wasm heap.
  it('multiplies one b data viewed under two shapes correctly', () => {
    const x = uniform([2, 5, 5, 3], seededRandom(21), -1, 1);
    const byBatch = tf.matMul(tf.ones([1, 1, 2]), tf.reshape(x, [1, 2, 75]));
    const byPixel = tf.matMul(tf.ones([1, 1, 50]), tf.reshape(x, [1, 50, 3]));
    const values = x.dataSync();
    const expected = (rows: number, columns: number) => Float32Array.from({ length: columns }, (_, c) => Array.from({ length: rows }, (_, r) => values[r * columns + c]!).reduce((s, v) => s + v, 0));
    expect(maxRelError(expected(2, 75), byBatch.dataSync() as Float32Array)).toBeLessThan(1e-5);
    expect(maxRelError(expected(50, 3), byPixel.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([x, byBatch, byPixel]);
  });
});

describe('wasm SplitV and Concat without the native kernels', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', native: false });
  });

  // Short runs (a few channels: the element loop) and long ones (whole rows: subarray copies).
  it.each([
    [[4, 5, 6, 12], [7, 1, 4], 3],
    [[3, 8, 70], [64, 6], 2],
    [[6, 3, 2, 40], [2, 4], 0],
    [[2, 6, 5, 3], 3, 1],
  ] as const)('split %j into %j along axis %i, and concatenating the parts reversed, give the input elements at their indices', (shape, splits, axis) => {
    const x = uniform([...shape], seededRandom(22), -1, 1);
    const values = x.dataSync();
    const parts = tf.split(x, typeof splits === 'number' ? splits : [...splits], axis);
    const sizes = parts.map((p) => p.shape[axis]!);
    const [outer, inner] = [shape.slice(0, axis).reduce((a, b) => a * b, 1), shape.slice(axis + 1).reduce((a, b) => a * b, 1)];
    // Element (o, j, k) of part i is input element (o, start_i + j, k).
    const part = (i: number) => {
      const start = sizes.slice(0, i).reduce((a, b) => a + b, 0);
      return Array.from({ length: outer * sizes[i]! * inner }, (_, flat) => {
        const o = Math.floor(flat / (sizes[i]! * inner));
        const rest = flat % (sizes[i]! * inner);
        return values[(o * shape[axis]! + start + Math.floor(rest / inner)) * inner + (rest % inner)]!;
      });
    };
    parts.forEach((p, i) => expect(Array.from(p.dataSync()), `part ${i}`).toEqual(part(i)));
    const joined = tf.concat([...parts].reverse(), axis);
    expect(joined.shape).toEqual([...shape]);
    expect(Array.from(joined.dataSync())).toEqual(Array.from({ length: outer }, (_, o) => [...parts.keys()].reverse().flatMap((i) => part(i).slice(o * sizes[i]! * inner, (o + 1) * sizes[i]! * inner))).flat());
    tf.dispose([x, ...parts, joined]);
  });

  it('splits and concatenates int32 tensors, empty parts included', () => {
    const x = tf.tensor2d(Int32Array.from({ length: 24 }, (_, i) => i * 7 - 50), [4, 6], 'int32');
    const [a, empty, b] = tf.split(x, [2, 0, 4], 1);
    expect(Array.from(a!.dataSync())).toEqual([-50, -43, -8, -1, 34, 41, 76, 83]);
    expect(empty!.shape).toEqual([4, 0]);
    expect(Array.from(tf.concat([b!, empty!, a!], 1).dataSync())).toEqual([-36, -29, -22, -15, -50, -43, 6, 13, 20, 27, -8, -1, 48, 55, 62, 69, 34, 41, 90, 97, 104, 111, 76, 83]);
  });
});
