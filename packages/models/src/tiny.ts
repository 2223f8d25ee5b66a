import type { SymbolicTensor } from '@tensorflow/tfjs';
import { conv, flatten, logits, type BackboneGraph } from './blocks.js';
import type { ParsedBackboneOptions } from './options.js';

/** Three ReLU convs (16, 32 s2, 32 s2), flatten, logits: fast enough for many-class timing runs. */
export function tiny(input: SymbolicTensor, { seed, classes }: ParsedBackboneOptions): BackboneGraph {
  const conv1 = conv(input, seed, 'conv1', 16, { relu: true });
  const conv2 = conv(conv1, seed, 'conv2', 32, { strides: 2, relu: true });
  const conv3 = conv(conv2, seed, 'conv3', 32, { strides: 2, relu: true });
  return { logits: logits(flatten(conv3), seed, classes), supervised: [conv1, conv2, conv3] };
}
