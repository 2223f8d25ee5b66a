import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { reluGradient, stopGradient } from '@isnet-bench/engine';
import { chooseClasses, runGraph, tidyOutsideGradients, type BatchStatistics, type ExplainedClass, type LrpGraph } from '@isnet-bench/lrp';
import { TrainConfigError } from '@isnet-bench/training';
import type { ExplainedNetwork, Explainer, Explanation } from './explainer.js';

/**
 * A layer Grad-CAM cannot read (absent, or without a spatial [batch, H, W, channels] output);
 * names it. A configuration error of the run (e.g. GAIN's `layer` against the backbone), so a
 * TrainConfigError: the command line reports it as the user's to fix.
 */
export class GradCamLayerError extends TrainConfigError {
  constructor(message: string) {
    super(message);
    // (The base class's name is a literal type: set here, not as a field.)
    Object.defineProperty(this, 'name', { value: 'GradCamLayerError' });
  }
}

export interface GradCamOptions {
  /** Batch norm with the batch's statistics (default false: running statistics, as at inference). */
  training?: boolean;
  /** In training mode, also move batch norms' running statistics towards this batch's (default false). */
  updateStatistics?: boolean;
  /**
   * The channel weights: 'detached' (default) treats them as constants for any gradient taken
   * through the map, so the map depends on the weights of the network through the layer's
   * activations only; 'differentiable' keeps their own dependence on the network's weights
   * (a gradient of the map is then second order); a tensor [batch, channels] gives them.
   */
  weights?: 'detached' | 'differentiable' | Tensor;
  /** The images' labels, when `classes` is 'label'. */
  labels?: number[] | Tensor;
}

export interface GradCamResult {
  /** [batch, h, w, 1]: ReLU(sum_k alpha_k A_k) at the layer's resolution. */
  map: Tensor4D;
  /** [batch, classes]: the logits of the same forward pass. */
  logits: Tensor2D;
  /** [batch, channels]: alpha_k, the mean over positions of d(logit of the class) / dA_k (as computed, even when given). */
  weights: Tensor2D;
  /** int32 [batch]: the class each map explains. */
  classes: Tensor;
}

/**
 * Grad-CAM (Selvaraju et al., 2017) at `layer`: with A the layer's activations [batch, h, w, K]
 * and y_c the logit of each image's class, alpha_k = mean over positions of dy_c / dA_k, and the
 * map is ReLU(sum_k alpha_k A_k). One forward pass, then the plain backward pass from the
 * logits down to the layer only (the graph's per-node backward, with each ReLU's true
 * derivative): no second forward pass. Differentiable (a training loss can run through it).
 * Batch norm in training mode makes images interact, so then dy_c / dA is the gradient of the
 * batch's summed class logits, as autodiff of a training-mode network gives it.
 */
export function gradCam(network: ExplainedNetwork | LrpGraph, images: Tensor4D, classes: ExplainedClass, layer: string, options: GradCamOptions = {}): GradCamResult {
  const graph = 'graph' in network ? network.graph : network;
  checkGradCamLayer(graph, layer);
  return tidyOutsideGradients(() => {
    const training = options.training ?? false;
    const batchStatistics = new Map<string, BatchStatistics>();
    const outputs = runGraph(graph, images, { training, updateStatistics: training && options.updateStatistics, batchStatistics });
    const activations = outputs.get(layer)!;
    if (activations.rank !== 4) throw new GradCamLayerError(`Grad-CAM layer '${layer}' has output [${activations.shape}]; it needs a spatial [batch, height, width, channels] output`);
    const logits = outputs.get(graph.output)! as Tensor2D;
    const classTensor = chooseClasses(logits, { classes, labels: options.labels });
    const seed = tf.cast(tf.oneHot(classTensor, logits.shape[1]!), 'float32');
    const gradient = plainBackward(graph, outputs, seed, { training, batchStatistics, stop: layer }).get(layer) ?? tf.zerosLike(activations);
    const computed = tf.mean(gradient, [1, 2]) as Tensor2D;
    const choice = options.weights ?? 'detached';
    const alpha = choice === 'differentiable' ? computed : choice === 'detached' ? stopGradient(computed) : choice;
    if (alpha.rank !== 2 || alpha.shape[0] !== activations.shape[0] || alpha.shape[1] !== activations.shape[3]) {
      throw new Error(`Grad-CAM weights [${alpha.shape}] do not fit the layer's activations [${activations.shape}]`);
    }
    const [batch, , , channels] = activations.shape as [number, number, number, number];
    const map = tf.relu(tf.sum(tf.mul(activations, tf.reshape(alpha, [batch, 1, 1, channels])), -1, true)) as Tensor4D;
    return { map, logits, weights: computed, classes: classTensor };
  });
}

