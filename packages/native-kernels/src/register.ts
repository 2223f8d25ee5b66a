import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { avgPoolGradConfig } from './kernels/avg-pool-grad.js';
import { batchMatMulConfig, fusedMatMulConfig } from './kernels/batch-matmul.js';
import { binaryConfigs } from './kernels/binary.js';
import { conv2dBackpropFilterConfig, conv2dBackpropInputConfig } from './kernels/conv2d-backprop.js';
import { conv2dConfig, fusedConv2dConfig } from './kernels/conv2d.js';
import { displaced } from './kernels/displaced.js';
import { channelAffineConfig } from './kernels/channel-affine.js';
import { channelStatsConfigs } from './kernels/channel-stats.js';
import { heatmapLossConfig } from './kernels/heatmap-loss.js';
import { lrpScaleConfigs } from './kernels/lrp-scale.js';
import { productRatioConfigs } from './kernels/product-ratio.js';
import { rankWeightsConfig } from './kernels/rank-weights.js';
import { reluGradConfig } from './kernels/relu-grad.js';
import { softmaxCrossEntropyConfigs } from './kernels/softmax-cross-entropy.js';
import { splitConcatConfigs } from './kernels/split-concat.js';
import { sumRowsConfig } from './kernels/sum-rows.js';
import { unaryConfigs } from './kernels/unary.js';
import { weightedSumConfig } from './kernels/weighted-sum.js';
import { loadNativeKernels } from './native.js';

const NATIVE_KERNELS: readonly KernelConfig[] = [
  conv2dConfig,
  fusedConv2dConfig,
  conv2dBackpropInputConfig,
  conv2dBackpropFilterConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  ...binaryConfigs,
  ...unaryConfigs,
  reluGradConfig,
  sumRowsConfig,
  channelAffineConfig,
  ...channelStatsConfigs,
  ...lrpScaleConfigs,
  ...productRatioConfigs,
  rankWeightsConfig,
  ...softmaxCrossEntropyConfigs,
  weightedSumConfig,
  heatmapLossConfig,
  avgPoolGradConfig,
  ...splitConcatConfigs,
];

/** Names of the 'wasm' kernels that registerNativeKernels() provides. */
export const NATIVE_KERNEL_NAMES: readonly string[] = NATIVE_KERNELS.map((config) => config.kernelName);

/**
 * Registers the native kernels for the 'wasm' backend in place of the ones it has (and of
 * Conv2DBackpropFilter, which it lacks); returns their names. Idempotent. Throws if the addon
 * cannot be loaded: check loadNativeKernels() first to fall back quietly.
 */
export function registerNativeKernels(): string[] {
  const status = loadNativeKernels();
  if (!status.ok) throw new Error(`native kernels unavailable: ${status.reason}`);
  for (const config of NATIVE_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current === config) continue;
    if (current) {
      displaced.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
  return [...NATIVE_KERNEL_NAMES];
}

/** Removes the native kernels and restores the 'wasm' kernels they displaced. */
export function unregisterNativeKernels(): void {
  // A wasm kernel binds its C function in its setup, which the backend runs only for kernels
  // registered when it initialises: one displaced before that never had it run, so run it on
  // the live backend (running it twice is harmless).
  const liveBackend = tf.findBackend('wasm');
  for (const config of NATIVE_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') !== config) continue;
    tf.unregisterKernel(config.kernelName, 'wasm');
    const original = displaced.get(config.kernelName);
    if (original) {
      tf.registerKernel(original);
      if (liveBackend && original.setupFunc) original.setupFunc(liveBackend);
    }
  }
  displaced.clear();
}
