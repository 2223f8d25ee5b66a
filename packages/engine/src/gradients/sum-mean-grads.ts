import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';

/**
 * dy of a reduction, reshaped to keep the reduced axes and broadcast back to x's shape (a
 * Tile, whose gradient is one reduction). Stock TF.js multiplies by tf.ones(x.shape): a
 * full-size array filled and uploaded from JavaScript, then a broadcasting multiply, on
 * every batch-norm statistic and bias of every step.
 */
function spread(dy: Tensor, x: Tensor, axis: number | number[], scale: (reduced: number) => number): Tensor {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const kept = x.shape.map((size, i) => (axes.includes(i) ? 1 : size));
  const reduced = axes.reduce((n, i) => n * x.shape[i]!, 1);
  const factor = scale(reduced);
  const expanded = tf.reshape(factor === 1 ? dy : tf.mul(dy, factor), kept);
  return tf.broadcastTo(expanded, x.shape);
}

export const sumGradConfig: GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], [x]: Tensor[], attrs: NamedAttrMap) => ({
    x: () => spread(dy as Tensor, x!, attrs['axis'] as number[], () => 1),
  }),
};

export const meanGradConfig: GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], [x]: Tensor[], attrs: NamedAttrMap) => ({
    x: () => spread(dy as Tensor, x!, attrs['axis'] as number[], (reduced) => 1 / reduced),
  }),
};
