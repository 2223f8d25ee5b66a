import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { MAX_POOL_GRAD_GRAD } from '../kernels/max-pool-grad-grad.js';

// Pooling gradients are linear in dy, so their own gradient with respect to dy is the
// adjoint map; they are piecewise constant in the pooled input (zero gradient).

/** d MaxPoolGrad / d dy: gather the incoming gradient at each window's winner. */
export const maxPoolGradGradConfig: GradConfig = {
  kernelName: 'MaxPoolGrad',
  inputsToSave: ['input', 'output'],
  gradFunc: (ddx: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [input, output] = saved as [Tensor4D, Tensor4D];
    return {
      dy: () => tf.engine().runKernel(MAX_POOL_GRAD_GRAD, { input, grad: ddx as Tensor }, attrs) as Tensor,
      input: () => tf.zerosLike(input),
      output: () => tf.zerosLike(output),
    };
  },
};

/** d AvgPoolGrad / d dy: average pooling of the incoming gradient with the same window. */
export const avgPoolGradGradConfig: GradConfig = {
  kernelName: 'AvgPoolGrad',
  inputsToSave: ['input'],
  gradFunc: (ddx: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [input] = saved as [Tensor4D];
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
      filterSize: [number, number];
      strides: [number, number];
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    return {
      dy: () => tf.avgPool(ddx as Tensor4D, filterSize, strides, pad, dimRoundingMode),
      input: () => tf.zerosLike(input),
    };
  },
};
