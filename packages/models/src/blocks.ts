import * as tf from '@tensorflow/tfjs';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { logitKernel, reluKernel } from './seeds.js';

/**
 * Building blocks shared by the backbones. Every layer gets an explicit name: TF.js auto-names
 * carry a process-wide counter, so a second build would otherwise name its layers differently
 * and deep-supervision layer names could not be written down.
 */

export const apply = (layer: tf.layers.Layer, x: SymbolicTensor | SymbolicTensor[]) => layer.apply(x) as SymbolicTensor;

export interface ConvOptions {
  kernelSize?: number;
  strides?: number;
  relu?: boolean;
  /** Off before a batch norm, whose beta makes a bias redundant. */
  useBias?: boolean;
  /** 'same' (default) or 'valid' (after an explicit ZeroPadding2D). */
  padding?: 'same' | 'valid';
}

/** A convolution ('same'-padded unless told) with a seeded He kernel and zero bias. */
export function conv(x: SymbolicTensor, seed: number, name: string, filters: number, options: ConvOptions = {}): SymbolicTensor {
  const { kernelSize = 3, strides = 1, relu = false, useBias = true, padding = 'same' } = options;
  return apply(
    tf.layers.conv2d({
      name,
      filters,
      kernelSize,
      strides,
      padding,
      activation: relu ? 'relu' : 'linear',
      useBias,
      kernelInitializer: reluKernel(seed, name),
      biasInitializer: 'zeros',
    }),
    x,
  );
}

/**
 * Batch norm over channels with PyTorch's defaults (momentum 0.1, i.e. Keras 0.9, and
 * eps 1e-5) rather than Keras' (0.99, 1e-3): the reference ISNet code is PyTorch, and its
 * running statistics, used in inference mode, follow this faster average.
 */
export const batchNorm = (x: SymbolicTensor, name: string) => apply(tf.layers.batchNormalization({ name, axis: -1, momentum: 0.9, epsilon: 1e-5 }), x);

export const relu = (x: SymbolicTensor, name: string) => apply(tf.layers.reLU({ name }), x);

/** conv -> batch norm -> ReLU, named `${prefix}_conv${suffix}`, `_bn${suffix}`, `_relu${suffix}`. */
export function convBnRelu(x: SymbolicTensor, seed: number, prefix: string, filters: number, strides = 1, suffix = ''): SymbolicTensor {
  const z = conv(x, seed, `${prefix}_conv${suffix}`, filters, { strides, useBias: false });
  return relu(batchNorm(z, `${prefix}_bn${suffix}`), `${prefix}_relu${suffix}`);
}

const channels = (x: SymbolicTensor) => x.shape[x.shape.length - 1]!;

/**
 * The basic residual block of ResNet-18/34 (He et al., 2016): conv-BN-ReLU-conv-BN plus a
 * shortcut (a 1x1 conv + BN where the shape changes, else identity), added, then a ReLU
 * layer `${name}_relu`, which is what deep supervision reads.
 */
export function basicBlock(x: SymbolicTensor, seed: number, name: string, filters: number, strides: number): SymbolicTensor {
  const h = convBnRelu(x, seed, name, filters, strides, '1');
  const residual = batchNorm(conv(h, seed, `${name}_conv2`, filters, { useBias: false }), `${name}_bn2`);
  const shortcut =
    strides === 1 && channels(x) === filters
      ? x
      : batchNorm(conv(x, seed, `${name}_shortcut_conv`, filters, { kernelSize: 1, strides, useBias: false }), `${name}_shortcut_bn`);
  return relu(apply(tf.layers.add({ name: `${name}_add` }), [residual, shortcut]), `${name}_relu`);
}

export interface Stage {
  filters: number;
  blocks: number;
  /** Stride of the stage's first block (2 halves the resolution). */
  strides: number;
}

/**
 * A small-image ResNet body: conv-BN-ReLU stem without max pool, then stages of basic blocks
 * named `stage{i}_block{j}_*`. Returns the last ReLU of each stage, which is also the last
 * ReLU at that resolution: the stem shares the first stage's resolution.
 */
export function residualStages(x: SymbolicTensor, seed: number, stemFilters: number, stages: Stage[]): SymbolicTensor[] {
  let h = convBnRelu(x, seed, 'stem', stemFilters);
  return stages.map((stage, i) => {
    for (let j = 0; j < stage.blocks; j++) h = basicBlock(h, seed, `stage${i + 1}_block${j + 1}`, stage.filters, j === 0 ? stage.strides : 1);
    return h;
  });
}

/** A fully connected ReLU layer. */
export const denseRelu = (x: SymbolicTensor, seed: number, name: string, units: number) =>
  apply(tf.layers.dense({ name, units, activation: 'relu', kernelInitializer: reluKernel(seed, name), biasInitializer: 'zeros' }), x);

/** The linear logit layer: no softmax, LRP explains logits. */
export const logits = (x: SymbolicTensor, seed: number, classes: number) =>
  apply(tf.layers.dense({ name: 'logits', units: classes, kernelInitializer: logitKernel(seed, 'logits'), biasInitializer: 'zeros' }), x);

/** Global average pooling and the logit layer: a head independent of the input size. */
export const poolAndClassify = (x: SymbolicTensor, seed: number, classes: number) =>
  logits(apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), x), seed, classes);

export const flatten = (x: SymbolicTensor) => apply(tf.layers.flatten({ name: 'flatten' }), x);

/** What each backbone builder returns: the logits and the deep-supervision layers' outputs. */
export interface BackboneGraph {
  logits: SymbolicTensor;
  supervised: SymbolicTensor[];
}
