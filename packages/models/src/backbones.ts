import * as tf from '@tensorflow/tfjs';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import { z } from 'zod';
import type { BackboneGraph } from './blocks.js';
import { densenet } from './densenet.js';
import { backboneOptionsSchema, BackboneName, type BackboneOptions, type ParsedBackboneOptions } from './options.js';
import { resnet18 } from './resnet18.js';
import { resnet18Imagenet } from './resnet18-imagenet.js';
import { resnet8 } from './resnet8.js';
import { small } from './small.js';
import { tiny } from './tiny.js';
import { vgg11 } from './vgg11.js';

/** Options beyond shape, classes and seed, accepted only by the backbones that use them. */
type ExtraOption = 'width' | 'batchNorm';

interface Entry {
  description: string;
  options: ExtraOption[];
  build: (input: SymbolicTensor, options: ParsedBackboneOptions) => BackboneGraph;
}

const REGISTRY: Record<BackboneName, Entry> = {
  tiny: { description: 'three ReLU convs (16, 32 s2, 32 s2), flatten, dense', options: [], build: tiny },
  small: { description: 'four ReLU convs (32, 32 s2, 64, 64 s2), flatten, dense 128 ReLU, dense', options: [], build: small },
  resnet8: { description: 'ResNet-8: conv-BN-ReLU stem, one basic block per stage (16, 32 s2, 64 s2), GAP, dense', options: [], build: resnet8 },
  resnet18: { description: 'ResNet-18 for small images: 3x3 stem, no max pool, 4 stages x 2 basic blocks (w, 2w, 4w, 8w), GAP, dense', options: ['width'], build: resnet18 },
  'resnet18-imagenet': {
    description: "torchvision's ResNet-18 (the authors' reference): 7x7 s2 stem, 3x3 s2 max pool, 4 stages x 2 basic blocks (w, 2w, 4w, 8w), GAP, dense",
    options: ['width'],
    build: resnet18Imagenet,
  },
  vgg11: { description: 'VGG-11 convs (with batch norm by default), pools skipped below 1x1, GAP, dense', options: ['width', 'batchNorm'], build: vgg11 },
  densenet: { description: 'compact DenseNet: growth 12, 3 dense blocks x 4 BN-ReLU-conv3x3, transitions, BN-ReLU, GAP, dense', options: [], build: densenet },
};

export interface BackboneInfo {
  name: BackboneName;
  description: string;
  /** The options beyond inputShape, classes and seed that this backbone takes. */
  options: ExtraOption[];
}

export const BACKBONES: readonly BackboneInfo[] = BackboneName.options.map((name) => ({ name, description: REGISTRY[name].description, options: REGISTRY[name].options }));

export interface Backbone {
  /** Logits (no softmax), channelsLast input [batch, H, W, C]. */
  model: LayersModel;
  /**
   * Layers whose outputs LRP deep supervision reads, shallow to deep: the last ReLU of each
   * resolution stage before it is downsampled, and the last ReLU of the feature extractor.
   * Each ends with a ReLU (a ReLU layer or a conv with relu activation).
   */
  supervisedLayers: string[];
}

/**
 * Builds a backbone with seeded initializers and fixed layer names: two builds with one seed
 * have identical weights and layer names. Its only non-linearities are ReLUs and every layer
 * is one LRP-Flex's `graphFromLayersModel` explains.
 */
export function buildBackbone(name: BackboneName, options: BackboneOptions): Backbone {
  const backbone = BackboneName.safeParse(name);
  if (!backbone.success) throw new Error(`unknown backbone '${String(name)}' (choices: ${BackboneName.options.join(', ')})`);
  const parsed = backboneOptionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`backbone '${name}': ${z.prettifyError(parsed.error)}`);
  const entry = REGISTRY[backbone.data];
  // An option a backbone ignores would silently not do what the caller asked.
  const unused = (['width', 'batchNorm'] as const).filter((key) => parsed.data[key] !== undefined && !entry.options.includes(key));
  if (unused.length > 0) throw new Error(`backbone '${name}' takes no ${unused.join(' or ')} option`);

  const input = tf.input({ name: 'input', shape: parsed.data.inputShape });
  const { logits, supervised } = entry.build(input, parsed.data);
  return { model: tf.model({ name: backbone.data, inputs: input, outputs: logits }), supervisedLayers: supervised.map((t) => t.sourceLayer.name) };
}
