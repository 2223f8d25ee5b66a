import * as tf from '@tensorflow/tfjs';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { apply, conv, convBnRelu, poolAndClassify, type BackboneGraph } from './blocks.js';
import type { ParsedBackboneOptions } from './options.js';

/** VGG-11 ("A"): convs per block at width 64, each block closed by a 2x2 max pool. */
const BLOCKS = [[64], [128], [256, 256], [512, 512], [512, 512]];

/**
 * VGG-11 for small images: 3x3 ReLU convs (with batch norm unless `batchNorm: false`) scaled
 * by `width` / 64; a pool that would shrink the map below 1x1 is skipped (28x28 inputs reach
 * 1x1 after four). GAP then logits replaces the 4096-unit classifier, as in CIFAR VGGs, and
 * keeps the head independent of the input size.
 */
export function vgg11(input: SymbolicTensor, { seed, classes, width = 64, batchNorm = true }: ParsedBackboneOptions): BackboneGraph {
  const supervised: SymbolicTensor[] = [];
  let h = input;
  let lastRelu = input;
  BLOCKS.forEach((convs, b) => {
    const block = `block${b + 1}`;
    convs.forEach((filters, i) => {
      const scaled = Math.max(1, Math.round((filters * width) / 64));
      h = batchNorm ? convBnRelu(h, seed, block, scaled, 1, `${i + 1}`) : conv(h, seed, `${block}_conv${i + 1}`, scaled, { relu: true });
    });
    lastRelu = h;
    if (Math.min(h.shape[1]!, h.shape[2]!) >= 2) {
      // The ReLU before a pool is the last at its resolution: deep supervision reads it.
      supervised.push(h);
      h = apply(tf.layers.maxPooling2d({ name: `${block}_pool`, poolSize: 2, strides: 2, padding: 'valid' }), h);
    }
  });
  // The last ReLU ends the feature extractor; it is already listed when a pool followed it.
  if (supervised.at(-1) !== lastRelu) supervised.push(lastRelu);
  return { logits: poolAndClassify(h, seed, classes), supervised };
}
