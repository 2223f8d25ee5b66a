import * as tf from '@tensorflow/tfjs';
import type { DataType, KernelBackend, NamedAttrMap, TensorInfo, TypedArray } from '@tensorflow/tfjs';

/**
 * Runs a backend's registered kernel directly, outside the engine: no tape, no tracking.
 * Composed kernels use this so that their intermediate steps never reach autodiff;
 * every TensorInfo it returns must be released with `release`.
 */
export function callKernel(
  kernelName: string,
  backend: object,
  backendName: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = tf.getKernel(kernelName, backendName);
  if (!kernel) throw new Error(`no ${kernelName} kernel is registered for backend '${backendName}'`);
  return kernel.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
}

export function release(backend: object, ...infos: TensorInfo[]): void {
  for (const info of infos) (backend as KernelBackend).disposeData(info.dataId);
}

/** Host values written to the backend as a kernel output (or a constant operand to release). */
export function writeTensor(backend: object, values: TypedArray, shape: number[], dtype: DataType = 'float32'): TensorInfo {
  return { dataId: (backend as KernelBackend).write(values, shape, dtype), shape, dtype };
}
