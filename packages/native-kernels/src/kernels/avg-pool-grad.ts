import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { convGeometry } from './conv2d.js';
import { displacedKernel } from './displaced.js';
import { heapOffsets, heapView, requireRank } from './wasm-heap.js';

/**
 * AvgPoolGrad (NHWC) as the exact adjoint of the forward pooling (each window's count
 * excludes padding), one task per image. Other dtypes go to the displaced kernel.
 */
const kernelFunc: KernelFunc = (args) => {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  if (dy.dtype !== 'float32') return displacedKernel('AvgPoolGrad')(args);
  requireRank('AvgPoolGrad', 'input', input.shape, 4);
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as never;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const wasm = args.backend as BackendWasm;
  const dx = wasm.makeOutput(input.shape, 'float32');
  nativeAddon().avgPoolGrad(heapView(wasm), { ...convGeometry(info), ...heapOffsets(wasm, { dy, dx }) });
  return dx;
};

export const avgPoolGradConfig: KernelConfig = { kernelName: 'AvgPoolGrad', backendName: 'wasm', kernelFunc };
