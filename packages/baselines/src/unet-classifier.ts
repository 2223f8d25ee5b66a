import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { z } from 'zod';
import { softmaxCrossEntropy } from '@isnet-bench/engine';
import { ATTENTION_EXPLAINER } from '@isnet-bench/explainers';
import { LrpClassifier } from '@isnet-bench/lrp';
import { assignCheckpoint, checkCheckpoint, checkpointPaths, CheckpointError, defineMethod, readCheckpointSync, type Method } from '@isnet-bench/training';
import { Unet, UnetOptions, modelVariables } from './unet.js';
import { createUnetSegmenter, validateByDice } from './unet-segmenter.js';

export const UnetClassifierConfig = UnetOptions.extend({
  segmenterEpochs: z.number().int().min(1, 'segmenterEpochs, the epochs of the U-Net stage, must be at least 1').default(10).describe('epochs of the first stage, the U-Net trained alone by BCE + Dice'),
  maskMode: z
    .enum(['threshold', 'soft'])
    .default('threshold')
    .describe("how the U-Net removes the background: 'threshold' multiplies the image by its binarised foreground, 'soft' by its foreground probability"),
  threshold: z.number().gt(0, 'threshold must be in (0, 1)').lt(1, 'threshold must be in (0, 1)').default(0.5).describe("foreground probability at or above which a pixel is kept ('threshold' mode)"),
  segmenter: z
    .string()
    .min(1)
    .optional()
    .describe("checkpoint directory of the trained U-Net; set by the preparation (stage 1), or given to reuse one and skip that stage"),
});
export type UnetClassifierConfig = z.output<typeof UnetClassifierConfig>;
export type UnetClassifierConfigInput = z.input<typeof UnetClassifierConfig>;

/** Where the stage-1 U-Net's checkpoints go within the preparation's folder. */
export const SEGMENTER_DIR = 'unet';

/** The validation batch of the U-Net stage (Dice needs no more than inference). */
const VALIDATION_BATCH = 64;

/** The U-Net's settings, without those of the second stage: what its checkpoints record. */
const segmenterConfig = ({ depth, width }: UnetClassifierConfig) => ({ depth: depth ?? null, width });

/**
 * The U-Net + classifier: a U-Net (trained first, alone, by BCE + Dice on the masks) removes
 * each image's predicted background, and the classifier sees only what it keeps. Its loss is
 * the classifier's cross-entropy on the masked images; the U-Net is frozen (inference mode).
 * At test time it segments, then classifies: no ground-truth mask is read. `explain` is the
 * classifier's LRP-Flex heatmap on the masked image, the input of the decision; `segment` is
 * the U-Net's foreground.
 */
export function createUnetClassifier(unet: Unet, classifier: LrpClassifier, input: UnetClassifierConfigInput = {}): Method {
  const config = UnetClassifierConfig.parse(input);
  const unetState = modelVariables(unet.model, 'unet/').stateVariables;
  const masked = (images: Tensor): Tensor4D =>
    tf.tidy(() => {
      const foreground = unet.segment(images);
      const keep = config.maskMode === 'soft' ? foreground : tf.cast(tf.greaterEqual(foreground, config.threshold), 'float32');
      return tf.mul(images, keep) as Tensor4D;
    });
  return {
    name: 'unet-classifier',
    needsMasks: false,
    config: { ...config },
    trainableVariables: classifier.trainableVariables,
    // The U-Net's weights too, so that a checkpoint alone restores the whole pipeline.
    stateVariables: { ...classifier.stateVariables, ...unetState },
    loss(batch) {
      const logits = classifier.trainingLogits(masked(batch.images));
      const classification = softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1]!), logits);
      return { total: classification, parts: { classification } };
    },
    predict: (images) => classifier.predict(masked(images)),
    explain: (images, classes) => classifier.explainClasses(masked(images), classes),
    segment: (images) => unet.segment(images),
  };
}

/** Loads a stage-1 checkpoint into the U-Net; a CheckpointError names what does not fit. */
function loadSegmenter(unet: Unet, config: UnetClassifierConfig): void {
  const dir = config.segmenter!;
  if (!existsSync(join(dir, 'checkpoint.json'))) throw new CheckpointError(dir, "segmenter: no U-Net checkpoint here (the run's preparation writes it; was the run folder moved?)");
  const stored = readCheckpointSync(dir);
  const segmenter = createUnetSegmenter(unet, segmenterConfig(config));
  checkCheckpoint(stored, segmenter);
  assignCheckpoint(stored, segmenter);
}

export const unetClassifierDefinition = defineMethod({
  name: 'unet-classifier',
  description: "U-Net + classifier: a U-Net trained on the masks removes the predicted background, then the backbone classifies what is left",
  paper:
    'Ronneberger, Fischer, Brox (2015). U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015, LNCS 9351, 234-241; the segmentation-classification baseline of Bassi, Dertkigil, Cavalli (2024), Nature Communications 15, 291, and of Bassi, Decherchi, Cavalli (2024), Faster ISNet for Background Bias Mitigation on Deep Neural Networks, IEEE Access 12, 155151-155167',
  needsMasks: true,
  attentionExplainer: ATTENTION_EXPLAINER.name,
  config: UnetClassifierConfig,
  /**
   * Without `segmenter` (epoch and step timing, which skip the preparation) the U-Net keeps
   * its seeded initial weights: the second stage's step costs the same whatever they are.
   */
  create(config, context) {
    const unet = new Unet(context.inputShape, context.seed, config);
    context.own?.(unet.model);
    if (config.segmenter !== undefined) loadSegmenter(unet, config);
    return createUnetClassifier(unet, new LrpClassifier(context.backbone()), config);
  },
  async prepare(config, context) {
    if (config.segmenter !== undefined) return undefined;
    const unet = new Unet(context.inputShape, context.seed, config);
    try {
      const segmenter = createUnetSegmenter(unet, segmenterConfig(config));
      context.log(`U-Net stage: ${config.segmenterEpochs} epochs in ${join(context.dir, SEGMENTER_DIR)}`);
      const result = await context.trainMethod(segmenter, { epochs: config.segmenterEpochs, name: SEGMENTER_DIR, validate: validateByDice(VALIDATION_BATCH) });
      if (!result.completed) return undefined;
      const checkpoint = checkpointPaths(join(context.dir, SEGMENTER_DIR)).best;
      const validation = result.epochs.find((epoch) => epoch.epoch === result.bestEpoch)?.validation.details ?? null;
      context.log(`U-Net stage done: best validation Dice ${result.bestMetric?.toFixed(4)} after epoch ${(result.bestEpoch ?? 0) + 1}`);
      return { config: { ...config, segmenter: checkpoint }, report: { segmenter: { checkpoint, bestEpoch: result.bestEpoch, validation, seconds: result.seconds } } };
    } finally {
      unet.dispose();
    }
  },
});
