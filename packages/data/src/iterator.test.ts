import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBiasedDigits } from './digits/build-biased-digits.js';
import { BatchIterator, type Batch } from './iterator.js';
import { biasedDigitsOptionsSchema } from './options.js';
import { fakeDigitSource } from './test-support/fixtures.js';

const dataset = buildBiasedDigits(fakeDigitSource(230, 10), biasedDigitsOptionsSchema.parse({ trainCount: 200, validationCount: 30, testCount: 10 }));

/** Reads a batch's contents and disposes it. */
function contents(batch: Batch) {
  const read = { indices: Array.from(batch.indices), images: Array.from(batch.images.dataSync()), masks: Array.from(batch.masks.dataSync()), labels: Array.from(batch.labels.dataSync()) };
  batch.dispose();
  return read;
}

describe('BatchIterator', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('yields float32 NHWC images in [0,1], binary masks and int32 labels matching the split', () => {
    const iterator = new BatchIterator(dataset, 'train', { batchSize: 64, seed: 1 });
    const batch = iterator.batch(0, 0);
    expect([batch.images.shape, batch.images.dtype, batch.masks.shape, batch.labels.dtype]).toEqual([[64, 28, 28, 1], 'float32', [64, 28, 28, 1], 'int32']);
    const images = batch.images.dataSync();
    const masks = batch.masks.dataSync();
    const { train } = dataset.splits;
    batch.indices.forEach((index, b) => {
      expect(batch.labelArray[b]).toBe(train.labels[index]);
      for (const p of [0, 300, 783]) {
        expect(images[b * 784 + p]).toBeCloseTo(train.images[index * 784 + p] / 255, 6);
        expect(masks[b * 784 + p]).toBe(train.masks[index * 784 + p]);
      }
    });
    expect(Array.from(batch.labels.dataSync())).toEqual(Array.from(batch.labelArray));
    batch.dispose();
  });

  it('shuffles deterministically: same seed and epoch, same order; every epoch a new permutation', () => {
    const a = new BatchIterator(dataset, 'train', { batchSize: 50, seed: 7 });
    const b = new BatchIterator(dataset, 'train', { batchSize: 50, seed: 7 });
    expect(Array.from(a.epochOrder(3))).toEqual(Array.from(b.epochOrder(3)));
    expect(Array.from(a.epochOrder(4))).not.toEqual(Array.from(a.epochOrder(3)));
    expect(Array.from(new BatchIterator(dataset, 'train', { batchSize: 50, seed: 8 }).epochOrder(3))).not.toEqual(Array.from(a.epochOrder(3)));
    expect(Array.from(a.epochOrder(4)).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(Array.from(new BatchIterator(dataset, 'train', { batchSize: 50, seed: 7, shuffle: false }).epochOrder(4))).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('resumed mid-epoch by a fresh iterator, yields exactly the remaining batches of an uninterrupted run', () => {
    const options = { batchSize: 32, seed: 5 };
    const uninterrupted = [...new BatchIterator(dataset, 'train', options).epoch(2)].map(contents);
    expect(uninterrupted).toHaveLength(7); // 6 full batches and one of 8
    expect(uninterrupted[6].labels).toHaveLength(8);
    const resumed = [...new BatchIterator(dataset, 'train', options).epoch(2, 4)].map(contents);
    expect(resumed).toEqual(uninterrupted.slice(4));
  });

  it('can drop the last partial batch and leaks no tensors once batches are disposed', () => {
    const iterator = new BatchIterator(dataset, 'train', { batchSize: 32, seed: 5, dropRemainder: true });
    expect(iterator.batchesPerEpoch).toBe(6);
    const before = tf.memory().numTensors;
    for (const batch of iterator.epoch(0)) batch.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => iterator.batch(0, 6)).toThrow(/batchIndex 6 is outside 0..5/);
    expect(() => new BatchIterator(dataset, 'nope', { batchSize: 1, seed: 0 })).toThrow(/no split 'nope' \(splits: train, validation, test, unbiased, confounding\)/);
  });
});
