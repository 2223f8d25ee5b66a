import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import { reluGradient } from '../ops/relu-gradient.js';
import { reduceTo } from './reduce-to.js';

/**
 * The gradient at the linear part of a fused kernel: dy itself, or ReLU's gradient at the
 * output (step(y) = step(z): the saved output is enough, and its derivative is 0, so a
 * second order through it loses nothing).
 */
function linearPartGradient(kernel: string, attrs: NamedAttrMap, dy: Tensor, y: Tensor): Tensor {
  const activation = (attrs['activation'] as string | undefined) ?? 'linear';
  if (activation === 'linear') return dy;
  if (activation === 'relu') return reluGradient(dy, y);
  throw new Error(`${kernel}: the registered gradient covers the linear and relu activations only (got '${activation}'); use tf.fused ops for other fused activations`);
}

/** FusedConv2D (linear or relu, NHWC, no dilation): the conv's input and filter gradients, the bias's sum. */
export const fusedConv2dGradConfig: GradConfig = {
  kernelName: 'FusedConv2D',
  inputsToSave: ['x', 'filter', 'bias'],
  outputsToSave: [true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, filter, bias, y] = saved as [Tensor4D, Tensor4D, Tensor, Tensor4D];
    const g = linearPartGradient('FusedConv2D', attrs, dy as Tensor, y) as Tensor4D;
    const { strides, pad, dimRoundingMode } = attrs as unknown as { strides: [number, number]; pad: 'same' | 'valid'; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
    return {
      x: () => tf.conv2dTranspose(g, filter, x.shape, strides, pad, dimRoundingMode),
      filter: () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { strides, pad, dataFormat: 'NHWC', dimRoundingMode, filterShape: filter.shape } as never) as Tensor,
      bias: () => reduceTo(g, bias.shape),
    };
  },
};

/** _FusedMatMul (linear or relu, no transposes, batched operands): the operand gradients, the bias's sum. */
export const fusedMatMulGradConfig: GradConfig = {
  kernelName: '_FusedMatMul',
  inputsToSave: ['a', 'b', 'bias'],
  outputsToSave: [true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    if (attrs['transposeA'] || attrs['transposeB']) throw new Error('_FusedMatMul: the registered gradient covers untransposed operands only');
    const [a, b, bias, y] = saved as [Tensor3D, Tensor3D, Tensor, Tensor3D];
    const g = linearPartGradient('_FusedMatMul', attrs, dy as Tensor, y) as Tensor3D;
    return {
      a: () => tf.matMul(g, b, false, true),
      b: () => tf.matMul(a, g, true, false),
      bias: () => reduceTo(g, bias.shape),
    };
  },
};
