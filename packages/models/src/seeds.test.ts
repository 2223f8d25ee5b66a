import { describe, expect, it } from 'vitest';
import { layerSeed } from './seeds.js';

describe('layerSeed', () => {
  it('is a pure 32-bit function of the model seed and the layer name', () => {
    expect(layerSeed(1, 'conv1')).toBe(layerSeed(1, 'conv1'));
    const seeds = [0, 1, 2].flatMap((seed) => ['conv1', 'conv2', 'stage1_block1_conv1', 'logits'].map((name) => layerSeed(seed, name)));
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
