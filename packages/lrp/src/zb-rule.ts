import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { lrpStabilized, perCopy, productRatio, stopGradient } from '@isnet-bench/engine';
import type { LrpGraph } from './from-layers-model.js';
import { applyLinear, batchMoments, transposedLinear, type BatchNormParams, type LinearMap } from './nodes.js';

/** The network's first block: shape-only steps, one conv/dense, an optional batch norm, a ReLU. */
export interface FirstBlock {
  pre: (x: Tensor) => Tensor;
  linear: LinearMap;
  batchNorm?: BatchNormParams;
  /** The node whose output is the first ReLU's output. */
  reluNode: string;
}

const identity = (x: Tensor) => x;

export function findFirstBlock(graph: LrpGraph): FirstBlock {
  const consumers = (name: string) => graph.nodes.filter((n) => n.inputs.includes(name));
  const pres: Array<(x: Tensor) => Tensor> = [];
  let linear: LinearMap | undefined;
  let batchNorm: BatchNormParams | undefined;
  let current = graph.input;
  const fail = (why: string): never => {
    throw new Error(`the z^B rule needs the network to start with [padding/flatten] conv or dense [batch norm] and a ReLU: ${why}`);
  };
  for (;;) {
    const next = consumers(current);
    if (next.length !== 1) fail(`'${current}' feeds ${next.length} layers before the first ReLU`);
    const node = next[0]!;
    if (node.inputs.length !== 1) fail(`layer '${node.name}' (${node.className}) merges several inputs before the first ReLU`);
    if (!linear) {
      if (node.reshapeOnly) pres.push(node.reshapeOnly);
      else if (node.linear) linear = node.linear;
      else fail(`layer '${node.name}' (${node.className}) comes before the first conv or dense layer`);
    } else if (node.batchNorm && !batchNorm) batchNorm = node.batchNorm;
    else if (!node.endsWithRelu || node.linear) fail(`layer '${node.name}' (${node.className}) comes before the first ReLU`);
    if (node.endsWithRelu) {
      const pre = pres.length === 0 ? identity : (x: Tensor) => pres.reduce((t, f) => f(t), x);
      return { pre, linear: linear!, batchNorm, reluNode: node.name };
    }
    current = node.name;
  }
}

export interface ZbOptions {
  bounds: [number, number];
  epsilon: number;
  training: boolean;
}

/**
 * The z^B rule through the first block, as a map from the first ReLU's output a1 and its
 * modified gradient g1 (the relevance there is R1 = a1 * g1) to the input relevance:
 * z = f(x; W', b') - f(l; W'+, l b'+) - f(h; W'-, h b'-), z += eps sign(z),
 * H = x * f^T(s; W') - l * f^T(s; W'+) - h * f^T(s; W'-) with s = R1 / z (one op).
 * A following batch norm is folded into W', b'. The biases (and beta) are detached, as in
 * the reference; gamma and the weights are not. z does not depend on R1: it is computed
 * here, once for every heatmap the returned map makes (one per class in Original ISNet).
 * g1 may be class-stacked ([k B, ...] for a1 [B, ...]); the heatmaps then are too.
 */
export function zbRule(block: FirstBlock, x: Tensor, options: ZbOptions): (a1: Tensor, g1: Tensor) => Tensor {
  const [low, high] = options.bounds;
  const { weight, bias } = foldedWeights(block, x, options.training);
  const positive = tf.relu(weight);
  const negative = tf.neg(tf.relu(tf.neg(weight)));
  const f = (input: Tensor, w: Tensor, b?: Tensor) => applyLinear(block.linear, block.pre(input), w, b);
  // A bound of 0 contributes exactly nothing (its input and its bias term are 0): skipping
  // it saves a forward and a transposed map of the largest layer, and their gradients.
  const bounded = [
    { bound: low, w: positive, b: () => tf.mul(low, tf.relu(bias)) },
    { bound: high, w: negative, b: () => tf.mul(high, tf.neg(tf.relu(tf.neg(bias)))) },
  ].filter((term) => term.bound !== 0);

  // A bound image is the same for every example: mapped once and broadcast over the batch
  // (its forward and, in training, its filter gradient cost 1/N of a batch's).
  const boundShape = [1, ...x.shape.slice(1)];
  let z = f(x, weight, bias);
  for (const term of bounded) z = tf.sub(z, f(tf.fill(boundShape, term.bound), term.w, term.b()));
  const stabilized = lrpStabilized(z, options.epsilon);
  return (a1, g1) => {
    const s = productRatio(a1, g1, stabilized);
    const transposed = transposedMap(block, x, s);
    let heatmap = perCopy(transposed(weight), s.shape[0]! / x.shape[0]!, (t) => tf.mul(x, t));
    // (The default upper bound 1 multiplies by nothing.)
    for (const term of bounded) heatmap = tf.sub(heatmap, term.bound === 1 ? transposed(term.w) : tf.mul(term.bound, transposed(term.w)));
    return heatmap;
  };
}

/**
 * w -> f^T(s; w), the transposed linear map applied to s (with s's batch): a transposed
 * convolution (or matmul) when the block has no shape-only steps, otherwise the input
 * gradient of <f(u; w), s>, valid through padding and flatten too. u must then be a fresh
 * tensor: were it x, the gradient would also follow x's path through the network into s. Any
 * value does, the map being linear in u.
 */
function transposedMap(block: FirstBlock, x: Tensor, s: Tensor): (w: Tensor) => Tensor {
  const map = block.linear;
  if (block.pre === identity && (map.kind === 'dense' || (map.dilation[0] === 1 && map.dilation[1] === 1))) {
    return (w) => transposedLinear(map, s, w, x.shape);
  }
  const u0 = tf.zeros([s.shape[0]!, ...x.shape.slice(1)]);
  return (w) => tf.grad((u: Tensor) => tf.sum(tf.mul(applyLinear(map, block.pre(u), w), s)))(u0);
}

function foldedWeights(block: FirstBlock, x: Tensor, training: boolean): { weight: Tensor; bias: Tensor } {
  const kernel = block.linear.kernel();
  const outChannels = kernel.shape[kernel.rank - 1]!;
  const rawBias = block.linear.bias ? stopGradient(block.linear.bias()) : tf.zeros([outChannels]);
  const bn = block.batchNorm;
  if (!bn) return { weight: kernel, bias: rawBias };
  const { mean, variance } = training
    ? detached(batchMoments(applyLinear(block.linear, block.pre(x), kernel, rawBias)))
    : { mean: bn.movingMean(), variance: bn.movingVariance() };
  const gamma = bn.gamma ? bn.gamma() : tf.ones([outChannels]);
  const scale = tf.div(gamma, tf.sqrt(tf.add(variance, bn.epsilon)));
  const beta = bn.beta ? stopGradient(bn.beta()) : tf.zeros([outChannels]);
  return { weight: tf.mul(kernel, scale), bias: tf.add(tf.mul(scale, tf.sub(rawBias, mean)), beta) };
}

function detached({ mean, variance }: { mean: Tensor; variance: Tensor }) {
  return { mean: stopGradient(mean), variance: stopGradient(variance) };
}
