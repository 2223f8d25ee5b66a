import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffset, heapView, requireFloat32, requireRank } from './wasm-heap.js';

/**
 * A kernel of this suite's own (no TF.js op calls it): x [rows, columns] -> its column sums
 * [columns]. The engine's Sum and Mean over leading axes use it when it is registered; a
 * matrix product with a ones vector (their fallback) packs the whole tensor first.
 */
export const SUM_ROWS_KERNEL = 'IsnetSumRows';

const kernelFunc: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  requireFloat32(SUM_ROWS_KERNEL, { x });
  requireRank(SUM_ROWS_KERNEL, 'x', x.shape, 2);
  const wasm = backend as BackendWasm;
  const [rows, columns] = x.shape as [number, number];
  const out = wasm.makeOutput([columns], 'float32');
  nativeAddon().sumRows(heapView(wasm), { x: heapOffset(wasm, x), out: heapOffset(wasm, out), rows, columns });
  return out;
};

export const sumRowsConfig: KernelConfig = { kernelName: SUM_ROWS_KERNEL, backendName: 'wasm', kernelFunc };
