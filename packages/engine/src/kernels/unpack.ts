import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { splitLayout } from '@isnet-bench/native-kernels';
import { copyRuns } from './block-copy.js';

/**
 * Unpack (tf.unstack, the gradient of tf.stack) on 'wasm' by block copies in the heap. The
 * stock kernel slices each output through a per-element path for rank 5: unstacking the
 * Original ISNet's [batch, classes, H, W, C] heatmap gradient took ~380 ms per step.
 */
export function blockCopyUnpackConfig(): KernelConfig {
  const stock = tf.getKernel('Unpack', 'wasm');
  if (!stock) throw new Error("no Unpack kernel on 'wasm' to wrap");
  const kernelFunc: KernelFunc = (args) => {
    const { value } = args.inputs as { value: TensorInfo };
    if (value.dtype === 'string') return stock.kernelFunc(args);
    const { axis: given } = args.attrs as unknown as { axis: number };
    const axis = given < 0 ? given + value.shape.length : given;
    const backend = args.backend as BackendWasm;
    const count = value.shape[axis]!;
    const outShape = value.shape.filter((_, d) => d !== axis);
    const { runs } = splitLayout(value.shape, count, axis);
    // Every output is allocated before any heap view is taken: an allocation may grow (and
    // so move) the heap.
    const outputs = Array.from({ length: count }, () => backend.makeOutput(outShape, value.dtype));
    const source = backend.typedArrayFromHeap(value);
    outputs.forEach((out, i) => copyRuns(source, backend.typedArrayFromHeap(out), runs[i]!));
    return outputs;
  };
  return { kernelName: 'Unpack', backendName: 'wasm', kernelFunc };
}
