import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, conv2dWithBias, matMulWithBias, type LinearActivation } from '@isnet-bench/engine';
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

/** How a node runs: the ReLU to use (plain or LRP-aware) and batch-norm mode. */
export interface ForwardContext {
  relu: (z: Tensor) => Tensor;
  training: boolean;
  /** In training mode, move batch norms' running statistics towards this batch's. */
  updateStatistics?: boolean;
}

/** The linear map of a convolution or dense layer, for the z^B rule (weights as live tensors). */
export type LinearMap =
  | { kind: 'conv'; kernel: () => Tensor4D; bias?: () => Tensor; strides: [number, number]; padding: 'same' | 'valid'; dilation: [number, number] }
  | { kind: 'dense'; kernel: () => Tensor2D; bias?: () => Tensor };

export interface BatchNormParams {
  gamma?: () => Tensor;
  beta?: () => Tensor;
  movingMean: () => tf.Variable;
  movingVariance: () => tf.Variable;
  epsilon: number;
  /** Keras convention: running = momentum * running + (1 - momentum) * batch. */
  momentum: number;
}

/** One layer of an explainable network: its own ops, its inputs by name, and what z^B needs. */
export interface LrpNode {
  name: string;
  className: string;
  inputs: string[];
  /** Whether the node ends with a ReLU (a ReLU layer, or a fused relu activation). */
  endsWithRelu: boolean;
  run(inputs: Tensor[], ctx: ForwardContext): Tensor;
  /** Present on conv/dense nodes: their linear map (without the fused ReLU). */
  linear?: LinearMap;
  batchNorm?: BatchNormParams;
  /** Output shape without the batch axis (for gradient taps on hidden activations). */
  outputShape?: number[];
  /** A shape-only transformation z^B can carry through (padding, flatten). */
  reshapeOnly?: (x: Tensor) => Tensor;
}

export function applyLinear(map: LinearMap, x: Tensor, kernel: Tensor, bias?: Tensor, activation: LinearActivation = 'linear'): Tensor {
  // Bias (and a plain ReLU) fused into the kernel: one op instead of two or three on the
  // largest activations.
  return map.kind === 'conv'
    ? conv2dWithBias(x as Tensor4D, kernel as Tensor4D, bias, map.strides, map.padding, map.dilation, activation)
    : matMulWithBias(x as Tensor2D, kernel as Tensor2D, bias, activation);
}

/** Batch normalisation over the channel axis, with batch statistics in training mode. */
export function applyBatchNorm(bn: BatchNormParams, x: Tensor, ctx: Pick<ForwardContext, 'training' | 'updateStatistics'>): Tensor {
  if (!ctx.training) return tf.batchNorm(x, bn.movingMean(), bn.movingVariance(), bn.beta?.(), bn.gamma?.(), bn.epsilon);
  const { y, mean, variance } = batchNormTraining(x, bn.gamma?.(), bn.beta?.(), bn.epsilon);
  if (ctx.updateStatistics) updateRunningStatistics(bn, mean, variance);
  return y;
}

function updateRunningStatistics(bn: BatchNormParams, mean: Tensor, variance: Tensor): void {
  tf.tidy(() => {
    const toward = (running: tf.Variable, batch: Tensor) =>
      running.assign(tf.add(tf.mul(running, bn.momentum), tf.mul(batch, 1 - bn.momentum)));
    toward(bn.movingMean(), mean);
    toward(bn.movingVariance(), variance);
  });
}

export function batchMoments(x: Tensor): { mean: Tensor; variance: Tensor } {
  return tf.moments(x, [...Array(x.rank - 1).keys()]);
}
