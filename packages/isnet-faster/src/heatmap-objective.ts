import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor5D } from '@tensorflow/tfjs';
import { deepSupervisionLoss, downsampleMask, heatmapLoss } from '@isnet-bench/isnet-core';
import type { Explanation } from '@isnet-bench/lrp';
import type { FasterIsnetConfig } from './config.js';

/**
 * The heatmap loss of one explanation: of the input heatmap alone, or with LRP deep
 * supervision the GWRP (decay dLoss) of the per-layer losses sorted in descending order,
 * each hidden layer against the mask downsampled to its size and with its own C1/C2.
 */
export function heatmapObjective(explanation: Pick<Explanation, 'heatmap' | 'hidden'>, masks: Tensor, config: FasterIsnetConfig): Scalar {
  const input = heatmapLoss(tf.expandDims(explanation.heatmap, 1) as Tensor5D, masks, config.loss).total;
  const supervision = config.deepSupervision;
  if (!supervision) return input;
  const hidden = explanation.hidden.map((relevance, i) => {
    if (relevance.rank !== 4) {
      throw new RangeError(`deep supervision layer '${supervision.layers[i]}' gives relevance [${relevance.shape}]; it needs a spatial [batch, H, W, C] layer`);
    }
    const [, h, w] = relevance.shape as [number, number, number, number];
    const targets = supervision.targets?.[i] ?? config.loss;
    const params = { ...config.loss, C1: targets.C1, C2: targets.C2 };
    return heatmapLoss(tf.expandDims(relevance, 1) as Tensor5D, downsampleMask(masks, [h, w]), params).total;
  });
  return deepSupervisionLoss([input, ...hidden], config.loss.dLoss);
}
