import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { BatchIterator, getSplit, type Batch, type Dataset, type Log } from '@isnet-bench/data';
import type { Method } from '@isnet-bench/training';
import { oneVsRestAuc } from './auc.js';
import { backgroundAttention, type BackgroundAttention } from './background-attention.js';
import { accuracy, confusionMatrix, macroF1 } from './metrics.js';
import { argmaxRows, softmaxRows } from './probabilities.js';
import { SegmentationTally, type SegmentationEvaluation } from './segmentation.js';
import type { ShortcutDiagnostics } from './shortcut-diagnostics.js';

export interface EvaluateOptions {
  readonly batchSize: number;
  /**
   * Explain each prediction (the LRP heatmap of the predicted class) and measure its
   * background attention on the images that have a mask. Costs a backward pass per batch.
   */
  readonly heatmaps: boolean;
  /** Progress: one line per batch, naming the split and batches done / total. */
  readonly log?: Log;
}

/**
 * The metrics of one split. JSON-serialisable: a value that is undefined (no images, no
 * class with an AUC, no heatmaps) is null, never NaN.
 */
export interface SplitEvaluation {
  readonly count: number;
  readonly accuracy: number | null;
  /** See `macroF1` for the classes it averages over. */
  readonly macroF1: number | null;
  /** Macro one-vs-rest ROC AUC of the softmax probabilities, over the classes not skipped. */
  readonly auc: number | null;
  /** Classes without an AUC on this split (absent from its labels, or the only class in them). */
  readonly aucSkippedClasses: number[];
  /** Counts [true class][predicted class]. */
  readonly confusionMatrix: number[][];
  /** Images whose heatmap was measured: those with a mask when heatmaps are on, else 0. */
  readonly heatmapCount: number;
  /** Mean background attention over the measured heatmaps that have relevance. */
  readonly backgroundAttention: number | null;
  /** Mean ratio of mean background |H| to mean foreground |H| over the images where it is finite. */
  readonly backgroundToForegroundRatio: number | null;
  /** Measured heatmaps with no relevance at all (sum |H| = 0, or not finite): left out of the attention mean. */
  readonly heatmapsWithoutRelevance: number;
  /** Measured heatmaps left out of the ratio mean (no relevance, an empty region, or no foreground relevance). */
  readonly ratioExcluded: number;
  /**
   * Only for methods that segment (`Method.segment`): Dice and IoU of their foreground on the
   * split's images that have a mask, null when none has one.
   */
  readonly segmentation?: SegmentationEvaluation | null;
}

export interface EvaluationResult {
  readonly splits: Record<string, SplitEvaluation>;
  /** Shortcut diagnostics on the dataset's paired splits, when asked for (absent otherwise). */
  readonly diagnostics?: ShortcutDiagnostics;
}

/**
 * Evaluates a trained method on the named splits, in their stored order. Every tensor it
 * creates is disposed per batch, whether or not the evaluation succeeds.
 */
export async function evaluateMethod(method: Method, dataset: Dataset, splitNames: readonly string[], options: EvaluateOptions): Promise<EvaluationResult> {
  // Fail on a misspelt split before spending time on the others.
  for (const name of splitNames) getSplit(dataset, name);
  const splits: Record<string, SplitEvaluation> = {};
  for (const name of splitNames) splits[name] = await evaluateSplit(method, dataset, name, options);
  return { splits };
}

