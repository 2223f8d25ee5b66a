import * as tf from '@tensorflow/tfjs';
import type { LayersModel, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { z } from 'zod';
import { softmaxCrossEntropy } from '@isnet-bench/engine';
import { ATTENTION_EXPLAINER } from '@isnet-bench/explainers';
import { LrpClassifier } from '@isnet-bench/lrp';
import { poolAndClassify } from '@isnet-bench/models';
import { defineMethod, type Method } from '@isnet-bench/training';
import { segmentationLoss } from './segmentation-loss.js';
import { UnetOptions, modelVariables, unetGraph } from './unet.js';

export const MultitaskUnetConfig = UnetOptions.extend({
  segmentationWeight: z
    .number()
    .min(0, 'segmentationWeight, the weight of the segmentation loss, must not be negative')
    .default(1)
    .describe('w in the joint loss CE + w (BCE + Dice)'),
});
export type MultitaskUnetConfig = z.output<typeof MultitaskUnetConfig>;
export type MultitaskUnetConfigInput = z.input<typeof MultitaskUnetConfig>;

/** The multi-task U-Net's two views of one set of layers. */
export interface MultitaskUnetModels {
  /** Images -> [class logits, foreground logits]. */
  readonly model: LayersModel;
  /**
   * Images -> class logits: the encoder, the bottleneck and the head, the same layers as
   * `model`'s. It is single-output and built of LRP-Flex's layers, so it is explained as any
   * backbone is.
   */
  readonly classificationPath: LayersModel;
}

/**
 * A U-Net whose bottleneck also feeds a classification head (global average pooling, then
 * the logit layer): one encoder shared by the segmentation decoder and the classifier.
 */
export function multitaskUnetModels(inputShape: readonly [number, number, number], classes: number, seed: number, options: UnetOptions): MultitaskUnetModels {
  const input = tf.input({ shape: [...inputShape], name: 'input' });
  const graph = unetGraph(input, seed, options);
  const logits = poolAndClassify(graph.bottleneck, seed, classes);
  return {
    model: tf.model({ inputs: input, outputs: [logits, graph.segmentation], name: 'multitask_unet' }),
    classificationPath: tf.model({ inputs: input, outputs: logits, name: 'multitask_unet_classifier' }),
  };
}

/**
 * The multi-task U-Net: classification and segmentation trained jointly, loss
 * CE + segmentationWeight * (BCE + Dice). The masks shape the shared encoder during training;
 * at test time it classifies from the image alone. `explain` is LRP-Flex of the
 * classification path (encoder and head), the part of the network that decides the class;
 * `segment` is the decoder's foreground.
 */
export function createMultitaskUnet(models: MultitaskUnetModels, input: MultitaskUnetConfigInput = {}): Method {
  const config = MultitaskUnetConfig.parse(input);
  const classifier = new LrpClassifier(models.classificationPath);
  const outputs = (images: Tensor, training: boolean) => models.model.apply(images, { training }) as [Tensor, Tensor4D];
  return {
    name: 'multitask-unet',
    needsMasks: true,
    config: { ...config },
    ...modelVariables(models.model),
    loss(batch) {
      const [logits, foreground] = outputs(batch.images, true);
      const classification = softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1]!), logits);
      const { bce, dice } = segmentationLoss(foreground, batch.masks);
      const total = tf.add(classification, tf.mul(config.segmentationWeight, tf.add(bce, dice))) as tf.Scalar;
      return { total, parts: { classification, bce, dice } };
    },
    predict: (images) => classifier.predict(images),
    explain: (images, classes) => classifier.explainClasses(images, classes),
    segment: (images) => tf.tidy(() => tf.sigmoid(outputs(images, false)[1])),
  };
}

export const multitaskUnetDefinition = defineMethod({
  name: 'multitask-unet',
  description: "multi-task U-Net: a shared encoder trained jointly for classification (head on the bottleneck) and segmentation of the masks (its own encoder: the run's backbone is not used)",
  paper:
    'Ronneberger, Fischer, Brox (2015). U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015, LNCS 9351, 234-241; the multi-task baseline of Bassi, Dertkigil, Cavalli (2024), Nature Communications 15, 291, and of Bassi, Decherchi, Cavalli (2024), Faster ISNet for Background Bias Mitigation on Deep Neural Networks, IEEE Access 12, 155151-155167',
  needsMasks: true,
  attentionExplainer: ATTENTION_EXPLAINER.name,
  config: MultitaskUnetConfig,
  create(config, context) {
    const models = multitaskUnetModels(context.inputShape, context.classes, context.seed, config);
    context.own?.(models.model);
    return createMultitaskUnet(models, config);
  },
});
