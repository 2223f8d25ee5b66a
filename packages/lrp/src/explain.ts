import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import type { LrpGraph } from './from-layers-model.js';
import { runGraph } from './forward.js';
import { lrpRelu, withLrpScaling } from './lrp-relu.js';
import { findFirstBlock, zbRelevance } from './zb-rule.js';

/** Which class each image's heatmap explains; a function picks from the logits (int32 [batch]). */
export type ExplainedClass = 'label' | 'lowest' | 'highest' | number[] | Tensor | ((logits: Tensor) => Tensor);

export interface ExplainOptions {
  /** 'logit': the chosen logit; 'selective': eta_c = log(p_c + e_s) - log(1 - p_c + e_s). */
  quantity?: 'logit' | 'selective';
  /** Default 'label' (needs labels). Selective ISNet trains with 'lowest', as published. */
  classes?: ExplainedClass;
  labels?: number[] | Tensor;
  /** LRP-epsilon at every ReLU-fed linear layer (default 0.01). */
  epsilon?: number;
  /** e_s of the selective quantity (default 0.01). */
  selectiveEpsilon?: number;
  /** The z^B rule at the first layer (default true) with input bounds (default [0, 1]). */
  zb?: boolean;
  bounds?: [number, number];
  /** Names of ReLU-ending nodes whose relevance is also returned (LRP deep supervision). */
  hiddenLayers?: string[];
  /** Batch norm with batch statistics (default false: running statistics). */
  training?: boolean;
  /** In training mode, also update batch norms' running statistics from this batch. */
  updateStatistics?: boolean;
}

export interface Explanation {
  logits: Tensor;
  /** Relevance at the input, shaped like x (NHWC). */
  heatmap: Tensor;
  /** Relevance (activation * modified gradient) at each hidden layer, in hiddenLayers order. */
  hidden: Tensor[];
  /** The class explained for each image (int32 [batch]). */
  classes: Tensor;
}

/**
 * LRP-Flex: one heatmap per image, explaining the chosen quantity, in a single modified
 * backward pass over the batch. Inside a gradient computation (training) the result is
 * differentiable to second order; outside it is a plain tensor.
 */
export function explain(graph: LrpGraph, x: Tensor, options: ExplainOptions = {}): Explanation {
  const epsilon = options.epsilon ?? 0.01;
  const zb = options.zb ?? true;
  const hiddenLayers = options.hiddenLayers ?? [];
  const training = options.training ?? false;
  const block = zb ? findFirstBlock(graph) : undefined;
  const hiddenNodes = hiddenLayers.map((name) => {
    const node = graph.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`hidden layer '${name}' is not in the network (layers: ${graph.nodes.map((n) => n.name).join(', ')})`);
    if (!node.endsWithRelu) throw new Error(`hidden layer '${name}' (${node.className}) does not end with a ReLU; LRP deep supervision reads relevance at ReLU outputs`);
    return node;
  });
  const batch = x.shape[0]!;
  // One tap per activation: the first ReLU (z^B) may also be a supervised hidden layer.
  const tapNames = [...new Set([...(block ? [block.reluNode] : []), ...hiddenNodes.map((n) => n.name)])];
  const tapShapes = tapNames.map((name) => {
    const shape = graph.nodes.find((n) => n.name === name)!.outputShape;
    if (!shape) throw new Error(`layer '${name}' has no known output shape`);
    return shape;
  });

  let logits: Tensor | undefined;
  let classes: Tensor | undefined;
  const activations = new Map<string, Tensor>();
  const relu = lrpRelu(epsilon);

  // Gradients are taken at zero "taps" added to the chosen activations, and at x itself
  // when there is no z^B rule: one backward pass gives every relevance map.
  const taps = tapShapes.map((shape) => tf.zeros([batch, ...shape]));
  const differentiated = block ? taps : [x, ...taps];
  const quantity = (...inputs: Tensor[]) => {
    const tapTensors = block ? inputs : inputs.slice(1);
    const input = block ? x : inputs[0]!;
    const outputs = runGraph(graph, input, { relu, training, updateStatistics: options.updateStatistics }, new Map(tapNames.map((name, i) => [name, tapTensors[i]!])));
    logits = tf.keep(outputs.get(graph.output)!);
    classes = tf.keep(chooseClasses(logits, options));
    for (const name of tapNames) activations.set(name, tf.keep(outputs.get(name)!));
    return explainedQuantity(logits, classes, options);
  };
  const grads = withLrpScaling(() => tf.grads(quantity)(differentiated));
  tf.dispose(taps);

  const tapOffset = block ? 0 : 1;
  const relevance = (name: string) => tf.mul(activations.get(name)!, grads[tapOffset + tapNames.indexOf(name)]!);
  const heatmap = block
    ? zbRelevance(block, x, relevance(block.reluNode), { bounds: options.bounds ?? [0, 1], epsilon, training })
    : tf.mul(x, grads[0]!);
  const hidden = hiddenNodes.map((node) => relevance(node.name));
  // Tensors kept out of the gradient's scope are handed back as ordinary (scope-tracked)
  // tensors, so that a caller's tf.tidy releases them; the tape only needs their clones.
  const result = { logits: tf.clone(logits!), heatmap, hidden, classes: tf.clone(classes!) };
  tf.dispose([logits!, classes!, ...activations.values(), ...grads]);
  return result;
}

