import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { channelAffine } from './channel-affine.js';

/**
 * Batch normalisation with the batch's statistics over every axis but the last:
 * y = gamma (x - mean) / sqrt(var + eps) + beta, var biased, as tf.moments + tf.batchNorm.
 * One op with the analytic input gradient
 *   dx = k dy - (k / N) (sum(dy) + xhat sum(dy xhat)),  k = gamma / sqrt(var + eps),
 * instead of autodiff through the moments, its elementwise part one fused pass
 * (channelAffine): the first-order backward pass makes 8 passes over the activation instead
 * of ~16, and the second order (LRP training) differentiates fewer ops. The gradient
 * recomputes the statistics from x with ordinary ops, so it is itself differentiable. Also
 * returns the batch mean and variance (for running statistics).
 */
export function batchNormTraining(x: Tensor, gamma: Tensor | undefined, beta: Tensor | undefined, epsilon: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const axes = [...Array(x.rank - 1).keys()];
  const channels = x.shape[x.rank - 1]!;
  const count = x.size / channels;
  let statistics: { mean: Tensor; variance: Tensor } | undefined;
  // The statistics as tf.moments computes them, keeping the centred input.
  const centre = (input: Tensor) => {
    const mean = tf.mean(input, axes);
    const centred = tf.sub(input, mean);
    return { mean, centred, variance: tf.mean(tf.square(centred), axes) };
  };
  const normalise = tf.customGrad(((input: Tensor, scale: Tensor, offset: Tensor, save: tf.GradSaveFunc) => {
    const { mean, centred, variance } = centre(input);
    statistics = { mean: tf.keep(mean), variance: tf.keep(variance) };
    save([input, scale]);
    return {
      value: tf.add(tf.mul(centred, tf.mul(scale, tf.rsqrt(tf.add(variance, epsilon)))), offset),
      gradFunc: (dy: Tensor, [savedX, savedScale]: Tensor[]) => {
        const { centred, variance: v } = centre(savedX!);
        const rstd = tf.rsqrt(tf.add(v, epsilon));
        const k = tf.mul(savedScale!, rstd);
        const dyTotal = tf.sum(dy, axes);
        const dyXhat = tf.mul(rstd, tf.sum(tf.mul(dy, centred), axes));
        // dx = k dy - (k / N)(sum(dy) + xhat sum(dy xhat)), xhat = (x - mean) rstd, as
        // dy * k + (x - mean) * slope + offset: one fused pass.
        const kOverN = tf.div(k, count);
        const slope = tf.neg(tf.mul(kOverN, tf.mul(dyXhat, rstd)));
        const offset = tf.neg(tf.mul(kOverN, dyTotal));
        return [channelAffine(dy, k, centred, slope, offset), dyXhat, dyTotal];
      },
    };
  }) as never) as (x: Tensor, gamma: Tensor, beta: Tensor) => Tensor;
  const y = normalise(x, gamma ?? tf.ones([channels]), beta ?? tf.zeros([channels]));
  const { mean, variance } = statistics!;
  // Handed back as ordinary scope-tracked tensors (kept only to leave the customGrad's scope).
  const result = { y, mean: tf.clone(mean), variance: tf.clone(variance) };
  tf.dispose([mean, variance]);
  return result;
}
