import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, relativeError, TOLERANCE, useNativeWasm, valuesOn } from '../test-support.js';
import { broadcastBatchIndex } from './batch-matmul.js';

interface MatMulCase {
  name: string;
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
}

const CASES: MatMulCase[] = [
  { name: 'plain', a: [7, 5], b: [5, 9] },
  { name: 'transposeA', a: [5, 7], b: [5, 9], transposeA: true },
  { name: 'transposeB', a: [7, 5], b: [9, 5], transposeB: true },
  { name: 'both transposed', a: [5, 7], b: [9, 5], transposeA: true, transposeB: true },
  { name: 'batch 3', a: [3, 8, 6], b: [3, 6, 10] },
  { name: 'batch 4, transposed, b broadcast', a: [4, 6, 8], b: [1, 10, 6], transposeA: true, transposeB: true },
  { name: 'rank 3 by rank 2', a: [2, 7, 5], b: [5, 4] },
  { name: 'several k-blocks and row blocks', a: [130, 300], b: [300, 40] },
  { name: 'a single row, wide output', a: [1, 64], b: [64, 200] },
  { name: 'dense-layer gradient shape', a: [64, 3136], b: [64, 128], transposeA: true },
];

describe('broadcastBatchIndex', () => {
  it('maps output batches to operand batches, right-aligned, size 1 repeating', () => {
    expect([...broadcastBatchIndex([2, 3], [2, 1])]).toEqual([0, 0, 0, 1, 1, 1]);
    expect([...broadcastBatchIndex([2, 3], [3])]).toEqual([0, 1, 2, 0, 1, 2]);
    expect([...broadcastBatchIndex([2, 3], [])]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe.skipIf(NATIVE_DISABLED)('native matmul kernels on wasm match cpu', () => {
  beforeAll(useNativeWasm);

  it.each(CASES)('BatchMatMul: $name', async (c) => {
    const input = fixedInputs({ a: c.a, b: c.b });
    await expectWasmMatchesCpu(() => tf.matMul(input.a!(), input.b!(), c.transposeA, c.transposeB));
  });

  // The cpu kernel pairs batches by flat index modulo batch count, which is not numpy
  // broadcasting once both sides broadcast; compare with explicitly tiled operands instead.
  it('BatchMatMul: broadcasts batch dimensions of both operands', async () => {
    const input = fixedInputs({ a: [2, 1, 4, 3], b: [1, 3, 3, 5] });
    const [actual] = await valuesOn('wasm', () => tf.matMul(input.a!(), input.b!()));
    const [expected] = await valuesOn('cpu', () => tf.matMul(input.a!().tile([1, 3, 1, 1]), input.b!().tile([2, 1, 1, 1])));
    expect(relativeError(actual!, expected!)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('BatchMatMul: an empty inner dimension gives zeros', async () => {
    const [values] = await valuesOn('wasm', () => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4])));
    expect([...values!]).toEqual(new Array(12).fill(0));
  });

  const activations = [
    { activation: 'linear' },
    { activation: 'relu' },
    { activation: 'relu6' },
    { activation: 'leakyrelu', leakyreluAlpha: 0.3 },
    { activation: 'sigmoid' },
    { activation: 'elu' },
  ] as const;

  it.each(activations)('_FusedMatMul: bias + $activation, batch 2, transposeB', async (fused) => {
    const input = fixedInputs({ a: [2, 9, 20], b: [2, 17, 20], bias: [17] });
    await expectWasmMatchesCpu(() =>
      tf.fused.matMul({ a: input.a!().mul(3), b: input.b!(), transposeB: true, bias: input.bias!(), ...fused }),
    );
  });

  it.each([
    { name: 'per column', alpha: [11] },
    { name: 'single value', alpha: [1] },
  ])('_FusedMatMul: prelu with $name slopes, scalar bias, transposeA', async ({ alpha }) => {
    const input = fixedInputs({ a: [6, 8], b: [6, 11], bias: [1], alpha });
    await expectWasmMatchesCpu(() =>
      tf.fused.matMul({
        a: input.a!(),
        b: input.b!(),
        transposeA: true,
        bias: input.bias!(),
        activation: 'prelu',
        preluActivationWeights: input.alpha!(),
      }),
    );
  });

  it('_FusedMatMul: an empty inner dimension gives the activated bias', async () => {
    const input = fixedInputs({ bias: [4] });
    await expectWasmMatchesCpu(() =>
      tf.fused.matMul({ a: tf.zeros([3, 0]), b: tf.zeros([0, 4]), bias: input.bias!(), activation: 'relu' }),
    );
  });

  it('rejects int32 operands with a clear error', async () => {
    await tf.setBackend('wasm');
    const a = tf.ones([2, 2], 'int32');
    expect(() => tf.matMul(a, a)).toThrow(/BatchMatMul \(native kernels\): a must be float32/);
    a.dispose();
  });

  it('rejects a bias that broadcasts other than per column', async () => {
    await tf.setBackend('wasm');
    const a = tf.ones([3, 2]);
    const b = tf.ones([2, 4]);
    const bias = tf.ones([3, 4]);
    expect(() => tf.fused.matMul({ a, b, bias })).toThrow(/bias of shape \[3,4\] must hold one value or one per output channel \(4\)/);
    tf.dispose([a, b, bias]);
  });
});
