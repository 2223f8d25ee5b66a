import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, release } from './call-kernel.js';

/**
 * BatchMatMul that transposes operands explicitly before calling the backend's own kernel:
 * 'wasm' runs transposed operands through a naive loop ~30x slower than its fast path,
 * and backward passes of dense layers always transpose one operand.
 */
export function transposingBatchMatMulConfig(backendName: string): KernelConfig {
  const original = tf.getKernel('BatchMatMul', backendName);
  if (!original) throw new Error(`no BatchMatMul kernel on '${backendName}' to wrap`);
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, attrs, backend });
    const temps: TensorInfo[] = [];
    const operand = (t: TensorInfo, transpose: boolean) => {
      if (!transpose) return t;
      const rank = t.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const out = callKernel('Transpose', backend, backendName, { x: t }, { perm });
      temps.push(out);
      return out;
    };
    const result = original.kernelFunc({
      inputs: { a: operand(a, transposeA), b: operand(b, transposeB) },
      attrs: { transposeA: false, transposeB: false },
      backend,
    }) as TensorInfo;
    release(backend, ...temps);
    return result;
  };
  return { kernelName: 'BatchMatMul', backendName, kernelFunc };
}
