import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { concatLayout, splitLayout, type CopyRuns } from './copy-layout.js';
import { displacedKernel } from './displaced.js';
import { heapOffset, heapView } from './wasm-heap.js';

/**
 * SplitV and Concat along any axis as parallel run copies (memcpy) in the heap, for 4-byte
 * dtypes (others go to the displaced kernels): a DenseNet block splits and joins its
 * channels on every layer, forward and backward.
 */

const copyable = (dtype: string) => dtype === 'float32' || dtype === 'int32';

function copy(wasm: BackendWasm, from: TensorInfo, to: TensorInfo, runs: CopyRuns): void {
  const { source, target, ...rest } = runs;
  nativeAddon().copyRuns(heapView(wasm), { ...rest, source: heapOffset(wasm, from) + 4 * source, target: heapOffset(wasm, to) + 4 * target });
}

const splitV: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  if (!copyable(x.dtype)) return displacedKernel('SplitV')(args);
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number[] | number; axis: number };
  const { shapes, runs } = splitLayout(x.shape, numOrSizeSplits, axis);
  const wasm = args.backend as BackendWasm;
  const outputs = shapes.map((shape) => wasm.makeOutput(shape, x.dtype));
  outputs.forEach((out, i) => copy(wasm, x, out, runs[i]!));
  return outputs;
};

const concat: KernelFunc = (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  const dtype = inputs[0]!.dtype;
  if (!copyable(dtype) || inputs.some((t) => t.dtype !== dtype)) return displacedKernel('Concat')(args);
  const { outShape, runs } = concatLayout(inputs.map((t) => t.shape), (args.attrs as unknown as { axis: number }).axis);
  const wasm = args.backend as BackendWasm;
  const out = wasm.makeOutput(outShape, dtype);
  inputs.forEach((input, i) => copy(wasm, input, out, runs[i]!));
  return out;
};

export const splitConcatConfigs: KernelConfig[] = [
  { kernelName: 'SplitV', backendName: 'wasm', kernelFunc: splitV },
  { kernelName: 'Concat', backendName: 'wasm', kernelFunc: concat },
];
