import type { KernelConfig } from '@tensorflow/tfjs';
import { hostKernel } from './host-kernel.js';
import { maxPoolInfo, maxPoolWinners } from './max-pool-argmax.js';

/**
 * MaxPoolGrad that scatters dy to the first maximum of each window. Replaces the 'wasm'
 * kernel, which routes the gradient to a wrong position when every value of a window is
 * negative (its running maximum starts at 0).
 */
export function maxPoolGradConfig(backendName: string): KernelConfig {
  return hostKernel('MaxPoolGrad', backendName, ({ dy, input }, attrs) => {
    const winners = maxPoolWinners(input!.values, maxPoolInfo(input!.shape, attrs as never));
    const dx = new Float32Array(input!.values.length);
    for (let o = 0; o < winners.length; o++) {
      const w = winners[o]!;
      if (w >= 0) dx[w]! += dy!.values[o]!;
    }
    return { shape: input!.shape, values: dx };
  });
}
