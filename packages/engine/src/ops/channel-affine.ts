import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { CHANNEL_AFFINE_KERNEL } from '@isnet-bench/native-kernels';
import { fusedKernelRuns } from './fused-kernel.js';

/**
 * x * a + y * b + c for x and y of one shape [..., C] and per-channel a, b, c [C]: one pass
 * over both operands where the backend has the fused kernel (the native one on 'wasm'),
 * multiplies and adds otherwise. Differentiable (gradients/channel-affine-grad.ts).
 */
export function channelAffine(x: Tensor, a: Tensor, y: Tensor, b: Tensor, c: Tensor): Tensor {
  if (fusedKernelRuns(CHANNEL_AFFINE_KERNEL, [x, a, y, b, c])) {
    return tf.engine().runKernel(CHANNEL_AFFINE_KERNEL, { x, a, y, b, c }) as Tensor;
  }
  return tf.add(tf.add(tf.mul(x, a), tf.mul(y, b)), c);
}
