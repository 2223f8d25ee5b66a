import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { logSoftmax } from '@isnet-bench/engine';
import { chooseClasses, predictLogits } from '@isnet-bench/lrp';
import type { ExplainedNetwork, Explainer, Explanation, ExplainRequest } from './explainer.js';

/** A scalar of a batch's logits whose gradient with respect to the images is the heatmap. */
export interface ExplainedQuantity {
  readonly name: string;
  /** Whether it reads the request's explained classes (else they are not chosen). */
  readonly usesClasses: boolean;
  of(logits: Tensor, classes?: Tensor): Scalar;
}

/**
 * The log-probabilities summed over classes and over the batch (RRR's, Ross et al. 2017).
 * Through the engine's logSoftmax: stock tf.logSoftmax's second-order gradient is wrong.
 */
export const SUMMED_LOG_PROBABILITIES: ExplainedQuantity = {
  name: 'summed-log-probabilities',
  usesClasses: false,
  of: (logits) => tf.sum(logSoftmax(logits)) as Scalar,
};

/** The batch mean of each image's highest softmax probability (the ISNet papers' Grad*Input ablation). */
export const MEAN_HIGHEST_PROBABILITY: ExplainedQuantity = {
  name: 'mean-highest-probability',
  usesClasses: false,
  of: (logits) => tf.mean(tf.max(tf.softmax(logits), -1)) as Scalar,
};

/**
 * Each image's explained logit, summed over the batch: without batch statistics images do not
 * interact, so each image's gradient is that of its own class's logit.
 */
export const CLASS_LOGIT: ExplainedQuantity = {
  name: 'class-logit',
  usesClasses: true,
  of: (logits, classes) => tf.sum(tf.mul(logits, tf.cast(tf.oneHot(classes!, logits.shape[1]!), 'float32'))) as Scalar,
};

/**
 * The plain gradient of the quantity with respect to the images, one forward pass and its
 * backward pass (the true derivative of every layer; no LRP rule). Differentiable: a loss of
 * the heatmap has a second-order gradient.
 */
export function inputGradient(quantity: ExplainedQuantity): Explainer {
  return {
    name: `input-gradient(${quantity.name})`,
    output: 'image',
    explain: (network, images, request = {}) => gradientOf(quantity, network, images, request),
  };
}

function gradientOf(quantity: ExplainedQuantity, { graph }: ExplainedNetwork, images: Tensor, request: ExplainRequest): Explanation {
  let kept: Tensor | undefined;
  let classes: Tensor | undefined;
  const value = (x: Tensor): Scalar => {
    kept = tf.keep(predictLogits(graph, x, { training: request.training ?? false, updateStatistics: request.updateStatistics }));
    if (quantity.usesClasses) classes = tf.keep(chooseClasses(kept, request));
    return quantity.of(kept, classes);
  };
  const heatmap = tf.grad(value)(images);
  // (Kept through tf.grad's scope; a clone belongs to the caller's.)
  const logits = tf.clone(kept!);
  kept!.dispose();
  return classes ? { heatmap, logits, classes } : { heatmap, logits };
}
