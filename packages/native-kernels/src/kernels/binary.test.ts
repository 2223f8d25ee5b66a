import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm, valuesOn } from '../test-support.js';
import { broadcastPlan } from './binary.js';

describe('broadcastPlan', () => {
  it('reads operands whole, as one value, per channel or per image', () => {
    expect(broadcastPlan([4, 5, 3], [4, 5, 3], [4, 5, 3])).toEqual({ rows: 1, inner: 60, a: 0, b: 0 });
    expect(broadcastPlan([4, 5, 3], [4, 5, 3], [])).toEqual({ rows: 1, inner: 60, a: 0, b: 1 });
    expect(broadcastPlan([4, 5, 3], [3], [4, 5, 3])).toEqual({ rows: 20, inner: 3, a: 2, b: 0 });
    expect(broadcastPlan([4, 5, 3], [1, 1, 3], [1])).toEqual({ rows: 20, inner: 3, a: 2, b: 1 });
    expect(broadcastPlan([4, 5, 3], [4, 5, 3], [4, 1, 1])).toEqual({ rows: 4, inner: 15, a: 0, b: 3 });
    expect(broadcastPlan([4, 5, 3], [5, 3], [4, 5, 1])).toEqual(undefined);
  });

  it('reads an outer product as per-row values times one row', () => {
    expect(broadcastPlan([4, 5], [4, 1], [1, 5])).toEqual({ rows: 4, inner: 5, a: 3, b: 2 });
  });

  it('leaves other broadcasts to the wasm kernel', () => {
    expect(broadcastPlan([16, 64, 32], [16, 64, 1], [1, 64, 32])).toBeUndefined();
    expect(broadcastPlan([4, 5, 3], [1, 5, 1], [4, 5, 3])).toBeUndefined();
    expect(broadcastPlan([4, 5, 3], [3], [4, 1, 1])).toBeUndefined();
  });
});

// Large enough (>= 2^15 outputs) to take the native path, and not a multiple of its chunk.
const BIG = [3, 37, 29, 16];
const OPS = { add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div } as const;
const SHAPES: [string, number[], number[]][] = [
  ['same shape', BIG, BIG],
  ['per-channel vector', BIG, [16]],
  ['kept-dims channel vector first', [1, 1, 1, 16], BIG],
  ['per-image scalar', BIG, [3, 1, 1, 1]],
  ['scalar', BIG, []],
  ['scalar first', [1], BIG],
  ['outer product', [256, 1], [1, 256]],
  ['rows against columns (wasm fallback)', [16, 64, 1], [1, 64, 32]],
];

describe.skipIf(NATIVE_DISABLED)('native elementwise kernels on wasm match cpu', () => {
  beforeAll(useNativeWasm);

  for (const [opName, op] of Object.entries(OPS)) {
    it.each(SHAPES)(`${opName}: %s`, async (_name, aShape, bShape) => {
      const input = fixedInputs({ a: aShape, b: bShape });
      // Divisors kept away from 0, so that the comparison is of the op, not of rounding blow-up.
      const b = () => (opName === 'div' ? tf.add(tf.abs(input.b!()), 0.5) : input.b!());
      await expectWasmMatchesCpu(() => op(input.a!(), b()));
    });
  }

  it('leaves int32 and small tensors to the wasm kernels, with the same results', async () => {
    const ints = () => tf.mul(tf.range(0, 40000, 1, 'int32'), tf.scalar(3, 'int32'));
    const [cpu] = await valuesOn('cpu', ints);
    const [wasm] = await valuesOn('wasm', ints);
    expect(Array.from(wasm!)).toEqual(Array.from(cpu!));
    const small = fixedInputs({ a: [7, 3], b: [3] });
    await expectWasmMatchesCpu(() => tf.div(small.a!(), tf.add(tf.abs(small.b!()), 0.5)));
  });
});

describe.skipIf(NATIVE_DISABLED)('native column sums (IsnetSumRows)', () => {
  beforeAll(useNativeWasm);

  it.each([
    [1, 5],
    [3000, 16],
    [50_000, 3],
    [7, 40_000],
  ])('sums %i rows of %i columns like a float64 loop', async (rows, columns) => {
    const input = fixedInputs({ x: [rows, columns] });
    const values = input.x!().dataSync();
    const expected = new Float64Array(columns);
    for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) expected[c]! += values[r * columns + c]!;
    const [actual] = await valuesOn('wasm', () => tf.engine().runKernel('IsnetSumRows', { x: input.x!() }) as tf.Tensor);
    const scale = Math.max(1, ...Array.from(expected, Math.abs));
    expected.forEach((v, c) => expect(Math.abs(actual![c]! - v) / scale).toBeLessThan(1e-5));
  });
});
