import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { displacedKernel } from './displaced.js';
import { heapOffset, heapView } from './wasm-heap.js';

/**
 * SplitV and Concat along any axis as parallel run copies (memcpy) in the heap, for 4-byte
 * dtypes (others go to the displaced kernels): a DenseNet block splits and joins its
 * channels on every layer, forward and backward.
 */

const copyable = (dtype: string) => dtype === 'float32' || dtype === 'int32';

/** Values before and after an axis: [outer, inner]. */
const aroundAxis = (shape: readonly number[], axis: number): [number, number] => [util.sizeFromShape(shape.slice(0, axis)), util.sizeFromShape(shape.slice(axis + 1))];

const splitV: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  if (!copyable(x.dtype)) return displacedKernel('SplitV')(args);
  const { numOrSizeSplits, axis: given } = args.attrs as unknown as { numOrSizeSplits: number[] | number; axis: number };
  const axis = util.parseAxisParam(given, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, axis);
  const wasm = args.backend as BackendWasm;
  const [outer, inner] = aroundAxis(x.shape, axis);
  const outputs = sizes.map((size) => wasm.makeOutput(x.shape.map((d, i) => (i === axis ? size : d)), x.dtype));
  let offset = 0;
  outputs.forEach((out, i) => {
    const length = sizes[i]! * inner;
    nativeAddon().copyRuns(heapView(wasm), { source: heapOffset(wasm, x) + 4 * offset, sourceStride: x.shape[axis]! * inner, target: heapOffset(wasm, out), targetStride: length, rows: outer, length });
    offset += length;
  });
  return outputs;
};

const concat: KernelFunc = (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  const dtype = inputs[0]!.dtype;
  if (!copyable(dtype) || inputs.some((t) => t.dtype !== dtype)) return displacedKernel('Concat')(args);
  const axis = util.parseAxisParam((args.attrs as unknown as { axis: number }).axis, inputs[0]!.shape)[0]!;
  const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
  const wasm = args.backend as BackendWasm;
  const out = wasm.makeOutput(outShape, dtype);
  const [outer, inner] = aroundAxis(outShape, axis);
  let offset = 0;
  for (const input of inputs) {
    const length = input.shape[axis]! * inner;
    nativeAddon().copyRuns(heapView(wasm), { source: heapOffset(wasm, input), sourceStride: length, target: heapOffset(wasm, out) + 4 * offset, targetStride: outShape[axis]! * inner, rows: outer, length });
    offset += length;
  }
  return out;
};

export const splitConcatConfigs: KernelConfig[] = [
  { kernelName: 'SplitV', backendName: 'wasm', kernelFunc: splitV },
  { kernelName: 'Concat', backendName: 'wasm', kernelFunc: concat },
];
