import * as tf from '@tensorflow/tfjs';
import { initEngine, seededRandom, softmaxCrossEntropy, uniform } from '@isnet-bench/engine';
import { EVALUATION_LRP, explain, graphFromLayersModel } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMultitaskUnet, multitaskUnetDefinition, multitaskUnetModels } from './multitask-unet.js';
import { segmentationLoss } from './segmentation-loss.js';
import { batchOf, tensorsLeftPerStep } from './test-support/weight-gradients.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

const SHAPE: [number, number, number] = [8, 8, 1];

function batch(seed: number) {
  const random = seededRandom(seed);
  const images = uniform([3, ...SHAPE], random, 0, 1) as tf.Tensor4D;
  const masks = tf.cast(tf.greater(uniform([3, ...SHAPE], random, 0, 1), 0.5), 'float32') as tf.Tensor4D;
  return batchOf(images, masks, [0, 2, 1]);
}

describe('multitask-unet', () => {
  it('its loss is CE + w (BCE + Dice) of the two outputs, with those parts', () => {
    const models = multitaskUnetModels(SHAPE, 3, 1, { width: 2, depth: 2 });
    const b = batch(1);
    for (const segmentationWeight of [0, 0.5, 2]) {
      const method = createMultitaskUnet(models, { width: 2, depth: 2, segmentationWeight });
      const { total, parts } = method.loss(b, { epoch: 0, batchIndex: 0 });
      // The same outputs again (training mode reads the batch's statistics, whatever the running ones).
      const [logits, foreground] = models.model.apply(b.images, { training: true }) as tf.Tensor[];
      const classification = softmaxCrossEntropy(tf.oneHot(b.labels, 3), logits!).arraySync();
      const { bce, dice } = segmentationLoss(foreground!, b.masks);
      expect(parts['classification']!.arraySync()).toBeCloseTo(classification, 5);
      expect(parts['bce']!.arraySync()).toBeCloseTo(bce.arraySync(), 5);
      expect(parts['dice']!.arraySync()).toBeCloseTo(dice.arraySync(), 5);
      expect(total.arraySync()).toBeCloseTo(classification + segmentationWeight * (bce.arraySync() + dice.arraySync()), 5);
    }
    b.dispose();
    models.model.dispose();
  });

  it('classifies and explains through the classification path only: the same weights, LRP-Flex of encoder and head', () => {
    const models = multitaskUnetModels(SHAPE, 3, 1, { width: 2, depth: 2 });
    const method = createMultitaskUnet(models, { width: 2, depth: 2 });
    const names = models.classificationPath.layers.map((layer) => layer.name);
    expect(names).toContain('bottleneck_relu2');
    expect(names).toContain('logits');
    expect(names.some((name) => name.startsWith('dec') || name === 'segmentation')).toBe(false);
    expect(models.classificationPath.weights.every((w) => models.model.weights.includes(w))).toBe(true);

    const images = uniform([2, ...SHAPE], seededRandom(3), 0, 1) as tf.Tensor4D;
    const [logits] = models.model.apply(images, { training: false }) as tf.Tensor[];
    expect(Array.from(method.predict(images).dataSync())).toEqual(Array.from(logits!.dataSync()).map((v) => expect.closeTo(v, 5)));
    const heatmap = method.explain(images, Int32Array.from([1, 2]));
    expect(heatmap.shape).toEqual([2, ...SHAPE]);
    const reference = explain(graphFromLayersModel(models.classificationPath), images, { ...EVALUATION_LRP, classes: [1, 2] });
    expect(Array.from(heatmap.dataSync())).toEqual(Array.from(reference.heatmap.dataSync()));
    expect(tf.sum(tf.abs(heatmap)).arraySync()).toBeGreaterThan(0);
    expect(method.segment!(images).shape).toEqual([2, ...SHAPE]);
    models.model.dispose();
  });

  it('trains every weight of both paths, leaking no tensors', () => {
    const models = multitaskUnetModels(SHAPE, 3, 1, { width: 2, depth: 1 });
    const method = createMultitaskUnet(models, { width: 2, depth: 1 });
    const b = batch(2);
    const { grads } = tf.variableGrads(() => method.loss(b, { epoch: 0, batchIndex: 0 }).total, method.trainableVariables);
    expect(Object.keys(grads).length).toBe(method.trainableVariables.length);
    for (const name of ['logits/kernel', 'dec1_up/kernel', 'segmentation/kernel', 'enc1_conv1/kernel']) {
      const variable = method.stateVariables[name]!;
      expect(tf.sum(tf.abs(grads[variable.name]!)).arraySync()).toBeGreaterThan(0);
    }
    tf.dispose(Object.values(grads));
    expect(tensorsLeftPerStep(method, b)).toBe(0);
    b.dispose();
    models.model.dispose();
  });

  it('its definition: needs masks, defaults, a clear error for a size the depth does not divide', () => {
    expect(multitaskUnetDefinition.needsMasks).toBe(true);
    expect(multitaskUnetDefinition.config.parse({})).toEqual({ width: 16, segmentationWeight: 1 });
    const context = { inputShape: [28, 28, 1] as [number, number, number], classes: 10, seed: 1, supervisedLayers: [], backbone: () => { throw new Error('not used'); } };
    expect(() => multitaskUnetDefinition.create(multitaskUnetDefinition.config.parse({ depth: 3 }), context)).toThrow('depth: a U-Net of depth 3 needs a height and width divisible by 8; the images are 28x28 (depth at most 2)');
  });
});
