import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffset, heapView, lastAxisLayout, requireFloat32, requireShape } from './wasm-heap.js';

/**
 * A kernel of this suite's own: x [..., n], weights [n] -> out of x's shape with out[..., i] =
 * weights[descending rank of x[..., i] along the last axis], ties ranking the lower index
 * first (tf.topk's order): GWRP's ranking, sorted natively instead of in JavaScript. The
 * engine's rankWeights op runs it when it is registered.
 */
export const RANK_WEIGHTS_KERNEL = 'IsnetRankWeights';

const kernelFunc: KernelFunc = ({ inputs, backend }) => {
  const { x, weights } = inputs as { x: TensorInfo; weights: TensorInfo };
  requireFloat32(RANK_WEIGHTS_KERNEL, { x, weights });
  const { rows, columns: n } = lastAxisLayout(x.shape);
  requireShape(RANK_WEIGHTS_KERNEL, 'weights', weights.shape, [n]);
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(x.shape, 'float32');
  nativeAddon().rankWeights(heapView(wasm), { x: heapOffset(wasm, x), weights: heapOffset(wasm, weights), out: heapOffset(wasm, out), rows, n });
  return out;
};

export const rankWeightsConfig: KernelConfig = { kernelName: RANK_WEIGHTS_KERNEL, backendName: 'wasm', kernelFunc };
