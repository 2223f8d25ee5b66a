import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffsets, heapView, requireStacked } from './wasm-heap.js';

/**
 * Kernels of this suite's own: (a, b, c) -> (a * b) / c, LRP's relevance (activation times
 * gradient) over its stabilised denominator, and its gradient (g, a, b, c) -> [g / c * b,
 * g / c * a, -(g * (a * b)) / (c * c)], each one pass. b and g may stack k copies of a's
 * and c's batch ([k B, ...], one per explained class); da and dc then sum over the copies.
 * The engine's productRatio op runs them when registered and composes them otherwise.
 */
export const PRODUCT_RATIO_KERNEL = 'IsnetProductRatio';
export const PRODUCT_RATIO_GRAD_KERNEL = 'IsnetProductRatioGrad';

const ratio: KernelFunc = ({ inputs, backend }) => {
  const { a, b, c } = inputs as Record<'a' | 'b' | 'c', TensorInfo>;
  const copies = requireStacked(PRODUCT_RATIO_KERNEL, { b }, { a, c });
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(b.shape, 'float32');
  nativeAddon().productRatio(heapView(wasm), { ...heapOffsets(wasm, { a, b, c, out }), size: util.sizeFromShape(a.shape), copies });
  return out;
};

const ratioGrad: KernelFunc = ({ inputs, backend }) => {
  const { g, a, b, c } = inputs as Record<'g' | 'a' | 'b' | 'c', TensorInfo>;
  const copies = requireStacked(PRODUCT_RATIO_GRAD_KERNEL, { g, b }, { a, c });
  const wasm = backend as BackendWasm;
  const [da, db, dc] = [a.shape, b.shape, c.shape].map((shape) => wasm.makeOutput(shape, 'float32'));
  nativeAddon().productRatioGrad(heapView(wasm), { ...heapOffsets(wasm, { g, a, b, c, da: da!, db: db!, dc: dc! }), size: util.sizeFromShape(a.shape), copies });
  return [da!, db!, dc!];
};

export const productRatioConfigs: KernelConfig[] = [
  { kernelName: PRODUCT_RATIO_KERNEL, backendName: 'wasm', kernelFunc: ratio },
  { kernelName: PRODUCT_RATIO_GRAD_KERNEL, backendName: 'wasm', kernelFunc: ratioGrad },
];
