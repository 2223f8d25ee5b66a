import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedInputs, NATIVE_DISABLED, useNativeWasm, valuesOn } from '../test-support.js';
import { NATIVE_KERNEL_NAMES } from '../register.js';

describe.skipIf(NATIVE_DISABLED)('native SplitV and Concat on wasm', () => {
  beforeAll(useNativeWasm);

  it('are registered', () => {
    expect(NATIVE_KERNEL_NAMES).toEqual(expect.arrayContaining(['SplitV', 'Concat']));
  });

  const cases = [
    ['channels of an activation', [4, 5, 6, 12], [7, 1, 4], 3],
    ['the batch axis', [6, 3, 2, 8], [2, 4], 0],
    ['a middle axis, equal parts', [2, 6, 5, 3], 3, 1],
    ['a negative axis', [3, 10], [6, 4], -1],
  ] as const;

  it.each(cases)('SplitV then Concat give cpu values exactly: %s', async (_name, shape, splits, axis) => {
    const input = fixedInputs({ x: [...shape] });
    const build = () => {
      const parts = tf.split(input.x!(), typeof splits === 'number' ? splits : [...splits], axis);
      // Reordered, so that a concatenation that ignored its inputs' order would fail.
      return [...parts, tf.concat([...parts].reverse(), axis)];
    };
    const expected = await valuesOn('cpu', build);
    const actual = await valuesOn('wasm', build);
    expect(actual.map((v) => Array.from(v))).toEqual(expected.map((v) => Array.from(v)));
  });

  it('copy int32 values and empty parts too', async () => {
    const build = () => {
      const x = tf.tensor2d(Int32Array.from({ length: 24 }, (_, i) => i * 7 - 50), [4, 6], 'int32');
      const [a, empty, b] = tf.split(x, [2, 0, 4], 1);
      return [a!, b!, tf.concat([b!, empty!, a!], 1)];
    };
    const expected = await valuesOn('cpu', build);
    const actual = await valuesOn('wasm', build);
    expect(actual.map((v) => Array.from(v))).toEqual(expected.map((v) => Array.from(v)));
  });
});
