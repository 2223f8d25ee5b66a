import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import { reduceTo } from './reduce-to.js';

/**
 * FusedBatchNorm's gradient with broadcasting instead of Tile: y = (x - mean) r scale + offset,
 * r = 1 / sqrt(variance + eps). Same values as the stock gradient; the stock one tiles the
 * statistics to x's shape, whose own gradient (second order) and kernel are slow on 'wasm'.
 * Per-channel factors are applied after the reductions, so the activation-sized work is
 * three elementwise ops and two reductions (each also differentiated at second order).
 */
export const batchNormGradConfig: GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    const g = dy as Tensor;
    const { varianceEpsilon } = attrs as { varianceEpsilon: number };
    const r = tf.rsqrt(tf.add(variance, varianceEpsilon));
    const gain = scale ? tf.mul(scale, r) : r;
    // sum(g) and sum(g (x - mean)) over the positions of each statistic, shared by the
    // statistics' gradients (computed here: a thunk's intermediates die with its scope).
    const gSum = reduceTo(g, mean.shape);
    const gCentredSum = reduceTo(tf.mul(g, tf.sub(x, mean)), variance.shape);
    const grads: Record<string, () => Tensor> = {
      x: () => tf.mul(g, gain),
      mean: () => tf.neg(tf.mul(gSum, gain)),
      variance: () => tf.mul(gCentredSum, tf.mul(-0.5, tf.mul(tf.pow(r, 3), scale ?? 1))),
      offset: () => tf.clone(gSum),
    };
    if (scale) grads['scale'] = () => reduceTo(tf.mul(gCentredSum, r), scale.shape);
    return grads;
  },
};
