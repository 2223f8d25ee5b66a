import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { SUM_ROWS_KERNEL } from '@isnet-bench/native-kernels';
import { callKernel, release, writeTensor } from './call-kernel.js';

/**
 * Sum or mean over leading axes (bias and batch-norm statistics and gradients: NHWC -> C) by
 * the native column-sum kernel where it is loaded, else as a matrix product w[1, rows] x
 * x[rows, C] with w = 1 (or 1/rows) on the backend's BatchMatMul. The 'wasm' kernels
 * transpose the reduced axes innermost first and then reduce in a scalar loop: ~9 ms for a
 * 64x28x28x32 activation. A full reduction reduces the leading axes this way, then the last
 * with the stock kernel (a mean of equal groups' means is the mean). Other axis patterns and
 * dtypes keep the stock kernel.
 */
export function leadingAxesReductionConfig(kernelName: 'Sum' | 'Mean', backendName: string): KernelConfig {
  const stock = tf.getKernel(kernelName, backendName);
  if (!stock) throw new Error(`no ${kernelName} kernel on '${backendName}' to wrap`);
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))];
    // Axes of size 1 do not matter: the reduction is over leading axes if no kept axis of
    // size > 1 comes before a reduced one (Tile's gradient reduces [r0, 1, r1, 1, ..., C]).
    const sized = x.shape.map((size, i) => ({ size, reduced: axes.includes(i) })).filter((a) => a.size > 1);
    const firstKept = sized.findIndex((a) => !a.reduced);
    const leadingOnly = firstKept === -1 || sized.slice(firstKept).every((a) => !a.reduced);
    // A full reduction reduces all but the last sized axis here, that one with the stock kernel.
    const split = firstKept === -1 ? sized.length - 1 : firstKept;
    if (x.dtype !== 'float32' || !leadingOnly || split < 1 || x.shape.includes(0)) return stock.kernelFunc(args);
    const rows = sized.slice(0, split).reduce((n, a) => n * a.size, 1);
    const columns = sized.slice(split).reduce((n, a) => n * a.size, 1);
    const outShape = x.shape.filter((_, i) => !axes.includes(i));
    const product = columnSums(backend, backendName, x, rows, columns, kernelName === 'Mean' ? 1 / rows : 1);
    let out: TensorInfo;
    if (firstKept === -1) {
      const vector = callKernel('Reshape', backend, backendName, { x: product }, { shape: [columns] });
      const total = stock.kernelFunc({ ...args, inputs: { x: vector }, attrs: { axis: [0], keepDims: false } }) as TensorInfo;
      out = callKernel('Reshape', backend, backendName, { x: total }, { shape: outShape });
      release(backend, vector, total);
    } else {
      out = callKernel('Reshape', backend, backendName, { x: product }, { shape: outShape });
    }
    release(backend, product);
    if (!keepDims) return out;
    const kept = callKernel('Reshape', backend, backendName, { x: out }, { shape: x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) });
    release(backend, out);
    return kept;
  };
  return { kernelName, backendName, kernelFunc };
}

/** weight * (sums over rows of x read as [rows, columns]), as a tensor of `columns` values. */
function columnSums(backend: KernelBackend, backendName: string, x: TensorInfo, rows: number, columns: number, weight: number): TensorInfo {
  if (tf.getKernel(SUM_ROWS_KERNEL, backendName)) {
    const matrix = callKernel('Reshape', backend, backendName, { x }, { shape: [rows, columns] });
    const sums = callKernel(SUM_ROWS_KERNEL, backend, backendName, { x: matrix });
    release(backend, matrix);
    if (weight === 1) return sums;
    const factor = writeTensor(backend, Float32Array.of(weight), []);
    const weighted = callKernel('Multiply', backend, backendName, { a: sums, b: factor });
    release(backend, sums, factor);
    return weighted;
  }
  const weights = writeTensor(backend, new Float32Array(rows).fill(weight), [1, 1, rows]);
  const matrix = callKernel('Reshape', backend, backendName, { x }, { shape: [1, rows, columns] });
  const product = callKernel('BatchMatMul', backend, backendName, { a: weights, b: matrix }, { transposeA: false, transposeB: false });
  release(backend, weights, matrix);
  return product;
}
