import type { SymbolicTensor } from '@tensorflow/tfjs';
import { poolAndClassify, residualStages, type BackboneGraph } from './blocks.js';
import type { ParsedBackboneOptions } from './options.js';

/** ResNet-8: a 16-channel stem and one basic block per stage (16, 32 s2, 64 s2), GAP, logits. */
export function resnet8(input: SymbolicTensor, { seed, classes }: ParsedBackboneOptions): BackboneGraph {
  const stages = residualStages(input, seed, 16, [
    { filters: 16, blocks: 1, strides: 1 },
    { filters: 32, blocks: 1, strides: 2 },
    { filters: 64, blocks: 1, strides: 2 },
  ]);
  return { logits: poolAndClassify(stages.at(-1)!, seed, classes), supervised: stages };
}
