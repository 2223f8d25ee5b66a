import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor5D } from '@tensorflow/tfjs';
import { checkGradient, seededRandom, separated, uniform, type GradCheckCase } from '@isnet-bench/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { deepSupervisionLoss, downsampleMask, gwrp, heatmapLoss, isnetLoss, type HeatmapLossParams } from './index.js';

// The ISNet loss is differentiated twice: once with respect to the heatmap inside the
// training step, and again when that gradient flows back through the LRP pass to the
// weights. So both orders are checked against central finite differences.

const [BATCH, MAPS, SIZE, CHANNELS] = [2, 2, 4, 2];

/** Foreground: the top-left 2x3 block, so that a 2x2 downsampling keeps background. */
const maskValues = (size: number) => Array.from({ length: size * size }, (_, p) => (Math.floor(p / size) < size / 2 && p % size < 3 ? 1 : 0));

function masks(): Tensor {
  return tf.tensor4d(Array.from({ length: BATCH }, () => maskValues(SIZE)).flat(), [BATCH, SIZE, SIZE, 1]);
}

/**
 * Heatmaps whose (image, map) slices have the given total foreground |H|, so that each slice
 * sits well inside one regime of the foreground loss. Magnitudes start pairwise 0.05 apart
 * and at least 0.2 from 0, with random signs; the scaling to the totals below shrinks them by
 * at most ~4.5x, which leaves gaps above 0.01, several times the finite-difference step: neither
 * |.| nor the GWRP ranking has a kink within reach.
 */
function heatmapsWithTotals(random: () => number, totals: number[], size = SIZE, mask = masks()): Tensor5D {
  const perSlice = size * size * CHANNELS;
  const foreground = mask.reshape([BATCH, size * size]).arraySync() as number[][];
  const values = totals.flatMap((target, slice) => {
    const magnitudes = shuffle(Array.from({ length: perSlice }, (_, i) => 0.2 + 0.05 * i), random);
    const inForeground = (i: number) => foreground[Math.floor(slice / MAPS)]![Math.floor(i / CHANNELS)] === 1;
    const current = magnitudes.reduce((sum, m, i) => sum + (inForeground(i) ? m : 0), 0);
    return magnitudes.map((m) => (m * target) / current * (random() < 0.5 ? -1 : 1));
  });
  return tf.tensor5d(values, [BATCH, MAPS, size, size, CHANNELS]);
}

function shuffle(values: number[], random: () => number): number[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

const params = (foreground: 'L2' | 'hybrid'): HeatmapLossParams => ({ d: 0.9, E: 1, A: 1, B: 1, C1: 8, C2: 16, foreground });
const DELTA = 2e-3;

const cases: GradCheckCase[] = [
  {
    op: 'gwrp along a middle axis',
    inputs: (r) => [separated([3, 6, 2], r), uniform([3, 2], r)],
    f: (x, w) => tf.mul(0.5, tf.sum(tf.mul(w!, tf.square(gwrp(x!, 0.7, 1))))) as Scalar,
    delta: DELTA,
  },
  {
    // F below C1, between C1 and C2, and twice above C2.
    op: 'heatmapLoss L2',
    inputs: (r) => [heatmapsWithTotals(r, [4, 12, 22, 30])],
    f: (h) => heatmapLoss(h as Tensor5D, masks(), params('L2')).total,
    delta: DELTA,
  },
  {
    // F below C1, between C1 and C2, between C2 and C1 + C2, above C1 + C2 (linear part).
    op: 'heatmapLoss hybrid',
    inputs: (r) => [heatmapsWithTotals(r, [4, 12, 20, 30])],
    f: (h) => heatmapLoss(h as Tensor5D, masks(), params('hybrid')).total,
    delta: DELTA,
  },
  {
    op: 'isnetLoss, logits and heatmaps',
    inputs: (r) => [uniform([BATCH, 5], r), heatmapsWithTotals(r, [4, 12, 20, 30])],
    f: (logits, h) =>
      isnetLoss({ logits: logits!, labels: tf.tensor1d([1, 3], 'int32'), heatmapLoss: heatmapLoss(h as Tensor5D, masks(), params('hybrid')).total, P: 0.7 }).total,
    delta: DELTA,
  },
  {
    op: 'deepSupervisionLoss, input and a 2x2 layer',
    inputs: (r) => [heatmapsWithTotals(r, [4, 12, 20, 30]), heatmapsWithTotals(r, [3, 10, 14, 26], 2, downsampleMask(masks(), [2, 2]))],
    f: (input, hidden) =>
      deepSupervisionLoss([
        heatmapLoss(input as Tensor5D, masks(), params('L2')).total,
        heatmapLoss(hidden as Tensor5D, downsampleMask(masks(), [2, 2]), params('L2')).total,
      ]),
    delta: DELTA,
  },
];

it('builds heatmaps with the requested foreground totals', async () => {
  await tf.setBackend('cpu');
  const totals = tf.tidy(() => tf.sum(tf.mul(tf.abs(heatmapsWithTotals(seededRandom(1), [4, 12, 20, 30])), tf.reshape(masks(), [BATCH, 1, SIZE, SIZE, 1])), [2, 3, 4]));
  expect(Array.from(totals.dataSync())).toEqual([4, 12, 20, 30].map((t) => expect.closeTo(t, 4)));
  totals.dispose();
});

describe.each(['cpu', 'wasm'])('gradients of the ISNet loss on %s', (backend) => {
  beforeAll(async () => {
    if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it.each(cases.flatMap((c) => [1, 2].map((order) => [c.op, order, c] as const)))('%s, order %i', (_op, order, test) => {
    const result = checkGradient(test, order as 1 | 2);
    expect(result.error).toBeUndefined();
    expect(result.relError).toBeLessThanOrEqual(result.tolerance);
  });
});
