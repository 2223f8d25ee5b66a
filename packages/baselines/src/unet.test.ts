import * as tf from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { TrainConfigError } from '@isnet-bench/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentationLoss } from './segmentation-loss.js';
import { Unet, unetDepth } from './unet.js';
import { createUnetSegmenter } from './unet-segmenter.js';
import { checkWeightGradient } from './test-support/weight-gradients.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

describe('unetDepth', () => {
  it('defaults to the most poolings, up to 4, that the image size allows', () => {
    expect(unetDepth([64, 64, 1])).toBe(4);
    expect(unetDepth([28, 28, 1])).toBe(2);
    expect(unetDepth([24, 40, 3])).toBe(3);
    expect(unetDepth([6, 6, 1])).toBe(1);
  });

  it('keeps a depth that fits and names the size and the largest depth when it does not', () => {
    expect(unetDepth([64, 64, 1], 6)).toBe(6);
    expect(() => unetDepth([28, 28, 1], 3)).toThrow(TrainConfigError);
    expect(() => unetDepth([28, 28, 1], 3)).toThrow('depth: a U-Net of depth 3 needs a height and width divisible by 8; the images are 28x28 (depth at most 2)');
    expect(() => unetDepth([7, 8, 1])).toThrow('the images are 7x8, not divisible by 2');
  });
});

describe('Unet', () => {
  it('maps [B, H, W, C] to one foreground logit per pixel, with named encoder, bottleneck and decoder layers', () => {
    const unet = new Unet([16, 24, 2], 1, { width: 4, depth: 3 });
    const names = unet.model.layers.map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['enc1_conv1', 'enc1_bn1', 'enc1_relu2', 'enc3_pool', 'bottleneck_relu2', 'dec3_up', 'dec1_concat', 'dec1_relu2', 'segmentation']));
    expect((unet.model.getLayer('bottleneck_conv1').outputShape as number[]).slice(1)).toEqual([2, 3, 32]);
    const x = tf.ones([2, 16, 24, 2]);
    expect(unet.logits(x, true).shape).toEqual([2, 16, 24, 1]);
    const p = unet.segment(x);
    expect(p.shape).toEqual([2, 16, 24, 1]);
    expect(p.min().arraySync()).toBeGreaterThanOrEqual(0);
    expect(p.max().arraySync()).toBeLessThanOrEqual(1);
    unet.dispose();
  });

  it('is the same for the same seed and differs for another', () => {
    const weights = (seed: number) => {
      const unet = new Unet([8, 8, 1], seed, { width: 2 });
      const values = unet.model.getWeights().map((w) => Array.from(w.dataSync()));
      unet.dispose();
      return values;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('the gradients of BCE + Dice with respect to every weight agree with finite differences (batch statistics, up-convolutions, skips)', () => {
    const unet = new Unet([8, 8, 1], 1, { width: 1, depth: 2 });
    const random = seededRandom(1);
    const images = uniform([2, 8, 8, 1], random, 0, 1);
    const masks = tf.cast(tf.greater(uniform([2, 8, 8, 1], random, 0, 1), 0.6), 'float32');
    // Scaled so that float32 rounding stays well below the differences at this step.
    const loss = () => tf.mul(100, segmentationLoss(unet.logits(images, true), masks).total) as tf.Scalar;
    // The signs of every ReLU's input, to leave out directions that cross a kink.
    const relus = unet.model.layers.filter((layer) => layer.getClassName() === 'ReLU').map((layer) => layer.output as tf.SymbolicTensor);
    const probe = tf.model({ inputs: unet.model.inputs, outputs: relus });
    const kinks = () => tf.tidy(() => (probe.apply(images, { training: true }) as tf.Tensor[]).map((t) => t.greater(0).dataSync().join('')).join('|'));
    const segmenter = createUnetSegmenter(unet, {});
    const every = checkWeightGradient(loss, segmenter.trainableVariables, { delta: 2e-5, directions: 32, seed: 2, kinks });
    expect(every.compared).toBeGreaterThanOrEqual(4);
    expect(every.relError).toBeLessThan(1e-2);
    // The up-convolutions alone: their share of the whole gradient is too small for an error in it to show above.
    const upConvolutions = Object.entries(segmenter.stateVariables).filter(([name]) => name.includes('_up/')).map(([, variable]) => variable);
    const up = checkWeightGradient(loss, upConvolutions, { delta: 1e-4, directions: 48, seed: 2, kinks });
    expect(up.compared).toBeGreaterThanOrEqual(4);
    expect(up.relError).toBeLessThan(1e-2);
    tf.dispose([images, masks]);
    unet.dispose();
  });

  it('as a segmenter: loss parts bce and dice, its foreground, and no classes', () => {
    const unet = new Unet([8, 8, 1], 2, { width: 2 });
    const segmenter = createUnetSegmenter(unet, { width: 2 });
    expect(segmenter.needsMasks).toBe(true);
    expect(Object.keys(segmenter.stateVariables)).toEqual(expect.arrayContaining(['enc1_conv1/kernel', 'enc1_bn1/moving_mean', 'dec1_up/kernel', 'segmentation/bias']));
    const images = tf.ones([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => segmenter.predict(images)).toThrow('unet-segmenter segments only: it has no class logits');
    expect(segmenter.segment(images).shape).toEqual([1, 8, 8, 1]);
    unet.dispose();
  });
});

