import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm, valuesOn } from '../test-support.js';
import { SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, SOFTMAX_CROSS_ENTROPY_KERNEL } from './softmax-cross-entropy.js';

describe.skipIf(NATIVE_DISABLED)('native softmax cross-entropy kernels on wasm', () => {
  beforeAll(useNativeWasm);

  const onWasm = () => tf.getBackend() === 'wasm';
  // The definitions, composed on cpu: the mean over rows of -sum(labels * logSoftmax(logits)).
  const loss = (labels: tf.Tensor, logits: tf.Tensor) =>
    onWasm() ? (tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, { labels, logits }) as tf.Tensor) : tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1)));
  const gradient = (labels: tf.Tensor, logits: tf.Tensor, dy: tf.Tensor, wrt: 'logits' | 'labels') => {
    if (onWasm()) return tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, { labels, logits, dy }, { wrt } as never) as tf.Tensor;
    const scale = tf.div(dy, logits.size / logits.shape[logits.rank - 1]!);
    const logProbabilities = tf.logSoftmax(logits);
    if (wrt === 'labels') return tf.mul(tf.neg(logProbabilities), scale);
    return tf.mul(tf.sub(tf.mul(tf.sum(labels, -1, true), tf.exp(logProbabilities)), labels), scale);
  };

  it.each([
    ['one-hot labels, 5 x 3', [5, 3], true, 1],
    ['soft labels, rank 3', [2, 3, 4], false, 1],
    ['1000 classes, logits up to +-40', [16, 1000], true, 40],
    ['50,000 rows (split across threads)', [50000, 2], false, 3],
  ] as const)('match the definitions composed on cpu: %s', async (_name, shape, oneHot, range) => {
    const input = fixedInputs({ labels: [...shape], logits: [...shape] });
    const classes = shape[shape.length - 1]!;
    const labels = () => (oneHot ? tf.oneHot(tf.argMax(input.labels!(), -1), classes).asType('float32') : tf.abs(input.labels!()));
    const logits = () => tf.mul(input.logits!(), range);
    const dy = () => tf.scalar(0.75);
    await expectWasmMatchesCpu(() => loss(labels(), logits()));
    await expectWasmMatchesCpu(() => gradient(labels(), logits(), dy(), 'logits'));
    await expectWasmMatchesCpu(() => gradient(labels(), logits(), dy(), 'labels'));
  });

  it('names a bad operand or attribute', () => {
    tf.tidy(() => {
      const logits = tf.zeros([2, 3]);
      expect(() => loss(tf.zeros([2, 4]), logits)).toThrow(/labels has shape \[2,4\], expected \[2,3\]/);
      expect(() => gradient(tf.zeros([2, 3]), logits, tf.zeros([1]), 'logits')).toThrow(/dy has shape \[1\], expected \[\]/);
      expect(() => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, { labels: logits, logits, dy: tf.scalar(1) }, { wrt: 'both' } as never)).toThrow(/wrt must be 'logits' or 'labels', got 'both'/);
    });
  });

  it('gives NaN for a row with a NaN logit, as the composed ops', async () => {
    const build = () => loss(tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[NaN, 1], [2, 3]]));
    expect(Number.isNaN((await valuesOn('wasm', build))[0]![0])).toBe(true);
    expect(Number.isNaN((await valuesOn('cpu', build))[0]![0])).toBe(true);
  });
});
