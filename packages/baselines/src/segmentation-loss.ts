import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';

/** Added to the numerator and denominator of the soft Dice: an image and prediction both empty score 1, not 0/0. */
export const DICE_SMOOTHING = 1;

export interface SegmentationLoss {
  /** bce + dice. */
  total: Scalar;
  /** Binary cross-entropy of the foreground probabilities, averaged over pixels and images. */
  bce: Scalar;
  /** 1 - soft Dice, averaged over images. */
  dice: Scalar;
}

/**
 * BCE + Dice of foreground logits z [B, H, W, 1] against masks m (1 = foreground), with
 * p = sigmoid(z):
 *   bce  = mean over pixels of -(m log p + (1 - m) log(1 - p)) = softplus(z) - m z,
 *   dice = mean over images of 1 - (2 sum(p m) + s) / (sum p + sum m + s), s = DICE_SMOOTHING.
 * The BCE is taken from the logits (softplus), which stays finite where p saturates; the Dice
 * term weighs the foreground as a whole, whatever its share of the pixels.
 */
export function segmentationLoss(logits: Tensor, masks: Tensor): SegmentationLoss {
  const bce = tf.mean(tf.sub(tf.softplus(logits), tf.mul(masks, logits))) as Scalar;
  const probabilities = tf.sigmoid(logits);
  const axes = [1, 2, 3];
  const overlap = tf.sum(tf.mul(probabilities, masks), axes);
  const size = tf.add(tf.sum(probabilities, axes), tf.sum(masks, axes));
  const dice = tf.sub(1, tf.mean(tf.div(tf.add(tf.mul(2, overlap), DICE_SMOOTHING), tf.add(size, DICE_SMOOTHING)))) as Scalar;
  return { total: tf.add(bce, dice), bce, dice };
}
