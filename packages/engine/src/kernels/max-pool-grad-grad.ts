import type { KernelConfig } from '@tensorflow/tfjs';
import { hostKernel } from './host-kernel.js';
import { maxPoolInfo, maxPoolWinners } from './max-pool-argmax.js';

/** Kernel name of the derivative of MaxPoolGrad with respect to dy (TensorFlow's MaxPoolGradGrad). */
export const MAX_POOL_GRAD_GRAD = 'IsnetMaxPoolGradGrad';

/**
 * MaxPoolGrad is linear in dy: it scatters dy to each window's winner. Its adjoint gathers
 * the incoming gradient at those winners, giving a tensor of the pooled output's shape.
 */
export function maxPoolGradGradConfig(backendName: string): KernelConfig {
  return hostKernel(MAX_POOL_GRAD_GRAD, backendName, ({ input, grad }, attrs) => {
    const info = maxPoolInfo(input!.shape, attrs as never);
    const winners = maxPoolWinners(input!.values, info);
    const out = new Float32Array(winners.length);
    for (let o = 0; o < winners.length; o++) {
      const w = winners[o]!;
      out[o] = w >= 0 ? grad!.values[w]! : 0;
    }
    return { shape: info.outShape, values: out };
  });
}
