import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, release } from './call-kernel.js';

/**
 * Sum over leading axes (bias and batch-norm gradients: NHWC -> C) as a matrix product
 * ones[1, rows] x x[rows, C], on the backend's (native, where loaded) BatchMatMul. The 'wasm'
 * kernel transposes the reduced axes innermost first and then sums in a scalar loop: ~9 ms
 * for a 64x28x28x32 activation. A full reduction sums leading axes this way, then the last.
 * Other axis patterns (and non-float32 tensors) keep the stock kernel.
 */
export function leadingAxesSumConfig(backendName: string): KernelConfig {
  const stock = tf.getKernel('Sum', backendName);
  if (!stock) throw new Error(`no Sum kernel on '${backendName}' to wrap`);
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    const leading = axes.every((a, i) => a === i) ? axes.length : 0;
    const prefix = leading === rank ? rank - 1 : leading;
    if (x.dtype !== 'float32' || prefix === 0 || x.shape.some((d) => d === 0)) return stock.kernelFunc(args);
    const rows = x.shape.slice(0, prefix).reduce((a, b) => a * b, 1);
    const rest = x.shape.slice(prefix);
    const columns = rest.reduce((a, b) => a * b, 1);
    const ones = { dataId: backend.write(new Float32Array(rows).fill(1), [1, 1, rows], 'float32'), shape: [1, 1, rows], dtype: 'float32' } as TensorInfo;
    const matrix = callKernel('Reshape', backend, backendName, { x }, { shape: [1, rows, columns] });
    const product = callKernel('BatchMatMul', backend, backendName, { a: ones, b: matrix }, { transposeA: false, transposeB: false });
    release(backend, ones, matrix);
    let out: TensorInfo;
    if (leading === rank) {
      // Leading axes done; the last one remains.
      const vector = callKernel('Reshape', backend, backendName, { x: product }, { shape: [columns] });
      out = stock.kernelFunc({ ...args, inputs: { x: vector }, attrs: { axis: [0], keepDims: false } }) as TensorInfo;
      release(backend, vector);
    } else {
      out = callKernel('Reshape', backend, backendName, { x: product }, { shape: rest });
    }
    release(backend, product);
    if (!keepDims) return out;
    const kept = callKernel('Reshape', backend, backendName, { x: out }, { shape: x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) });
    release(backend, out);
    return kept;
  };
  return { kernelName: 'Sum', backendName, kernelFunc };
}
