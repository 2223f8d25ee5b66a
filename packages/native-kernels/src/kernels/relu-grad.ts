import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffsets, heapView, requireElementwise } from './wasm-heap.js';

/**
 * A kernel of this suite's own: ReLU's gradient (dy, x) -> dy * step(x) in one pass, where
 * TF.js's gradient runs a Step and a Multiply over the activation. The engine's reluGradient
 * op (and its Relu gradient) run it when it is registered.
 */
export const RELU_GRAD_KERNEL = 'IsnetReluGrad';

const kernelFunc: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  requireElementwise(RELU_GRAD_KERNEL, { dy, x });
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(dy.shape, 'float32');
  nativeAddon().reluGrad(heapView(wasm), { ...heapOffsets(wasm, { dy, x, out }), size: util.sizeFromShape(dy.shape) });
  return out;
};

export const reluGradConfig: KernelConfig = { kernelName: RELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc };
