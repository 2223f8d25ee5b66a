import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor5D } from '@tensorflow/tfjs';
import { masksForHeatmaps } from './masks.js';

/** 'L2': the original ISNet; 'hybrid': Faster ISNet, linear above C1 + C2. */
export type ForegroundForm = 'L2' | 'hybrid';

export interface ForegroundLossOptions {
  /** Lower target of the total foreground relevance. */
  C1: number;
  /** Upper target, above C1. */
  C2: number;
  form: ForegroundForm;
}

/**
 * The ISNet foreground loss of each image, [batch]: keeps the total foreground relevance
 * F = sum of |H| over the foreground (raw, summed over channels as in the reference and the
 * 3-channel fixtures) within [C1, C2], per map, then averages over maps:
 *   L2:     (min(F, C1)/C1 - 1)^2 + (max(F, C2)/C1 - C2/C1)^2
 *   hybrid: the same up to F = C1 + C2, beyond it (F - C1 - C2) + 1 for the right-hand term
 *           (equal to the quadratic there, both 1), so a far-too-large F is not squared.
 */
export function foregroundLoss(heatmaps: Tensor5D, masks: Tensor, options: ForegroundLossOptions): Tensor1D {
  return tf.tidy(() => {
    const mask = masksForHeatmaps(heatmaps, masks);
    const total = tf.sum(tf.mul(tf.abs(heatmaps), mask), [2, 3, 4]);
    return tf.mean(penalty(total, options), 1);
  });
}

function penalty(F: Tensor, { C1, C2, form }: ForegroundLossOptions): Tensor {
  // Dividing by C1 before squaring (rather than squaring F - C1 and dividing by C1^2) keeps
  // small targets (C1 ~ 1e-3, common for LRP-eps heatmaps) clear of float32 underflow.
  const below = tf.square(tf.sub(tf.div(tf.minimum(F, C1), C1), 1));
  const squaredAbove = (x: Tensor) => tf.square(tf.sub(tf.div(tf.maximum(x, C2), C1), C2 / C1));
  if (form === 'L2') return tf.add(below, squaredAbove(F));
  // The hybrid switch written with min/max, not tf.where: where's gradient goes through
  // LogicalNot, which has no gradient in TF.js, so the second order would throw. Up to
  // C1 + C2 the linear part is 0; beyond, the quadratic part stays at its value there, 1.
  const knee = C1 + C2;
  return tf.add(below, tf.add(squaredAbove(tf.minimum(F, knee)), tf.sub(tf.maximum(F, knee), knee)));
}
