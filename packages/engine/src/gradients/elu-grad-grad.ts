import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

/**
 * EluGrad(dy, y) = dy where y > 0, dy * (y + 1) elsewhere. With respect to dy it is that
 * same mask; with respect to y it is dy where y < 0 (the line y + 1 has slope 1).
 */
export const eluGradGradConfig: GradConfig = {
  kernelName: 'EluGrad',
  inputsToSave: ['dy', 'y'],
  gradFunc: (ddx: Tensor | Tensor[], saved: Tensor[]) => {
    const [dy, y] = saved as [Tensor, Tensor];
    const g = ddx as Tensor;
    const positive = tf.greater(y, 0);
    return {
      dy: () => tf.where(positive, g, tf.mul(g, tf.add(y, 1))),
      y: () => tf.where(positive, tf.zerosLike(g), tf.mul(g, dy)),
    };
  },
};
