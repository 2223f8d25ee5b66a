import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { lrpScaled, reluGradient } from '@isnet-bench/engine';

/**
 * How many heatmap backward passes are running. The LRP scaling of the ReLU gradient must act
 * ONLY inside them ("the trap" of the spec): when the training loss is later differentiated
 * through the same forward ReLUs, they must give their true derivative, or the weight
 * gradients are silently wrong as soon as two ReLUs are chained.
 */
let heatmapPasses = 0;

/** Runs `fn` (a backward pass that computes a heatmap) with the LRP scaling switched on. */
export function withLrpScaling<T>(fn: () => T): T {
  heatmapPasses++;
  try {
    return fn();
  } finally {
    heatmapPasses--;
  }
}

/**
 * A ReLU whose gradient is dy * y / (y + eps) during a heatmap backward pass (LRP-epsilon at
 * the linear layer feeding it) and dy * step(z) otherwise. It saves its INPUT, so a gradient
 * of the heatmap stays exact to second order (including the derivative of the scaling).
 */
export function lrpRelu(epsilon: number): (z: Tensor) => Tensor {
  return tf.customGrad(((z: Tensor, save: tf.GradSaveFunc) => {
    save([z]);
    return {
      value: tf.relu(z),
      gradFunc: (dy: Tensor, [input]: Tensor[]) => (heatmapPasses === 0 ? reluGradient(dy, input!) : lrpScaled(dy, input!, epsilon)),
    };
  }) as never) as (z: Tensor) => Tensor;
}

/**
 * Identity in the forward pass, zero gradient: TF.js has no stop_gradient op. Used for the
 * terms the reference detaches (biases in the z^B rule).
 */
export const stopGradient = tf.customGrad(((x: Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: Tensor) => tf.zerosLike(dy),
})) as never) as (x: Tensor) => Tensor;
