import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, SOFTMAX_CROSS_ENTROPY_KERNEL } from '@isnet-bench/native-kernels';
import { fusedElementwiseRuns, fusedKernelRuns } from './fused-kernel.js';

/**
 * log-softmax as x - logSumExp(x). TF.js's tf.logSoftmax wraps its gradient in a customGrad
 * that saves its output, so a second-order derivative through it is wrong and cannot be
 * repaired by registering a gradient; this form is built from ops whose gradients are.
 */
export function logSoftmax(logits: Tensor, axis = -1): Tensor {
  return tf.tidy(() => tf.sub(logits, tf.logSumExp(logits, axis, true)));
}

/**
 * Mean over the batch of the softmax cross-entropy between labels (one-hot or soft) and
 * logits, as ONE taped op: composed, its ~15 small forward ops and ~20 backward ones cost more
 * in per-op overhead than arithmetic on a small network's step. With the fused kernels (the
 * native ones on 'wasm') the loss is one pass and each of its gradients,
 * d/dlogits = (sum(labels) softmax(logits) - labels) / n and d/dlabels = -logSoftmax / n
 * (n: the rows averaged), another; they stay differentiable, their own gradients taken through
 * the composed forms.
 */
export function softmaxCrossEntropy(oneHotLabels: Tensor, logits: Tensor): tf.Scalar {
  // (One-hot labels from tf.oneHot are int32: the fused kernels take float32.)
  const targets = oneHotLabels.dtype === 'float32' ? oneHotLabels : tf.cast(oneHotLabels, 'float32');
  return tf.customGrad(((labels: Tensor, z: Tensor, save: tf.GradSaveFunc) => {
    save([labels, z]);
    const fused = fusedElementwiseRuns(SOFTMAX_CROSS_ENTROPY_KERNEL, [labels, z]) && fusedKernelRuns(SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, [labels, z]);
    return {
      value: fused ? (tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, { labels, logits: z }) as Tensor) : tf.neg(tf.mean(tf.sum(tf.mul(labels, logSoftmax(z)), -1))),
      gradFunc: (dy: Tensor, [savedLabels, savedZ]: Tensor[]) =>
        fused ? [fusedGradient('labels', savedLabels!, savedZ!, dy), fusedGradient('logits', savedLabels!, savedZ!, dy)] : composedGradients(savedLabels!, savedZ!, dy),
    };
  }) as never)(targets, logits) as tf.Scalar;
}

type CrossEntropyInput = 'labels' | 'logits';

/** [d/dlabels, d/dlogits] of the cross-entropy for the upstream scalar dy, composed. */
function composedGradients(labels: Tensor, z: Tensor, dy: Tensor): Tensor[] {
  const scale = tf.div(dy, z.size / z.shape[z.rank - 1]!);
  const logProbabilities = logSoftmax(z);
  const dz = tf.sub(tf.mul(tf.sum(labels, -1, true), tf.exp(logProbabilities)), labels);
  return [tf.mul(tf.neg(logProbabilities), scale), tf.mul(dz, scale)];
}

/** One of them as one fused kernel, differentiable through gradientOfGradient. */
function fusedGradient(wrt: CrossEntropyInput, labels: Tensor, z: Tensor, dy: Tensor): Tensor {
  return tf.customGrad(((l: Tensor, zIn: Tensor, dyIn: Tensor, save: tf.GradSaveFunc) => {
    save([l, zIn, dyIn]);
    return {
      value: tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, { labels: l, logits: zIn, dy: dyIn }, { wrt } as never) as Tensor,
      gradFunc: (g: Tensor, [sl, sz, sd]: Tensor[]) => gradientOfGradient(wrt, g, sl!, sz!, sd!),
    };
  }) as never)(labels, z, dy) as Tensor;
}

/**
 * [d/dlabels, d/dlogits, d/ddy] of <g, the gradient with respect to wrt>, composed. Per
 * row, with p = softmax(z), S = sum(labels), c = dy / n: for wrt 'logits' (the gradient is
 * (S p - labels) c) c (<p, g> - g), c S p (g - <p, g>) and sum(g (S p - labels)) / n; for
 * wrt 'labels' (-logSoftmax(z) c) 0, -c (g - p sum(g)) and -sum(g logSoftmax(z)) / n.
 */
function gradientOfGradient(wrt: CrossEntropyInput, g: Tensor, labels: Tensor, z: Tensor, dy: Tensor): Tensor[] {
  const rows = z.size / z.shape[z.rank - 1]!;
  const c = tf.div(dy, rows);
  const logProbabilities = logSoftmax(z);
  const p = tf.exp(logProbabilities);
  if (wrt === 'labels') {
    const dz = tf.neg(tf.mul(c, tf.sub(g, tf.mul(p, tf.sum(g, -1, true)))));
    return [tf.zerosLike(labels), dz, tf.div(tf.neg(tf.sum(tf.mul(g, logProbabilities))), rows)];
  }
  const gp = tf.sum(tf.mul(g, p), -1, true);
  const mass = tf.sum(labels, -1, true);
  const dz = tf.mul(tf.mul(c, mass), tf.mul(p, tf.sub(g, gp)));
  const dLabels = tf.mul(c, tf.sub(gp, g));
  return [dLabels, dz, tf.div(tf.sum(tf.mul(g, tf.sub(tf.mul(mass, p), labels))), rows)];
}
