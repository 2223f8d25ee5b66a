import {
  BatchMatMul,
  broadcast_util,
  util,
  _FusedMatMul,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type _FusedMatMulAttrs,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { fusedEpilogue, NO_EPILOGUE, type FusedInputs } from './epilogue.js';
import { heapOffset, heapView, requireFloat32 } from './wasm-heap.js';

/**
 * For each batch of an output with leading dimensions `outer`, the batch of an operand with
 * leading dimensions `own` it reads under numpy broadcasting (right-aligned, size-1 repeats).
 */
export function broadcastBatchIndex(outer: readonly number[], own: readonly number[]): Int32Array {
  const index = new Int32Array(util.sizeFromShape(outer as number[]));
  const skipped = outer.length - own.length;
  for (let batch = 0; batch < index.length; batch++) {
    let rest = batch;
    let offset = 0;
    let stride = 1;
    for (let d = outer.length - 1; d >= 0; d--) {
      const coordinate = rest % outer[d]!;
      rest = Math.floor(rest / outer[d]!);
      if (d < skipped) continue;
      const dim = own[d - skipped]!;
      if (dim !== 1) offset += coordinate * stride;
      stride *= dim;
    }
    index[batch] = offset;
  }
  return index;
}

function batchMatMul(
  kernel: string,
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  fused?: FusedInputs,
): TensorInfo {
  requireFloat32(kernel, { a, b });
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new Error(`${kernel} (native kernels): operands need rank >= 2, got [${a.shape}] and [${b.shape}]`);
  }
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [kB, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (k !== kB) {
    throw new Error(
      `${kernel} (native kernels): inner dimensions differ: [${a.shape}] and [${b.shape}] with ` +
        `transposeA=${transposeA}, transposeB=${transposeB}`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const epilogue = fused ? fusedEpilogue(kernel, backend, n, fused) : NO_EPILOGUE;
  const outShape = [...outer, m, n];
  const out = backend.makeOutput(outShape, 'float32');
  if (util.sizeFromShape(outShape) > 0) {
    nativeAddon().batchMatMul(heapView(backend), {
      a: heapOffset(backend, a),
      b: heapOffset(backend, b),
      out: heapOffset(backend, out),
      m,
      n,
      k,
      transposeA,
      transposeB,
      aBatches: util.sizeFromShape(outerA),
      bBatches: util.sizeFromShape(outerB),
      aBatch: broadcastBatchIndex(outer, outerA),
      bBatch: broadcastBatchIndex(outer, outerB),
      ...epilogue,
    });
  }
  return out;
}

const batchMatMulKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  return batchMatMul(BatchMatMul, backend as BackendWasm, a, b, transposeA, transposeB);
};

const fusedMatMulKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b, bias, preluActivationWeights } = inputs as {
    a: TensorInfo;
    b: TensorInfo;
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as _FusedMatMulAttrs;
  return batchMatMul(_FusedMatMul, backend as BackendWasm, a, b, transposeA, transposeB, {
    activation,
    bias,
    preluActivationWeights,
    leakyreluAlpha,
  });
};

export const batchMatMulConfig: KernelConfig = { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMulKernel };
export const fusedMatMulConfig: KernelConfig = { kernelName: _FusedMatMul, backendName: 'wasm', kernelFunc: fusedMatMulKernel };
