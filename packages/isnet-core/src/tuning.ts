import * as tf from '@tensorflow/tfjs';
import type { Tensor5D } from '@tensorflow/tfjs';

export interface TunedTargets {
  /** Mean total |H| per heatmap. */
  mu: number;
  /** Its (population) standard deviation. */
  sigma: number;
  /** max(mu / 5, mu - 3 sigma). */
  C1: number;
  /** min(25 C1, mu + 3 sigma). */
  C2: number;
  /** Number of heatmaps recorded. */
  count: number;
}

/**
 * Statistics for choosing C1 and C2 (docs/heatmap-loss.md, "tuning"): over one epoch of the plain
 * classifier, record the total |H| (over height, width and channels) of every heatmap the
 * ISNet will optimise, one value per image and map. Keep one instance per supervised layer.
 * Accumulated in float64 with Welford's update, so an epoch's worth does not lose precision.
 */
export class HeatmapSumStats {
  private count = 0;
  private mean = 0;
  private squares = 0;

  /** Records heatmaps [batch, maps, H, W, channels]. Reads asynchronously: does not stall a GPU. */
  async add(heatmaps: Tensor5D): Promise<void> {
    const totals = tf.tidy(() => tf.sum(tf.abs(heatmaps), [2, 3, 4]));
    const values = await totals.data();
    totals.dispose();
    for (const v of values) {
      this.count++;
      const delta = v - this.mean;
      this.mean += delta / this.count;
      this.squares += delta * (v - this.mean);
    }
  }

  tuned(): TunedTargets {
    if (this.count === 0) throw new RangeError('HeatmapSumStats: no heatmap recorded');
    const mu = this.mean;
    const sigma = Math.sqrt(this.squares / this.count);
    const C1 = Math.max(mu / 5, mu - 3 * sigma);
    const C2 = Math.min(25 * C1, mu + 3 * sigma);
    // Only degenerate records (all heatmaps 0, or all totals equal) get here; the loss needs C2 > C1 > 0.
    if (!(C1 > 0 && C2 > C1)) {
      throw new RangeError(`HeatmapSumStats: cannot tune from ${this.count} heatmaps with mean ${mu} and deviation ${sigma} (C1 ${C1}, C2 ${C2})`);
    }
    return { mu, sigma, C1, C2, count: this.count };
  }
}
