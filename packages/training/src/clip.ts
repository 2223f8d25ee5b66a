import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';

/** The L2 norm of all tensors taken together, as one vector. */
export function globalNorm(tensors: readonly Tensor[]): Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(tensors.map((tensor) => tf.sum(tf.square(tensor))))));
}

/**
 * The factor that scales gradients of global norm `norm` to at most `maxNorm` (1 when they
 * are within it, or when clipping is off: maxNorm 0). The loop reads the norm anyway for the
 * divergence check, so the decision is made on the number and gradients are only multiplied
 * when they are clipped.
 */
export function clipFactor(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1;
}
