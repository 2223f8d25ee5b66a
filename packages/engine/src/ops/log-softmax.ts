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

/** Mean over the batch of the softmax cross-entropy between one-hot labels and logits. */
export function softmaxCrossEntropy(oneHotLabels: Tensor, logits: Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(oneHotLabels, logSoftmax(logits)), -1))));
}
