import * as tf from '@tensorflow/tfjs';
import { perCopy } from '@isnet-bench/engine';
import type { Tensor } from '@tensorflow/tfjs';
import type { LrpGraph } from './from-layers-model.js';
import { runGraph } from './forward.js';
import { lrpRelu, withLrpScaling } from './lrp-relu.js';
import { modifiedBackward } from './modified-backward.js';
import type { LrpNode } from './nodes.js';
import { findFirstBlock, type FirstBlock, zbRule } from './zb-rule.js';

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
  const plan = planTaps(graph, x, options);
  let logits: Tensor | undefined;
  let classes: Tensor | undefined;
  let activations = new Map<string, Tensor>();
  const quantity = (...inputs: Tensor[]) => {
    const forward = runWithTaps(graph, x, plan, inputs, options);
    logits = tf.keep(forward.logits);
    classes = tf.keep(chooseClasses(logits, options));
    activations = forward.activations;
    for (const value of activations.values()) tf.keep(value);
    return explainedQuantity(logits, classes, options);
  };
  const grads = withLrpScaling(() => tf.grads(quantity)(plan.differentiated));
  tf.dispose(plan.taps);

  const heatmap = inputRelevance(plan, x, options)(activations, grads);
  const hidden = plan.hiddenNodes.map((node) => tapRelevance(plan, activations, grads, node.name));
  // Tensors kept out of the gradient's scope are handed back as ordinary (scope-tracked)
  // tensors, so that a caller's tf.tidy releases them; the tape only needs their clones.
  const result = { logits: tf.clone(logits!), heatmap, hidden, classes: tf.clone(classes!) };
  tf.dispose([logits!, classes!, ...activations.values(), ...grads]);
  return result;
}

/** Where the modified backward pass takes its gradients: zero taps added to activations. */
interface TapPlan {
  block: FirstBlock | undefined;
  hiddenNodes: LrpNode[];
  tapNames: string[];
  taps: Tensor[];
  /** The taps, preceded by x itself when there is no z^B rule. */
  differentiated: Tensor[];
}

function planTaps(graph: LrpGraph, x: Tensor, options: ExplainOptions): TapPlan {
  const block = (options.zb ?? true) ? findFirstBlock(graph) : undefined;
  const hiddenNodes = (options.hiddenLayers ?? []).map((name) => {
    const node = graph.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`hidden layer '${name}' is not in the network (layers: ${graph.nodes.map((n) => n.name).join(', ')})`);
    if (!node.endsWithRelu) throw new Error(`hidden layer '${name}' (${node.className}) does not end with a ReLU; LRP deep supervision reads relevance at ReLU outputs`);
    return node;
  });
  // One tap per activation: the first ReLU (z^B) may also be a supervised hidden layer.
  // One backward pass then gives every relevance map.
  const tapNames = [...new Set([...(block ? [block.reluNode] : []), ...hiddenNodes.map((n) => n.name)])];
  const taps = tapNames.map((name) => {
    const shape = graph.nodes.find((n) => n.name === name)!.outputShape;
    if (!shape) throw new Error(`layer '${name}' has no known output shape`);
    return tf.zeros([x.shape[0]!, ...shape]);
  });
  return { block, hiddenNodes, tapNames, taps, differentiated: block ? taps : [x, ...taps] };
}

/** The forward pass with LRP-aware ReLUs, on `inputs` standing for the plan's differentiated tensors. */
function runWithTaps(graph: LrpGraph, x: Tensor, plan: TapPlan, inputs: Tensor[], options: ExplainOptions): { logits: Tensor; activations: Map<string, Tensor> } {
  const tapTensors = plan.block ? inputs : inputs.slice(1);
  const ctx = { relu: lrpRelu(options.epsilon ?? 0.01), training: options.training ?? false, updateStatistics: options.updateStatistics };
  const outputs = runGraph(graph, plan.block ? x : inputs[0]!, ctx, new Map(plan.tapNames.map((name, i) => [name, tapTensors[i]!])));
  return { logits: outputs.get(graph.output)!, activations: new Map(plan.tapNames.map((name) => [name, outputs.get(name)!])) };
}

