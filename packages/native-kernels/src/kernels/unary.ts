import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { MIN_NATIVE_ELEMENTS } from './binary.js';
import { displacedKernel } from './displaced.js';
import { heapOffset, heapView } from './wasm-heap.js';

const OPS = { Neg: 0, Relu: 1, Square: 2, Step: 3 } as const;
type UnaryKernel = keyof typeof OPS;

function unaryConfig(kernelName: UnaryKernel): KernelConfig {
  const fallback = displacedKernel(kernelName);
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const size = util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || size < MIN_NATIVE_ELEMENTS) return fallback(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(x.shape, 'float32');
    const alpha = kernelName === 'Step' ? ((args.attrs as { alpha?: number }).alpha ?? 0) : 0;
    nativeAddon().unary(heapView(backend), { op: OPS[kernelName], x: heapOffset(backend, x), out: heapOffset(backend, out), size, alpha });
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

/** Neg, Relu, Square and Step of float32 tensors, multi-threaded; small ones go to wasm. */
export const unaryConfigs: KernelConfig[] = (Object.keys(OPS) as UnaryKernel[]).map(unaryConfig);
