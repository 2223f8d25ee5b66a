import type { backend_util } from '@tensorflow/tfjs';

/** The attributes both Conv2D backprop kernels share (dilation is always 1 for them in TF.js). */
export interface ConvBackpropAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
