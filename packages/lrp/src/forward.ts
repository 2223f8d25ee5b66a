import type { Tensor } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { LrpGraph } from './from-layers-model.js';
import type { ForwardContext } from './nodes.js';

/** Runs the graph: every node's output by name (and the input's). */
export function runGraph(graph: LrpGraph, x: Tensor, ctx: ForwardContext): Map<string, Tensor> {
  const outputs = new Map<string, Tensor>([[graph.input, x]]);
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((name) => {
      const value = outputs.get(name);
      if (!value) throw new Error(`node '${node.name}' reads '${name}', which is not computed before it`);
      return value;
    });
    outputs.set(node.name, node.run(inputs, ctx));
  }
  return outputs;
}

/** Logits (inference mode unless `training`). */
export function predictLogits(graph: LrpGraph, x: Tensor, mode: ForwardContext = { training: false }): Tensor {
  return tf.tidy(() => runGraph(graph, x, mode).get(graph.output)!);
}
