import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor5D } from '@tensorflow/tfjs';
import { fusedKernelRuns, notDifferentiable } from '@isnet-bench/engine';
import { HEATMAP_LOSS_KERNEL, type HeatmapLossAttrs } from '@isnet-bench/native-kernels';
import { backgroundLoss } from './background-loss.js';
import { foregroundLoss } from './foreground-loss.js';
import { decayWeights } from './gwrp.js';
import { checkMasksFit } from './masks.js';
import type { IsnetLossParams } from './params.js';

export type HeatmapLossParams = Pick<IsnetLossParams, 'd' | 'E' | 'A' | 'B' | 'C1' | 'C2' | 'foreground'>;

export interface HeatmapLoss {
  /** Batch mean of the background loss (before the weight A). */
  background: Scalar;
  /** Batch mean of the foreground loss (before the weight B). */
  foreground: Scalar;
  /** Batch mean of A * background + B * foreground: the quantity to optimise. */
  total: Scalar;
}

/**
 * The ISNet heatmap loss of heatmaps [batch, maps, H, W, channels] under masks
 * [batch, H, W, 1]; for hidden layers, downsample the masks first (downsampleMask).
 */
export function heatmapLoss(heatmaps: Tensor5D, masks: Tensor, params: HeatmapLossParams): HeatmapLoss {
  if (fusedKernelRuns(HEATMAP_LOSS_KERNEL, [heatmaps])) return fusedHeatmapLoss(heatmaps, masks, params);
  return tf.tidy(() => {
    const background = backgroundLoss(heatmaps, masks, params);
    const foreground = foregroundLoss(heatmaps, masks, { C1: params.C1, C2: params.C2, form: params.foreground });
    return {
      background: tf.mean(background) as Scalar,
      foreground: tf.mean(foreground) as Scalar,
      total: tf.mean(tf.add(tf.mul(background, params.A), tf.mul(foreground, params.B))) as Scalar,
    };
  });
}

/**
 * The same as one kernel (the native one on 'wasm'), which also returns the total's gradient
 * with respect to the heatmaps: one op forward and one backward instead of ~200. Training
 * differentiates this loss once (the heatmaps' own dependence on the weights is the second
 * order); a further derivative of that gradient throws.
 */
function fusedHeatmapLoss(heatmaps: Tensor5D, masks: Tensor, params: HeatmapLossParams): HeatmapLoss {
  checkMasksFit(heatmaps, masks);
  const [, , height, width] = heatmaps.shape;
  const attrs: HeatmapLossAttrs = { A: params.A, B: params.B, E: params.E, C1: params.C1, C2: params.C2, form: params.foreground };
  return tf.tidy(() => {
    const maskValues = masks.dtype === 'float32' ? masks : tf.cast(masks, 'float32');
    const decay = tf.tensor1d(decayWeights(params.d, height * width));
    let parts: Tensor[] = [];
    const total = tf.customGrad(((h: Tensor, save: tf.GradSaveFunc) => {
      const [value, background, foreground, gradient] = tf.engine().runKernel(HEATMAP_LOSS_KERNEL, { heatmaps: h, masks: maskValues, decay }, attrs as never) as Tensor[];
      // The parts outlive the kernel's scope; they are handed back to the caller's below.
      parts = [tf.keep(background!), tf.keep(foreground!)];
      save([gradient!]);
      return { value: value!, gradFunc: (dy: Tensor, [g]: Tensor[]) => notDifferentiable('heatmapLoss', [tf.mul(dy, g!)])[0]! };
    }) as never)(heatmaps) as Scalar;
    const [background, foreground] = parts.map((t) => tf.clone(t)) as [Scalar, Scalar];
    tf.dispose(parts);
    return { background, foreground, total };
  });
}
