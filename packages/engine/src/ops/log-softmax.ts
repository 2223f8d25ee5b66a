import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

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
 * logits, as ONE taped op: composed, its ~10 small forward ops and ~20 backward ones cost more
 * in per-op overhead than arithmetic on a small network's step. Its gradient,
 * d/dlogits = (sum(labels) softmax(logits) - labels) / n and d/dlabels = -logSoftmax / n
 * (n: the rows averaged), is built from ordinary ops on the saved inputs, so it is
 * differentiable again.
 */
export function softmaxCrossEntropy(oneHotLabels: Tensor, logits: Tensor): tf.Scalar {
  return tf.customGrad(((labels: Tensor, z: Tensor, save: tf.GradSaveFunc) => {
    save([labels, z]);
    return {
      value: tf.neg(tf.mean(tf.sum(tf.mul(labels, logSoftmax(z)), -1))),
      gradFunc: (dy: Tensor, [savedLabels, savedZ]: Tensor[]) => {
        const rows = savedZ!.size / savedZ!.shape[savedZ!.rank - 1]!;
        const scale = tf.div(dy, rows);
        const logProbabilities = logSoftmax(savedZ!);
        const dz = tf.sub(tf.mul(tf.sum(savedLabels!, -1, true), tf.exp(logProbabilities)), savedLabels!);
        return [tf.mul(tf.neg(logProbabilities), scale), tf.mul(dz, scale)];
      },
    };
  }) as never)(oneHotLabels, logits) as tf.Scalar;
}
