import * as tf from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { TrainConfigError } from '@isnet-bench/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentationLoss } from './segmentation-loss.js';
import { Unet, unetDepth } from './unet.js';
import { createUnetSegmenter } from './unet-segmenter.js';

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
    const { compared, relError } = kinkFreeGradientCheck(unet, images, loss, 2e-5, 32);
    expect(compared).toBeGreaterThanOrEqual(4);
    expect(relError).toBeLessThan(1e-2);
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

/**
 * Central differences of `loss` along random directions of every trainable weight, compared
 * with its gradient, along the directions where no ReLU of the network changes sign between
 * the two evaluations: a ReLU crossing its kink within the step makes the difference quotient
 * wrong by O(1), whatever the gradient (the U-Net has thousands of ReLUs, batch norm centres
 * their inputs on 0). The rest must agree.
 */
function kinkFreeGradientCheck(unet: Unet, images: tf.Tensor, loss: () => tf.Scalar, delta: number, directions: number): { compared: number; relError: number } {
  const variables = createUnetSegmenter(unet, {}).trainableVariables;
  const relus = unet.model.layers.filter((layer) => layer.getClassName() === 'ReLU').map((layer) => layer.output as tf.SymbolicTensor);
  const probe = tf.model({ inputs: unet.model.inputs, outputs: relus });
  const signs = () => tf.tidy(() => (probe.apply(images, { training: true }) as tf.Tensor[]).map((t) => Array.from(t.greater(0).dataSync()).join('')).join('|'));
  const { value, grads } = tf.variableGrads(loss, variables);
  value.dispose();
  const base = variables.map((v) => tf.clone(v));
  const random = seededRandom(2);
  let compared = 0;
  let worst = 0;
  let scale = 0;
  for (let d = 0; d < directions; d++) {
    const direction = variables.map((v) => uniform(v.shape, random));
    const at = (sign: number) => {
      variables.forEach((v, i) => v.assign(tf.tidy(() => tf.add(base[i]!, tf.mul(direction[i]!, sign * delta)))));
      return { value: tf.tidy(() => loss().arraySync()), signs: signs() };
    };
    const [plus, minus] = [at(1), at(-1)];
    if (plus.signs === minus.signs) {
      const exact = tf.tidy(() => tf.addN(variables.map((v, i) => tf.sum(tf.mul(grads[v.name]!, direction[i]!)))).arraySync() as number);
      const numeric = (plus.value - minus.value) / (2 * delta);
      compared++;
      worst = Math.max(worst, Math.abs(exact - numeric));
      scale = Math.max(scale, Math.abs(exact), Math.abs(numeric));
    }
    tf.dispose(direction);
  }
  variables.forEach((v, i) => v.assign(base[i]!));
  tf.dispose([...base, ...Object.values(grads)]);
  return { compared, relError: worst / scale };
}
