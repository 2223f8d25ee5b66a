import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { splitLayout } from '@isnet-bench/native-kernels';
import { copyRuns } from './block-copy.js';

/**
 * SplitV (tf.split, the gradient of tf.concat) on 'wasm' by run copies in the heap. The stock
 * kernel slices each output element by element: splitting a DenseNet block's [96,28,28,60]
 * gradient along its channels took ~60 ms.
 */
export function blockCopySplitVConfig(): KernelConfig {
  const stock = tf.getKernel('SplitV', 'wasm');
  if (!stock) throw new Error("no SplitV kernel on 'wasm' to wrap");
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return stock.kernelFunc(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number[] | number; axis: number };
    const { shapes, runs } = splitLayout(x.shape, numOrSizeSplits, axis);
    const backend = args.backend as BackendWasm;
    // Every output is allocated before any heap view is taken: an allocation may grow (and
    // so move) the heap.
    const outputs = shapes.map((shape) => backend.makeOutput(shape, x.dtype));
    const source = backend.typedArrayFromHeap(x);
    outputs.forEach((out, i) => copyRuns(source, backend.typedArrayFromHeap(out), runs[i]!));
    return outputs;
  };
  return { kernelName: 'SplitV', backendName: 'wasm', kernelFunc };
}
