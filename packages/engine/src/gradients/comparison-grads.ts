import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

/**
 * Comparisons are piecewise constant: zero gradient. Stock TF.js registers none for most of
 * them, so a second-order pass through max/logSumExp (which mask with Equal) or a
 * tf.where(greater(...)) gradient throws instead of contributing nothing.
 */
function zeroGradient(kernelName: string): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [a, b] = saved as [Tensor, Tensor];
      return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
    },
  };
}

export const COMPARISON_GRADIENTS = ['Equal', 'NotEqual', 'Greater', 'Less', 'LessEqual'].map(zeroGradient);
