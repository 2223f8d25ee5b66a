import * as tf from '@tensorflow/tfjs';
import { perCopy, selectiveGradient } from '@isnet-bench/engine';
import type { Tensor } from '@tensorflow/tfjs';
import type { LrpGraph } from './from-layers-model.js';
import { runGraph } from './forward.js';
import { modifiedBackward } from './modified-backward.js';
import type { BatchStatistics } from './nodes.js';
import { findFirstBlock, zbRule } from './zb-rule.js';

/** Which class each image's heatmap explains; a function picks from the logits (int32 [batch]). */
export type ExplainedClass = 'label' | 'lowest' | 'highest' | number[] | Int32Array | Tensor | ((logits: Tensor) => Tensor);

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
 * backward pass over the batch (modifiedBackward) after a plain forward pass. Inside a
 * gradient computation (training) the result is differentiable: the training loss's gradient
 * runs through the modified pass and the forward pass once each.
 */
export function explain(graph: LrpGraph, x: Tensor, options: ExplainOptions = {}): Explanation {
  return tidyOutsideGradients(() => explainInScope(graph, x, options));
}

function explainInScope(graph: LrpGraph, x: Tensor, options: ExplainOptions): Explanation {
  const hiddenNodes = (options.hiddenLayers ?? []).map((name) => {
    const node = graph.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`hidden layer '${name}' is not in the network (layers: ${graph.nodes.map((n) => n.name).join(', ')})`);
    if (!node.endsWithRelu) throw new Error(`hidden layer '${name}' (${node.className}) does not end with a ReLU; LRP deep supervision reads relevance at ReLU outputs`);
    return node;
  });
  const { outputs, backwardOptions, inputRelevance } = prepare(graph, x, options);
  const logits = outputs.get(graph.output)!;
  const classes = chooseClasses(logits, options);
  const seed = quantityGradient(logits, classes, options);
  const grads = modifiedBackward(graph, outputs, seed, backwardOptions);
  const heatmap = inputRelevance(grads);
  // (A layer the explained quantity does not depend on has no gradient: no relevance.)
  const hidden = hiddenNodes.map((node) => tf.mul(outputs.get(node.name)!, grads.get(node.name) ?? tf.zerosLike(outputs.get(node.name)!)));
  return { logits, heatmap, hidden, classes };
}

/**
 * The plain forward pass, the modified pass's settings, and the map from its gradients to
 * the input relevance (class-stacked as they are): by the z^B rule when asked (its
 * class-independent part computed here, once), else x times the gradient at x.
 */
function prepare(graph: LrpGraph, x: Tensor, options: EveryClassOptions) {
  const training = options.training ?? false;
  const epsilon = options.epsilon ?? 0.01;
  const batchStatistics = new Map<string, BatchStatistics>();
  const outputs = runGraph(graph, x, { training, updateStatistics: options.updateStatistics, batchStatistics });
  const block = (options.zb ?? true) ? findFirstBlock(graph) : undefined;
  const backwardOptions = { epsilon, training, batchStatistics, stop: block?.reluNode };
  if (!block) {
    const inputRelevance = (grads: Map<string, Tensor>) => {
      const g = grads.get(graph.input)!;
      return perCopy(g, g.shape[0]! / x.shape[0]!, (copies) => tf.mul(x, copies));
    };
    return { outputs, backwardOptions, inputRelevance };
  }
  const rule = zbRule(block, x, { bounds: options.bounds ?? [0, 1], epsilon, training });
  return { outputs, backwardOptions, inputRelevance: (grads: Map<string, Tensor>) => rule(outputs.get(block.reluNode)!, grads.get(block.reluNode)!) };
}

/**
 * The gradient of each image's explained quantity with respect to its logits (images do not
 * interact): the one-hot row of its class for the logit, else the selective quantity's.
 */
function quantityGradient(logits: Tensor, classes: Tensor, options: ExplainOptions): Tensor {
  const mask = tf.cast(tf.oneHot(classes, logits.shape[1]!), 'float32');
  if ((options.quantity ?? 'logit') === 'logit') return mask;
  return selectiveGradient(logits, mask, options.selectiveEpsilon ?? 0.01);
}

/** The explained class of each image (int32 [batch]) by the rule or list of `options.classes`, given the logits. */
export function chooseClasses(logits: Tensor, options: Pick<ExplainOptions, 'classes' | 'labels'>): Tensor {
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
export function explainEveryClass(graph: LrpGraph, x: Tensor, options: EveryClassOptions = {}): { logits: Tensor; heatmaps: Tensor } {
  return tidyOutsideGradients(() => explainEveryClassInScope(graph, x, options));
}

export type EveryClassOptions = Omit<ExplainOptions, 'classes' | 'labels' | 'quantity' | 'hiddenLayers'> & {
  /** The classes explained, in this order (default: every class). */
  classList?: number[];
  /** At most this many classes stacked in one pass (default: all). */
  classesPerPass?: number;
};

function explainEveryClassInScope(graph: LrpGraph, x: Tensor, options: EveryClassOptions): { logits: Tensor; heatmaps: Tensor } {
  const batch = x.shape[0]!;
  const { outputs, backwardOptions, inputRelevance } = prepare(graph, x, options);
  const logits = outputs.get(graph.output)!;
  const classCount = logits.shape[1]!;
  const classes = options.classList ?? Array.from({ length: classCount }, (_, c) => c);
  const perPass = options.classesPerPass ?? classes.length;

  const maps: Tensor[] = [];
  const explainGroup = (group: number[]): Tensor => {
    // Copy i explains class group[i] for every image.
    const seed = classRows(group, batch, classCount);
    const stacked = inputRelevance(modifiedBackward(graph, outputs, seed, backwardOptions));
    // [k B, ...] -> [B, k, ...]
    const byClass = tf.reshape(stacked, [group.length, batch, ...x.shape.slice(1)]);
    return tf.transpose(byClass, [1, 0, ...x.shape.slice(1).map((_, i) => i + 2)]);
  };
  for (let first = 0; first < classes.length; first += perPass) {
    const group = classes.slice(first, first + perPass);
    maps.push(tidyOutsideGradients(() => explainGroup(group)));
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

/**
 * Outside a gradient computation nothing needs the intermediates once the results exist:
 * they are released. Inside, they stay for the tape until the caller's scope ends.
 */
export function tidyOutsideGradients<T>(fn: () => T): T {
  // (tf.tidy keeps every tensor of the returned object or array.)
  return tf.engine().isTapeOn() ? fn() : (tf.tidy(fn as () => tf.TensorContainer) as T);
}
