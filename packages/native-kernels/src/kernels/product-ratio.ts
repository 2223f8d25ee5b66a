import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffset, heapView, requireElementwise } from './wasm-heap.js';

/**
 * Kernels of this suite's own: (a, b, c) -> (a * b) / c, LRP's relevance (activation times
 * gradient) over its stabilised denominator, and its gradient (g, a, b, c) -> [g / c * b,
 * g / c * a, -(g * (a * b)) / (c * c)], each one pass over operands of one shape. The
 * engine's productRatio op runs them when registered and composes them otherwise.
 */
export const PRODUCT_RATIO_KERNEL = 'IsnetProductRatio';
export const PRODUCT_RATIO_GRAD_KERNEL = 'IsnetProductRatioGrad';

const ratio: KernelFunc = ({ inputs, backend }) => {
  const { a, b, c } = inputs as Record<'a' | 'b' | 'c', TensorInfo>;
  requireElementwise(PRODUCT_RATIO_KERNEL, { a, b, c });
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(a.shape, 'float32');
  nativeAddon().productRatio(heapView(wasm), { a: heapOffset(wasm, a), b: heapOffset(wasm, b), c: heapOffset(wasm, c), out: heapOffset(wasm, out), size: util.sizeFromShape(a.shape) });
  return out;
};

const ratioGrad: KernelFunc = ({ inputs, backend }) => {
  const { g, a, b, c } = inputs as Record<'g' | 'a' | 'b' | 'c', TensorInfo>;
  requireElementwise(PRODUCT_RATIO_GRAD_KERNEL, { g, a, b, c });
  const wasm = backend as BackendWasm;
  const [da, db, dc] = [0, 1, 2].map(() => wasm.makeOutput(g.shape, 'float32'));
  nativeAddon().productRatioGrad(heapView(wasm), {
    g: heapOffset(wasm, g),
    a: heapOffset(wasm, a),
    b: heapOffset(wasm, b),
    c: heapOffset(wasm, c),
    da: heapOffset(wasm, da!),
    db: heapOffset(wasm, db!),
    dc: heapOffset(wasm, dc!),
    size: util.sizeFromShape(g.shape),
  });
  return [da!, db!, dc!];
};

export const productRatioConfigs: KernelConfig[] = [
  { kernelName: PRODUCT_RATIO_KERNEL, backendName: 'wasm', kernelFunc: ratio },
  { kernelName: PRODUCT_RATIO_GRAD_KERNEL, backendName: 'wasm', kernelFunc: ratioGrad },
];
