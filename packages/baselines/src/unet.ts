import * as tf from '@tensorflow/tfjs';
import type { LayersModel, SymbolicTensor, Tensor, Tensor4D, Variable } from '@tensorflow/tfjs';
import { z } from 'zod';
import { apply, conv, convBnRelu, reluKernel } from '@isnet-bench/models';
import { TrainConfigError } from '@isnet-bench/training';

/** The most poolings a default U-Net uses (Ronneberger et al.: four). */
export const MAX_DEFAULT_DEPTH = 4;

export const UnetOptions = z.strictObject({
  depth: z
    .number()
    .int()
    .min(1, 'depth, the number of 2x poolings, must be at least 1')
    .max(6, 'depth, the number of 2x poolings, must be at most 6')
    .optional()
    .describe(`number of 2x poolings (height and width must be divisible by 2^depth); default: the most, up to ${MAX_DEFAULT_DEPTH}, the image size allows`),
  width: z.number().int().min(1, 'width, the filters of the first level, must be at least 1').default(16).describe('filters of the first level, doubled at every pooling (Ronneberger et al.: 64)'),
});
export type UnetOptions = z.output<typeof UnetOptions>;

/** The U-Net's encoder-decoder as symbolic tensors: one skip per level, the bottleneck and the segmentation logits. */
export interface UnetGraph {
  readonly skips: SymbolicTensor[];
  readonly bottleneck: SymbolicTensor;
  /** [B, H, W, 1] foreground logits. */
  readonly segmentation: SymbolicTensor;
}

/**
 * The depth of a U-Net on images of `inputShape`: the configured one when the height and width
 * are divisible by 2^depth (else a TrainConfigError naming both), or the largest up to
 * MAX_DEFAULT_DEPTH that divides them.
 */
export function unetDepth(inputShape: readonly [number, number, number], depth?: number): number {
  const [height, width] = inputShape;
  const fits = (d: number) => height % 2 ** d === 0 && width % 2 ** d === 0;
  if (depth !== undefined) {
    if (!fits(depth)) {
      let most = 0;
      while (most < 6 && fits(most + 1)) most++;
      throw new TrainConfigError(`depth: a U-Net of depth ${depth} needs a height and width divisible by ${2 ** depth}; the images are ${height}x${width} (depth at most ${most})`);
    }
    return depth;
  }
  let chosen = 0;
  while (chosen < MAX_DEFAULT_DEPTH && fits(chosen + 1)) chosen++;
  if (chosen === 0) throw new TrainConfigError(`depth: a U-Net halves the image at least once; the images are ${height}x${width}, not divisible by 2`);
  return chosen;
}

/** Two 3x3 conv-BN-ReLU layers, named `${prefix}_conv1` ... `${prefix}_relu2`. */
const doubleConv = (x: SymbolicTensor, seed: number, prefix: string, filters: number) => convBnRelu(convBnRelu(x, seed, prefix, filters, 1, '1'), seed, prefix, filters, 1, '2');

/**
 * A U-Net (Ronneberger et al., 2015) with batch norm and 'same' padding, so its output has the
 * input's size. Level i (0-based) of the encoder is two conv-BN-ReLU layers of width * 2^i
 * filters, then a 2x2 max pool; the bottleneck has width * 2^depth filters. Each decoder level
 * upsamples by a 2x2 transposed convolution of stride 2 (the paper's up-convolution),
 * concatenates the encoder's skip of that resolution and applies two conv-BN-ReLU layers; a
 * 1x1 convolution gives one foreground logit per pixel.
 *
 * The transposed convolution is the paper's choice and the default of the Faster ISNet
 * authors' U-Net baselines. With a kernel the size of its stride the upsampled patches do not
 * overlap, so it avoids the checkerboard pattern of overlapping transposed convolutions that
 * resize+conv is usually chosen to avoid, and it learns the upsampling instead of fixing it.
 */
export function unetGraph(input: SymbolicTensor, seed: number, options: UnetOptions): UnetGraph {
  const [, height, width, channels] = input.shape;
  const depth = unetDepth([height!, width!, channels!], options.depth);
  const skips: SymbolicTensor[] = [];
  let x = input;
  for (let level = 0; level < depth; level++) {
    const skip = doubleConv(x, seed, `enc${level + 1}`, options.width * 2 ** level);
    skips.push(skip);
    x = apply(tf.layers.maxPooling2d({ name: `enc${level + 1}_pool`, poolSize: 2, strides: 2 }), skip);
  }
  const bottleneck = doubleConv(x, seed, 'bottleneck', options.width * 2 ** depth);
  x = bottleneck;
  for (let level = depth - 1; level >= 0; level--) {
    const name = `dec${level + 1}`;
    const filters = options.width * 2 ** level;
    const up = apply(
      tf.layers.conv2dTranspose({ name: `${name}_up`, filters, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: reluKernel(seed, `${name}_up`), biasInitializer: 'zeros' }),
      x,
    );
    x = apply(tf.layers.concatenate({ name: `${name}_concat`, axis: -1 }), [up, skips[level]!]);
    x = doubleConv(x, seed, name, filters);
  }
  return { skips, bottleneck, segmentation: conv(x, seed, 'segmentation', 1, { kernelSize: 1 }) };
}

/** What U-Net methods read of a LayersModel: its variables by stable name and its trainable ones. */
export function modelVariables(model: LayersModel, prefix = ''): { trainableVariables: Variable[]; stateVariables: Record<string, Variable> } {
  const read = (w: tf.LayerVariable) => (w as unknown as { read(): Variable }).read();
  return {
    trainableVariables: model.trainableWeights.map(read),
    stateVariables: Object.fromEntries(model.weights.map((w) => [`${prefix}${w.originalName}`, read(w)])),
  };
}

/** A U-Net segmenter: a LayersModel from images to foreground logits. */
export class Unet {
  readonly model: LayersModel;

  constructor(inputShape: readonly [number, number, number], seed: number, options: UnetOptions) {
    const input = tf.input({ shape: [...inputShape], name: 'unet_input' });
    this.model = tf.model({ inputs: input, outputs: unetGraph(input, seed, options).segmentation, name: 'unet' });
  }

  /** Foreground logits [B, H, W, 1]; training mode uses and moves the batch-norm statistics. */
  logits(images: Tensor, training: boolean): Tensor4D {
    return this.model.apply(images, { training }) as Tensor4D;
  }

  /** Foreground probabilities [B, H, W, 1] in inference mode. */
  segment(images: Tensor): Tensor4D {
    return tf.tidy(() => tf.sigmoid(this.logits(images, false)));
  }

  dispose(): void {
    this.model.dispose();
  }
}
