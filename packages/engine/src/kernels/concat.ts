import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { concatLayout } from '@isnet-bench/native-kernels';
import { copyRuns } from './block-copy.js';

/**
 * Concat on 'wasm' by run copies in the heap. The stock kernel took ~16 ms to join a
 * DenseNet block's [96,28,28,48] and [96,28,28,12] activations along the channels.
 */
export function blockCopyConcatConfig(): KernelConfig {
  const stock = tf.getKernel('Concat', 'wasm');
  if (!stock) throw new Error("no Concat kernel on 'wasm' to wrap");
  const kernelFunc: KernelFunc = (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const dtype = inputs[0]?.dtype;
    if ((dtype !== 'float32' && dtype !== 'int32') || inputs.some((t) => t.dtype !== dtype)) return stock.kernelFunc(args);
    const { outShape, runs } = concatLayout(inputs.map((t) => t.shape), (args.attrs as unknown as { axis: number }).axis);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(outShape, dtype);
    const target = backend.typedArrayFromHeap(out);
    inputs.forEach((input, i) => copyRuns(backend.typedArrayFromHeap(input), target, runs[i]!));
    return out;
  };
  return { kernelName: 'Concat', backendName: 'wasm', kernelFunc };
}
