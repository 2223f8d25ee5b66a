import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeatmapSumStats } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Heatmaps [totals.length, 1, 1, 2, 2] whose total |H| is the given value each (signs mixed). */
const withTotals = (totals: number[]) => tf.tensor5d(totals.flatMap((t) => [t / 4, -t / 4, t / 4, -t / 4]), [totals.length, 1, 1, 2, 2]);

describe('HeatmapSumStats', () => {
  it('tunes C1 = mu / 5 and C2 = mu + 3 sigma for widely spread totals', async () => {
    const stats = new HeatmapSumStats();
    await stats.add(withTotals([1, 2]));
    await stats.add(withTotals([3, 4]));
    const sigma = Math.sqrt(1.25);
    expect(stats.tuned()).toEqual({
      mu: expect.closeTo(2.5, 9),
      sigma: expect.closeTo(sigma, 9),
      C1: expect.closeTo(0.5, 9),
      C2: expect.closeTo(2.5 + 3 * sigma, 9),
      count: 4,
    });
  });

  it('tunes C1 = mu - 3 sigma for narrowly spread totals, and caps C2 at 25 C1', async () => {
    const narrow = new HeatmapSumStats();
    await narrow.add(withTotals([10, 11, 9, 10]));
    const sigma = Math.sqrt(0.5);
    expect(narrow.tuned()).toMatchObject({ C1: expect.closeTo(10 - 3 * sigma, 6), C2: expect.closeTo(10 + 3 * sigma, 6) });

    // mu = 2, sigma = 1: C1 = max(0.4, -1) = 0.4 and C2 = min(10, 5) = 5; one outlier moves C2 to 25 C1.
    const wide = new HeatmapSumStats();
    await wide.add(withTotals([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 100]));
    const { mu, C1, C2 } = wide.tuned();
    expect(C1).toBeCloseTo(mu / 5, 6);
    expect(C2).toBeCloseTo(25 * C1, 6);
  });

  it('counts one total per image and map', async () => {
    const stats = new HeatmapSumStats();
    await stats.add(tf.ones([3, 2, 2, 2, 1]) as tf.Tensor5D);
    await stats.add(tf.fill([1, 2, 2, 2, 1], 3) as tf.Tensor5D);
    expect(stats.tuned()).toMatchObject({ count: 8, mu: expect.closeTo((6 * 4 + 2 * 12) / 8, 9) });
  });

  it('refuses to tune from nothing or from identical totals', async () => {
    expect(() => new HeatmapSumStats().tuned()).toThrow(/no heatmap recorded/);
    const constant = new HeatmapSumStats();
    await constant.add(withTotals([2, 2, 2]));
    expect(() => constant.tuned()).toThrow(/cannot tune/);
  });
});
