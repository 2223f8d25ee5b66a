import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import type { BackendName } from '../backend.js';
import { avgPoolGradConfig } from './avg-pool-grad.js';
import { composedBatchNormConfig } from './batch-norm.js';
import { transposingBatchMatMulConfig } from './batch-matmul.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { maxPoolGradGradConfig } from './max-pool-grad-grad.js';
import { resizeBilinearGradConfig, resizeNearestNeighborGradConfig } from './resize-grads.js';
import { sharingCastConfig, sharingIdentityConfig } from './shared-buffer.js';
import { leadingAxesReductionConfig } from './reduction.js';
import { blockCopyTileConfig } from './tile.js';
import { blockCopyUnpackConfig } from './unpack.js';
import { blockCopySplitVConfig } from './split-v.js';
import { blockCopyConcatConfig } from './concat.js';

export { MAX_POOL_GRAD_GRAD } from './max-pool-grad-grad.js';

/** Kernels each backend needs for second-order training of conv nets, beyond its own. */
function trainingKernels(backend: BackendName): KernelConfig[] {
  if (backend === 'tensorflow') return [maxPoolGradGradConfig(backend)];
  // Stock 'cpu' and 'wasm' gradient kernels that disagree with finite differences.
  const corrected = [avgPoolGradConfig(backend), resizeBilinearGradConfig(backend), resizeNearestNeighborGradConfig(backend)];
  const common = [maxPoolGradGradConfig(backend), ...corrected, blockCopyTileConfig(backend)];
  if (backend !== 'wasm') return common;
  return [
    ...common,
    depthwiseBackpropInputConfig('wasm'),
    depthwiseBackpropFilterConfig('wasm'),
    conv2dBackpropFilterConfig('wasm'),
    conv2dBackpropInputConfig('wasm'),
    transposingBatchMatMulConfig('wasm'),
    maxPoolGradConfig('wasm'),
    // Not about correctness: copies and slow reductions that dominated ISNet steps.
    sharingIdentityConfig('wasm'),
    sharingCastConfig('wasm'),
    leadingAxesReductionConfig('Sum', 'wasm'),
    leadingAxesReductionConfig('Mean', 'wasm'),
    composedBatchNormConfig('wasm'),
    blockCopyUnpackConfig(),
    blockCopySplitVConfig(),
    blockCopyConcatConfig(),
  ];
}

const done = new Map<BackendName, string[]>();

/** Registers (replacing where the backend has a slow or wrong one) the training kernels. */
export function registerTrainingKernels(backend: BackendName): string[] {
  const already = done.get(backend);
  if (already) return already;
  const names: string[] = [];
  for (const config of trainingKernels(backend)) {
    if (tf.getKernel(config.kernelName, backend)) tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel(config);
    names.push(config.kernelName);
  }
  done.set(backend, names);
  return names;
}
