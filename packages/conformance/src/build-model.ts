import * as tf from '@tensorflow/tfjs';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Fixture, FixtureLayer, FixtureTensor } from './fixture.js';

/** A fixture parameter as a TF.js variable, with the map back to PyTorch layout for gradients. */
export interface MappedParameter {
  /** PyTorch name, e.g. "0.weight". */
  name: string;
  variable: tf.Variable;
  toTorch: (t: Tensor) => Tensor;
}

export interface RebuiltNetwork {
  model: LayersModel;
  parameters: MappedParameter[];
}

const tensorOf = (t: FixtureTensor) => tf.tensor(t.data, t.shape);

/** Shape (C, H, W) flowing through the network, to reorder the first linear layer after flatten. */
type Chw = [number, number, number];

/**
 * Rebuilds the fixture's PyTorch network as a TF.js Sequential model in NHWC:
 * conv weights [out,in,kh,kw] -> [kh,kw,in,out]; explicit conv padding becomes a
 * ZeroPadding2D (TF.js 'same' pads asymmetrically); linear weights [out,in] -> [in,out], and
 * after a flatten the rows are reordered from PyTorch's (C,H,W) order to TF.js's (H,W,C).
 */
export function rebuildNetwork(fixture: Fixture): RebuiltNetwork {
  const [, channels, height, width] = fixture.input.shape as [number, number, number, number];
  const model = tf.sequential();
  const pending: Array<() => void> = [];
  const parameters: MappedParameter[] = [];
  let chw: Chw = [channels, height, width];
  let flattenedFrom: Chw | undefined;
  let first = true;
  const inputShape = () => (first ? { inputShape: [height, width, channels] } : {});
  const add = (layer: tf.layers.Layer) => {
    model.add(layer);
    first = false;
    return layer;
  };
  const bind = (layer: tf.layers.Layer, index: number, entries: Array<[string, FixtureTensor, (t: Tensor) => Tensor, (t: Tensor) => Tensor]>) => {
    pending.push(() => {
      const weights = layer.weights;
      entries.forEach(([suffix, value, toTf, toTorch], i) => {
        weights[i]!.write(toTf(tensorOf(value)));
        const variable = (weights[i] as unknown as { read(): tf.Variable }).read();
        if (weights[i]!.trainable) parameters.push({ name: `${index}.${suffix}`, variable, toTorch });
      });
    });
  };

  fixture.layers.forEach((layer: FixtureLayer, index) => {
    switch (layer.type) {
      case 'conv2d': {
        const [out, , kh, kw] = layer.weight.shape as [number, number, number, number];
        const [ph, pw] = layer.padding;
        if (ph > 0 || pw > 0) add(tf.layers.zeroPadding2d({ ...inputShape(), padding: [[ph, ph], [pw, pw]] }));
        const conv = add(tf.layers.conv2d({ ...inputShape(), filters: out, kernelSize: [kh, kw], strides: layer.stride, padding: 'valid', useBias: !!layer.bias }));
        bind(conv, index, [
          ['weight', layer.weight, (t) => tf.transpose(t, [2, 3, 1, 0]), (t) => tf.transpose(t, [3, 2, 0, 1])],
          ...(layer.bias ? [['bias', layer.bias, (t: Tensor) => t, (t: Tensor) => t] as [string, FixtureTensor, (t: Tensor) => Tensor, (t: Tensor) => Tensor]] : []),
        ]);
        chw = [out, Math.floor((chw[1] + 2 * ph - kh) / layer.stride[0]) + 1, Math.floor((chw[2] + 2 * pw - kw) / layer.stride[1]) + 1];
        break;
      }
      case 'batchnorm2d': {
        const bn = add(tf.layers.batchNormalization({ ...inputShape(), axis: -1, epsilon: layer.eps }));
        const same = (t: Tensor) => t;
        bind(bn, index, [
          ['weight', layer.weight, same, same],
          ['bias', layer.bias, same, same],
          ['running_mean', layer.running_mean, same, same],
          ['running_var', layer.running_var, same, same],
        ]);
        break;
      }
      case 'relu':
        add(tf.layers.reLU(inputShape()));
        break;
      case 'maxpool2d':
      case 'avgpool2d': {
        const options = { ...inputShape(), poolSize: layer.kernel, strides: layer.stride, padding: 'valid' as const };
        add(layer.type === 'maxpool2d' ? tf.layers.maxPooling2d(options) : tf.layers.averagePooling2d(options));
        chw = [chw[0], Math.floor((chw[1] - layer.kernel) / layer.stride) + 1, Math.floor((chw[2] - layer.kernel) / layer.stride) + 1];
        break;
      }
      case 'flatten':
        add(tf.layers.flatten(inputShape()));
        flattenedFrom = chw;
        break;
      case 'linear': {
        const [out, inFeatures] = layer.weight.shape as [number, number];
        const dense = add(tf.layers.dense({ ...inputShape(), units: out, useBias: !!layer.bias }));
        const order = flattenedFrom ? channelMajorRows(flattenedFrom) : undefined;
        if (order && order.length !== inFeatures) throw new Error(`layers.${index}: linear expects ${inFeatures} inputs, flatten gives ${order.length}`);
        const toTf = (t: Tensor) => (order ? tf.gather(tf.transpose(t), order) : tf.transpose(t));
        const toTorch = (t: Tensor) => tf.transpose(order ? tf.gather(t, inversePermutation(order)) : t);
        bind(dense, index, [
          ['weight', layer.weight, toTf, toTorch],
          ...(layer.bias ? [['bias', layer.bias, (t: Tensor) => t, (t: Tensor) => t] as [string, FixtureTensor, (t: Tensor) => Tensor, (t: Tensor) => Tensor]] : []),
        ]);
        flattenedFrom = undefined;
        break;
      }
    }
  });
  model.build([null, height, width, channels]);
  tf.tidy(() => pending.forEach((write) => write()));
  return { model, parameters };
}

/** Row r of the TF.js kernel (flattened (h, w, c)) is PyTorch's input (c, h, w). */
function channelMajorRows([c, h, w]: Chw): number[] {
  const rows: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) rows.push((k * h + y) * w + x);
  return rows;
}

function inversePermutation(order: number[]): number[] {
  const inverse = new Array<number>(order.length);
  order.forEach((source, target) => (inverse[source] = target));
  return inverse;
}

/** NCHW (fixture) to NHWC (TF.js) and back. */
export const toNhwc = (t: FixtureTensor) => tf.transpose(tensorOf(t), [0, 2, 3, 1]);
export const nhwcToNchw = (t: Tensor) => tf.transpose(t, [0, 3, 1, 2]);
