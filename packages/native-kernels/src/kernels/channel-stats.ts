import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffset, heapOffsets, heapView, lastAxisLayout, requireFloat32, requireShape } from './wasm-heap.js';

/**
 * Kernels of this suite's own for batch normalisation over every axis but the last, one pass
 * each (sums in double). IsnetChannelMoments: x [..., C] -> [mean, variance] ([C] each,
 * variance biased). IsnetCentredSums: x, mean [C], a (and b) of x's shape -> sums [2, C]
 * (sum a, sum a (x - mean)) or [5, C] (also sum b, sum b (x - mean), sum a b). The engine's
 * ops run them when they are registered and compose them otherwise.
 */
export const CHANNEL_MOMENTS_KERNEL = 'IsnetChannelMoments';
export const CENTRED_SUMS_KERNEL = 'IsnetCentredSums';

const momentsKernel: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  requireFloat32(CHANNEL_MOMENTS_KERNEL, { x });
  const wasm = backend as BackendWasm;
  const { rows, columns: channels } = lastAxisLayout(x.shape);
  const mean = wasm.makeOutput([channels], 'float32');
  const variance = wasm.makeOutput([channels], 'float32');
  nativeAddon().channelMoments(heapView(wasm), { ...heapOffsets(wasm, { x, mean, variance }), rows, channels });
  return [mean, variance];
};

const centredSumsKernel: KernelFunc = ({ inputs, backend }) => {
  const { x, mean, a, b } = inputs as { x: TensorInfo; mean: TensorInfo; a: TensorInfo; b?: TensorInfo };
  requireFloat32(CENTRED_SUMS_KERNEL, { x, mean, a, b });
  const wasm = backend as BackendWasm;
  const { rows, columns: channels } = lastAxisLayout(x.shape);
  requireShape(CENTRED_SUMS_KERNEL, 'mean', mean.shape, [channels]);
  requireShape(CENTRED_SUMS_KERNEL, 'a', a.shape, x.shape);
  if (b) requireShape(CENTRED_SUMS_KERNEL, 'b', b.shape, x.shape);
  const sums = wasm.makeOutput([b ? 5 : 2, channels], 'float32');
  nativeAddon().centredSums(heapView(wasm), {
    ...heapOffsets(wasm, { x, mean, a, sums }),
    b: b ? heapOffset(wasm, b) : -1,
    rows,
    channels,
  });
  return sums;
};

export const channelStatsConfigs: KernelConfig[] = [
  { kernelName: CHANNEL_MOMENTS_KERNEL, backendName: 'wasm', kernelFunc: momentsKernel },
  { kernelName: CENTRED_SUMS_KERNEL, backendName: 'wasm', kernelFunc: centredSumsKernel },
];
