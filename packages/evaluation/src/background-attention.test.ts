import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@isnet-bench/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { backgroundAttention } from './background-attention.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

// 2 x 2 images whose foreground is the top-left pixel: 1 foreground and 3 background pixels.
const topLeft = [1, 0, 0, 0];

async function measure(heatmaps: number[][], masks: number[][], channels = 1) {
  const h = tf.tensor4d(heatmaps.flat(), [heatmaps.length, 2, 2, channels]);
  const m = tf.tensor4d(masks.flat(), [masks.length, 2, 2, 1]);
  try {
    const result = await backgroundAttention(h, m);
    return { attention: Array.from(result.attention), ratio: Array.from(result.backgroundToForeground) };
  } finally {
    tf.dispose([h, m]);
  }
}

describe('backgroundAttention', () => {
  it('is 0 with all relevance on the foreground, 1 with all on the background', async () => {
    const { attention, ratio } = await measure([[2, 0, 0, 0], [0, 1, -1, 1]], [topLeft, topLeft]);
    expect(attention).toEqual([0, 1]);
    // No background relevance: ratio 0; no foreground relevance: infinitely biased.
    expect(ratio).toEqual([0, Infinity]);
  });

  it('is 1/2 when |H| splits evenly, and the ratio compares per-pixel means', async () => {
    // Foreground |H| 3 on 1 pixel, background |H| 1 + 1 + 1 on 3 pixels: means 3 and 1.
    const { attention, ratio } = await measure([[-3, 1, -1, 1]], [topLeft]);
    expect(attention).toEqual([0.5]);
    expect(ratio[0]).toBeCloseTo(1 / 3, 7);
  });

  it('is NaN for a heatmap without relevance, per image', async () => {
    const { attention, ratio } = await measure([[0, 0, 0, 0], [1, 1, 0, 0]], [topLeft, topLeft]);
    expect(attention[0]).toBeNaN();
    expect(ratio[0]).toBeNaN();
    expect(attention[1]).toBe(0.5);
  });

  it('has no ratio when a region is empty, but still an attention', async () => {
    const { attention, ratio } = await measure([[1, 1, 1, 1], [1, 1, 1, 1]], [[1, 1, 1, 1], [0, 0, 0, 0]]);
    expect(attention).toEqual([0, 1]);
    expect(ratio[0]).toBeNaN();
    expect(ratio[1]).toBeNaN();
  });

  it('broadcasts the mask over the channels', async () => {
    // Channels (a, b) per pixel: foreground |H| 1 + 3, background |H| 2 over 3 pixels x 2 channels.
    const { attention, ratio } = await measure([[1, -3, 0, 2, 0, 0, 0, 0]], [topLeft], 2);
    expect(attention[0]).toBeCloseTo(2 / 6, 7);
    expect(ratio[0]).toBeCloseTo(2 / 6 / (4 / 2), 7);
  });

  it('leaves no tensors behind', async () => {
    const h = tf.ones([3, 2, 2, 1]);
    const m = tf.zeros([3, 2, 2, 1]);
    const before = tf.memory().numTensors;
    await backgroundAttention(h, m);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([h, m]);
  });

  it('refuses masks that do not match the heatmaps', async () => {
    const h = tf.ones([2, 2, 2, 3]);
    const m = tf.ones([2, 2, 3, 1]);
    await expect(backgroundAttention(h, m)).rejects.toThrow(/\[2, 2, 2, 3\] and \[2, 2, 3, 1\]/);
    tf.dispose([h, m]);
  });
});
