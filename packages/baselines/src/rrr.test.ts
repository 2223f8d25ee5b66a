import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { LrpClassifier } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRrr, rrrDefinition, rrrLoss, RrrConfig } from './rrr.js';
import { batchOf, checkWeightGradient, tensorsLeftPerStep } from './test-support/weight-gradients.js';

const [B, H, W, C, K] = [3, 2, 2, 2, 3];
const D = H * W * C;

/** A linear classifier: logits = flatten(x) W + b, so the input gradient has a closed form. */
function linearClassifier(kernel: number[][], bias: number[]): LrpClassifier {
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [H, W, C], name: 'f' }), tf.layers.dense({ units: K, name: 'out' })] });
  model.getLayer('out').setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)]);
  return new LrpClassifier(model);
}

/**
 * The RRR loss of the linear classifier, in float64: with p = softmax(z), d/dx sum_k log p_k =
 * W (1 - K p) (W: [D, K]); right reasons = mean over images of sum over background of (g / s)^2.
 */
function expectedLinearLoss(x: number[][], masks: number[][], labels: number[], kernel: number[][], bias: number[], config: { lambda: number; pixelScale: number; weightDecay: number }) {
  let crossEntropy = 0;
  let rightReasons = 0;
  x.forEach((image, b) => {
    const z = bias.map((bk, k) => bk + image.reduce((sum, xd, d) => sum + xd * kernel[d]![k]!, 0));
    const max = Math.max(...z);
    const lse = max + Math.log(z.reduce((sum, zk) => sum + Math.exp(zk - max), 0));
    const p = z.map((zk) => Math.exp(zk - lse));
    crossEntropy += lse - z[labels[b]!]!;
    for (let d = 0; d < D; d++) {
      const g = kernel[d]!.reduce((sum, wdk, k) => sum + wdk * (1 - K * p[k]!), 0) / config.pixelScale;
      const pixel = Math.floor(d / C);
      rightReasons += (1 - masks[b]![pixel]!) * g * g;
    }
  });
  crossEntropy /= x.length;
  rightReasons /= x.length;
  const weightPenalty = kernel.flat().reduce((s, v) => s + v * v, 0) + bias.reduce((s, v) => s + v * v, 0);
  return { crossEntropy, rightReasons, weightPenalty, total: crossEntropy + config.lambda * rightReasons + config.weightDecay * weightPenalty };
}

function linearCase(seed: number) {
  const random = seededRandom(seed);
  const kernel = Array.from({ length: D }, () => Array.from({ length: K }, () => random() * 2 - 1));
  const bias = Array.from({ length: K }, () => random() - 0.5);
  const x = Array.from({ length: B }, () => Array.from({ length: D }, () => random()));
  const masks = [
    [1, 0, 0, 1],
    [0, 0, 1, 1],
    [1, 1, 1, 0],
  ];
  const labels = [0, 2, 1];
  const batch = batchOf(tf.tensor4d(x.flat(), [B, H, W, C]), tf.tensor4d(masks.flat(), [B, H, W, 1]), labels);
  return { kernel, bias, x, masks, labels, batch };
}

