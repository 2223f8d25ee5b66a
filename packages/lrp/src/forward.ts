import type { Tensor } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { LrpGraph } from './from-layers-model.js';
import type { ForwardContext } from './nodes.js';

/**
 * Runs the graph. `taps` adds a tensor (zeros, in practice) to named nodes' outputs, so that
 * a gradient with respect to the tap is the gradient at that activation.
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
    if (tap) y = tf.add(y, tap);
    outputs.set(node.name, y);
  }
  return outputs;
}

/** Logits with true ReLUs (inference mode unless `training`). */
export function predictLogits(graph: LrpGraph, x: Tensor, mode: Pick<ForwardContext, 'training' | 'updateStatistics'> = { training: false }): Tensor {
  return tf.tidy(() => runGraph(graph, x, { relu: tf.relu, ...mode }).get(graph.output)!);
}
