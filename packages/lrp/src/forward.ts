import type { Tensor } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { LrpGraph } from './from-layers-model.js';
import type { ForwardContext } from './nodes.js';

/**
 * Runs the graph. `taps` attaches a zero tensor to named nodes' outputs, so that a gradient
 * with respect to the tap is the gradient at that activation.
 */
export function runGraph(graph: LrpGraph, x: Tensor, ctx: ForwardContext, taps: Map<string, Tensor> = new Map()): Map<string, Tensor> {
  const outputs = new Map<string, Tensor>([[graph.input, x]]);
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((name) => {
      const value = outputs.get(name);
      if (!value) throw new Error(`node '${node.name}' reads '${name}', which is not computed before it`);
      return value;
    });
    let y = node.run(inputs, ctx);
    const tap = taps.get(node.name);
    if (tap) y = tapped(y, tap);
    outputs.set(node.name, y);
  }
  return outputs;
}

/** Logits with true ReLUs (inference mode unless `training`). */
export function predictLogits(graph: LrpGraph, x: Tensor, mode: Pick<ForwardContext, 'training' | 'updateStatistics'> = { training: false }): Tensor {
  return tf.tidy(() => runGraph(graph, x, { relu: tf.relu, ...mode }).get(graph.output)!);
}

/**
 * y + tap for a zero tap, without the pass over the activation that adding it took: the value
 * is y, and both inputs receive y's gradient.
 */
const tapped = tf.customGrad(((y: Tensor, _tap: Tensor) => ({
  value: tf.clone(y),
  gradFunc: (dy: Tensor) => [dy, tf.clone(dy)],
})) as never) as (y: Tensor, tap: Tensor) => Tensor;
