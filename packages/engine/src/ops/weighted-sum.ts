import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { WEIGHTED_SUM_KERNEL } from '@isnet-bench/native-kernels';
import { fusedElementwiseRuns } from './fused-kernel.js';

/**
 * alpha a + beta b for float32 operands of one shape, as ONE op where the fused kernel runs
 * (the native one on 'wasm'): an optimiser's update of a variable without a multiply by an
 * uploaded scalar and an add. Differentiable (alpha dy, beta dy), composed elsewhere.
 */
export function weightedSum(a: Tensor, alpha: number, b: Tensor, beta: number): Tensor {
  if (!fusedElementwiseRuns(WEIGHTED_SUM_KERNEL, [a, b])) return tf.add(tf.mul(a, alpha), tf.mul(b, beta));
  return tf.customGrad(((x: Tensor, y: Tensor) => ({
    value: tf.engine().runKernel(WEIGHTED_SUM_KERNEL, { a: x, b: y }, { alpha, beta } as never) as Tensor,
    gradFunc: (dy: Tensor) => [tf.mul(dy, alpha), tf.mul(dy, beta)],
  })) as never)(a, b) as Tensor;
}
