import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '@isnet-bench/engine';

export interface IsnetLossInput {
  /** [batch, classes]. */
  logits: Tensor;
  /** Class indices [batch] or one-hot (or soft) labels [batch, classes]. */
  labels: Tensor;
  /** The heatmap loss (HeatmapLoss.total, or deepSupervisionLoss). */
  heatmapLoss: Scalar;
  /** Weight of the heatmap loss, in [0, 1]. */
  P: number;
}

export interface IsnetLoss {
  /** Batch mean of the softmax cross-entropy. */
  classification: Scalar;
  /** (1 - P) * classification + P * heatmap loss. */
  total: Scalar;
}

/**
 * The ISNet training loss. The cross-entropy is the engine's, built from ops whose second-order
 * gradients are right: the loss is differentiated through the LRP pass a second time.
 */
export function isnetLoss({ logits, labels, heatmapLoss, P }: IsnetLossInput): IsnetLoss {
  if (logits.rank !== 2) throw new RangeError(`isnetLoss: logits must be [batch, classes], got [${logits.shape}]`);
  const [batch, classes] = logits.shape as [number, number];
  const expected = labels.rank === 1 ? [batch] : [batch, classes];
  if (labels.rank !== expected.length || labels.shape.some((size, i) => size !== expected[i])) {
    throw new RangeError(`isnetLoss: labels [${labels.shape}] do not fit logits [${logits.shape}]: give [${batch}] indices or [${batch}, ${classes}] one-hot`);
  }
  return tf.tidy(() => {
    const target = labels.rank === 1 ? tf.oneHot(tf.cast(labels, 'int32'), classes) : labels;
    const classification = softmaxCrossEntropy(tf.cast(target, 'float32'), logits);
    return { classification, total: tf.add(tf.mul(classification, 1 - P), tf.mul(heatmapLoss, P)) as Scalar };
  });
}
