import * as tf from '@tensorflow/tfjs';
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { aroundAxis, copyRuns } from './block-copy.js';

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
    const { numOrSizeSplits, axis: given } = args.attrs as unknown as { numOrSizeSplits: number[] | number; axis: number };
    const axis = given < 0 ? given + x.shape.length : given;
    const sizes = backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, axis);
    const backend = args.backend as BackendWasm;
    const [outer, inner] = aroundAxis(x.shape, axis);
    // Every output is allocated before any heap view is taken: an allocation may grow (and
    // so move) the heap.
    const outputs = sizes.map((size) => backend.makeOutput(x.shape.map((d, i) => (i === axis ? size : d)), x.dtype));
    const source = backend.typedArrayFromHeap(x);
    let offset = 0;
    outputs.forEach((out, i) => {
      const length = sizes[i]! * inner;
      copyRuns(source, offset, x.shape[axis]! * inner, backend.typedArrayFromHeap(out), 0, length, outer, length);
      offset += length;
    });
    return outputs;
  };
  return { kernelName: 'SplitV', backendName: 'wasm', kernelFunc };
}
