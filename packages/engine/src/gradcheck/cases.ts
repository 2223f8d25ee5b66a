import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { logSoftmax, softmaxCrossEntropy } from '../ops/log-softmax.js';
import { conv2dWithBias, matMulWithBias } from '../ops/linear-with-bias.js';
import { batchNormTraining } from '../ops/batch-norm-training.js';
import { channelAffine } from '../ops/channel-affine.js';
import type { GradCheckCase } from './check.js';
import { separated, uniform } from './random.js';

// Every case wraps its op in a fixed smooth readout, sum(w * op(...)^2) / 2, so that the
// second-order check also exercises the op's gradient with respect to its inputs' values.
const readout = (y: Tensor, w: Tensor): Scalar => tf.mul(0.5, tf.sum(tf.mul(w, tf.square(y)))) as Scalar;

/** Kinked ops: inputs pairwise 0.05 apart and away from 0; the step stays below half of that. */
const KINKED_DELTA = 5e-3;

function unary(op: string, fn: (x: Tensor) => Tensor, shape = [2, 5], low = -1, high = 1): GradCheckCase {
  return {
    op,
    inputs: (r) => [uniform(shape, r, low, high), uniform(fn(tf.zeros(shape)).shape, r)],
    f: (x, w) => readout(fn(x!), w!),
  };
}

type Shape4 = [number, number, number, number];

function conv(op: string, xShape: Shape4, fShape: Shape4, strides: number, pad: 'same' | 'valid'): GradCheckCase {
  return {
    op,
    inputs: (r) => [uniform(xShape, r), uniform(fShape, r), uniform(tf.conv2d(tf.zeros(xShape) as Tensor4D, tf.zeros(fShape) as Tensor4D, strides, pad).shape, r)],
    f: (x, filter, w) => readout(tf.conv2d(x as Tensor4D, filter as Tensor4D, strides, pad), w!),
  };
}

function pool(op: string, kind: 'max' | 'avg', size: number, strides: number, pad: 'same' | 'valid', xShape = [2, 6, 6, 2]): GradCheckCase {
  const run = (x: Tensor) => (kind === 'max' ? tf.maxPool : tf.avgPool)(x as Tensor4D, size, strides, pad);
  return {
    op,
    inputs: (r) => [separated(xShape, r), uniform(run(tf.zeros(xShape)).shape, r)],
    f: (x, w) => readout(run(x!), w!),
    delta: kind === 'max' ? KINKED_DELTA : undefined,
  };
}

function resize(op: string, kind: 'bilinear' | 'nearest', size: [number, number], alignCorners: boolean, halfPixel: boolean, xShape = [2, 4, 5, 2]): GradCheckCase {
  const run = (x: Tensor) =>
    kind === 'bilinear'
      ? tf.image.resizeBilinear(x as Tensor4D, size, alignCorners, halfPixel)
      : tf.image.resizeNearestNeighbor(x as Tensor4D, size, alignCorners, halfPixel);
  return {
    op,
    inputs: (r) => [uniform(xShape, r), uniform([xShape[0]!, size[0], size[1], xShape[3]!], r)],
    f: (x, w) => readout(run(x!), w!),
  };
}

