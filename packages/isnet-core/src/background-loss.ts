import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor5D } from '@tensorflow/tfjs';
import { gwrp } from './gwrp.js';
import { masksForHeatmaps } from './masks.js';

export interface BackgroundLossOptions {
  /** GWRP decay over the ranked background values. */
  d: number;
  /** Activation constant: a = b / (b + E). */
  E: number;
}

/** a = b / (b + E) is clamped here so that -log(1 - a) stays finite, as in the reference. */
const MAX_ACTIVATION = 1 - 1e-7;
const NORMALISATION_EPS = 1e-10;

/**
 * The ISNet background loss of each image, [batch], from heatmaps [batch, maps, H, W,
 * channels] and masks [batch, H, W, 1] (1 = foreground).
 *
 * Per image and map, |H| is divided by its mean over the foreground of all channels together
 * (the reference sums |H| * M over channels, height and width and divides by the count of
 * foreground entries): a per-channel normalisation gives different losses on 3-channel
 * fixtures, this form reproduces them. The normalised background, Hn * (1 - M), is then pooled
 * with GWRP per channel over all H * W positions, foreground positions as zeros (they rank
 * last); a = b / (b + E), clamped; loss -log(1 - a); mean over channels and maps.
 */
export function backgroundLoss(heatmaps: Tensor5D, masks: Tensor, { d, E }: BackgroundLossOptions): Tensor1D {
  return tf.tidy(() => {
    const [batch, maps, height, width, channels] = heatmaps.shape;
    const mask = masksForHeatmaps(heatmaps, masks);
    const magnitude = tf.abs(heatmaps);
    const foregroundSum = tf.sum(tf.mul(magnitude, mask), [2, 3, 4], true);
    // The eps in the count too (as the reference): an empty foreground then saturates the
    // loss instead of making it NaN; for any real mask the change is ~1e-10 relative.
    const foregroundCount = tf.add(tf.mul(tf.sum(mask, [2, 3, 4], true), channels), NORMALISATION_EPS);
    const normalised = tf.div(magnitude, tf.add(tf.div(foregroundSum, foregroundCount), NORMALISATION_EPS));
    const background = tf.reshape(tf.mul(normalised, tf.sub(1, mask)), [batch, maps, height * width, channels]);
    const pooled = gwrp(background, d, 2);
    const activation = tf.minimum(tf.div(pooled, tf.add(pooled, E)), MAX_ACTIVATION);
    return tf.mean(tf.neg(tf.log(tf.sub(1, activation))), [1, 2]);
  });
}
