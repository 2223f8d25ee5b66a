import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';

/**
 * Conv2DBackpropFilter(x, dy) is bilinear: <ddW, dW> = <conv(x, ddW), dy>, so its gradient
 * with respect to dy is conv(x, ddW) and with respect to x the input gradient of that
 * convolution. Stock TF.js has none, so a gradient through weight gradients would throw.
 */
export const conv2dBackpropFilterGradConfig: GradConfig = {
  kernelName: 'Conv2DBackpropFilter',
  inputsToSave: ['x', 'dy'],
  gradFunc: (ddw: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, dy] = saved as [Tensor4D, Tensor4D];
    const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as {
      strides: [number, number];
      pad: 'valid' | 'same' | number;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const filter = ddw as Tensor4D;
    return {
      x: () => tf.conv2dTranspose(dy, filter, x.shape, strides, pad, dimRoundingMode),
      dy: () => tf.conv2d(x, filter, strides, pad, dataFormat === 'NCHW' ? 'NCHW' : 'NHWC', 1, dimRoundingMode),
    };
  },
};
