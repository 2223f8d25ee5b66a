import * as tf from '@tensorflow/tfjs';
import type { LayersModel, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { applyBatchNorm, applyLinear, batchNormBackward, transposedLinear, type LinearMap, type LrpNode } from './nodes.js';

/** A layer LRP-Flex cannot explain: names the layer and why. */
export class UnsupportedLayerError extends Error {
  override name = 'UnsupportedLayerError';
  constructor(layer: { name: string; getClassName(): string }, why: string) {
    super(`layer '${layer.name}' (${layer.getClassName()}): ${why}`);
  }
}

type AnyLayer = tf.layers.Layer & Record<string, unknown>;
type LayerVariable = { read(): tf.Variable };

const read = (layer: AnyLayer, field: string): (() => tf.Variable) | undefined => {
  const v = layer[field] as LayerVariable | null | undefined;
  return v ? () => v.read() : undefined;
};

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);

function activationOf(layer: AnyLayer): 'relu' | 'linear' | 'softmax' {
  const activation = layer['activation'] as { getClassName(): string } | undefined;
  const name = activation ? activation.getClassName().toLowerCase() : 'linear';
  if (name === 'relu' || name === 'linear' || name === 'softmax') return name;
  throw new UnsupportedLayerError(layer, `activation '${name}' is not supported: LRP-Flex needs ReLU non-linearities`);
}

function channelsLast(layer: AnyLayer): void {
  const format = layer['dataFormat'];
  if (format && format !== 'channelsLast') throw new UnsupportedLayerError(layer, `dataFormat '${String(format)}' (only channelsLast)`);
}

function withActivation(layer: AnyLayer, node: Omit<LrpNode, 'endsWithRelu' | 'run' | 'backward'> & { linear: LinearMap }, isOutput: boolean): LrpNode {
  const activation = activationOf(layer);
  if (activation === 'softmax' && !isOutput) throw new UnsupportedLayerError(layer, 'softmax is only supported on the output layer (its logits are explained)');
  const linear = node.linear;
  return {
    ...node,
    endsWithRelu: activation === 'relu',
    backward: (dy, [x]) => [transposedLinear(linear, dy, linear.kernel(), x!.shape)],
    // The ReLU runs inside the linear kernel.
    run: ([x]) => applyLinear(linear, x!, linear.kernel(), linear.bias?.(), activation === 'relu' ? 'relu' : 'linear'),
  };
}

const passThrough = (dy: Tensor) => [dy];
const reshapeBack = (dy: Tensor, [x]: Tensor[]) => [tf.reshape(dy, [dy.shape[0]!, ...x!.shape.slice(1)])];

/** x [B, ...] repeated along the batch axis to dy's batch (k B, for a class-stacked dy). */
function repeatBatch(x: Tensor, dy: Tensor): Tensor {
  const copies = dy.shape[0]! / x.shape[0]!;
  return copies === 1 ? x : tf.tile(x, [copies, ...x.shape.slice(1).map(() => 1)]);
}

