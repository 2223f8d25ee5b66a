import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

/** The activations the linear ops below can apply in their kernel. */
export type LinearActivation = 'linear' | 'relu';

/**
 * Convolution plus bias (and a ReLU) as ONE kernel (FusedConv2D) whose gradient is
 * registered per input (fused-linear-grads.ts), so only the gradients a path needs are
 * computed. tf.fused.conv2d wraps the same kernel in a customGrad that computes the input,
 * filter and bias gradients every time: an LRP backward pass (which needs only the input
 * gradient) then ran a useless filter gradient per layer, recorded on the tape besides.
 * Dilated convolutions and ones without a bias keep separate ops.
 */
export function conv2dWithBias(
  x: Tensor4D,
  filter: Tensor4D,
  bias: Tensor | undefined,
  strides: [number, number],
  pad: 'same' | 'valid',
  dilations: [number, number] = [1, 1],
  activation: LinearActivation = 'linear',
): Tensor4D {
  if (!bias || dilations[0] !== 1 || dilations[1] !== 1) {
    const z = tf.conv2d(x, filter, strides, pad, 'NHWC', dilations);
    const y: Tensor4D = bias ? tf.add(z, bias) : z;
    return activation === 'relu' ? tf.relu(y) : y;
  }
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations, activation, leakyreluAlpha: 0 };
  return tf.engine().runKernel('FusedConv2D', { x, filter, bias: bias as Tensor1D }, attrs as never) as Tensor4D;
}

/**
 * a x b plus bias (and a ReLU) as ONE kernel (_FusedMatMul); see conv2dWithBias. The kernel
 * takes batched (rank-3) operands, as tf.fused.matMul passes them.
 */
export function matMulWithBias(a: Tensor2D, b: Tensor2D, bias: Tensor | undefined, activation: LinearActivation = 'linear'): Tensor2D {
  if (!bias) return activation === 'relu' ? tf.relu(tf.matMul(a, b)) : tf.matMul(a, b);
  const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 };
  const inputs = { a: tf.expandDims(a, 0), b: tf.expandDims(b, 0), bias: bias as Tensor1D };
  const product = tf.engine().runKernel('_FusedMatMul', inputs, attrs as never) as Tensor;
  return tf.squeeze(product, [0]);
}
