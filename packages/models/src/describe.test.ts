import { afterEach, describe, expect, it } from 'vitest';
import type { LayersModel } from '@tensorflow/tfjs';
import { buildBackbone } from './backbones.js';
import { describeBackbone } from './describe.js';

const built: LayersModel[] = [];
const model = (...args: Parameters<typeof buildBackbone>) => built[built.push(buildBackbone(...args).model) - 1]!;

afterEach(() => {
  built.splice(0).forEach((m) => m.dispose());
});

describe('describeBackbone', () => {
  it('counts tiny by hand: three 3x3 convs with biases, then 7x7x32 -> 10', () => {
    const convs = 3 * 3 * 1 * 16 + 16 + (3 * 3 * 16 * 32 + 32) + (3 * 3 * 32 * 32 + 32);
    const dense = 7 * 7 * 32 * 10 + 10;
    expect(describeBackbone(model('tiny', { inputShape: [28, 28, 1], classes: 10 }))).toEqual({
      parameters: convs + dense,
      trainableParameters: convs + dense,
      layers: 5,
    });
  });

  it('gives the published CIFAR ResNet-18 its 11,173,962 trainable parameters', () => {
    const summary = describeBackbone(model('resnet18', { inputShape: [32, 32, 3], classes: 10 }));
    expect(summary.trainableParameters).toBe(11_173_962);
    // Batch-norm running mean and variance: two per channel of each of the 20 batch norms.
    const bnChannels = 64 + 4 * 64 + (4 * 128 + 128) + (4 * 256 + 256) + (4 * 512 + 512);
    expect(summary.parameters - summary.trainableParameters).toBe(2 * bnChannels);
  });
});
