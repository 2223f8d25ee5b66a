import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffset, heapOffsets, heapView, lastAxisLayout, requireElementwise, requireShape } from './wasm-heap.js';

/**
 * Kernels of this suite's own: the softmax cross-entropy of labels (one-hot or soft) and
 * logits over the last axis, averaged over the other axes' rows, as a scalar; and one of its
 * gradients for an upstream scalar dy ('wrt': 'logits' gives (sum(labels) softmax - labels)
 * dy / rows, 'labels' gives -logSoftmax dy / rows), each one pass. The engine's
 * softmaxCrossEntropy runs them when registered and composes them otherwise.
 */
export const SOFTMAX_CROSS_ENTROPY_KERNEL = 'IsnetSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL = 'IsnetSoftmaxCrossEntropyGrad';

const loss: KernelFunc = ({ inputs, backend }) => {
  const { labels, logits } = inputs as Record<'labels' | 'logits', TensorInfo>;
  requireElementwise(SOFTMAX_CROSS_ENTROPY_KERNEL, { logits, labels });
  const { rows, columns: classes } = lastAxisLayout(logits.shape);
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput([], 'float32');
  nativeAddon().softmaxCrossEntropy(heapView(wasm), { ...heapOffsets(wasm, { labels, logits, out }), rows, classes });
  return out;
};

const lossGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { labels, logits, dy } = inputs as Record<'labels' | 'logits' | 'dy', TensorInfo>;
  requireElementwise(SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, { logits, labels });
  requireShape(SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, 'dy', dy.shape, []);
  const wrt = (attrs as { wrt?: string }).wrt;
  if (wrt !== 'logits' && wrt !== 'labels') throw new Error(`${SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL} (native kernels): wrt must be 'logits' or 'labels', got '${String(wrt)}'`);
  const { rows, columns: classes } = lastAxisLayout(logits.shape);
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(logits.shape, 'float32');
  nativeAddon().softmaxCrossEntropyGrad(heapView(wasm), {
    ...heapOffsets(wasm, { labels, logits, dy }),
    dLabels: wrt === 'labels' ? heapOffset(wasm, out) : -1,
    dLogits: wrt === 'logits' ? heapOffset(wasm, out) : -1,
    rows,
    classes,
  });
  return out;
};

export const softmaxCrossEntropyConfigs: KernelConfig[] = [
  { kernelName: SOFTMAX_CROSS_ENTROPY_KERNEL, backendName: 'wasm', kernelFunc: loss },
  { kernelName: SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, backendName: 'wasm', kernelFunc: lossGrad },
];
