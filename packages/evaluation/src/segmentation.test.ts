import * as tf from '@tensorflow/tfjs';
import type { Dataset, DatasetSplit } from '@isnet-bench/data';
import { initEngine } from '@isnet-bench/engine';
import type { Method } from '@isnet-bench/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateMethod } from './evaluate.js';
import { evaluateSegmentation, segmentationScores } from './segmentation.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

// 2 x 2 images (top-left, top-right, bottom-left, bottom-right); the "segmenter" below reads a
// pixel's brightness as its foreground probability, so a pixel of 128 or more is predicted
// foreground (128/255 > 0.5 > 127/255).
const TOP_ROW = [1, 1, 0, 0];
const NONE = [0, 0, 0, 0];

interface Case {
  image: number[];
  mask: number[] | null;
  /** By hand: |P n M|, |P|, |M| -> Dice 2|P n M|/(|P|+|M|), IoU |P n M|/|P u M|. */
  dice?: number;
  iou?: number;
}

const CASES: Case[] = [
  { image: [255, 255, 0, 0], mask: TOP_ROW, dice: 1, iou: 1 }, //           2, 2, 2
  { image: [128, 127, 0, 0], mask: TOP_ROW, dice: 2 / 3, iou: 1 / 2 }, //   1, 1, 2
  { image: [0, 0, 255, 255], mask: TOP_ROW, dice: 0, iou: 0 }, //           0, 2, 2
  { image: [255, 255, 200, 0], mask: TOP_ROW, dice: 4 / 5, iou: 2 / 3 }, // 2, 3, 2
  { image: [0, 0, 0, 0], mask: NONE, dice: 1, iou: 1 }, //                  0, 0, 0: nothing to find, nothing found
  { image: [255, 0, 0, 0], mask: null }, //                                 no mask: not scored
];

function split(cases: Case[]): DatasetSplit {
  return {
    count: cases.length,
    images: Uint8Array.from(cases.flatMap((c) => c.image)),
    masks: Uint8Array.from(cases.flatMap((c) => c.mask ?? NONE)),
    hasMask: Uint8Array.from(cases, (c) => Number(c.mask !== null)),
    labels: Uint8Array.from(cases, () => 0),
  };
}

const dataset: Dataset = {
  kind: 'synthetic',
  source: { name: 'synthetic', location: 'memory' },
  options: {},
  seed: 0,
  classNames: ['a', 'b'],
  imageSize: { height: 2, width: 2, channels: 1 },
  splits: { test: split(CASES), unmasked: split([{ image: [255, 0, 0, 0], mask: null }]) },
};

const scored = CASES.filter((c) => c.mask !== null);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const brightness = (images: tf.Tensor) => tf.clone(images);

function constantMethod(segment?: Method['segment']): Method {
  return {
    name: 'constant',
    needsMasks: false,
    trainableVariables: [],
    stateVariables: {},
    config: {},
    loss: () => {
      throw new Error('not trained in these tests');
    },
    predict: (images) => tf.zeros([images.shape[0], 2]),
    explain: (images) => tf.onesLike(images),
    ...(segment ? { segment } : {}),
  };
}

describe('segmentationScores', () => {
  it('gives the hand-computed Dice and IoU of each image, 1 when prediction and mask are both empty', async () => {
    const probabilities = tf.tensor4d(scored.flatMap((c) => c.image.map((v) => v / 255)), [scored.length, 2, 2, 1]);
    const masks = tf.tensor4d(scored.flatMap((c) => c.mask!), [scored.length, 2, 2, 1]);
    const { dice, iou } = await segmentationScores(probabilities, masks);
    expect(Array.from(dice)).toEqual(scored.map((c) => expect.closeTo(c.dice!, 12)));
    expect(Array.from(iou)).toEqual(scored.map((c) => expect.closeTo(c.iou!, 12)));
    tf.dispose([probabilities, masks]);
  });

  it('refuses shapes that do not match', async () => {
    await expect(segmentationScores(tf.zeros([2, 2, 2, 1]), tf.zeros([2, 2, 3, 1]))).rejects.toThrow('[2, 2, 2, 1] and [2, 2, 3, 1]');
    await expect(segmentationScores(tf.zeros([2, 2, 2, 3]), tf.zeros([2, 2, 2, 3]))).rejects.toThrow(RangeError);
  });
});

describe('evaluateSegmentation', () => {
  it('averages over the images that have a mask, in any batching, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    for (const batchSize of [1, 4, 6]) {
      const result = await evaluateSegmentation(brightness, dataset, 'test', batchSize);
      expect(result.count).toBe(5);
      expect(result.dice).toBeCloseTo(mean(scored.map((c) => c.dice!)), 12);
      expect(result.iou).toBeCloseTo(mean(scored.map((c) => c.iou!)), 12);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(await evaluateSegmentation(brightness, dataset, 'unmasked', 4)).toEqual({ count: 0, dice: null, iou: null });
  });
});

describe('evaluateMethod with a segmenting method', () => {
  it('adds Dice and IoU to every split, null where no image has a mask; JSON-safe', async () => {
    const before = tf.memory().numTensors;
    const result = await evaluateMethod(constantMethod(brightness), dataset, ['test', 'unmasked'], { batchSize: 4, heatmaps: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.splits.test!.segmentation).toEqual({ count: 5, dice: expect.closeTo(mean(scored.map((c) => c.dice!)), 12), iou: expect.closeTo(mean(scored.map((c) => c.iou!)), 12) });
    expect(result.splits.unmasked!.segmentation).toBeNull();
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('leaves the field out for methods that do not segment', async () => {
    const result = await evaluateMethod(constantMethod(), dataset, ['test'], { batchSize: 4, heatmaps: false });
    expect('segmentation' in result.splits.test!).toBe(false);
  });
});
