import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import type { LrpGraph } from './from-layers-model.js';
import { stopGradient } from './lrp-relu.js';
import { applyLinear, batchMoments, type BatchNormParams, type LinearMap } from './nodes.js';

/** The network's first block: shape-only steps, one conv/dense, an optional batch norm, a ReLU. */
export interface FirstBlock {
  pre: (x: Tensor) => Tensor;
  linear: LinearMap;
  batchNorm?: BatchNormParams;
  /** The node whose output is the first ReLU's output. */
  reluNode: string;
}

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
      const pre = (x: Tensor) => pres.reduce((t, f) => f(t), x);
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
 * The z^B rule through the first block, from the relevance R1 at the first ReLU's output:
 * z = f(x; W', b') - f(l; W'+, l b'+) - f(h; W'-, h b'-), z += eps sign(z),
 * H = x * f^T(s; W') - l * f^T(s; W'+) - h * f^T(s; W'-) with s = R1 / z.
 * A following batch norm is folded into W', b'. The biases (and beta) are detached, as in
 * the reference; gamma and the weights are not.
 */
export function zbRelevance(block: FirstBlock, x: Tensor, r1: Tensor, options: ZbOptions): Tensor {
  const [low, high] = options.bounds;
  const { weight, bias } = foldedWeights(block, x, options.training);
  const positive = tf.relu(weight);
  const negative = tf.neg(tf.relu(tf.neg(weight)));
  const lowImage = tf.fill(x.shape, low);
  const highImage = tf.fill(x.shape, high);
  const f = (input: Tensor, w: Tensor, b?: Tensor) => applyLinear(block.linear, block.pre(input), w, b);

  let z = tf.sub(
    tf.sub(f(x, weight, bias), f(lowImage, positive, tf.mul(low, tf.relu(bias)))),
    f(highImage, negative, tf.mul(high, tf.neg(tf.relu(tf.neg(bias))))),
  );
  z = tf.add(z, tf.mul(options.epsilon, tf.where(tf.greaterEqual(z, 0), tf.onesLike(z), tf.onesLike(z).neg())));
  const s = tf.div(r1, z);
  // f^T(s; w) as the input gradient of <f(u; w), s>: valid through padding and flatten too.
  // u must be a fresh tensor: were it x, the gradient would also follow x's path through the
  // network into s. Any value does, the map being linear in u.
  const u0 = tf.zeros(x.shape);
  const transposed = (w: Tensor) => tf.grad((u: Tensor) => tf.sum(tf.mul(f(u, w), s)))(u0);
  return tf.sub(tf.sub(tf.mul(x, transposed(weight)), tf.mul(low, transposed(positive))), tf.mul(high, transposed(negative)));
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
