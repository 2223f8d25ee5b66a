import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor5D } from '@tensorflow/tfjs';
import { backgroundLoss } from './background-loss.js';
import { foregroundLoss } from './foreground-loss.js';
import type { IsnetLossParams } from './params.js';

export type HeatmapLossParams = Pick<IsnetLossParams, 'd' | 'E' | 'A' | 'B' | 'C1' | 'C2' | 'foreground'>;

export interface HeatmapLoss {
  /** Batch mean of the background loss (before the weight A). */
  background: Scalar;
  /** Batch mean of the foreground loss (before the weight B). */
  foreground: Scalar;
  /** Batch mean of A * background + B * foreground: the quantity to optimise. */
  total: Scalar;
}

/**
 * The ISNet heatmap loss of heatmaps [batch, maps, H, W, channels] under masks
 * [batch, H, W, 1]; for hidden layers, downsample the masks first (downsampleMask).
 */
export function heatmapLoss(heatmaps: Tensor5D, masks: Tensor, params: HeatmapLossParams): HeatmapLoss {
  return tf.tidy(() => {
    const background = backgroundLoss(heatmaps, masks, params);
    const foreground = foregroundLoss(heatmaps, masks, { C1: params.C1, C2: params.C2, form: params.foreground });
    return {
      background: tf.mean(background) as Scalar,
      foreground: tf.mean(foreground) as Scalar,
      total: tf.mean(tf.add(tf.mul(background, params.A), tf.mul(foreground, params.B))) as Scalar,
    };
  });
}
