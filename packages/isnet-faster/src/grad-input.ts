import { gradTimesInput, MEAN_HIGHEST_PROBABILITY } from '@isnet-bench/explainers';
import { isnetLoss } from '@isnet-bench/isnet-core';
import type { LrpClassifier } from '@isnet-bench/lrp';
import type { Method } from '@isnet-bench/training';
import { FasterIsnetConfig, type FasterIsnetConfigInput } from './config.js';
import { heatmapObjective } from './heatmap-objective.js';

/** The ablation's heatmap: Grad x Input of the batch mean of the highest softmax probability. */
export const GRAD_INPUT_EXPLAINER = gradTimesInput(MEAN_HIGHEST_PROBABILITY);

/**
 * The ablation "ISNet Softmax Grad*Input": the heatmap is x times the plain gradient (no LRP)
 * of the batch mean of the highest softmax probability. Shows what LRP adds.
 */
export function createGradInputIsnet(classifier: LrpClassifier, input: FasterIsnetConfigInput = {}): Method {
  const config = FasterIsnetConfig.parse(input);
  if (config.deepSupervision) throw new Error('the Grad*Input ablation has no deep-supervision variant');
  return {
    name: 'grad-input',
    needsMasks: true,
    config: { ...config },
    ...classifier.methodMembers(),
    loss(batch) {
      const { heatmap, logits } = GRAD_INPUT_EXPLAINER.explain(classifier, batch.images, { training: true, updateStatistics: true });
      const loss = heatmapObjective({ heatmap, hidden: [] }, batch.masks, config);
      const { classification, total } = isnetLoss({ logits, labels: batch.labels, heatmapLoss: loss, P: config.loss.P });
      return { total, parts: { classification, heatmap: loss } };
    },
  };
}
