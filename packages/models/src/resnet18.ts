import type { SymbolicTensor } from '@tensorflow/tfjs';
import { poolAndClassify, residualStages, type BackboneGraph } from './blocks.js';
import type { ParsedBackboneOptions } from './options.js';

/**
 * ResNet-18 for small images (the CIFAR variant: 3x3 stride-1 stem, no max pool), four stages
 * of two basic blocks (w, 2w, 4w, 8w channels; w = `width`, 64 in the original), GAP, logits.
 */
export function resnet18(input: SymbolicTensor, { seed, classes, width = 64 }: ParsedBackboneOptions): BackboneGraph {
  const stages = residualStages(
    input,
    seed,
    width,
    [1, 2, 4, 8].map((factor, i) => ({ filters: width * factor, blocks: 2, strides: i === 0 ? 1 : 2 })),
  );
  return { logits: poolAndClassify(stages.at(-1)!, seed, classes), supervised: stages };
}
