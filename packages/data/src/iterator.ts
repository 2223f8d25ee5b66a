import * as tf from '@tensorflow/tfjs';
import { getSplit, type Dataset, type DatasetSplit } from './dataset.js';
import { deriveSeed, Rng } from './prng.js';

export interface BatchIteratorOptions {
  readonly batchSize: number;
  /** Seed of the per-epoch shuffles; epoch e's order depends only on (seed, e). */
  readonly seed: number;
  /** Default true; false keeps the stored order (evaluation). */
  readonly shuffle?: boolean;
  /** Default false: the last batch of an epoch may be smaller. */
  readonly dropRemainder?: boolean;
}

/**
 * One batch. The tensors belong to the caller, who must call `dispose()` (or dispose them
 * inside tf.tidy); the iterator keeps no reference, so skipping that leaks memory.
 */
export interface Batch {
  /** float32 [B, H, W, 1] in [0, 1]. */
  readonly images: tf.Tensor4D;
  /** float32 [B, H, W, 1], 1 = foreground; all zeros for images without a mask. */
  readonly masks: tf.Tensor4D;
  /** int32 [B]. */
  readonly labels: tf.Tensor1D;
  /** The labels again, for metrics without a download from the backend. */
  readonly labelArray: Int32Array;
  /** Positions of the batch's images within the split. */
  readonly indices: Int32Array;
  readonly epoch: number;
  readonly batchIndex: number;
  dispose(): void;
}

const UNIT_SCALE = Float32Array.from({ length: 256 }, (_, level) => level / 255);

/**
 * Seeded, resumable mini-batches over one split held in memory as bytes; only the current
 * batch becomes tensors. `batch(epoch, i)` is a pure function of (seed, epoch, i), so a
 * training loop resumed from a checkpoint at (epoch, i) sees exactly the batches it would
 * have seen without the interruption.
 */
export class BatchIterator {
  readonly batchesPerEpoch: number;
  private readonly split: DatasetSplit;
  private readonly height: number;
  private readonly width: number;
  private cachedOrder: { epoch: number; order: Int32Array } | null = null;

  constructor(dataset: Dataset, splitName: string, private readonly options: BatchIteratorOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
    this.split = getSplit(dataset, splitName);
    this.height = dataset.imageSize.height;
    this.width = dataset.imageSize.width;
    const full = Math.floor(this.split.count / options.batchSize);
    this.batchesPerEpoch = options.dropRemainder || this.split.count % options.batchSize === 0 ? full : full + 1;
  }

  get count(): number {
    return this.split.count;
  }

  /** The order in which epoch `epoch` visits the split's images (shared cache: do not modify). */
  epochOrder(epoch: number): Int32Array {
    if (this.cachedOrder?.epoch !== epoch) {
      const order = Int32Array.from({ length: this.split.count }, (_, i) => i);
      if (this.options.shuffle ?? true) new Rng(deriveSeed(this.options.seed, 'epoch', epoch)).shuffle(order);
      this.cachedOrder = { epoch, order };
    }
    return this.cachedOrder.order;
  }

  /** Batch `batchIndex` of epoch `epoch`, for resuming anywhere. */
  batch(epoch: number, batchIndex: number): Batch {
    if (!Number.isInteger(batchIndex) || batchIndex < 0 || batchIndex >= this.batchesPerEpoch) {
      throw new RangeError(`batchIndex ${batchIndex} is outside 0..${this.batchesPerEpoch - 1}`);
    }
    const start = batchIndex * this.options.batchSize;
    const indices = this.epochOrder(epoch).slice(start, Math.min(start + this.options.batchSize, this.split.count));
    return this.materialise(indices, epoch, batchIndex);
  }

  /** Batches of one epoch from `fromBatch` on (0 = the whole epoch). */
  *epoch(epoch: number, fromBatch = 0): Generator<Batch, void, undefined> {
    for (let batchIndex = fromBatch; batchIndex < this.batchesPerEpoch; batchIndex++) yield this.batch(epoch, batchIndex);
  }

  private materialise(indices: Int32Array, epoch: number, batchIndex: number): Batch {
    const pixels = this.height * this.width;
    const size = indices.length;
    // Fresh arrays per batch: backends may keep the array given to tf.tensor instead of copying it.
    const imageValues = new Float32Array(size * pixels);
    const maskValues = new Float32Array(size * pixels);
    const labelArray = new Int32Array(size);
    const { images, masks, labels } = this.split;
    for (let b = 0; b < size; b++) {
      const from = indices[b] * pixels;
      const to = b * pixels;
      for (let p = 0; p < pixels; p++) {
        imageValues[to + p] = UNIT_SCALE[images[from + p]];
        maskValues[to + p] = masks[from + p];
      }
      labelArray[b] = labels[indices[b]];
    }
    const shape: [number, number, number, number] = [size, this.height, this.width, 1];
    const batch = {
      images: tf.tensor4d(imageValues, shape, 'float32'),
      masks: tf.tensor4d(maskValues, shape, 'float32'),
      labels: tf.tensor1d(labelArray.slice(), 'int32'),
      labelArray,
      indices,
      epoch,
      batchIndex,
      dispose: () => tf.dispose([batch.images, batch.masks, batch.labels]),
    };
    return batch;
  }
}
