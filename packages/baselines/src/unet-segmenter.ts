import { evaluateSegmentation } from '@isnet-bench/evaluation';
import type { Method, Validate } from '@isnet-bench/training';
import { segmentationLoss } from './segmentation-loss.js';
import { modelVariables, type Unet } from './unet.js';

/** The name of a U-Net trained alone; its checkpoints carry it. */
export const UNET_SEGMENTER = 'unet-segmenter';

/**
 * A U-Net trained alone on the foreground masks by BCE + Dice: the first stage of the U-Net +
 * classifier. It segments and has no classes, so it neither predicts nor explains; the
 * training loop only calls `loss`, and validation reads `segment` (validateByDice).
 */
export function createUnetSegmenter(unet: Unet, config: Record<string, unknown>): Method & { segment: NonNullable<Method['segment']> } {
  const refuse = (what: string) => () => {
    throw new TypeError(`${UNET_SEGMENTER} segments only: it has no ${what}`);
  };
  return {
    name: UNET_SEGMENTER,
    needsMasks: true,
    config,
    ...modelVariables(unet.model),
    loss(batch) {
      const { total, bce, dice } = segmentationLoss(unet.logits(batch.images, true), batch.masks);
      return { total, parts: { bce, dice } };
    },
    segment: (images) => unet.segment(images),
    predict: refuse('class logits'),
    explain: refuse('class heatmaps'),
  };
}

/** Validation by mean Dice on the validation split's images that have a mask (0 when none has one). */
export function validateByDice(batchSize: number): Validate {
  return async (method, { dataset, split }) => {
    const result = await evaluateSegmentation((images) => method.segment!(images), dataset, split, batchSize);
    return { metric: result.dice ?? 0, details: result };
  };
}
