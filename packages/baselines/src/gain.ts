import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { z } from 'zod';
import { logSoftmax, softmaxCrossEntropy } from '@isnet-bench/engine';
import type { Batch } from '@isnet-bench/data';
import { LrpClassifier, predictLogits } from '@isnet-bench/lrp';
import { defineMethod, type Method, type MethodContext } from '@isnet-bench/training';
import { ATTENTION_EXPLAINER, checkGradCamLayer, gradCamExplainer, GradCamLayerError } from '@isnet-bench/explainers';

/**
 * GAIN with external supervision: the defaults are the paper's (Li et al., 2018: alpha = 1,
 * sigma = 0.5, omega = 10, and 10 for the external-supervision weight), which are also those of
 * the GAIN baseline in the ISNet authors' code.
 */
export const GainConfig = z.strictObject({
  alpha: z.number().min(0, 'alpha, the weight of the attention-mining loss, must not be negative').default(1).describe('weight of the attention-mining loss L_am (paper: 1)'),
  omegaE: z.number().min(0, 'omegaE, the weight of the external-supervision loss, must not be negative').default(10).describe('weight of the external-supervision loss L_e (paper: 10)'),
  sigma: z.number().default(0.5).describe('threshold of the soft mask T(A) = sigmoid(omega (A - sigma)) (paper: 0.5)'),
  omega: z.number().gt(0, 'omega, the scale of the soft mask, must be positive').default(10).describe('scale of the soft mask T(A) = sigmoid(omega (A - sigma)) (paper: 10)'),
  layer: z.string().min(1).optional().describe("the layer whose activations Grad-CAM weighs; default: the backbone's last supervised layer (its last convolutional stage)"),
  gradCamWeights: z
    .enum(['detached', 'differentiable'])
    .default('detached')
    .describe("Grad-CAM's channel weights as constants of the loss's gradient (as in the ISNet authors' GAIN baseline) or differentiated too (second order)"),
});
export type GainConfig = z.output<typeof GainConfig>;
export type GainConfigInput = z.input<typeof GainConfig>;

export interface GainLoss {
  total: Scalar;
  classification: Scalar;
  attentionMining: Scalar;
  externalSupervision: Scalar;
}

/**
 * The GAIN loss of a batch with masks (1 = foreground). With A the Grad-CAM map of each image's
 * labelled class at `layer`, upsampled to the image size, and T(A) = sigmoid(omega (A - sigma)):
 * L_cl, the cross-entropy; L_am, the mean over the batch of the labelled class's softmax score
 * on I* = I - T(A) * I (what the network still sees once the attended region is erased);
 * L_e, the mean squared difference between A and the mask. total = L_cl + alpha L_am + omegaE L_e.
 * The erased images run with the batch's statistics but do not move the running statistics.
 */
export function gainLoss(classifier: LrpClassifier, batch: Pick<Batch, 'images' | 'masks' | 'labels'>, config: GainConfig & { layer: string }, weights?: Tensor): GainLoss {
  const { images, masks, labels } = batch;
  const explainer = gradCamExplainer(config.layer, { weights: weights ?? config.gradCamWeights });
  const { heatmap: attention, logits } = explainer.explain(classifier, images, { classes: 'label', labels, training: true, updateStatistics: true });
  const target = tf.cast(tf.oneHot(labels, logits.shape[1]!), 'float32');
  const classification = softmaxCrossEntropy(target, logits);
  const softMask = tf.sigmoid(tf.mul(config.omega, tf.sub(attention, config.sigma)));
  const erased = tf.sub(images, tf.mul(softMask, images)) as Tensor4D;
  const erasedLogits = predictLogits(classifier.graph, erased, { training: true, updateStatistics: false });
  const attentionMining = tf.mean(tf.sum(tf.mul(tf.exp(logSoftmax(erasedLogits)), target), -1)) as Scalar;
  const externalSupervision = tf.mean(tf.square(tf.sub(attention, masks))) as Scalar;
  const total = tf.addN([classification, tf.mul(config.alpha, attentionMining), tf.mul(config.omegaE, externalSupervision)]) as Scalar;
  return { total, classification, attentionMining, externalSupervision };
}

/**
 * GAIN_ext (Li et al., 2018): cross-entropy, attention mining and external supervision of the
 * Grad-CAM attention by the foreground masks. `explain` stays the LRP-Flex heatmap, as for every
 * method, so background attention is measured alike.
 */
export function createGain(classifier: LrpClassifier, input: GainConfigInput & { layer: string }): Method {
  const config = { ...GainConfig.parse(input), layer: input.layer };
  checkGradCamLayer(classifier.graph, config.layer);
  return {
    name: 'gain',
    needsMasks: true,
    config: { ...config },
    ...classifier.methodMembers(),
    loss(batch) {
      const { total, classification, attentionMining, externalSupervision } = gainLoss(classifier, batch, config);
      return { total, parts: { classification, attentionMining, externalSupervision } };
    },
  };
}

/** The layer Grad-CAM reads: the configured one, else the backbone's last supervised layer. */
function gainLayer(config: GainConfig, context: MethodContext): string {
  const layer = config.layer ?? context.supervisedLayers.at(-1);
  if (!layer) throw new GradCamLayerError("GAIN needs a layer for Grad-CAM: the backbone lists no supervised layers; set 'layer'");
  return layer;
}

export const gainDefinition = defineMethod({
  name: 'gain',
  description: "GAIN with external supervision: cross-entropy, attention mining on the Grad-CAM-erased image, and the Grad-CAM map's squared error to the mask",
  paper: 'Li, Wu, Peng, Ernst, Fu (2018). Tell Me Where to Look: Guided Attention Inference Network. IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR 2018)',
  needsMasks: true,
  attentionExplainer: ATTENTION_EXPLAINER.name,
  config: GainConfig,
  create: (config, context) => createGain(new LrpClassifier(context.backbone()), { ...config, layer: gainLayer(config, context) }),
});
