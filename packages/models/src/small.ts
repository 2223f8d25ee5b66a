import type { SymbolicTensor } from '@tensorflow/tfjs';
import { conv, denseRelu, flatten, logits, type BackboneGraph } from './blocks.js';
import type { ParsedBackboneOptions } from './options.js';

/**
 * Four ReLU convs (32, 32 s2, 64, 64 s2; all 'same'), a 128-unit ReLU dense layer, logits.
 * Deep supervision reads the convs before each downsampling and the last one; the dense
 * layer is classifier, not feature extractor.
 */
export function small(input: SymbolicTensor, { seed, classes }: ParsedBackboneOptions): BackboneGraph {
  const conv1 = conv(input, seed, 'conv1', 32, { relu: true });
  const conv2 = conv(conv1, seed, 'conv2', 32, { strides: 2, relu: true });
  const conv3 = conv(conv2, seed, 'conv3', 64, { relu: true });
  const conv4 = conv(conv3, seed, 'conv4', 64, { strides: 2, relu: true });
  const hidden = denseRelu(flatten(conv4), seed, 'fc1', 128);
  return { logits: logits(hidden, seed, classes), supervised: [conv1, conv3, conv4] };
}
