import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/** Sums a broadcast gradient back to the shape of the input it came from. */
export function reduceTo(grad: Tensor, shape: number[]): Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, grad.shape);
  return tf.reshape(axes.length ? tf.sum(grad, axes) : grad, shape);
}
