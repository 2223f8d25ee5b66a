import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo, TypedArray } from '@tensorflow/tfjs';
import { callKernel, release, writeTensor } from './call-kernel.js';

/**
 * BatchMatMul that transposes operands explicitly before calling the backend's own kernel:
 * 'wasm' runs transposed operands through a naive loop ~30x slower than its fast path,
 * and backward passes of dense layers always transpose one operand.
 *
 * It also works around the 'wasm' kernel caching its XNNPACK operator by b's data alone: the
 * same data multiplied under another shape (a reshape shares the data; column sums do this)
 * reused the operator built for the first shape and wrote past the heap buffers. Such a b is
 * copied to fresh data first.
 */
export function transposingBatchMatMulConfig(backendName: string): KernelConfig {
  const original = tf.getKernel('BatchMatMul', backendName);
  if (!original) throw new Error(`no BatchMatMul kernel on '${backendName}' to wrap`);
  const shapeOfB = new WeakMap<object, string>();
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const temps: TensorInfo[] = [];
    const operand = (t: TensorInfo, transpose: boolean) => {
      if (!transpose) return t;
      const rank = t.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const out = callKernel('Transpose', backend, backendName, { x: t }, { perm });
      temps.push(out);
      return out;
    };
    let right = operand(b, transposeB);
    if (right === b) {
      const shape = b.shape.join(',');
      const first = shapeOfB.get(b.dataId);
      if (first === undefined) shapeOfB.set(b.dataId, shape);
      else if (first !== shape) {
        // (Identity would share the data: this engine's Identity does not copy.)
        right = writeTensor(backend, (backend as KernelBackend).readSync(b.dataId) as TypedArray, b.shape, b.dtype);
        temps.push(right);
      }
    }
    const result = original.kernelFunc({
      inputs: { a: operand(a, transposeA), b: right },
      attrs: { transposeA: false, transposeB: false },
      backend,
    }) as TensorInfo;
    release(backend, ...temps);
    return result;
  };
  return { kernelName: 'BatchMatMul', backendName, kernelFunc };
}
