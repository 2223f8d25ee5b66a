import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { BatchIterator, getSplit, type Batch, type Dataset } from '@isnet-bench/data';

/** Segmentation quality over the images of a split that have a mask (JSON: null, never NaN). */
export interface SegmentationEvaluation {
  /** Images with a mask, each scored. */
  readonly count: number;
  /** Mean per-image Dice of the thresholded prediction; null without images. */
  readonly dice: number | null;
  /** Mean per-image IoU (Jaccard) of the thresholded prediction; null without images. */
  readonly iou: number | null;
}

/** Foreground probabilities at or above this count as foreground. */
export const SEGMENTATION_THRESHOLD = 0.5;

export interface SegmentationScores {
  readonly dice: Float64Array;
  readonly iou: Float64Array;
}

/**
 * Per-image Dice 2|P n M| / (|P| + |M|) and IoU |P n M| / |P u M| of predictions P
 * (probability >= SEGMENTATION_THRESHOLD) against masks M (>= 0.5), both [B, H, W, 1]. An
 * image whose prediction and mask are both empty scores 1 on both: nothing to find, nothing
 * found.
 */
export async function segmentationScores(probabilities: Tensor, masks: Tensor): Promise<SegmentationScores> {
  if (probabilities.rank !== 4 || probabilities.shape[3] !== 1 || masks.rank !== 4 || probabilities.shape.some((size, axis) => size !== masks.shape[axis])) {
    throw new RangeError(`foreground probabilities and masks must both be [B, H, W, 1]: [${probabilities.shape.join(', ')}] and [${masks.shape.join(', ')}]`);
  }
  const batch = probabilities.shape[0]!;
  const sums = tf.tidy(() => {
    const predicted = tf.cast(tf.greaterEqual(probabilities, SEGMENTATION_THRESHOLD), 'float32');
    const truth = tf.cast(tf.greaterEqual(masks, 0.5), 'float32');
    const perImage = (t: Tensor) => tf.sum(t, [1, 2, 3]);
    return tf.stack([perImage(tf.mul(predicted, truth)), perImage(predicted), perImage(truth)]);
  });
  const values = await sums.data();
  sums.dispose();
  const dice = new Float64Array(batch);
  const iou = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const [overlap, predicted, truth] = [0, 1, 2].map((row) => values[row * batch + b]!);
    const union = predicted + truth - overlap;
    dice[b] = predicted + truth === 0 ? 1 : (2 * overlap) / (predicted + truth);
    iou[b] = union === 0 ? 1 : overlap / union;
  }
  return { dice, iou };
}

/** Accumulates per-image scores of a split's batches into its SegmentationEvaluation. */
export class SegmentationTally {
  private readonly dice: number[] = [];
  private readonly iou: number[] = [];

  /** Scores the batch's images that have a mask (`hasMask` of the split, by batch.indices). */
  async add(segment: (images: Tensor4D) => Tensor, batch: Batch, hasMask: Uint8Array): Promise<void> {
    const positions = Array.from(batch.indices.keys()).filter((position) => hasMask[batch.indices[position]!] === 1);
    if (positions.length === 0) return;
    const picked = tf.tidy(() => {
      const index = tf.tensor1d(positions, 'int32');
      const masks = tf.gather(batch.masks, index);
      return { probabilities: segment(tf.gather(batch.images, index) as Tensor4D), masks };
    });
    try {
      const scores = await segmentationScores(picked.probabilities, picked.masks);
      this.dice.push(...scores.dice);
      this.iou.push(...scores.iou);
    } finally {
      tf.dispose([picked.probabilities, picked.masks]);
    }
  }

  result(): SegmentationEvaluation {
    const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);
    return { count: this.dice.length, dice: mean(this.dice), iou: mean(this.iou) };
  }
}

/** Dice and IoU of `segment` on one split's images that have a mask (e.g. a segmenter's validation). */
export async function evaluateSegmentation(segment: (images: Tensor4D) => Tensor, dataset: Dataset, splitName: string, batchSize: number): Promise<SegmentationEvaluation> {
  const split = getSplit(dataset, splitName);
  const iterator = new BatchIterator(dataset, splitName, { batchSize, seed: 0, shuffle: false });
  const tally = new SegmentationTally();
  for (let batchIndex = 0; batchIndex < iterator.batchesPerEpoch; batchIndex++) {
    const batch = iterator.batch(0, batchIndex);
    try {
      await tally.add(segment, batch, split.hasMask);
    } finally {
      batch.dispose();
    }
  }
  return tally.result();
}