/** Sum over the batch of each image's explained quantity (images do not interact). */
function explainedQuantity(logits: Tensor, classes: Tensor, options: ExplainOptions): tf.Scalar {
  const mask = tf.oneHot(classes, logits.shape[1]!);
  if ((options.quantity ?? 'logit') === 'logit') return tf.sum(tf.mul(logits, mask));
  const es = options.selectiveEpsilon ?? 0.01;
  const p = tf.sum(tf.mul(tf.softmax(logits), mask), -1);
  return tf.sum(tf.sub(tf.log(tf.add(p, es)), tf.log(tf.add(tf.sub(1, p), es))));
}

function chooseClasses(logits: Tensor, options: ExplainOptions): Tensor {
  const choice = options.classes ?? 'label';
  if (choice === 'lowest') return tf.argMin(logits, -1);
  if (choice === 'highest') return tf.argMax(logits, -1);
  if (typeof choice === 'function') return tf.cast(choice(logits), 'int32');
  const given = choice === 'label' ? options.labels : choice;
  if (given === undefined) throw new Error("explaining the 'label' class needs labels");
  const t = given instanceof tf.Tensor ? tf.cast(given, 'int32') : tf.tensor1d(given, 'int32');
  if (t.size !== logits.shape[0]) throw new Error(`${t.size} explained classes for a batch of ${logits.shape[0]} images`);
  return t;
}

/**
 * Original ISNet: one heatmap per class per image (one backward pass per class), stacked as
 * [batch, classes, ...input shape], for every class or the listed ones. Cost grows linearly
 * with the number of classes.
 */
export function explainEveryClass(
  graph: LrpGraph,
  x: Tensor,
  options: Omit<ExplainOptions, 'classes' | 'labels' | 'quantity' | 'hiddenLayers'> & { classList?: number[] } = {},
): { logits: Tensor; heatmaps: Tensor } {
  const batch = x.shape[0]!;
  const { classList, ...explainOptions } = options;
  const firstClass = classList?.[0] ?? 0;
  const first = explain(graph, x, { ...explainOptions, classes: new Array(batch).fill(firstClass) });
  const classes = classList ?? Array.from({ length: first.logits.shape[1]! }, (_, c) => c);
  // Running statistics move once per batch, not once per class.
  const rest = { ...explainOptions, updateStatistics: false };
  const maps = [first.heatmap];
  first.classes.dispose();
  for (const c of classes.slice(1)) {
    const e = explain(graph, x, { ...rest, classes: new Array(batch).fill(c) });
    e.logits.dispose();
    e.classes.dispose();
    maps.push(e.heatmap);
  }
  const heatmaps = tf.stack(maps, 1);
  tf.dispose(maps);
  return { logits: first.logits, heatmaps };
}
