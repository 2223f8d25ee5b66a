import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { Batch } from '@isnet-bench/data';
import { lrpFlex } from '@isnet-bench/explainers';
import { isnetLoss } from '@isnet-bench/isnet-core';
import type { ExplainedClass, LrpClassifier } from '@isnet-bench/lrp';
import type { Method, MethodLoss } from '@isnet-bench/training';
import type { FasterIsnetConfig } from './config.js';
import { heatmapObjective } from './heatmap-objective.js';

/** How a Faster ISNet picks the explained quantity and class for one batch. */
export interface Explained {
  quantity: 'logit' | 'selective';
  classes: (batch: Batch, step: { epoch: number; batchIndex: number }) => ExplainedClass;
}

/**
 * A further term of a Faster ISNet's loss (an extension, not the papers'): its name among the
 * loss parts, its weight, and its value from the batch and the explanation's logits; `training`
 * tells the mode of the logits (batch statistics) or inference.
 */
export interface ExtraLoss {
  readonly name: string;
  readonly weight: number;
  value(batch: Batch, logits: Tensor, training: boolean): Scalar;
}

/**
 * A Faster ISNet: one LRP-Flex heatmap per image (whatever the number of classes), from the
 * same forward pass that gives the classification logits; loss (1 - P) CE + P heatmap loss.
 */
export function fasterIsnetMethod(name: string, classifier: LrpClassifier, config: FasterIsnetConfig, explained: Explained, extra?: ExtraLoss): Method {
  const explainer = lrpFlex({ ...config.lrp, quantity: explained.quantity, hiddenLayers: config.deepSupervision?.layers });
  return {
    name,
    needsMasks: true,
    config: { ...config },
    ...classifier.methodMembers(),
    loss(batch, step) {
      return objective(batch, explainBatch(batch, step, { training: true, updateStatistics: true }), true);
    },
    // The same class rule at a fixed epoch: every epoch's validation draws the same (stochastic) classes.
    validationLoss(batch) {
      return objective(batch, explainBatch(batch, { epoch: 0, batchIndex: batch.batchIndex }, { training: false, updateStatistics: false }), false);
    },
    tuningHeatmaps(batch, step) {
      const { heatmap, hidden, logits, classes } = explainBatch(batch, step, { training: true, updateStatistics: false });
      tf.dispose([logits, classes]);
      return [heatmap, ...hidden].map((map) => tf.expandDims(map, 1));
    },
  };

  /** (1 - P) CE + P heatmap loss of an explained batch, plus the extra term's weighted value. */
  function objective(batch: Batch, explanation: ReturnType<typeof explainBatch>, training: boolean): MethodLoss {
    const heatmap = heatmapObjective(explanation, batch.masks, config);
    const { classification, total } = isnetLoss({ logits: explanation.logits, labels: batch.labels, heatmapLoss: heatmap, P: config.loss.P });
    if (!extra) return { total, parts: { classification, heatmap } };
    const value = extra.value(batch, explanation.logits, training);
    return { total: tf.add(total, tf.mul(value, extra.weight)) as Scalar, parts: { classification, heatmap, [extra.name]: value } };
  }
  function explainBatch(batch: Batch, step: { epoch: number; batchIndex: number }, mode: { training: boolean; updateStatistics: boolean }) {
    return explainer.explain(classifier, batch.images, { classes: explained.classes(batch, step), labels: batch.labels, ...mode });
  }
}

/** Stochastic ISNet's class per image: the highest logit with probability 1/2, else another class uniformly. */
export function stochasticClasses(logits: Tensor, coin: Tensor, draw: Tensor): Tensor {
  return tf.tidy(() => {
    const classes = logits.shape[1]!;
    const highest = tf.cast(tf.argMax(logits, -1), 'int32');
    // other = highest + 1 + floor(draw * (C - 1)) mod C: uniform over the C - 1 other classes.
    const offset = tf.add(tf.cast(tf.floor(tf.mul(draw, classes - 1)), 'int32'), 1);
    const other = tf.mod(tf.add(highest, offset), classes);
    return tf.where(tf.less(coin, 0.5), highest, other);
  });
}
