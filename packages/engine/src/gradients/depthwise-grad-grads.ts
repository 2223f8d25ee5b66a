import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';

interface DepthwiseAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * DepthwiseConv2dNativeBackpropInput(dy, W) is bilinear: its gradient with respect to dy is
 * the forward depthwise convolution of the incoming gradient, and with respect to W the
 * filter gradient of that convolution (input = incoming gradient, output gradient = dy).
 */
export const depthwiseBackpropInputGradConfig: GradConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [dy, filter] = saved as [Tensor4D, Tensor4D];
    const { strides, dilations, pad, dimRoundingMode } = attrs as unknown as DepthwiseAttrs;
    const grad = ddx as Tensor4D;
    return {
      dy: () => tf.depthwiseConv2d(grad, filter, strides, pad, 'NHWC', dilations, dimRoundingMode),
      filter: () =>
        tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x: grad, dy },
          { strides, pad, dimRoundingMode, dilations, filterShape: filter.shape } as unknown as NamedAttrMap,
        ) as Tensor,
    };
  },
};

/**
 * DepthwiseConv2dNativeBackpropFilter(x, dy) is bilinear too: <ddW, dW> = <depthwise(x, ddW), dy>.
 */
export const depthwiseBackpropFilterGradConfig: GradConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  inputsToSave: ['x', 'dy'],
  gradFunc: (ddw: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, dy] = saved as [Tensor4D, Tensor4D];
    const { strides, dilations, pad, dimRoundingMode } = attrs as unknown as DepthwiseAttrs;
    const filter = ddw as Tensor4D;
    return {
      x: () =>
        tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter },
          { strides, pad, dimRoundingMode, dilations, inputShape: x.shape } as unknown as NamedAttrMap,
        ) as Tensor,
      dy: () => tf.depthwiseConv2d(x, filter, strides, pad, 'NHWC', dilations, dimRoundingMode),
    };
  },
};
