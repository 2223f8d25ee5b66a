import {
  backend_util,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  util,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { convGeometry } from './conv2d.js';
import { heapOffset, heapView, requireFloat32, requireNHWC, requireRank, requireShape } from './wasm-heap.js';

type Shape4D = [number, number, number, number];

// Conv2D's gradients in tfjs never carry dilations (they are rejected before), hence 1 below.

const conv2dBackpropInputKernel: KernelFunc = ({ inputs, backend: kernelBackend, attrs }) => {
  const backend = kernelBackend as BackendWasm;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  const kernel = Conv2DBackpropInput;
  requireNHWC(kernel, dataFormat);
  requireFloat32(kernel, { dy, filter });
  requireRank(kernel, 'filter', filter.shape, 4);
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4D, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  requireShape(kernel, 'dy', dy.shape, info.outShape);
  const out = backend.makeOutput(info.inShape, 'float32');
  if (util.sizeFromShape(info.inShape) > 0) {
    nativeAddon().conv2dBackpropInput(heapView(backend), {
      dy: heapOffset(backend, dy),
      filter: heapOffset(backend, filter),
      out: heapOffset(backend, out),
      ...convGeometry(info),
    });
  }
  return out;
};

/** tfjs-backend-wasm has no Conv2DBackpropFilter at all; this one fills the gap. */
const conv2dBackpropFilterKernel: KernelFunc = ({ inputs, backend: kernelBackend, attrs }) => {
  const backend = kernelBackend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const kernel = Conv2DBackpropFilter;
  requireNHWC(kernel, dataFormat);
  requireFloat32(kernel, { x, dy });
  requireRank(kernel, 'x', x.shape, 4);
  const info = backend_util.computeConv2DInfo(x.shape as Shape4D, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  requireShape(kernel, 'dy', dy.shape, info.outShape);
  const out = backend.makeOutput(filterShape, 'float32');
  if (util.sizeFromShape(filterShape) > 0) {
    nativeAddon().conv2dBackpropFilter(heapView(backend), {
      x: heapOffset(backend, x),
      dy: heapOffset(backend, dy),
      out: heapOffset(backend, out),
      ...convGeometry(info),
    });
  }
  return out;
};

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputKernel,
};
export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterKernel,
};
