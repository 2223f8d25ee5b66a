import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/** Per-image background attention of a batch of heatmaps (docs/protocol.md). */
export interface BackgroundAttention {
  /**
   * sum |H| (1 - M) / sum |H|: 0 when all relevance is on the foreground, 1 when all is on the
   * background. NaN when the heatmap has no relevance (sum |H| = 0) or is not finite: such
   * images have no attention to report and must be left out of means, and counted.
   */
  readonly attention: Float64Array;
  /**
   * Mean background |H| over mean foreground |H| (per pixel and channel). NaN when either
   * region is empty or the heatmap has no relevance; +Infinity when only the foreground has
   * none.
   */
  readonly backgroundToForeground: Float64Array;
}

/**
 * Background attention of heatmaps H [B, H, W, C] given masks M [B, H, W, 1] (1 = foreground,
 * broadcast over the channels). Masks need not be binary: a soft mask weights each pixel's
 * share of both regions. The region sums run on the backend; the ratios in float64 here.
 */
export async function backgroundAttention(heatmaps: Tensor, masks: Tensor): Promise<BackgroundAttention> {
  const [batch, height, width] = heatmaps.shape;
  if (heatmaps.rank !== 4 || masks.rank !== 4 || masks.shape[0] !== batch || masks.shape[1] !== height || masks.shape[2] !== width || masks.shape[3] !== 1) {
    throw new RangeError(`heatmaps [B, H, W, C] and masks [B, H, W, 1] do not match: [${heatmaps.shape.join(', ')}] and [${masks.shape.join(', ')}]`);
  }
  const sums = tf.tidy(() => {
    const relevance = tf.abs(heatmaps);
    const foreground = tf.cast(masks, 'float32');
    const background = tf.sub(1, foreground);
    const perImage = (t: Tensor) => tf.sum(t, [1, 2, 3]);
    // Background relevance is summed directly rather than as total minus foreground, which
    // would cancel to noise when nearly all relevance is on the foreground.
    return tf.stack([perImage(tf.mul(relevance, background)), perImage(tf.mul(relevance, foreground)), perImage(background), perImage(foreground)]);
  });
  const values = await sums.data();
  sums.dispose();

  const attention = new Float64Array(batch);
  const backgroundToForeground = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const [backgroundRelevance, foregroundRelevance, backgroundArea, foregroundArea] = [0, 1, 2, 3].map((row) => values[row * batch + b]);
    const total = backgroundRelevance + foregroundRelevance;
    attention[b] = total > 0 && Number.isFinite(total) ? backgroundRelevance / total : NaN;
    // Both means divide by the region's area times the channel count; the channels cancel.
    backgroundToForeground[b] =
      Number.isNaN(attention[b]) || backgroundArea === 0 || foregroundArea === 0 ? NaN : backgroundRelevance / backgroundArea / (foregroundRelevance / foregroundArea);
  }
  return { attention, backgroundToForeground };
}
