import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import { reduceTo } from './reduce-to.js';

function requireLinear(kernel: string, attrs: NamedAttrMap): void {
  const activation = attrs['activation'] as string | undefined;
  if (activation && activation !== 'linear') {
    throw new Error(`${kernel}: the registered gradient covers the linear activation only (got '${activation}'); use tf.fused ops for fused activations`);
  }
}

/** FusedConv2D (linear, NHWC, no dilation): the conv's input and filter gradients, the bias's sum. */
export const fusedConv2dGradConfig: GradConfig = {
  kernelName: 'FusedConv2D',
  inputsToSave: ['x', 'filter', 'bias'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    requireLinear('FusedConv2D', attrs);
    const [x, filter, bias] = saved as [Tensor4D, Tensor4D, Tensor];
    const g = dy as Tensor4D;
    const { strides, pad, dimRoundingMode } = attrs as unknown as { strides: [number, number]; pad: 'same' | 'valid'; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
    return {
      x: () => tf.conv2dTranspose(g, filter, x.shape, strides, pad, dimRoundingMode),
      filter: () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { strides, pad, dataFormat: 'NHWC', dimRoundingMode, filterShape: filter.shape } as never) as Tensor,
      bias: () => reduceTo(g, bias.shape),
    };
  },
};

/** _FusedMatMul (linear, no transposes, batched operands): the operand gradients, the bias's sum. */
export const fusedMatMulGradConfig: GradConfig = {
  kernelName: '_FusedMatMul',
  inputsToSave: ['a', 'b', 'bias'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    requireLinear('_FusedMatMul', attrs);
    if (attrs['transposeA'] || attrs['transposeB']) throw new Error('_FusedMatMul: the registered gradient covers untransposed operands only');
    const [a, b, bias] = saved as [Tensor3D, Tensor3D, Tensor];
    const g = dy as Tensor3D;
    return {
      a: () => tf.matMul(g, b, false, true),
      b: () => tf.matMul(a, g, true, false),
      bias: () => reduceTo(g, bias.shape),
    };
  },
};
