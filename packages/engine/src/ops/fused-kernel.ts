import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/**
 * Whether one of the suite's fused float32 kernels (registered by the native kernels on
 * 'wasm') runs on the current backend for these operands; ops compose it otherwise.
 */
export function fusedKernelRuns(kernel: string, operands: Tensor[]): boolean {
  return operands.every((t) => t.dtype === 'float32') && tf.getKernel(kernel, tf.getBackend()) !== undefined;
}

/** The same for an elementwise kernel: also every operand of the first one's shape. */
export function fusedElementwiseRuns(kernel: string, operands: Tensor[]): boolean {
  return fusedKernelRuns(kernel, operands) && operands.every((t) => tf.util.arraysEqual(t.shape, operands[0]!.shape));
}
