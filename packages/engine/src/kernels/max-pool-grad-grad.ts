import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { maxPoolInfo, maxPoolWinners } from './max-pool-argmax.js';

/** Kernel name of the derivative of MaxPoolGrad with respect to dy (TensorFlow's MaxPoolGradGrad). */
export const MAX_POOL_GRAD_GRAD = 'IsnetMaxPoolGradGrad';

/**
 * MaxPoolGrad is linear in dy: it scatters dy to each window's winner. Its adjoint gathers
 * the incoming gradient at those winners, giving a tensor of the pooled output's shape.
 */
const maxPoolGradGrad: KernelFunc = ({ inputs, attrs, backend: anyBackend }) => {
  const backend = anyBackend as KernelBackend;
  const { input, grad } = inputs as { input: TensorInfo; grad: TensorInfo };
  const info = maxPoolInfo(input.shape, attrs as never);
  const winners = maxPoolWinners(backend.readSync(input.dataId) as Float32Array, info);
  const g = backend.readSync(grad.dataId) as Float32Array;
  const out = new Float32Array(winners.length);
  for (let o = 0; o < winners.length; o++) {
    const w = winners[o]!;
    out[o] = w >= 0 ? g[w]! : 0;
  }
  return { dataId: backend.write(out, info.outShape, 'float32'), shape: info.outShape, dtype: 'float32' };
};

export function maxPoolGradGradConfig(backendName: string): KernelConfig {
  return { kernelName: MAX_POOL_GRAD_GRAD, backendName, kernelFunc: maxPoolGradGrad };
}
