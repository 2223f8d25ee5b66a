import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { rankWeights } from '@isnet-bench/engine';

/**
 * Global Weighted Ranked Pooling along one axis: the values sorted in descending order and
 * averaged with weights d^i / sum_j d^j (i = 0 for the largest). d = 1 is the plain mean;
 * the smaller d, the closer to the maximum.
 *
 * Computed as sum_j v_j * w(rank of v_j) instead of weighting tf.topk's sorted values: the
 * ranks are piecewise constant in v, so the gradient is exactly the weight of each element's
 * rank (routed to the element that holds it), at first and every higher order. Weighting the
 * sorted values would need a TopK gradient, which TF.js lacks, and a scatter
 * (UnsortedSegmentSum), which the wasm backend lacks.
 */
export function gwrp(values: Tensor, decay: number, axis = -1): Tensor {
  if (!(decay > 0 && decay <= 1)) throw new RangeError(`gwrp: the decay must lie in (0, 1], got ${decay}`);
  return tf.tidy(() => {
    const pooled = moveAxisLast(values, axis);
    return tf.sum(tf.mul(pooled, rankWeights(pooled, decayWeights(decay, pooled.shape[pooled.rank - 1]!))), -1);
  });
}

function moveAxisLast(x: Tensor, axis: number): Tensor {
  const last = x.rank - 1;
  const from = axis < 0 ? axis + x.rank : axis;
  if (!Number.isInteger(from) || from < 0 || from > last) throw new RangeError(`gwrp: axis ${axis} is out of range for rank ${x.rank}`);
  if (from === last) return x;
  const order = [...Array(x.rank).keys()].filter((a) => a !== from);
  return tf.transpose(x, [...order, from]);
}

/** d^i / sum_j d^j in float64 before rounding: the float32 tail underflows to 0 as in the reference. */
export function decayWeights(decay: number, n: number): Float32Array {
  const weights = new Float64Array(n);
  let power = 1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    weights[i] = power;
    total += power;
    power *= decay;
  }
  return Float32Array.from(weights, (w) => w / total);
}
