import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/**
 * Identity in the forward pass, zero gradient: TF.js has no stop_gradient op. For terms a
 * reference implementation detaches (the biases of LRP's z^B rule).
 */
export const stopGradient = tf.customGrad(((x: Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: Tensor) => tf.zerosLike(dy),
})) as never) as (x: Tensor) => Tensor;
