import * as tf from '@tensorflow/tfjs';
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { aroundAxis, copyRuns } from './block-copy.js';

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
    const { axis: given } = args.attrs as unknown as { axis: number };
    const axis = util.parseAxisParam(given, inputs[0]!.shape)[0]!;
    const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(outShape, dtype);
    const target = backend.typedArrayFromHeap(out);
    const [outer, inner] = aroundAxis(outShape, axis);
    let offset = 0;
    for (const input of inputs) {
      const length = input.shape[axis]! * inner;
      if (length > 0) copyRuns(backend.typedArrayFromHeap(input), 0, length, target, offset, outShape[axis]! * inner, outer, length);
      offset += length;
    }
    return out;
  };
  return { kernelName: 'Concat', backendName: 'wasm', kernelFunc };
}
