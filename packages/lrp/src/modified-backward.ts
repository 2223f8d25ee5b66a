import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { lrpScaled } from '@isnet-bench/engine';
import type { LrpGraph } from './from-layers-model.js';
import type { ForwardContext } from './nodes.js';

/** The forward pass's batch-norm mode and statistics, the LRP epsilon, and where to stop. */
export interface ModifiedBackwardOptions extends Pick<ForwardContext, 'training' | 'batchStatistics'> {
  /** LRP-epsilon at every ReLU-fed linear layer. */
  epsilon: number;
  /** The node whose output gradient ends the pass (the nodes before it are not visited). */
  stop?: string;
}

/**
 * The modified backward pass (docs/lrp-flex.md) written out node by node over one forward pass: at each
 * ReLU the incoming gradient is LRP-scaled by y / (y + eps) (y, the ReLU's output, gives the
 * same ratio and derivatives as its input), every other map takes its ordinary gradient. The
 * forward ReLUs keep their true derivative, so "the trap" cannot arise. `seed`, the gradient
 * at the output, may be class-stacked ([k B, classes]: one explained class per copy), every
 * node's gradient then is too, against forward values of batch B: C heatmaps cost one pass of
 * k-times larger ops instead of C passes. Differentiable (the training loss's gradient runs
 * through it once). Returns the gradient at each visited node's output, and at the input.
 */
export function modifiedBackward(graph: LrpGraph, outputs: Map<string, Tensor>, seed: Tensor, options: ModifiedBackwardOptions): Map<string, Tensor> {
  const gradients = new Map<string, Tensor>([[graph.output, seed]]);
  for (const node of [...graph.nodes].reverse()) {
    if (node.name === options.stop) break;
    const dy = gradients.get(node.name);
    if (!dy) continue;
    const scaled = node.endsWithRelu ? lrpScaled(dy, outputs.get(node.name)!, options.epsilon) : dy;
    const inputGradients = node.backward(scaled, node.inputs.map((name) => outputs.get(name)!), options);
    node.inputs.forEach((name, i) => {
      const earlier = gradients.get(name);
      gradients.set(name, earlier ? tf.add(earlier, inputGradients[i]!) : inputGradients[i]!);
    });
  }
  return gradients;
}
