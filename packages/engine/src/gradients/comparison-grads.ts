import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

/**
 * Comparisons are piecewise constant: zero gradient. Stock TF.js registers none for most of
 * them, so a second-order pass through max/logSumExp (which mask with Equal) or a
 * tf.where(greater(...)) gradient throws instead of contributing nothing. The zeros are
 * float32 (not zerosLike): TF.js requires float gradients even for bool inputs.
 */
function zeroGradient(kernelName: string): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [a, b] = saved as [Tensor, Tensor];
      return { a: () => tf.zeros(a.shape), b: () => tf.zeros(b.shape) };
    },
  };
}

/** LogicalNot appears in the gradient of tf.where; its gradient is zero too. */
const logicalNotGradient: GradConfig = {
  kernelName: 'LogicalNot',
  inputsToSave: ['x'],
  gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => ({ x: () => tf.zeros(saved[0]!.shape) }),
};

export const COMPARISON_GRADIENTS = [...['Equal', 'NotEqual', 'Greater', 'Less', 'LessEqual'].map(zeroGradient), logicalNotGradient];
