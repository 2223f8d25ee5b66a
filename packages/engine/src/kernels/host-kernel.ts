import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo, TypedArray } from '@tensorflow/tfjs';
import { writeTensor } from './call-kernel.js';

/**
 * A kernel computed in JavaScript on host copies of its inputs: for the small gradient
 * kernels whose stock versions are wrong or missing. Works on every backend that can read
 * and write its tensors synchronously ('cpu', 'wasm', 'tensorflow').
 */
export function hostKernel(
  kernelName: string,
  backendName: string,
  compute: (inputs: Record<string, { shape: number[]; values: TypedArray }>, attrs: NamedAttrMap) => { shape: number[]; values: Float32Array },
): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
    const host = backend as KernelBackend;
    const read = Object.fromEntries(
      Object.entries(inputs as Record<string, TensorInfo>).map(([name, info]) => [
        name,
        { shape: info.shape, values: host.readSync(info.dataId) as TypedArray },
      ]),
    );
    const { shape, values } = compute(read, attrs ?? {});
    return writeTensor(host, values, shape);
  };
  return { kernelName, backendName, kernelFunc };
}