/** The modified gradient at a tapped activation. */
function tapGradient(plan: TapPlan, grads: Tensor[], name: string): Tensor {
  const tapOffset = plan.block ? 0 : 1;
  return grads[tapOffset + plan.tapNames.indexOf(name)]!;
}

/** Relevance at a tapped activation: the activation times its modified gradient. */
function tapRelevance(plan: TapPlan, activations: Map<string, Tensor>, grads: Tensor[], name: string): Tensor {
  return tf.mul(activations.get(name)!, tapGradient(plan, grads, name));
}

/**
 * (activations, modified gradients) -> relevance at the input: by the z^B rule when planned
 * (its class-independent part computed here, once), else x times the gradient at x.
 */
function inputRelevance(plan: TapPlan, x: Tensor, options: ExplainOptions): (activations: Map<string, Tensor>, grads: Tensor[]) => Tensor {
  const block = plan.block;
  if (!block) return (_, grads) => tf.mul(x, grads[0]!);
  const rule = zbRule(block, x, { bounds: options.bounds ?? [0, 1], epsilon: options.epsilon ?? 0.01, training: options.training ?? false });
  return (activations, grads) => rule(activations.get(block.reluNode)!, tapGradient(plan, grads, block.reluNode));
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
 * Original ISNet: one heatmap per class per image, stacked as [batch, classes, ...input
 * shape], for every class or the listed ones. One forward pass, then ONE modified backward
 * pass over the classes stacked along the batch axis (modifiedBackward): the same maps as one
 * explain per class, at the cost of k-times larger ops instead of k passes. Its work (and
 * memory) still grows linearly with the number of classes; `classesPerPass` bounds the
 * memory, stacking at most that many classes per pass.
 */
export function explainEveryClass(
  graph: LrpGraph,
  x: Tensor,
  options: Omit<ExplainOptions, 'classes' | 'labels' | 'quantity' | 'hiddenLayers'> & { classList?: number[]; classesPerPass?: number } = {},
): { logits: Tensor; heatmaps: Tensor } {
  const batch = x.shape[0]!;
  const training = options.training ?? false;
  const epsilon = options.epsilon ?? 0.01;
  const outputs = runGraph(graph, x, { relu: tf.relu, training, updateStatistics: options.updateStatistics });
  const logits = outputs.get(graph.output)!;
  const classCount = logits.shape[1]!;
  const classes = options.classList ?? Array.from({ length: classCount }, (_, c) => c);
  const block = (options.zb ?? true) ? findFirstBlock(graph) : undefined;
  const relevance = block ? zbRule(block, x, { bounds: options.bounds ?? [0, 1], epsilon, training }) : undefined;
  const perPass = options.classesPerPass ?? classes.length;

  const maps: Tensor[] = [];
  const explainGroup = (group: number[]): Tensor => {
    // Copy i explains class group[i] for every image.
    const seed = classRows(group, batch, classCount);
    const grads = modifiedBackward(graph, outputs, seed, { epsilon, training, stop: block?.reluNode });
    const stacked = block ? relevance!(outputs.get(block.reluNode)!, grads.get(block.reluNode)!) : perCopy(grads.get(graph.input)!, group.length, (g) => tf.mul(x, g));
    // [k B, ...] -> [B, k, ...]
    const byClass = tf.reshape(stacked, [group.length, batch, ...x.shape.slice(1)]);
    return tf.transpose(byClass, [1, 0, ...x.shape.slice(1).map((_, i) => i + 2)]);
  };
  for (let first = 0; first < classes.length; first += perPass) {
    const group = classes.slice(first, first + perPass);
    // Outside a gradient computation nothing needs a group's intermediates once its maps exist.
    maps.push(tf.engine().isTapeOn() ? explainGroup(group) : tf.tidy(() => explainGroup(group)));
  }
  return { logits, heatmaps: maps.length === 1 ? maps[0]! : tf.concat(maps, 1) };
}

/** [k B, classes]: copy i's rows are the one-hot row of group[i] (built on the host: tfjs-wasm's OneHot ignores a float dtype). */
function classRows(group: number[], batch: number, classCount: number): Tensor {
  const values = new Float32Array(group.length * batch * classCount);
  group.forEach((c, i) => {
    for (let b = 0; b < batch; b++) values[(i * batch + b) * classCount + c] = 1;
  });
  return tf.tensor2d(values, [group.length * batch, classCount]);
}
