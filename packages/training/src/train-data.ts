import { BatchIterator, deriveSeed, getSplit, Rng, splitFingerprint, pixelsPerImage, type Dataset, type DatasetSplit } from '@isnet-bench/data';
import type { TrainConfig } from './config.js';
import { TrainConfigError } from './errors.js';

/** The training images of a run and their batches. */
export interface TrainingData {
  /** The dataset, with the train split replaced by the subset when `trainSubset` is set. */
  readonly dataset: Dataset;
  readonly iterator: BatchIterator;
  /** Batches per epoch, after `maxBatchesPerEpoch`. */
  readonly batches: number;
  /** Images in the (subset) train split. */
  readonly images: number;
  /** splitFingerprint of the (subset) train split, so a resume can refuse other data. */
  readonly fingerprint: string;
}

export function trainingData(dataset: Dataset, config: TrainConfig): TrainingData {
  const full = getSplit(dataset, config.trainSplit);
  const split = config.trainSubset === undefined ? full : subset(full, config, pixelsPerImage(dataset));
  if (split.count === 0) throw new TrainConfigError(`trainSplit: split '${config.trainSplit}' has no images`);
  const view: Dataset = { ...dataset, splits: { ...dataset.splits, [config.trainSplit]: split } };
  const iterator = new BatchIterator(view, config.trainSplit, { batchSize: config.batchSize, seed: config.seed });
  return {
    dataset: view,
    iterator,
    batches: Math.min(iterator.batchesPerEpoch, config.maxBatchesPerEpoch ?? Infinity),
    images: split.count,
    fingerprint: splitFingerprint(split),
  };
}

/**
 * The first `trainSubset` images of the split shuffled with (seed, 'train-subset'): a random
 * sample, the same for every method trained with that seed. Kept in stored order; only the
 * arrays the batch iterator and mask check read are carried over.
 */
function subset(split: DatasetSplit, config: TrainConfig, pixels: number): DatasetSplit {
  const count = config.trainSubset!;
  if (count > split.count) throw new TrainConfigError(`trainSubset: ${count} exceeds the ${split.count} images of split '${config.trainSplit}'`);
  const chosen = new Rng(deriveSeed(config.seed, 'train-subset')).permutation(split.count).subarray(0, count).sort();
  const images = new Uint8Array(count * pixels);
  const masks = new Uint8Array(count * pixels);
  chosen.forEach((from, to) => {
    images.set(split.images.subarray(from * pixels, (from + 1) * pixels), to * pixels);
    masks.set(split.masks.subarray(from * pixels, (from + 1) * pixels), to * pixels);
  });
  const origins = split.origins;
  return {
    count,
    images,
    masks,
    hasMask: Uint8Array.from(chosen, (i) => split.hasMask[i]),
    labels: Uint8Array.from(chosen, (i) => split.labels[i]),
    ...(origins ? { origins: Array.from(chosen, (i) => origins[i]) } : {}),
  };
}