/** Converts one Keras-style layer into an LRP node; unsupported layers throw, naming it. */
function toNode(layer: AnyLayer, inputs: string[], isOutput: boolean): LrpNode {
  const base = { name: layer.name, className: layer.getClassName(), inputs };
  switch (base.className) {
    case 'Conv2D': {
      channelsLast(layer);
      const linear: LinearMap = {
        kind: 'conv',
        kernel: read(layer, 'kernel') as () => Tensor4D,
        bias: read(layer, 'bias'),
        strides: pair(layer['strides']),
        padding: layer['padding'] as 'same' | 'valid',
        dilation: pair(layer['dilationRate']),
      };
      if (linear.padding !== 'same' && linear.padding !== 'valid') throw new UnsupportedLayerError(layer, `padding '${String(linear.padding)}'`);
      return withActivation(layer, { ...base, linear }, isOutput);
    }
    case 'Dense': {
      const linear: LinearMap = { kind: 'dense', kernel: read(layer, 'kernel') as never, bias: read(layer, 'bias') };
      return withActivation(layer, { ...base, linear }, isOutput);
    }
    case 'BatchNormalization': {
      const axis = layer['axis'] as number;
      if (axis !== -1 && axis !== 3 && axis !== 1) throw new UnsupportedLayerError(layer, `axis ${axis} (only the last, channel axis)`);
      const bn = {
        gamma: read(layer, 'gamma'),
        beta: read(layer, 'beta'),
        movingMean: read(layer, 'movingMean')!,
        movingVariance: read(layer, 'movingVariance')!,
        epsilon: layer['epsilon'] as number,
        momentum: layer['momentum'] as number,
      };
      return { ...base, endsWithRelu: false, batchNorm: bn, run: ([x], ctx) => applyBatchNorm(bn, base.name, x!, ctx), backward: (dy, [x], ctx) => [batchNormBackward(bn, base.name, dy, x!, ctx)] };
    }
    case 'ReLU': {
      if (layer['maxValue'] != null) throw new UnsupportedLayerError(layer, 'a capped ReLU (maxValue) is not a ReLU for LRP');
      return { ...base, endsWithRelu: true, run: ([x]) => tf.relu(x!), backward: passThrough };
    }
    case 'Activation': {
      const name = activationOf(layer);
      if (name === 'softmax') throw new UnsupportedLayerError(layer, 'explain the logits: remove the softmax activation layer');
      return { ...base, endsWithRelu: name === 'relu', run: ([x]) => (name === 'relu' ? tf.relu(x!) : x!), backward: passThrough };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      channelsLast(layer);
      const pool = base.className === 'MaxPooling2D' ? tf.maxPool : tf.avgPool;
      const size = pair(layer['poolSize']);
      const strides = pair(layer['strides'] ?? size);
      const padding = layer['padding'] as 'same' | 'valid';
      const run = (x: Tensor) => pool(x as Tensor4D, size, strides, padding);
      // The pooling's own gradient on the input repeated for each copy (max pooling routes by
      // the input's values; average pooling only reads its shape).
      return { ...base, endsWithRelu: false, run: ([x]) => run(x!), backward: (dy, [x]) => [tf.grad(run)(repeatBatch(x!, dy), dy)] };
    }
    case 'GlobalAveragePooling2D': {
      channelsLast(layer);
      const backward = (dy: Tensor, [x]: Tensor[]) => {
        const [, height, width, channels] = x!.shape as number[];
        const spread = tf.div(tf.reshape(dy, [dy.shape[0]!, 1, 1, channels!]), height! * width!);
        return [tf.broadcastTo(spread, [dy.shape[0]!, height!, width!, channels!])];
      };
      return { ...base, endsWithRelu: false, run: ([x]) => tf.mean(x!, [1, 2]), backward };
    }
    case 'Flatten': {
      const flatten = (x: Tensor) => tf.reshape(x, [x.shape[0]!, -1]);
      return { ...base, endsWithRelu: false, reshapeOnly: flatten, run: ([x]) => flatten(x!), backward: reshapeBack };
    }
    case 'ZeroPadding2D': {
      channelsLast(layer);
      const [[top, bottom], [left, right]] = layer['padding'] as [[number, number], [number, number]];
      const padTo = (x: Tensor) => tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
      const backward = (dy: Tensor, [x]: Tensor[]) => [tf.slice(dy, [0, top, left, 0], [dy.shape[0]!, ...x!.shape.slice(1)])];
      return { ...base, endsWithRelu: false, reshapeOnly: padTo, run: ([x]) => padTo(x!), backward };
    }
    case 'Reshape': {
      const target = layer['targetShape'] as number[];
      return { ...base, endsWithRelu: false, run: ([x]) => tf.reshape(x!, [x!.shape[0]!, ...target]), backward: reshapeBack };
    }
    case 'Dropout':
    case 'SpatialDropout2D':
      return { ...base, endsWithRelu: false, run: ([x]) => x!, backward: passThrough };
    case 'Add':
      return { ...base, endsWithRelu: false, run: (xs) => tf.addN(xs), backward: (dy, xs) => xs.map(() => dy) };
    case 'Concatenate': {
      const axis = (layer['axis'] as number) ?? -1;
      const backward = (dy: Tensor, xs: Tensor[]) => {
        const at = axis < 0 ? dy.rank + axis : axis;
        return tf.split(dy, xs.map((x) => x.shape[at]!), at);
      };
      return { ...base, endsWithRelu: false, run: (xs) => tf.concat(xs, axis), backward };
    }
    default:
      throw new UnsupportedLayerError(layer, 'no LRP rule for this layer type (supported: Conv2D, Dense, BatchNormalization, ReLU, Activation(relu), MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten, ZeroPadding2D, Reshape, Dropout, Add, Concatenate)');
  }
}

/** The explainable graph of a LayersModel: nodes in topological order, the input and output names. */
export interface LrpGraph {
  input: string;
  output: string;
  nodes: LrpNode[];
}

export function graphFromLayersModel(model: LayersModel): LrpGraph {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`model '${model.name}': LRP-Flex explains single-input, single-output models (this one has ${model.inputs.length} inputs, ${model.outputs.length} outputs)`);
  }
  const inputName = model.inputs[0]!.sourceLayer.name;
  const outputName = model.outputs[0]!.sourceLayer.name;
  const nodes: LrpNode[] = [];
  for (const layer of model.layers as AnyLayer[]) {
    if (layer.getClassName() === 'InputLayer') continue;
    const inbound = layer.inboundNodes.filter((n) => n.inboundLayers.length > 0);
    if (inbound.length !== 1) throw new UnsupportedLayerError(layer, `used ${inbound.length} times; shared layers are not supported`);
    const inputs = inbound[0]!.inboundLayers.map((l) => l.name);
    nodes.push({ ...toNode(layer, inputs, layer.name === outputName), outputShape: (layer.outputShape as (number | null)[]).slice(1) as number[] });
  }
  return { input: inputName, output: outputName, nodes };
}

