import * as tf from '@tensorflow/tfjs';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { apply, batchNorm, conv, convBnRelu, poolAndClassify, relu, type BackboneGraph } from './blocks.js';
import type { ParsedBackboneOptions } from './options.js';

const GROWTH_RATE = 12;
const LAYERS_PER_BLOCK = 4;
const DENSE_BLOCKS = 3;

/** BN -> ReLU, the pre-activation order DenseNet composites use (the ReLU then feeds a conv). */
const bnRelu = (x: SymbolicTensor, prefix: string) => relu(batchNorm(x, `${prefix}_bn`), `${prefix}_relu`);

/**
 * A compact DenseNet (Huang et al., 2017): growth rate 12, three dense blocks of four
 * BN-ReLU-conv3x3 composites, each concatenated to its input; transitions BN-ReLU-conv1x1
 * (channels kept: no compression) and a 2x2 average pool; then BN-ReLU, GAP, logits.
 * The stem is conv-BN-ReLU, as in torchvision's DenseNet-121 minus its max pool, rather than
 * the CIFAR DenseNet's bare conv: LRP's z^B rule needs the input to reach a ReLU through one
 * conv (and batch norm) before anything branches off it.
 */
export function densenet(input: SymbolicTensor, { seed, classes }: ParsedBackboneOptions): BackboneGraph {
  const [height, width] = input.shape.slice(1) as number[];
  if (Math.min(height!, width!) < 2 ** (DENSE_BLOCKS - 1)) {
    throw new Error(`densenet: ${DENSE_BLOCKS - 1} 2x2 pools need images of at least ${2 ** (DENSE_BLOCKS - 1)}x${2 ** (DENSE_BLOCKS - 1)} (got ${height}x${width})`);
  }
  const supervised: SymbolicTensor[] = [];
  let h = convBnRelu(input, seed, 'stem', 2 * GROWTH_RATE);
  for (let b = 1; b <= DENSE_BLOCKS; b++) {
    for (let l = 1; l <= LAYERS_PER_BLOCK; l++) {
      const name = `block${b}_layer${l}`;
      const features = conv(bnRelu(h, name), seed, `${name}_conv`, GROWTH_RATE, { useBias: false });
      h = apply(tf.layers.concatenate({ name: `${name}_concat`, axis: -1 }), [h, features]);
    }
    if (b < DENSE_BLOCKS) {
      const name = `transition${b}`;
      const activated = bnRelu(h, name);
      // The transition's ReLU is the last at this resolution: deep supervision reads it.
      supervised.push(activated);
      const channels = activated.shape[3]!;
      h = conv(activated, seed, `${name}_conv`, channels, { kernelSize: 1, useBias: false });
      h = apply(tf.layers.averagePooling2d({ name: `${name}_pool`, poolSize: 2, strides: 2, padding: 'valid' }), h);
    }
  }
  const features = bnRelu(h, 'final');
  supervised.push(features);
  return { logits: poolAndClassify(features, seed, classes), supervised };
}