describe('RRR', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it.each([
    { lambda: 1, pixelScale: 1, weightDecay: 0 },
    { lambda: 1000, pixelScale: 255, weightDecay: 0 },
    { lambda: 10, pixelScale: 1, weightDecay: 0.01 },
  ])('has the closed-form loss of a linear classifier (%o)', (config) => {
    const { kernel, bias, x, masks, labels, batch } = linearCase(2);
    const expected = expectedLinearLoss(x, masks, labels, kernel, bias, config);
    const method = createRrr(linearClassifier(kernel, bias), config);
    const { total, parts } = method.loss(batch, { epoch: 0, batchIndex: 0 });
    expect(Object.keys(parts)).toEqual(config.weightDecay > 0 ? ['classification', 'rightReasons', 'weightPenalty'] : ['classification', 'rightReasons']);
    const close = (actual: tf.Scalar, value: number) => expect(Math.abs(actual.dataSync()[0]! - value)).toBeLessThan(1e-5 * Math.max(1, Math.abs(value)));
    close(parts['classification']!, expected.crossEntropy);
    close(parts['rightReasons']!, expected.rightReasons);
    if (config.weightDecay > 0) close(parts['weightPenalty']!, expected.weightPenalty);
    close(total, expected.total);
    expect(expected.rightReasons * config.lambda).toBeGreaterThan(1e-3 * expected.total);
  });

  it('has no background term when every pixel is foreground', () => {
    const { kernel, bias, batch } = linearCase(3);
    const allForeground = batchOf(batch.images, tf.ones([B, H, W, 1]) as Tensor4D, Array.from(batch.labelArray));
    const { total, parts } = createRrr(linearClassifier(kernel, bias), { lambda: 1e6, pixelScale: 1 }).loss(allForeground, { epoch: 0, batchIndex: 0 });
    expect(parts['rightReasons']!.dataSync()[0]).toBe(0);
    expect(total.dataSync()[0]).toBeCloseTo(parts['classification']!.dataSync()[0]!, 6);
  });

  it.each([
    { network: 'conv, ReLU, dense', batchNorm: false },
    { network: 'conv, batch norm (batch statistics), ReLU, max pool, dense', batchNorm: true },
  ])('weight gradients of the whole loss (second order) agree with finite differences: $network', ({ batchNorm }) => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, padding: 'same', activation: batchNorm ? 'linear' : 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }), biasInitializer: tf.initializers.constant({ value: 0.05 }), name: 'c1' }),
        ...(batchNorm ? [tf.layers.batchNormalization({ name: 'bn' }), tf.layers.reLU({ name: 'r1' }), tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' })] : []),
        tf.layers.flatten({ name: 'f' }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }), name: 'out' }),
      ],
    });
    const classifier = new LrpClassifier(model);
    const random = seededRandom(6);
    const masks = tf.tensor4d(Array.from({ length: 4 * 25 }, (_, i) => (i % 5 >= 1 && i % 5 <= 3 && Math.floor((i % 25) / 5) >= 1 ? 1 : 0)), [4, 5, 5, 1]);
    const batch = batchOf(uniform([4, 5, 5, 2], random, 0, 1) as Tensor4D, masks as Tensor4D, [0, 1, 2, 1]);
    const config = RrrConfig.parse({ lambda: 5, pixelScale: 1 });
    const loss = () => rrrLoss(classifier, batch, config).total;
    // (Measured: ~5e-4 and ~5e-5; with stock tf.logSoftmax in the loss, 0.29 and 0.98.)
    const result = checkWeightGradient(loss, classifier.trainableVariables, { delta: 3e-4, seed: 7 });
    expect(result.relError).toBeLessThan(1e-2);

    // The right-reasons term carries a real share of the gradient, so its second-order part is checked.
    const full = tf.variableGrads(loss, classifier.trainableVariables);
    const alone = tf.variableGrads(() => rrrLoss(classifier, batch, { ...config, lambda: 0 }).total, classifier.trainableVariables);
    const norm = (grads: tf.NamedTensorMap) => Math.sqrt(Object.values(grads).reduce((s, g) => s + (tf.sum(tf.square(g)).arraySync() as number), 0));
    const difference = Object.fromEntries(Object.keys(full.grads).map((name) => [name, tf.sub(full.grads[name]!, alone.grads[name]!)]));
    expect(norm(difference)).toBeGreaterThan(0.2 * norm(full.grads));
  });

  it('is listed with its paper, needs masks and builds from a context with the defaults', () => {
    expect(rrrDefinition.needsMasks).toBe(true);
    expect(rrrDefinition.config.parse({})).toEqual({ lambda: 1000, pixelScale: 255, weightDecay: 0 });
    expect(rrrDefinition.paper).toContain('Ross');
    const model = () => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [H, W, C] }), tf.layers.dense({ units: K })] });
    const method = rrrDefinition.create(rrrDefinition.config.parse({ lambda: 3 }), { inputShape: [H, W, C], classes: K, seed: 1, supervisedLayers: [], backbone: model });
    expect(method.name).toBe('rrr');
    expect(method.config).toEqual({ lambda: 3, pixelScale: 255, weightDecay: 0 });
    expect(() => rrrDefinition.config.parse({ lambda: -1 })).toThrow(/lambda/);
  });

  it('leaks no tensors in a training step', () => {
    const { kernel, bias, batch } = linearCase(4);
    const method = createRrr(linearClassifier(kernel, bias), { pixelScale: 1 });
    expect(tensorsLeftPerStep(method, batch)).toBe(0);
  });
});
