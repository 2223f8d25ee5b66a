import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm, valuesOn } from '../test-support.js';

// Large enough (>= 2^15 elements) to take the native path, and not a multiple of its chunk.
const BIG = [3, 37, 29, 16];
const OPS = {
  neg: (x: tf.Tensor) => tf.neg(x),
  relu: (x: tf.Tensor) => tf.relu(x),
  square: (x: tf.Tensor) => tf.square(x),
  step: (x: tf.Tensor) => tf.step(x),
  'step, alpha 0.25': (x: tf.Tensor) => tf.step(x, 0.25),
};

describe.skipIf(NATIVE_DISABLED)('native unary kernels on wasm match cpu', () => {
  beforeAll(useNativeWasm);

  it.each(Object.entries(OPS))('%s', async (_name, op) => {
    const input = fixedInputs({ x: BIG });
    // Exact zeros too: step's boundary.
    await expectWasmMatchesCpu(() => op(tf.relu(input.x!())));
    await expectWasmMatchesCpu(() => op(input.x!()));
  });

  it('passes NaN through, as tfjs does', async () => {
    const values = new Float32Array(40000).fill(NaN);
    values[1] = -2;
    values[2] = 3;
    const build = () => Object.values(OPS).map((op) => op(tf.tensor1d(values)));
    const cpu = await valuesOn('cpu', build);
    const wasm = await valuesOn('wasm', build);
    wasm.forEach((out, i) => expect(Array.from(out.slice(0, 4)), Object.keys(OPS)[i]).toEqual(Array.from(cpu[i]!.slice(0, 4))));
  });

  it('leaves int32 and small tensors to the wasm kernels, with the same results', async () => {
    const ints = () => tf.neg(tf.range(0, 40000, 1, 'int32'));
    const [cpu] = await valuesOn('cpu', ints);
    const [wasm] = await valuesOn('wasm', ints);
    expect(Array.from(wasm!)).toEqual(Array.from(cpu!));
    const small = fixedInputs({ x: [7, 3] });
    await expectWasmMatchesCpu(() => Object.values(OPS).map((op) => op(small.x!())));
  });
});
