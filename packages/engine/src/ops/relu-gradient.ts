import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { RELU_GRAD_KERNEL } from '@isnet-bench/native-kernels';
import { fusedElementwiseRuns } from './fused-kernel.js';

/**
 * ReLU's gradient dy * step(x): one pass where the backend has the fused kernel (the native
 * one on 'wasm'), a step and a multiply otherwise. Differentiable
 * (gradients/relu-grad.ts): d/d dy is again reluGradient, d/dx is 0.
 */
export function reluGradient(dy: Tensor, x: Tensor): Tensor {
  if (fusedElementwiseRuns(RELU_GRAD_KERNEL, [dy, x])) {
    return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }) as Tensor;
  }
  return tf.mul(dy, tf.step(x));
}