/** The ops the suite's models, LRP and losses use, and those stock TF.js gets wrong. */
export const GRAD_CHECK_CASES: GradCheckCase[] = [
  { op: 'relu', inputs: (r) => [separated([2, 6], r), uniform([2, 6], r)], f: (x, w) => readout(tf.relu(x!), w!), delta: KINKED_DELTA },
  conv('conv2d 3x3 s1 same', [2, 5, 5, 2], [3, 3, 2, 3], 1, 'same'),
  conv('conv2d 3x3 s2 same', [2, 6, 6, 2], [3, 3, 2, 3], 2, 'same'),
  conv('conv2d 3x3 s2 valid', [2, 7, 7, 3], [3, 3, 3, 2], 2, 'valid'),
  {
    op: 'conv2dTranspose 3x3 s2 same',
    inputs: (r) => [uniform([2, 3, 3, 3], r), uniform([3, 3, 2, 3], r), uniform([2, 6, 6, 2], r)],
    f: (x, filter, w) => readout(tf.conv2dTranspose(x as Tensor4D, filter as Tensor4D, [2, 6, 6, 2], 2, 'same'), w!),
  },
  {
    // The U-Net's up-convolution: a kernel the size of its stride.
    op: 'conv2dTranspose 2x2 s2 same',
    inputs: (r) => [uniform([2, 3, 2, 3], r), uniform([2, 2, 2, 3], r), uniform([2, 6, 4, 2], r)],
    f: (x, filter, w) => readout(tf.conv2dTranspose(x as Tensor4D, filter as Tensor4D, [2, 6, 4, 2], 2, 'same'), w!),
  },
  {
    op: 'fused conv2d + bias + relu',
    inputs: (r) => [uniform([2, 5, 5, 2], r), uniform([3, 3, 2, 3], r), uniform([3], r, 0.1, 0.5), uniform([2, 5, 5, 3], r)],
    f: (x, filter, bias, w) =>
      readout(tf.fused.conv2d({ x: x as Tensor4D, filter: filter as Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' }), w!),
    delta: KINKED_DELTA,
  },
  {
    op: 'fused conv2d + bias + sigmoid',
    inputs: (r) => [uniform([2, 5, 5, 2], r), uniform([3, 3, 2, 3], r), uniform([3], r), uniform([2, 5, 5, 3], r)],
    f: (x, filter, bias, w) =>
      readout(tf.fused.conv2d({ x: x as Tensor4D, filter: filter as Tensor4D, strides: 1, pad: 'same', bias, activation: 'sigmoid' }), w!),
  },
  {
    op: 'conv2dWithBias s2 same (engine)',
    inputs: (r) => [uniform([2, 6, 6, 2], r), uniform([3, 3, 2, 3], r), uniform([3], r), uniform([2, 3, 3, 3], r)],
    f: (x, filter, bias, w) => readout(conv2dWithBias(x as Tensor4D, filter as Tensor4D, bias, [2, 2], 'same'), w!),
  },
  {
    op: 'conv2dWithBias 1x1 valid, bias only (engine)',
    inputs: (r) => [uniform([3], r), uniform([2, 4, 4, 3], r)],
    f: (bias, w) => readout(conv2dWithBias(tf.ones([2, 4, 4, 2]) as Tensor4D, tf.ones([1, 1, 2, 3]) as Tensor4D, bias, [1, 1], 'valid'), w!),
  },
  {
    op: 'matMulWithBias (engine)',
    inputs: (r) => [uniform([3, 4], r), uniform([4, 5], r), uniform([5], r), uniform([3, 5], r)],
    f: (a, b, bias, w) => readout(matMulWithBias(a as Tensor2D, b as Tensor2D, bias), w!),
  },
  // The ReLU inside the kernel: its gradient reads the saved output.
  {
    op: 'conv2dWithBias + relu (engine)',
    inputs: (r) => [uniform([2, 5, 5, 2], r), uniform([3, 3, 2, 3], r), uniform([3], r, 0.1, 0.5), uniform([2, 5, 5, 3], r)],
    f: (x, filter, bias, w) => readout(conv2dWithBias(x as Tensor4D, filter as Tensor4D, bias, [1, 1], 'same', [1, 1], 'relu'), w!),
    delta: KINKED_DELTA,
  },
  {
    op: 'matMulWithBias + relu (engine)',
    inputs: (r) => [uniform([3, 4], r), uniform([4, 5], r), uniform([5], r, 0.1, 0.5), uniform([3, 5], r)],
    f: (a, b, bias, w) => readout(matMulWithBias(a as Tensor2D, b as Tensor2D, bias, 'relu'), w!),
    delta: KINKED_DELTA,
  },
  {
    op: 'depthwiseConv2d 3x3 s1 same',
    inputs: (r) => [uniform([2, 5, 5, 2], r), uniform([3, 3, 2, 2], r), uniform([2, 5, 5, 4], r)],
    f: (x, filter, w) => readout(tf.depthwiseConv2d(x as Tensor4D, filter as Tensor4D, 1, 'same'), w!),
  },
  ...(
    [
      [false, false],
      [true, false],
      [false, true],
    ] as const
  ).map(([ta, tb]): GradCheckCase => ({
    op: `matMul${ta ? ' transposeA' : ''}${tb ? ' transposeB' : ''}`,
    inputs: (r) => [uniform(ta ? [4, 3] : [3, 4], r), uniform(tb ? [5, 4] : [4, 5], r), uniform([3, 5], r)],
    f: (a, b, w) => readout(tf.matMul(a as Tensor2D, b as Tensor2D, ta, tb), w!),
  })),
  {
    op: 'batched matMul',
    inputs: (r) => [uniform([2, 3, 4], r), uniform([2, 4, 5], r), uniform([2, 3, 5], r)],
    f: (a, b, w) => readout(tf.matMul(a!, b!), w!),
  },
  {
    op: 'fused matMul + bias + relu',
    inputs: (r) => [uniform([3, 4], r), uniform([4, 5], r), uniform([5], r, 0.1, 0.5), uniform([3, 5], r)],
    f: (a, b, bias, w) => readout(tf.fused.matMul({ a: a as Tensor2D, b: b as Tensor2D, bias, activation: 'relu' }), w!),
  },
  pool('maxPool 2x2 s2 valid', 'max', 2, 2, 'valid'),
  pool('maxPool 3x3 s2 same', 'max', 3, 2, 'same'),
  pool('avgPool 2x2 s2 valid', 'avg', 2, 2, 'valid'),
  pool('avgPool 3x3 s2 same', 'avg', 3, 2, 'same'),
  {
    op: 'batchNorm (batch statistics)',
    inputs: (r) => [uniform([4, 3, 3, 2], r), uniform([2], r, 0.5, 1.5), uniform([2], r), uniform([4, 3, 3, 2], r)],
    f: (x, gamma, beta, w) => {
      const { mean, variance } = tf.moments(x!, [0, 1, 2]);
      return readout(tf.batchNorm(x!, mean, variance, beta, gamma, 1e-3), w!);
    },
  },
  {
    op: 'batchNormTraining (engine)',
    inputs: (r) => [uniform([4, 3, 3, 2], r), uniform([2], r, 0.5, 1.5), uniform([2], r), uniform([4, 3, 3, 2], r)],
    f: (x, gamma, beta, w) => readout(batchNormTraining(x!, gamma, beta, 1e-3).y, w!),
  },
  {
    op: 'batchNormTraining, dense, no gamma or beta (engine)',
    inputs: (r) => [uniform([6, 3], r, -2, 3), uniform([6, 3], r)],
    f: (x, w) => readout(batchNormTraining(x!, undefined, undefined, 1e-3).y, w!),
  },
  {
    op: 'channelAffine x*a + c (engine)',
    inputs: (r) => [uniform([3, 4, 2, 5], r), uniform([5], r), uniform([5], r), uniform([3, 4, 2, 5], r)],
    f: (x, a, c, w) => readout(channelAffine([[x!, a!]], c!), w!),
  },
  {
    op: 'channelAffine x*a + y*b + z*d + c (engine)',
    inputs: (r) => [...[0, 1, 2].flatMap(() => [uniform([3, 4, 2, 5], r), uniform([5], r)]), uniform([5], r), uniform([3, 4, 2, 5], r)],
    f: (x, a, y, b, z, d, c, w) => readout(channelAffine([[x!, a!], [y!, b!], [z!, d!]], c!), w!),
  },
  {
    op: 'batchNorm (running statistics)',
    inputs: (r) => [uniform([2, 3, 3, 2], r), uniform([2], r, 0.5, 1.5), uniform([2], r), uniform([2, 3, 3, 2], r)],
    f: (x, gamma, beta, w) => readout(tf.batchNorm(x!, tf.tensor1d([0.1, -0.2]), tf.tensor1d([0.5, 2]), beta, gamma, 1e-3), w!),
  },
  resize('resizeBilinear', 'bilinear', [7, 8], false, false),
  resize('resizeBilinear alignCorners', 'bilinear', [7, 8], true, false),
  resize('resizeBilinear halfPixelCenters', 'bilinear', [7, 8], false, true),
  resize('resizeNearestNeighbor batch 2', 'nearest', [8, 10], false, false),
  resize('resizeNearestNeighbor halfPixelCenters', 'nearest', [8, 10], false, true),
  unary('exp', tf.exp),
  unary('sigmoid', tf.sigmoid, [2, 5], -3, 3),
  unary('tanh', tf.tanh, [2, 5], -2, 2),
  unary('elu', tf.elu, [2, 6], -2, 2),
  unary('log', tf.log, [2, 5], 0.5, 2),
  unary('sqrt', tf.sqrt, [2, 5], 0.5, 2),
  unary('pow (x^y)', (x) => tf.pow(x, tf.tensor([[1.5], [2.5]])), [2, 5], 0.5, 2),
  unary('softmax', (x) => tf.softmax(x), [3, 5], -2, 2),
  unary('logSoftmax (engine)', (x) => logSoftmax(x), [3, 5], -2, 2),
  unary('logSumExp', (x) => tf.logSumExp(x, -1), [3, 5], -2, 2),
  {
    op: 'softmaxCrossEntropy (engine)',
    inputs: (r) => [uniform([3, 5], r, -2, 2)],
    f: (logits) => tf.mul(softmaxCrossEntropy(tf.oneHot([0, 3, 4], 5), logits!), tf.sum(tf.square(logits!))) as Scalar,
  },
  {
    op: 'softmaxCrossEntropy (engine), soft labels, rank 3',
    inputs: (r) => [uniform([2, 3, 4], r, 0, 1), uniform([2, 3, 4], r, -2, 2)],
    f: (labels, logits) => tf.mul(softmaxCrossEntropy(labels!, logits!), tf.add(tf.sum(tf.square(logits!)), tf.sum(labels!))) as Scalar,
  },
  unary('global average pool', (x) => tf.mean(x, [1, 2]), [2, 3, 3, 2]),
  unary('sum over leading axes (bias gradient)', (x) => tf.sum(x, [0, 1, 2]), [2, 3, 3, 2]),
  unary('mean over leading axes, kept (batch-norm statistic)', (x) => tf.mean(x, [0, 1, 2], true), [2, 3, 3, 2]),
  unary('sum over all axes', (x) => tf.mul(tf.sum(x), x), [2, 3, 2]),
  unary('tile (batch-norm statistics)', (x) => tf.tile(x, [3, 4, 2]), [1, 2, 3]),
  unary('where', (x) => tf.where(tf.greater(x, 0), tf.square(x), tf.mul(x, 3)), [2, 6], 0.2, 1),
  unary('concat + pad + reshape', (x) => tf.reshape(tf.concat([tf.pad(x, [[0, 0], [1, 1]]), tf.abs(x)], 1), [-1]), [2, 3], 0.2, 1),
];
