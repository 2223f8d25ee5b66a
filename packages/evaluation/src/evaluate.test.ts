import * as tf from '@tensorflow/tfjs';
import type { Dataset, DatasetSplit } from '@isnet-bench/data';
import { initEngine } from '@isnet-bench/engine';
import type { Method } from '@isnet-bench/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateMethod } from './evaluate.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

/**
 * A fixed linear model on 2 x 2 images (pixels top-left, top-right, bottom-left,
 * bottom-right): logit 0 sums the top row, logit 1 all pixels but the top-left. Its
 * "heatmap" is x * w of the explained class, so relevance lies exactly where that class's
 * weights meet bright pixels.
 */
function linearMethod(): Method {
  const w = tf.variable(tf.tensor2d([[1, 0], [1, 1], [0, 1], [0, 1]]), false, 'w');
  return {
    name: 'fixed-linear',
    needsMasks: false,
    trainableVariables: [w],
    stateVariables: { w },
    config: {},
    loss: () => {
      throw new Error('not trained in these tests');
    },
    predict: (images) => tf.matMul(tf.reshape(images, [images.shape[0], 4]), w),
    explain: (images, classes) => tf.mul(images, tf.reshape(tf.transpose(tf.gather(w, Array.from(classes), 1)), images.shape)),
  };
}

// The top row is the foreground.
const TOP_ROW = [1, 1, 0, 0];

function split(images: number[][], labels: number[], hasMask: number[]): DatasetSplit {
  return {
    count: images.length,
    images: Uint8Array.from(images.flat()),
    masks: Uint8Array.from(hasMask.flatMap((has) => (has ? TOP_ROW : [0, 0, 0, 0]))),
    hasMask: Uint8Array.from(hasMask),
    labels: Uint8Array.from(labels),
  };
}

// Per image: logits (x . w0, x . w1) -> prediction; heatmap of the prediction -> attention.
const images = [
  [255, 255, 0, 0], //   (2, 1) -> 0, label 0: right; relevance top row only -> 0
  [0, 0, 255, 255], //   (0, 2) -> 1, label 1: right; bottom row only -> 1 (ratio infinite)
  [255, 0, 0, 0], //     (1, 0) -> 0, label 1: wrong; top-left only -> 0
  [0, 255, 255, 0], //   (1, 2) -> 1, label 1: right; one foreground, one background pixel -> 1/2, ratio 1
  [0, 0, 0, 0], //       (0, 0) -> 0 (tie), label 0: right; no relevance
  [0, 255, 0, 0], //     (1, 1) -> 0 (tie), label 1: wrong; no mask, not measured
  [0, 0, 255, 0], //     (0, 1) -> 1, label 0: wrong; background only -> 1 (ratio infinite)
];
const labels = [0, 1, 1, 1, 0, 1, 0];

const dataset: Dataset = {
  kind: 'synthetic',
  source: { name: 'synthetic', location: 'memory' },
  options: {},
  seed: 0,
  classNames: ['top', 'bottom'],
  imageSize: { height: 2, width: 2, channels: 1 },
  splits: {
    test: split(images, labels, [1, 1, 1, 1, 1, 0, 1]),
    unbiased: split(images.slice(0, 3), labels.slice(0, 3), [0, 0, 0]),
    empty: split([], [], []),
  },
};

describe('evaluateMethod', () => {
  it('counts, scores and measures the heatmaps of the predicted classes, leaking no tensors', async () => {
    const method = linearMethod();
    const messages: string[] = [];
    const before = tf.memory().numTensors;
    const result = await evaluateMethod(method, dataset, ['test', 'unbiased', 'empty'], { batchSize: 3, heatmaps: true, log: (m) => messages.push(m) });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(method.trainableVariables);

    const test = result.splits.test;
    expect(test.count).toBe(7);
    expect(test.accuracy).toBe(4 / 7);
    expect(test.confusionMatrix).toEqual([
      [2, 1],
      [2, 2],
    ]);
    // Both classes: 2 TP, and 2 FP + 1 FN or 1 FP + 2 FN -> 4/7.
    expect(test.macroF1).toBeCloseTo(4 / 7, 15);
    // p(bottom) orders the images by logit difference: positives (2, -1, 1, 0) against
    // negatives (-1, 0, 1) win 7.5 of 12 pairs; class 0 is the mirror image.
    expect(test.auc).toBeCloseTo(0.625, 15);
    expect(test.aucSkippedClasses).toEqual([]);
    expect(test.heatmapCount).toBe(6);
    expect(test.heatmapsWithoutRelevance).toBe(1);
    expect(test.backgroundAttention).toBeCloseTo((0 + 1 + 0 + 0.5 + 1) / 5, 7);
    expect(test.ratioExcluded).toBe(3);
    expect(test.backgroundToForegroundRatio).toBeCloseTo((0 + 0 + 1) / 3, 7);

    expect(result.splits.unbiased).toMatchObject({ count: 3, accuracy: 2 / 3, heatmapCount: 0, backgroundAttention: null, backgroundToForegroundRatio: null });
    expect(result.splits.empty).toMatchObject({ count: 0, accuracy: null, macroF1: null, auc: null, aucSkippedClasses: [0, 1] });

    expect(messages).toEqual(['test: batch 1/3', 'test: batch 2/3', 'test: batch 3/3', 'unbiased: batch 1/1']);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('measures nothing without heatmaps', async () => {
    const method = linearMethod();
    const result = await evaluateMethod(method, dataset, ['test'], { batchSize: 4, heatmaps: false });
    tf.dispose(method.trainableVariables);
    expect(result.splits.test).toMatchObject({ accuracy: 4 / 7, heatmapCount: 0, backgroundAttention: null, heatmapsWithoutRelevance: 0 });
  });

  it('refuses an unknown split before evaluating any', async () => {
    const method = linearMethod();
    let predictions = 0;
    const counting: Method = { ...method, predict: (x) => (predictions++, method.predict(x)) };
    await expect(evaluateMethod(counting, dataset, ['test', 'tset'], { batchSize: 4, heatmaps: false })).rejects.toThrow(/no split 'tset'/);
    expect(predictions).toBe(0);
    tf.dispose(method.trainableVariables);
  });
});
