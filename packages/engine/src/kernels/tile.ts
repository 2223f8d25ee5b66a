import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo, TypedArray } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { writeTensor } from './call-kernel.js';

/**
 * Tile by block copies: each input row is written once, then every axis's filled span is
 * copied for its repeats (copyWithin), innermost axis first. The stock kernels compute an
 * index per output element ('wasm': ~45 ms to broadcast a [1,1,1,16] statistic over a
 * 64x28x28x16 activation, which sum and mean gradients do on every step; 'cpu' is slower
 * still). On 'wasm' it works in the heap in place; elsewhere on host arrays.
 */
export function blockCopyTileConfig(backendName: string): KernelConfig {
  const stock = tf.getKernel('Tile', backendName);
  if (!stock) throw new Error(`no Tile kernel on '${backendName}' to wrap`);
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x.dtype === 'string') return stock.kernelFunc(args);
    const outShape = x.shape.map((size, d) => size * reps[d]!);
    if (backendName === 'wasm') {
      const backend = args.backend as BackendWasm;
      const out = backend.makeOutput(outShape, x.dtype);
      if (!outShape.includes(0)) tileInto(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), x.shape, reps);
      return out;
    }
    const backend = args.backend as KernelBackend;
    const source = backend.readSync(x.dataId) as TypedArray;
    const target = new (source.constructor as new (length: number) => TypedArray)(outShape.reduce((n, d) => n * d, 1));
    if (target.length > 0) tileInto(source, target, x.shape, reps);
    return writeTensor(backend, target, outShape, x.dtype);
  };
  return { kernelName: 'Tile', backendName, kernelFunc };
}

function tileInto(source: TypedArray, target: TypedArray, shape: number[], reps: number[]): void {
  if (shape.length === 0) {
    target[0] = source[0]!;
    return;
  }
  const last = shape.length - 1;
  const inStride = strides(shape);
  const outStride = strides(shape.map((size, d) => size * reps[d]!));
  const fill = (d: number, inOffset: number, outOffset: number): void => {
    if (d === last) {
      const row = shape[d]!;
      if (row === 1) target.fill(source[inOffset]!, outOffset, outOffset + reps[d]!);
      else for (let r = 0; r < reps[d]!; r++) target.set(source.subarray(inOffset, inOffset + row), outOffset + r * row);
      return;
    }
    for (let i = 0; i < shape[d]!; i++) fill(d + 1, inOffset + i * inStride[d]!, outOffset + i * outStride[d]!);
    const span = shape[d]! * outStride[d]!;
    for (let r = 1; r < reps[d]!; r++) target.copyWithin(outOffset + r * span, outOffset, outOffset + span);
  };
  fill(0, 0, 0);
}

function strides(shape: number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) result[d] = result[d + 1]! * shape[d + 1]!;
  return result;
}
