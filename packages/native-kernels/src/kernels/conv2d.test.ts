import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireAddon } from '../addon.js';
import { loadNativeKernels, setNativeThreads } from '../index.js';
import {
  expectWasmMatchesCpu,
  fixedInputs,
  NATIVE_DISABLED,
  randomValues,
  relativeError,
  TOLERANCE,
  useNativeWasm,
  valuesOn,
} from '../test-support.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil';

interface ConvCase {
  name: string;
  x: number[];
  filter: number[];
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: Rounding;
}

const CASES: ConvCase[] = [
  { name: '3x3, stride 1, same', x: [2, 9, 9, 3], filter: [3, 3, 3, 8], strides: 1, pad: 'same' },
  { name: '3x3, stride 2, same, odd sizes', x: [3, 11, 10, 4], filter: [3, 3, 4, 5], strides: 2, pad: 'same' },
  { name: '4x2, strides [2, 1], valid', x: [2, 12, 9, 6], filter: [4, 2, 6, 17], strides: [2, 1], pad: 'valid' },
  { name: 'explicit padding, stride 2', x: [2, 7, 8, 3], filter: [3, 3, 3, 6], strides: 2, pad: [[0, 0], [1, 2], [0, 3], [0, 0]] },
  { name: 'numeric padding, ceil rounding', x: [1, 8, 8, 2], filter: [3, 3, 2, 4], strides: 2, pad: 1, dimRoundingMode: 'ceil' },
  { name: '1x1, batch 5', x: [5, 6, 6, 7], filter: [1, 1, 7, 9], strides: 1, pad: 'valid' },
  { name: 'patch deeper than one k-block', x: [2, 8, 8, 64], filter: [3, 3, 64, 70], strides: 1, pad: 'same' },
  { name: 'one input channel, batch 1', x: [1, 28, 28, 1], filter: [3, 3, 1, 32], strides: 1, pad: 'same' },
  // Few taps per patch (one k-block much shallower than the GEMM's).
  { name: '9 taps: one channel, batch 6, stride 2, valid', x: [6, 15, 13, 1], filter: [3, 3, 1, 7], strides: 2, pad: 'valid' },
  { name: '8 taps: 2x2 over two channels', x: [3, 9, 9, 2], filter: [2, 2, 2, 5], strides: 1, pad: 'same' },
  { name: '16 taps: 4x4 over one channel', x: [2, 10, 10, 1], filter: [4, 4, 1, 17], strides: [1, 2], pad: 'same' },
  // Unit strides with channels enough both ways: the input gradient runs as a convolution.
  { name: 'unit stride, 16 -> 9 channels, same', x: [3, 9, 8, 16], filter: [3, 3, 16, 9], strides: 1, pad: 'same' },
  { name: 'unit stride, 20 -> 8 channels, 2x4 valid', x: [2, 7, 9, 20], filter: [2, 4, 20, 8], strides: 1, pad: 'valid' },
  { name: 'unit stride, 17 -> 12 channels, explicit padding', x: [2, 6, 7, 17], filter: [3, 2, 17, 12], strides: 1, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  // Strided with many channels both ways (col2im with wide GEMM tiles; input positions no
  // tap reaches; padding beyond the filter).
  { name: 'stride 2, same, 16 -> 32, odd sizes', x: [2, 11, 13, 16], filter: [3, 3, 16, 32], strides: 2, pad: 'same' },
  { name: '1x1, stride 2, 16 -> 8', x: [2, 7, 8, 16], filter: [1, 1, 16, 8], strides: 2, pad: 'valid' },
  { name: '4x3, strides [3, 2], explicit padding, 17 -> 9', x: [2, 13, 10, 17], filter: [4, 3, 17, 9], strides: [3, 2], pad: [[0, 0], [2, 1], [1, 2], [0, 0]] },
  { name: 'padding beyond the filter, stride 2', x: [2, 7, 8, 16], filter: [3, 3, 16, 8], strides: 2, pad: [[0, 0], [3, 0], [0, 3], [0, 0]] },
  // Few input channels, output channels a multiple of 16: the direct kernels (rows not a
  // multiple of their pixel blocks; 1 to 4 vectors of channels, and 64 + 16; taps not a
  // multiple of the filter gradient's tap blocks).
  { name: 'direct: 1 -> 16 channels, 3x3 same, width 11', x: [3, 7, 11, 1], filter: [3, 3, 1, 16], strides: 1, pad: 'same' },
  { name: 'direct: 3 -> 48 channels, stride 2, valid, odd sizes', x: [2, 13, 9, 3], filter: [3, 3, 3, 48], strides: 2, pad: 'valid' },
  { name: 'direct: 2 -> 64 channels, 5x5 same', x: [2, 8, 9, 2], filter: [5, 5, 2, 64], strides: 1, pad: 'same' },
  { name: 'direct: 1 -> 80 channels, 2x3 explicit padding', x: [2, 6, 7, 1], filter: [2, 3, 1, 80], strides: 1, pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  { name: 'direct: 4 -> 32 channels, strides [2, 1], explicit padding', x: [2, 9, 8, 4], filter: [3, 3, 4, 32], strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: 'direct: 7 -> 16 channels, 1x1', x: [3, 5, 6, 7], filter: [1, 1, 7, 16], strides: 1, pad: 'valid' },
  // The input gradient's 16-pixel blocks: a full block and a partial one per row.
  { name: 'direct: 3 -> 32 channels, 3x3 same, width 21', x: [2, 5, 21, 3], filter: [3, 3, 3, 32], strides: 1, pad: 'same' },
  { name: 'direct: 1 -> 16 channels, 5x3 valid, width 33', x: [2, 7, 33, 1], filter: [5, 3, 1, 16], strides: 1, pad: 'valid' },
];

// tfjs computes no gradients through dilated convolutions, so these are forward-only.
const DILATED_CASES: ConvCase[] = [
  { name: 'dilation 2, same', x: [2, 10, 10, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same', dilations: 2 },
  { name: 'dilations [1, 3], valid', x: [1, 9, 13, 2], filter: [2, 3, 2, 3], strides: 1, pad: 'valid', dilations: [1, 3] },
  { name: 'one channel, dilation 2', x: [2, 10, 10, 1], filter: [3, 3, 1, 4], strides: 1, pad: 'same', dilations: 2 },
  { name: 'direct: 3 -> 32 channels, dilation 2', x: [2, 10, 10, 3], filter: [3, 3, 3, 32], strides: 1, pad: 'same', dilations: 2 },
];

function outShape(c: ConvCase): number[] {
  const [xs, fs] = [c.x, c.filter] as [[number, number, number, number], [number, number, number, number]];
  return tf.backend_util.computeConv2DInfo(xs, fs, c.strides, 1, c.pad, c.dimRoundingMode).outShape;
}

function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

describe.skipIf(NATIVE_DISABLED)('native Conv2D kernels on wasm match cpu', () => {
  beforeAll(useNativeWasm);

  it.each([...CASES, ...DILATED_CASES])('Conv2D: $name', async (c) => {
    const input = fixedInputs({ x: c.x, filter: c.filter });
    await expectWasmMatchesCpu(() =>
      tf.conv2d(input.x!() as tf.Tensor4D, input.filter!() as tf.Tensor4D, c.strides, c.pad as never, 'NHWC', c.dilations ?? 1, c.dimRoundingMode),
    );
  });

  it.each(CASES)('Conv2DBackpropInput: $name', async (c) => {
    const input = fixedInputs({ dy: outShape(c), filter: c.filter });
    await expectWasmMatchesCpu(() =>
      runKernel('Conv2DBackpropInput', { dy: input.dy!(), filter: input.filter!() }, {
        strides: c.strides,
        pad: c.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: c.dimRoundingMode,
        inputShape: c.x,
      }),
    );
  });

  it.each(CASES)('Conv2DBackpropFilter: $name', async (c) => {
    const input = fixedInputs({ x: c.x, dy: outShape(c) });
    await expectWasmMatchesCpu(() =>
      runKernel('Conv2DBackpropFilter', { x: input.x!(), dy: input.dy!() }, {
        strides: c.strides,
        pad: c.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: c.dimRoundingMode,
        filterShape: c.filter,
      }),
    );
  });

  const activations = [
    { activation: 'linear' },
    { activation: 'relu' },
    { activation: 'relu6' },
    { activation: 'leakyrelu', leakyreluAlpha: 0.15 },
    { activation: 'sigmoid' },
    { activation: 'elu' },
  ] as const;

  it.each(activations)('FusedConv2D: bias + $activation', async (fused) => {
    const input = fixedInputs({ x: [2, 9, 9, 5], filter: [3, 3, 5, 7], bias: [7] });
    await expectWasmMatchesCpu(() =>
      // Scaled so that relu6 clips somewhere.
      tf.fused.conv2d({
        x: input.x!().mul(4) as tf.Tensor4D,
        filter: input.filter!() as tf.Tensor4D,
        strides: 2,
        pad: 'valid',
        bias: input.bias!(),
        ...fused,
      }),
    );
  });

  it('FusedConv2D: bias + relu over one input channel', async () => {
    const input = fixedInputs({ x: [3, 11, 11, 1], filter: [3, 3, 1, 9], bias: [9] });
    await expectWasmMatchesCpu(() =>
      tf.fused.conv2d({ x: input.x!() as tf.Tensor4D, filter: input.filter!() as tf.Tensor4D, strides: 1, pad: 'same', bias: input.bias!(), activation: 'relu' }),
    );
  });

  it.each([
    { name: 'per channel', alpha: [7] },
    { name: 'single value', alpha: [1] },
  ])('FusedConv2D: prelu with $name slopes, no bias', async ({ alpha }) => {
    const input = fixedInputs({ x: [2, 6, 6, 5], filter: [3, 3, 5, 7], alpha });
    await expectWasmMatchesCpu(() =>
      tf.fused.conv2d({
        x: input.x!() as tf.Tensor4D,
        filter: input.filter!() as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        activation: 'prelu',
        preluActivationWeights: input.alpha!(),
      }),
    );
  });

  it('rejects dataFormat NCHW with a clear error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 3, 5, 5]) as tf.Tensor4D;
    const filter = tf.zeros([3, 3, 3, 2]) as tf.Tensor4D;
    expect(() => tf.conv2d(x, filter, 1, 'valid', 'NCHW')).toThrow(/Conv2D \(native kernels\): only dataFormat 'NHWC'/);
    tf.dispose([x, filter]);
  });

  it('rejects a bias that broadcasts other than per channel', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    const filter = tf.zeros([1, 1, 2, 3]) as tf.Tensor4D;
    const bias = tf.zeros([4, 1, 3]);
    expect(() => tf.fused.conv2d({ x, filter, strides: 1, pad: 'valid', bias })).toThrow(/bias of shape \[4,1,3\]/);
    tf.dispose([x, filter, bias]);
  });

  it('writes its output into the wasm memory as grown by allocating it', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    // An output larger than the whole current heap forces the memory to grow in makeOutput.
    const channels = 16;
    const side = Math.ceil(Math.sqrt((backend.wasm.HEAPU8.length + (1 << 24)) / (4 * channels)));
    const xValues = randomValues(side * side, 7);
    const filterValues = randomValues(channels, 8);
    const build = () => tf.conv2d(tf.tensor4d(xValues, [1, side, side, 1]), tf.tensor4d(filterValues, [1, 1, 1, channels]), 1, 'valid');

    const x = tf.tensor4d(xValues, [1, side, side, 1]);
    const filter = tf.tensor4d(filterValues, [1, 1, 1, channels]);
    const heapBefore = backend.wasm.HEAPU8.buffer;
    const y = tf.conv2d(x, filter, 1, 'valid');
    expect(backend.wasm.HEAPU8.buffer).not.toBe(heapBefore);
    const actual = y.dataSync() as Float32Array;
    tf.dispose([x, filter, y]);

    const [expected] = await valuesOn('cpu', build);
    expect(relativeError(actual, expected!)).toBeLessThanOrEqual(TOLERANCE);
  });

  // The cases above run the fastest micro-kernel only; convolutions feed it many short
  // segments (one per filter position, here of odd depth), so check every supported one.
  it('matches cpu with every micro-kernel this CPU supports', async () => {
    const addon = requireAddon();
    const c: ConvCase = { name: '', x: [2, 9, 8, 5], filter: [3, 3, 5, 18], strides: 2, pad: 'same' };
    const input = fixedInputs({ x: c.x, filter: c.filter, dy: outShape(c), bias: [18], xWide: [2, 6, 6, 16], wide: [3, 3, 16, 33], dyWide: [2, 6, 6, 33], xFew: [2, 7, 9, 3], few: [3, 3, 3, 48], fewBias: [48], dyFew: [2, 7, 9, 48], one: [3, 3, 1, 48] });
    const build = () => [
      tf.conv2d(input.x!() as tf.Tensor4D, input.filter!() as tf.Tensor4D, c.strides, c.pad as never),
      // Bias and ReLU in each micro-kernel's tile epilogue (full tiles) and the portable one.
      tf.fused.conv2d({ x: input.x!() as tf.Tensor4D, filter: input.filter!() as tf.Tensor4D, strides: 1, pad: 'same', bias: input.bias!(), activation: 'relu' }),
      // The input gradient as a rotated-filter convolution, the filter gradient's gather kernel.
      runKernel('Conv2DBackpropInput', { dy: input.dyWide!(), filter: input.wide!() }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 6, 6, 16] }),
      runKernel('Conv2DBackpropFilter', { x: input.xWide!(), dy: input.dyWide!() }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 33] }),
      runKernel('Conv2DBackpropInput', { dy: input.dy!(), filter: input.filter!() }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }),
      runKernel('Conv2DBackpropFilter', { x: input.x!(), dy: input.dy!() }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }),
      // The direct kernels for few input channels.
      tf.fused.conv2d({ x: input.xFew!() as tf.Tensor4D, filter: input.few!() as tf.Tensor4D, strides: 1, pad: 'same', bias: input.fewBias!(), activation: 'relu' }),
      runKernel('Conv2DBackpropInput', { dy: input.dyFew!(), filter: input.one!() }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 7, 9, 1] }),
      runKernel('Conv2DBackpropFilter', { x: input.xFew!(), dy: input.dyFew!() }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 48] }),
    ];
    const expected = await valuesOn('cpu', build);
    const kernels = addon.microKernels();
    try {
      for (const name of kernels) {
        addon.selectMicroKernel(name);
        const actual = await valuesOn('wasm', build);
        expected.forEach((values, i) => expect(relativeError(actual[i]!, values), `${name}, output ${i}`).toBeLessThanOrEqual(TOLERANCE));
      }
    } finally {
      addon.selectMicroKernel(kernels[0]!);
    }
  });

  it('gives the same results with 1 and 2 threads', async () => {
    const status = loadNativeKernels();
    if (!status.ok) throw new Error(status.reason);
    // Enough pixels for the filter gradient to split its sum across threads.
    const c: ConvCase = { name: '', x: [4, 16, 16, 8], filter: [3, 3, 8, 12], strides: 1, pad: 'same' };
    const input = fixedInputs({ x: c.x, filter: c.filter, dy: outShape(c) });
    const build = () => [
      tf.conv2d(input.x!() as tf.Tensor4D, input.filter!() as tf.Tensor4D, 1, 'same'),
      runKernel('Conv2DBackpropInput', { dy: input.dy!(), filter: input.filter!() }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: c.x }),
      runKernel('Conv2DBackpropFilter', { x: input.x!(), dy: input.dy!() }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: c.filter }),
    ];
    try {
      setNativeThreads(1);
      const single = await valuesOn('wasm', build);
      setNativeThreads(2);
      const multi = await valuesOn('wasm', build);
      single.forEach((values, i) => expect(relativeError(multi[i]!, values)).toBeLessThanOrEqual(1e-6));
    } finally {
      setNativeThreads(status.threads);
    }
  });
});