/** Throws a GradCamLayerError unless `layer` is a node of the graph with a spatial output. */
export function checkGradCamLayer(graph: LrpGraph, layer: string): void {
  const node = graph.nodes.find((n) => n.name === layer);
  if (!node) throw new GradCamLayerError(`Grad-CAM layer '${layer}' is not in the network (layers: ${graph.nodes.map((n) => n.name).join(', ')})`);
  if (node.outputShape && node.outputShape.length !== 3) {
    throw new GradCamLayerError(`Grad-CAM layer '${layer}' (${node.className}) has output [batch, ${node.outputShape.join(', ')}]; it needs a spatial [batch, height, width, channels] output`);
  }
}

/**
 * A map [batch, h, w, 1] resized bilinearly to [batch, height, width, 1] with half-pixel
 * centres (as PyTorch's interpolate with align_corners=False, used by the GAIN reference).
 */
export function attentionAtImageSize(map: Tensor4D, size: readonly [number, number]): Tensor4D {
  if (map.shape[1] === size[0] && map.shape[2] === size[1]) return map;
  return tf.image.resizeBilinear(map, [size[0], size[1]], false, true);
}

/**
 * The ordinary backward pass from the logits (seed: d quantity / d logits) node by node, down
 * to `stop` (whose output gradient is the last one computed): the per-node backward of the
 * LRP graph with each closing ReLU's true derivative, i.e. the gradient autodiff would give.
 */
function plainBackward(
  graph: LrpGraph,
  outputs: Map<string, Tensor>,
  seed: Tensor,
  options: { training: boolean; batchStatistics: Map<string, BatchStatistics>; stop: string },
): Map<string, Tensor> {
  const gradients = new Map<string, Tensor>([[graph.output, seed]]);
  for (const node of [...graph.nodes].reverse()) {
    if (node.name === options.stop) break;
    const dy = gradients.get(node.name);
    if (!dy) continue;
    const local = node.endsWithRelu ? reluGradient(dy, outputs.get(node.name)!) : dy;
    const inputGradients = node.backward(local, node.inputs.map((name) => outputs.get(name)!), options);
    node.inputs.forEach((name, i) => {
      const earlier = gradients.get(name);
      gradients.set(name, earlier ? tf.add(earlier, inputGradients[i]!) : inputGradients[i]!);
    });
  }
  return gradients;
}

export interface GradCamExplanation extends Explanation {
  /** [batch, h, w, 1]: the map at the layer's resolution (the heatmap is it at the image's size). */
  readonly map: Tensor4D;
  /** [batch, channels]: the channel weights as computed. */
  readonly weights: Tensor2D;
  readonly classes: Tensor;
}

/**
 * Grad-CAM at the named layer as an explainer: the map of each image's explained class,
 * resized to the image ([batch, H, W, 1]); `weights` as in GradCamOptions (GAIN's setting).
 */
export function gradCamExplainer(layer: string, options: Pick<GradCamOptions, 'weights'> = {}): Explainer<GradCamExplanation> {
  const weights = options.weights ?? 'detached';
  return {
    name: `grad-cam(${layer}${weights === 'differentiable' ? ', differentiable weights' : ''})`,
    output: 'image',
    explain(network, images, request = {}) {
      return tidyOutsideGradients(() => {
        const result = gradCam(network, images as Tensor4D, request.classes ?? 'label', layer, { ...request, weights });
        return { ...result, heatmap: attentionAtImageSize(result.map, [images.shape[1]!, images.shape[2]!]) };
      });
    },
  };
}
