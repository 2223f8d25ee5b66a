import type { Tensor5D } from '@tensorflow/tfjs';
import { heatmapLoss, IsnetLossParams, isnetLoss, LrpSettings } from '@isnet-bench/isnet-core';
import { explainEveryClass, type LrpClassifier } from '@isnet-bench/lrp';
import type { Method } from '@isnet-bench/training';
import { z } from 'zod';

export const OriginalIsnetConfig = z.strictObject({
  loss: IsnetLossParams.default(IsnetLossParams.parse({})),
  lrp: LrpSettings.default(LrpSettings.parse({})),
});
export type OriginalIsnetConfigInput = z.input<typeof OriginalIsnetConfig>;

/**
 * The original ISNet: one LRP-Flex heatmap per class per image (C modified backward passes,
 * each differentiated again), all of them optimised. Its step cost grows linearly with C.
 */
export function createOriginalIsnet(classifier: LrpClassifier, input: OriginalIsnetConfigInput = {}): Method {
  const config = OriginalIsnetConfig.parse(input);
  return {
    name: 'original',
    needsMasks: true,
    config: { ...config },
    ...classifier.methodMembers(),
    loss(batch) {
      const { logits, heatmaps } = explainEveryClass(classifier.graph, batch.images, { ...config.lrp, training: true, updateStatistics: true });
      const heatmap = heatmapLoss(heatmaps as Tensor5D, batch.masks, config.loss).total;
      const { classification, total } = isnetLoss({ logits, labels: batch.labels, heatmapLoss: heatmap, P: config.loss.P });
      return { total, parts: { classification, heatmap } };
    },
  };
}
