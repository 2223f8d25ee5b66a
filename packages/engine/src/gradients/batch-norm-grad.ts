import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import { reduceTo } from './reduce-to.js';

/**
 * FusedBatchNorm's gradient with broadcasting instead of Tile: y = (x - mean) r scale + offset,
 * r = 1 / sqrt(variance + eps). Same values as the stock gradient; the stock one tiles the
 * statistics to x's shape, whose own gradient (second order) and kernel are slow on 'wasm'.
 */
export const batchNormGradConfig: GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    const g = dy as Tensor;
    const { varianceEpsilon } = attrs as { varianceEpsilon: number };
    const r = tf.rsqrt(tf.add(variance, varianceEpsilon));
    const gScaled = scale ? tf.mul(g, scale) : g;
    const centred = tf.sub(x, mean);
    const grads: Record<string, () => Tensor> = {
      x: () => tf.mul(gScaled, r),
      mean: () => reduceTo(tf.neg(tf.mul(gScaled, r)), mean.shape),
      variance: () => reduceTo(tf.mul(tf.mul(gScaled, centred), tf.mul(-0.5, tf.pow(r, 3))), variance.shape),
      offset: () => reduceTo(g, mean.shape),
    };
    if (scale) grads['scale'] = () => reduceTo(tf.mul(g, tf.mul(centred, r)), scale.shape);
    return grads;
  },
};
