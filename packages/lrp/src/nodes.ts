import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, batchNormTrainingInputGradient, conv2dWithBias, matMulWithBias, type LinearActivation } from '@isnet-bench/engine';
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

/** How a node runs: batch-norm mode. */
export interface ForwardContext {
  training: boolean;
  /** In training mode, move batch norms' running statistics towards this batch's. */
  updateStatistics?: boolean;
  /** Where batch norms in training mode leave the batch's statistics (by node name), for their backward. */
  batchStatistics?: Map<string, BatchStatistics>;
}

export interface BatchStatistics {
  mean: Tensor;
  variance: Tensor;
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
  /**
   * The gradients at the inputs, for a gradient dy at the output of everything but the closing
   * ReLU, given the forward inputs. dy may be class-stacked ([k B, ...] for inputs [B, ...]:
   * one backward pass per explained class on one forward pass); so are the results.
   */
  backward(dy: Tensor, inputs: Tensor[], ctx: Pick<ForwardContext, 'training' | 'batchStatistics'>): Tensor[];
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

/**
 * The transposed map: dy -> the input gradient of x -> applyLinear(map, x, kernel) for inputs
 * of `inputShape` (with dy's batch).
 */
export function transposedLinear(map: LinearMap, dy: Tensor, kernel: Tensor, inputShape: readonly number[]): Tensor {
  if (map.kind === 'dense') return tf.matMul(dy as Tensor2D, kernel as Tensor2D, false, true);
  if (map.dilation[0] !== 1 || map.dilation[1] !== 1) throw new Error(`a dilated convolution (dilation [${map.dilation}]) has no gradient in TF.js`);
  const shape = [dy.shape[0]!, ...inputShape.slice(1)] as [number, number, number, number];
  return tf.conv2dTranspose(dy as Tensor4D, kernel as Tensor4D, shape, map.strides, map.padding);
}

/** Batch normalisation over the channel axis, with batch statistics in training mode (recorded under `name`). */
export function applyBatchNorm(bn: BatchNormParams, name: string, x: Tensor, ctx: ForwardContext): Tensor {
  if (!ctx.training) return tf.batchNorm(x, bn.movingMean(), bn.movingVariance(), bn.beta?.(), bn.gamma?.(), bn.epsilon);
  const { y, mean, variance } = batchNormTraining(x, bn.gamma?.(), bn.beta?.(), bn.epsilon);
  if (ctx.updateStatistics) updateRunningStatistics(bn, mean, variance);
  ctx.batchStatistics?.set(name, { mean, variance });
  return y;
}

/** Its input gradient (dy may be class-stacked): with the batch's statistics (the forward's, when recorded) in training mode. */
export function batchNormBackward(bn: BatchNormParams, name: string, dy: Tensor, x: Tensor, ctx: Pick<ForwardContext, 'training' | 'batchStatistics'>): Tensor {
  if (ctx.training) return batchNormTrainingInputGradient(dy, x, bn.gamma?.(), bn.epsilon, ctx.batchStatistics?.get(name));
  const rstd = tf.rsqrt(tf.add(bn.movingVariance(), bn.epsilon));
  return tf.mul(dy, bn.gamma ? tf.mul(bn.gamma(), rstd) : rstd);
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
