import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffsets, heapView, requireElementwise } from './wasm-heap.js';

/**
 * A kernel of this suite's own: (a, b; alpha, beta) -> alpha a + beta b for operands of one
 * shape, one pass: an optimiser's update of a variable (w - lr g, momentum v + g) as one op
 * instead of a multiply by an uploaded scalar and an add. The engine's weightedSum op runs it
 * when registered and composes it otherwise.
 */
export const WEIGHTED_SUM_KERNEL = 'IsnetWeightedSum';

const weightedSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as Record<'a' | 'b', TensorInfo>;
  requireElementwise(WEIGHTED_SUM_KERNEL, { a, b });
  const { alpha, beta } = attrs as unknown as { alpha: number; beta: number };
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(a.shape, 'float32');
  nativeAddon().weightedSum(heapView(wasm), { ...heapOffsets(wasm, { a, b, out }), size: util.sizeFromShape(a.shape), alpha, beta });
  return out;
};

export const weightedSumConfig: KernelConfig = { kernelName: WEIGHTED_SUM_KERNEL, backendName: 'wasm', kernelFunc: weightedSum };
