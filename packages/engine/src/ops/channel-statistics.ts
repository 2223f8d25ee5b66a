import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { CENTRED_SUMS_KERNEL, CHANNEL_MOMENTS_KERNEL } from '@isnet-bench/native-kernels';
import { fusedKernelRuns } from './fused-kernel.js';

// Per-channel statistics for batchNormTraining: one pass each with the native kernels, composed
// from reductions otherwise. Not differentiable: the batch norm gives its own derivatives.

const leadingAxes = (x: Tensor) => [...Array(x.rank - 1).keys()];

/** Mean and biased variance over every axis but the last. */
export function channelMoments(x: Tensor): { mean: Tensor; variance: Tensor } {
  if (fusedKernelRuns(CHANNEL_MOMENTS_KERNEL, [x])) {
    const [mean, variance] = tf.engine().runKernel(CHANNEL_MOMENTS_KERNEL, { x }) as Tensor[];
    return { mean: mean!, variance: variance! };
  }
  return tf.moments(x, leadingAxes(x));
}

/**
 * With c = x - mean, the per-channel sums [sum a, sum a c] or, given b,
 * [sum a, sum a c, sum b, sum b c, sum a b], read back (the batch norm's coefficients are
 * computed from them on the host, in double).
 */
export function centredSums(x: Tensor, mean: Tensor, a: Tensor, b?: Tensor): Float32Array[] {
  const sums = tf.tidy(() => {
    const inputs: Record<string, Tensor> = b ? { x, mean, a, b } : { x, mean, a };
    if (fusedKernelRuns(CENTRED_SUMS_KERNEL, Object.values(inputs))) return tf.engine().runKernel(CENTRED_SUMS_KERNEL, inputs) as Tensor;
    const axes = leadingAxes(x);
    const centred = tf.sub(x, mean);
    const parts = [tf.sum(a, axes), tf.sum(tf.mul(a, centred), axes)];
    if (b) parts.push(tf.sum(b, axes), tf.sum(tf.mul(b, centred), axes), tf.sum(tf.mul(a, b), axes));
    return tf.stack(parts);
  });
  const values = sums.dataSync() as Float32Array;
  sums.dispose();
  const channels = mean.size;
  return Array.from({ length: values.length / channels }, (_, i) => values.subarray(i * channels, (i + 1) * channels));
}
