import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

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
    const size = (dims: number[]) => dims.reduce((n, d) => n * d, 1);
    const outer = size(value.shape.slice(0, axis));
    const inner = size(value.shape.slice(axis + 1));
    // Every output is allocated before any heap view is taken: an allocation may grow (and
    // so move) the heap.
    const outputs = Array.from({ length: count }, () => backend.makeOutput(outShape, value.dtype));
    const source = backend.typedArrayFromHeap(value);
    outputs.forEach((out, i) => {
      const target = backend.typedArrayFromHeap(out);
      for (let o = 0; o < outer; o++) target.set(source.subarray((o * count + i) * inner, (o * count + i + 1) * inner), o * inner);
    });
    return outputs;
  };
  return { kernelName: 'Unpack', backendName: 'wasm', kernelFunc };
}
