import * as tf from '@tensorflow/tfjs';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { apply, batchNorm, conv, poolAndClassify, relu, type BackboneGraph } from './blocks.js';
import type { ParsedBackboneOptions } from './options.js';

/**
 * A strided layer with PyTorch's symmetric padding p: an explicit ZeroPadding2D then 'valid'.
 * TF's 'same' pads an even-sized input asymmetrically (one more row at the bottom), which
 * shifts the sampling grid by a pixel against torchvision's; this keeps the reference's grid,
 * and the output size is ceil(size / 2) in both. The z^B rule carries through the padding.
 */
const padded = (x: SymbolicTensor, name: string, padding: number) => apply(tf.layers.zeroPadding2d({ name, padding }), x);

interface StridedConv {
  kernelSize: number;
  strides: number;
}

/** A bias-free convolution placed as torchvision places it (padding kernelSize // 2). */
function torchConv(x: SymbolicTensor, seed: number, name: string, filters: number, { kernelSize, strides }: StridedConv): SymbolicTensor {
  // A stride-1 odd kernel with 'same' padding is already symmetric; so is a 1x1 kernel (no padding).
  if (strides === 1 || kernelSize === 1) return conv(x, seed, name, filters, { kernelSize, strides, useBias: false, padding: kernelSize === 1 ? 'valid' : 'same' });
  return conv(padded(x, `${name}_pad`, Math.floor(kernelSize / 2)), seed, name, filters, { kernelSize, strides, useBias: false, padding: 'valid' });
}

/** torchvision's BasicBlock: conv3x3-BN-ReLU-conv3x3-BN, plus identity or 1x1 conv + BN, added, ReLU. */
function basicBlock(x: SymbolicTensor, seed: number, name: string, filters: number, strides: number): SymbolicTensor {
  const h = relu(batchNorm(torchConv(x, seed, `${name}_conv1`, filters, { kernelSize: 3, strides }), `${name}_bn1`), `${name}_relu1`);
  const residual = batchNorm(torchConv(h, seed, `${name}_conv2`, filters, { kernelSize: 3, strides: 1 }), `${name}_bn2`);
  const inChannels = x.shape[x.shape.length - 1];
  const shortcut =
    strides === 1 && inChannels === filters
      ? x
      : batchNorm(torchConv(x, seed, `${name}_shortcut_conv`, filters, { kernelSize: 1, strides }), `${name}_shortcut_bn`);
  return relu(apply(tf.layers.add({ name: `${name}_add` }), [residual, shortcut]), `${name}_relu`);
}

/**
 * ResNet-18 as torchvision builds it, the backbone of the authors' reference code: a 7x7
 * stride-2 conv (no bias) + BN + ReLU stem, a 3x3 stride-2 max pool, four stages of two basic
 * blocks (w, 2w, 4w, 8w channels, w = `width`, 64 in the original; stride-2 downsampling with
 * a 1x1 conv + BN shortcut), global average pooling and one dense layer. The input channels
 * come from the input shape (1 for MNIST, where torchvision's stem has 3). A 28x28 image
 * leaves 14x14 after the stem, 7x7 after the pool, then 7, 4, 2, 1.
 *
 * Deep supervision reads the four stage outputs, as the reference does (its layer1..layer4):
 * the stem's ReLU, although the last ReLU at its resolution, is not supervised.
 */
export function resnet18Imagenet(input: SymbolicTensor, { seed, classes, width = 64 }: ParsedBackboneOptions): BackboneGraph {
  const stem = relu(batchNorm(torchConv(input, seed, 'stem_conv', width, { kernelSize: 7, strides: 2 }), 'stem_bn'), 'stem_relu');
  // Zero padding is the same as PyTorch's -inf padding here: the pool reads ReLU outputs (>= 0).
  let h = apply(tf.layers.maxPooling2d({ name: 'stem_pool', poolSize: 3, strides: 2, padding: 'valid' }), padded(stem, 'stem_pool_pad', 1));
  const stages = [1, 2, 4, 8].map((factor, i) => {
    for (let j = 0; j < 2; j++) h = basicBlock(h, seed, `stage${i + 1}_block${j + 1}`, width * factor, i > 0 && j === 0 ? 2 : 1);
    return h;
  });
  return { logits: poolAndClassify(stages.at(-1)!, seed, classes), supervised: stages };
}
