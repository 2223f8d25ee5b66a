import * as tf from '@tensorflow/tfjs';
import type { GradConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterGradConfig } from './conv-backprop-filter-grad.js';
import { COMPARISON_GRADIENTS } from './comparison-grads.js';
import { depthwiseBackpropFilterGradConfig, depthwiseBackpropInputGradConfig } from './depthwise-grad-grads.js';
import { eluGradGradConfig } from './elu-grad-grad.js';
import { avgPoolGradGradConfig, maxPoolGradGradConfig } from './pool-grad-grads.js';
import { resizeBilinearGradGradConfig, resizeNearestNeighborGradGradConfig } from './resize-grad-grads.js';
import { batchNormGradConfig } from './batch-norm-grad.js';
import { fusedConv2dGradConfig, fusedMatMulGradConfig } from './fused-linear-grads.js';
import { meanGradConfig, sumGradConfig } from './sum-mean-grads.js';
import { reluGradConfig, reluGradGradConfig } from './relu-grad.js';
import { tileGradConfig } from './tile-grad.js';
import { eluGradConfig, expGradConfig, powGradConfig, sigmoidGradConfig, softmaxGradConfig, tanhGradConfig } from './saved-input-grads.js';

/** Gradients of gradient kernels that stock TF.js lacks (second order would throw). */
export const MISSING_GRADIENTS: GradConfig[] = [
  maxPoolGradGradConfig,
  avgPoolGradGradConfig,
  resizeBilinearGradGradConfig,
  resizeNearestNeighborGradGradConfig,
  depthwiseBackpropInputGradConfig,
  depthwiseBackpropFilterGradConfig,
  conv2dBackpropFilterGradConfig,
  eluGradGradConfig,
  ...COMPARISON_GRADIENTS,
  // Fused kernels run directly (ops/linear-with-bias.ts), outside tf.fused's customGrad.
  fusedConv2dGradConfig,
  fusedMatMulGradConfig,
  // The suite's own fused kernel (ops/relu-gradient.ts).
  reluGradGradConfig,
];

/** Gradients whose stock version silently breaks second order (saved outputs). */
export const CORRECTED_GRADIENTS: GradConfig[] = [
  expGradConfig,
  sigmoidGradConfig,
  tanhGradConfig,
  eluGradConfig,
  softmaxGradConfig,
  powGradConfig,
];

/** Gradients whose stock version is correct but far too slow for training. */
export const FASTER_GRADIENTS: GradConfig[] = [tileGradConfig, batchNormGradConfig, sumGradConfig, meanGradConfig, reluGradConfig];

const ALL = [...MISSING_GRADIENTS, ...CORRECTED_GRADIENTS, ...FASTER_GRADIENTS];

let registered: string[] | undefined;

/** Registers every gradient above once (global to TF.js, independent of the backend). */
export function registerGradients(): string[] {
  if (registered) return registered;
  const quiet = silenceOverrideWarnings();
  try {
    for (const config of ALL) tf.registerGradient(config);
  } finally {
    quiet.restore();
  }
  registered = ALL.map((c) => c.kernelName);
  return registered;
}

/** TF.js warns on every intentional override; those warnings would bury real ones. */
function silenceOverrideWarnings() {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Overriding the gradient')) return;
    warn(...args);
  };
  return { restore: () => (console.warn = warn) };
}
