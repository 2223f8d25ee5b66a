import {
  backend_util,
  Conv2D,
  FusedConv2D,
  util,
  type Conv2DAttrs,
  type FusedConv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ConvGeometryArgs, EpilogueArgs } from '../addon.js';
import { nativeAddon } from '../native.js';
import { fusedEpilogue, NO_EPILOGUE, type FusedInputs } from './epilogue.js';
import { heapOffset, heapView, requireFloat32, requireNHWC, requireRank } from './wasm-heap.js';

type Shape4D = [number, number, number, number];

/** The native side's view of a convolution described by computeConv2DInfo. */
export function convGeometry(info: backend_util.Conv2DInfo): ConvGeometryArgs {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

function conv2d(
  kernel: string,
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DAttrs,
  fused?: FusedInputs,
): TensorInfo {
  requireNHWC(kernel, attrs.dataFormat);
  requireFloat32(kernel, { x, filter });
  requireRank(kernel, 'x', x.shape, 4);
  requireRank(kernel, 'filter', filter.shape, 4);
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4D,
    filter.shape as Shape4D,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const epilogue: EpilogueArgs = fused ? fusedEpilogue(kernel, backend, info.outChannels, fused) : NO_EPILOGUE;
  const out = backend.makeOutput(info.outShape, 'float32');
  if (util.sizeFromShape(info.outShape) > 0) {
    nativeAddon().conv2d(heapView(backend), {
      x: heapOffset(backend, x),
      filter: heapOffset(backend, filter),
      out: heapOffset(backend, out),
      ...convGeometry(info),
      ...epilogue,
    });
  }
  return out;
}

const conv2dKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  return conv2d(Conv2D, backend as BackendWasm, x, filter, attrs as unknown as Conv2DAttrs);
};

const fusedConv2dKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter, bias, preluActivationWeights } = inputs as {
    x: TensorInfo;
    filter: TensorInfo;
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  const fusedAttrs = attrs as unknown as FusedConv2DAttrs;
  const { activation, leakyreluAlpha } = fusedAttrs;
  return conv2d(FusedConv2D, backend as BackendWasm, x, filter, fusedAttrs, {
    activation,
    bias,
    preluActivationWeights,
    leakyreluAlpha,
  });
};

export const conv2dConfig: KernelConfig = { kernelName: Conv2D, backendName: 'wasm', kernelFunc: conv2dKernel };
export const fusedConv2dConfig: KernelConfig = { kernelName: FusedConv2D, backendName: 'wasm', kernelFunc: fusedConv2dKernel };
