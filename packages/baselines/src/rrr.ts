import * as tf from '@tensorflow/tfjs';
import type { Scalar } from '@tensorflow/tfjs';
import { z } from 'zod';
import { softmaxCrossEntropy } from '@isnet-bench/engine';
import type { Batch } from '@isnet-bench/data';
import { ATTENTION_EXPLAINER, inputGradient, SUMMED_LOG_PROBABILITIES } from '@isnet-bench/explainers';
import { LrpClassifier } from '@isnet-bench/lrp';
import { defineMethod, type Method } from '@isnet-bench/training';

/**
 * RRR's hyper-parameters. lambda = 1000 is the Decoy MNIST value of Ross et al. (2017), as run
 * in their code (dtak/rrr, experiments/Decoy MNIST.ipynb: MultilayerPerceptron(l2_grads=1000)),
 * whose images are raw 0-255 pixels: pixelScale = 255 takes the gradient with respect to that
 * scale, so the default weighs the term as the paper did on the suite's [0, 1] images.
 */
export const RrrConfig = z.strictObject({
  lambda: z.number().min(0, 'lambda, the weight of the right-reasons term, must not be negative').default(1000).describe('weight of the right-reasons term (Ross et al., Decoy MNIST: 1000, on 0-255 pixels: see pixelScale)'),
  pixelScale: z
    .number()
    .gt(0, 'pixelScale, the range of pixel values the input gradient is taken on, must be positive')
    .default(255)
    .describe('the input gradient is taken with respect to pixel values on [0, pixelScale] (the stored images are in [0, 1]); 255 is the scale of the Decoy MNIST run lambda comes from, 1 the stored one'),
  weightDecay: z.number().min(0, 'weightDecay must not be negative').default(0).describe("the paper's L2 penalty weightDecay * sum(theta^2) over every trainable weight (default 0: the optimiser has its own weight decay)"),
});
export type RrrConfig = z.output<typeof RrrConfig>;
export type RrrConfigInput = z.input<typeof RrrConfig>;

export interface RrrLoss {
  total: Scalar;
  classification: Scalar;
  /** The unweighted right-reasons term. */
  rightReasons: Scalar;
  /** The unweighted sum of squared weights (0 unless weightDecay > 0, when it is not computed). */
  weightPenalty: Scalar;
}

/** RRR's heatmap: the input gradient of the log-probabilities summed over classes and images. */
export const RRR_EXPLAINER = inputGradient(SUMMED_LOG_PROBABILITIES);

/**
 * The RRR loss of a batch with masks (1 = foreground). g = d/dx of the log-probabilities
 * summed over classes and over the batch, with x the images on [0, pixelScale]; the
 * right-reasons term is the sum over background pixels (1 - mask, every channel) of g^2, per
 * image, averaged over the batch like the cross-entropy (the paper sums both over a batch: the
 * same ratio). total = cross-entropy + lambda * right reasons + weightDecay * sum(theta^2).
 * Its weight gradient differentiates the input gradient: second order.
 */
export function rrrLoss(classifier: LrpClassifier, batch: Pick<Batch, 'images' | 'masks' | 'labels'>, config: RrrConfig): RrrLoss {
  const { images, masks, labels } = batch;
  const { heatmap: inputGradient, logits } = RRR_EXPLAINER.explain(classifier, images, { training: true, updateStatistics: true });
  const classification = softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]!), logits);
  const background = tf.sub(1, masks);
  const rightReasons = tf.div(tf.sum(tf.square(tf.mul(background, inputGradient))), images.shape[0] * config.pixelScale ** 2) as Scalar;
  const weightPenalty = config.weightDecay > 0 ? (tf.addN(classifier.trainableVariables.map((v) => tf.sum(tf.square(v)))) as Scalar) : tf.scalar(0);
  const terms = [classification, tf.mul(config.lambda, rightReasons)];
  if (config.weightDecay > 0) terms.push(tf.mul(config.weightDecay, weightPenalty));
  return { total: tf.addN(terms) as Scalar, classification, rightReasons, weightPenalty };
}

/**
 * Right for the Right Reasons (Ross, Hughes, Doshi-Velez, 2017): cross-entropy plus the
 * squared input gradients of the log-probabilities on the background. `explain` stays the
 * LRP-Flex heatmap, as for every method, so background attention is measured alike.
 */
export function createRrr(classifier: LrpClassifier, input: RrrConfigInput = {}): Method {
  const config = RrrConfig.parse(input);
  return {
    name: 'rrr',
    needsMasks: true,
    config: { ...config },
    ...classifier.methodMembers(),
    loss(batch) {
      const { total, classification, rightReasons, weightPenalty } = rrrLoss(classifier, batch, config);
      const parts: Record<string, Scalar> = { classification, rightReasons };
      if (config.weightDecay > 0) parts['weightPenalty'] = weightPenalty;
      return { total, parts };
    },
  };
}

export const rrrDefinition = defineMethod({
  name: 'rrr',
  description: 'Right for the Right Reasons: cross-entropy plus the squared input gradients of the summed log-probabilities on the background',
  paper: 'Ross, Hughes, Doshi-Velez (2017). Right for the Right Reasons: Training Differentiable Models by Constraining their Explanations. IJCAI 2017, 2662-2670',
  needsMasks: true,
  attentionExplainer: ATTENTION_EXPLAINER.name,
  config: RrrConfig,
  create: (config, context) => createRrr(new LrpClassifier(context.backbone()), config),
});
