import * as tf from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { LrpClassifier } from '@isnet-bench/lrp';
import { buildBackbone } from '@isnet-bench/models';
import { CheckpointError } from '@isnet-bench/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { Unet } from './unet.js';
import { createUnetClassifier, unetClassifierDefinition } from './unet-classifier.js';
import { batchOf } from './test-support/weight-gradients.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

const SHAPE: [number, number, number] = [8, 8, 1];

function parts() {
  const unet = new Unet(SHAPE, 1, { width: 2, depth: 1 });
  const classifier = new LrpClassifier(buildBackbone('tiny', { inputShape: SHAPE, classes: 3, seed: 1 }).model);
  const images = uniform([2, ...SHAPE], seededRandom(4), 0, 1) as tf.Tensor4D;
  const dispose = () => {
    unet.dispose();
    classifier.model.dispose();
    images.dispose();
  };
  return { unet, classifier, images, dispose };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('unet-classifier', () => {
  it("'soft' classifies and explains the image times the U-Net's foreground probability", () => {
    const { unet, classifier, images, dispose } = parts();
    const method = createUnetClassifier(unet, classifier, { maskMode: 'soft' });
    const masked = tf.mul(images, unet.segment(images));
    expect(values(method.predict(images))).toEqual(values(classifier.predict(masked)));
    expect(values(method.explain(images, Int32Array.from([0, 2])))).toEqual(values(classifier.explainClasses(masked, Int32Array.from([0, 2]))));
    expect(values(method.segment!(images))).toEqual(values(unet.segment(images)));
    dispose();
  });

  it("'threshold' keeps the pixels whose probability reaches the threshold, and only those", () => {
    const { unet, classifier, images, dispose } = parts();
    const probabilities = values(unet.segment(images)).sort((a, b) => a - b);
    const threshold = probabilities[Math.floor(probabilities.length / 2)]!;
    const method = createUnetClassifier(unet, classifier, { maskMode: 'threshold', threshold });
    const kept = tf.cast(tf.greaterEqual(unet.segment(images), threshold), 'float32');
    expect(tf.sum(kept).arraySync()).toBeGreaterThan(0);
    expect(tf.sum(kept).arraySync()).toBeLessThan(kept.size);
    expect(values(method.predict(images))).toEqual(values(classifier.predict(tf.mul(images, kept))));
    dispose();
  });

  it('trains the classifier only; its checkpoints hold the frozen U-Net too', () => {
    const { unet, classifier, images, dispose } = parts();
    const method = createUnetClassifier(unet, classifier);
    expect(method.needsMasks).toBe(false);
    expect(method.trainableVariables).toEqual(classifier.trainableVariables);
    expect(Object.keys(method.stateVariables)).toEqual(expect.arrayContaining(['conv1/kernel', 'unet/enc1_conv1/kernel', 'unet/segmentation/bias']));
    const unetBefore = unet.model.getWeights().map(values);
    const batch = batchOf(images.clone(), tf.zeros([2, ...SHAPE]), [0, 1]);
    const { value, grads } = tf.variableGrads(() => method.loss(batch, { epoch: 0, batchIndex: 0 }).total, method.trainableVariables);
    expect(value.arraySync()).toBeGreaterThan(0);
    expect(Object.keys(grads).length).toBe(classifier.trainableVariables.length);
    // Inference mode: not even the U-Net's running statistics move.
    expect(unet.model.getWeights().map(values)).toEqual(unetBefore);
    tf.dispose([value, ...Object.values(grads)]);
    batch.dispose();
    dispose();
  });

  it('its definition: needs masks for the U-Net stage, defaults, and names a missing U-Net checkpoint', () => {
    expect(unetClassifierDefinition.needsMasks).toBe(true);
    expect(unetClassifierDefinition.config.parse({})).toEqual({ width: 16, segmenterEpochs: 10, maskMode: 'threshold', threshold: 0.5 });
    const context = { inputShape: SHAPE, classes: 3, seed: 1, supervisedLayers: [], backbone: () => buildBackbone('tiny', { inputShape: SHAPE, classes: 3, seed: 1 }).model };
    const config = unetClassifierDefinition.config.parse({ segmenter: '/nonexistent/unet/best' });
    expect(() => unetClassifierDefinition.create(config, context)).toThrow(CheckpointError);
    expect(() => unetClassifierDefinition.create(config, context)).toThrow('/nonexistent/unet/best');
  });
});
