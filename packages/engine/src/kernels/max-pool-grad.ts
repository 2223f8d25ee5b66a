import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { maxPoolInfo, maxPoolWinners } from './max-pool-argmax.js';

/**
 * MaxPoolGrad that scatters dy to the first maximum of each window. Replaces the 'wasm'
 * kernel, which routes the gradient to a wrong position when every value of a window is
 * negative (its running maximum starts at 0).
 */
const maxPoolGrad: KernelFunc = ({ inputs, attrs, backend: anyBackend }) => {
  const backend = anyBackend as KernelBackend;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const info = maxPoolInfo(input.shape, attrs as never);
  const winners = maxPoolWinners(backend.readSync(input.dataId) as Float32Array, info);
  const dyValues = backend.readSync(dy.dataId) as Float32Array;
  const dx = new Float32Array(input.shape.reduce((a, b) => a * b, 1));
  for (let o = 0; o < winners.length; o++) {
    const w = winners[o]!;
    if (w >= 0) dx[w]! += dyValues[o]!;
  }
  return { dataId: backend.write(dx, input.shape, 'float32'), shape: input.shape, dtype: 'float32' };
};

export function maxPoolGradConfig(backendName: string): KernelConfig {
  return { kernelName: 'MaxPoolGrad', backendName, kernelFunc: maxPoolGrad };
}