async function evaluateSplit(method: Method, dataset: Dataset, splitName: string, options: EvaluateOptions): Promise<SplitEvaluation> {
  const split = getSplit(dataset, splitName);
  const classes = dataset.classNames.length;
  // The seed only drives shuffling, which evaluation turns off.
  const iterator = new BatchIterator(dataset, splitName, { batchSize: options.batchSize, seed: 0, shuffle: false });
  const labels = new Int32Array(split.count);
  const predictions = new Int32Array(split.count);
  const logits = new Float32Array(split.count * classes);
  const attention: number[] = [];
  const ratios: number[] = [];
  const segmentation = method.segment ? new SegmentationTally() : undefined;

  let done = 0;
  for (let batchIndex = 0; batchIndex < iterator.batchesPerEpoch; batchIndex++) {
    const batch = iterator.batch(0, batchIndex);
    try {
      const size = batch.labelArray.length;
      const batchLogits = await predictLogits(method, batch.images, classes);
      const batchPredictions = argmaxRows(batchLogits, classes);
      logits.set(batchLogits, done * classes);
      labels.set(batch.labelArray, done);
      predictions.set(batchPredictions, done);
      done += size;

      if (options.heatmaps) {
        const masked = maskedPositions(batch, split.hasMask);
        if (masked.length > 0) {
          const measured = await measureHeatmaps(method, batch, masked, batchPredictions);
          attention.push(...measured.attention);
          ratios.push(...measured.backgroundToForeground);
        }
      }
      await segmentation?.add((images) => method.segment!(images), batch, split.hasMask);
    } finally {
      batch.dispose();
    }
    options.log?.(`${splitName}: batch ${batchIndex + 1}/${iterator.batchesPerEpoch}`);
  }

  const auc = oneVsRestAuc(labels, softmaxRows(logits, classes), classes);
  const attentionMean = finiteMean(attention);
  const ratioMean = finiteMean(ratios);
  return {
    count: split.count,
    accuracy: orNull(accuracy(labels, predictions)),
    macroF1: orNull(macroF1(labels, predictions, classes)),
    auc: orNull(auc.auc),
    aucSkippedClasses: auc.skippedClasses,
    confusionMatrix: confusionMatrix(labels, predictions, classes),
    heatmapCount: attention.length,
    backgroundAttention: attentionMean.mean,
    backgroundToForegroundRatio: ratioMean.mean,
    heatmapsWithoutRelevance: attentionMean.excluded,
    ratioExcluded: ratioMean.excluded,
    ...(segmentation ? { segmentation: nullWithoutImages(segmentation.result()) } : {}),
  };
}

async function predictLogits(method: Method, images: Tensor4D, classes: number): Promise<ArrayLike<number>> {
  const logits = tf.tidy(() => method.predict(images));
  try {
    if (logits.rank !== 2 || logits.shape[0] !== images.shape[0] || logits.shape[1] !== classes) {
      throw new RangeError(`method '${method.name}' returned logits [${logits.shape.join(', ')}], expected [${images.shape[0]}, ${classes}]`);
    }
    return await logits.data();
  } finally {
    logits.dispose();
  }
}

/** Positions within the batch of the images that have a mask. */
function maskedPositions(batch: Batch, hasMask: Uint8Array): Int32Array {
  const positions: number[] = [];
  batch.indices.forEach((index, position) => {
    if (hasMask[index] === 1) positions.push(position);
  });
  return Int32Array.from(positions);
}

/** Background attention of the heatmaps of the predicted classes, for the given batch positions. */
async function measureHeatmaps(method: Method, batch: Batch, positions: Int32Array, predictions: Int32Array): Promise<BackgroundAttention> {
  const picked = tf.tidy(() => {
    const index = tf.tensor1d(positions, 'int32');
    return { images: tf.gather(batch.images, index), masks: tf.gather(batch.masks, index) };
  });
  try {
    const heatmap = tf.tidy(() => method.explain(picked.images, Int32Array.from(positions, (position) => predictions[position])));
    try {
      return await backgroundAttention(heatmap, picked.masks);
    } finally {
      heatmap.dispose();
    }
  } finally {
    tf.dispose(picked);
  }
}

/** Mean of the finite values, and how many were not finite (left out). */
function finiteMean(values: readonly number[]): { mean: number | null; excluded: number } {
  const finite = values.filter(Number.isFinite);
  return { mean: finite.length === 0 ? null : finite.reduce((sum, value) => sum + value, 0) / finite.length, excluded: values.length - finite.length };
}

function nullWithoutImages(result: SegmentationEvaluation): SegmentationEvaluation | null {
  return result.count === 0 ? null : result;
}

/** JSON has no NaN: an undefined metric is null. */
function orNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}
