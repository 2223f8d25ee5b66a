import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { LrpClassifier } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGain, gainDefinition, gainLoss, GainConfig } from './gain.js';
import { gradCam, GradCamLayerError } from '@isnet-bench/explainers';
import { batchOf, checkWeightGradient, tensorsLeftPerStep } from './test-support/weight-gradients.js';

const CLASSES = 3;
const FEATURES = 2;

interface HandNetwork {
  kernel: number[];
  bias: number[];
  dense: number[][];
  denseBias: number[];
  stride: number;
}

/** input [h, w, 1] -> 'feat' (1x1 conv with the given stride, 2 filters, ReLU) -> flatten -> dense 3. */
function handClassifier(net: HandNetwork, size: [number, number]): LrpClassifier {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [size[0], size[1], 1], filters: FEATURES, kernelSize: 1, strides: net.stride, activation: 'relu', name: 'feat' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: CLASSES, name: 'out' }),
    ],
  });
  model.getLayer('feat').setWeights([tf.tensor4d(net.kernel, [1, 1, 1, FEATURES]), tf.tensor1d(net.bias)]);
  model.getLayer('out').setWeights([tf.tensor2d(net.dense), tf.tensor1d(net.denseBias)]);
  return new LrpClassifier(model);
}

/** The same network in float64: activations [position][k] at the strided positions, logits. */
function handForward(net: HandNetwork, image: number[], [h, w]: [number, number]) {
  const positions: number[] = [];
  for (let r = 0; r < h; r += net.stride) for (let c = 0; c < w; c += net.stride) positions.push(r * w + c);
  const A = positions.map((p) => net.kernel.map((k, f) => Math.max(0, image[p]! * k + net.bias[f]!)));
  const logits = net.denseBias.map((b, c) => b + A.reduce((s, a, p) => s + a.reduce((t, v, f) => t + v * net.dense[p * FEATURES + f]![c]!, 0), 0));
  return { A, logits };
}

const softmax = (z: number[]) => {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

/** Bilinear upsampling by 2 with half-pixel centres (each axis: p, .75p + .25q, .25p + .75q, q, ...), clamped at the edges. */
function upsample2(map: number[], [h, w]: [number, number]): number[] {
  const along = (values: number[]) => {
    const n = values.length;
    return Array.from({ length: 2 * n }, (_, i) => {
      const source = Math.min(Math.max((i + 0.5) / 2 - 0.5, 0), n - 1);
      const lower = Math.floor(source);
      const upper = Math.min(lower + 1, n - 1);
      return values[lower]! * (1 - (source - lower)) + values[upper]! * (source - lower);
    });
  };
  const rows = Array.from({ length: h }, (_, r) => along(map.slice(r * w, (r + 1) * w)));
  const columns = Array.from({ length: 2 * w }, (_, c) => along(rows.map((row) => row[c]!)));
  return Array.from({ length: 2 * h * 2 * w }, (_, p) => columns[p % (2 * w)]![Math.floor(p / (2 * w))]!);
}

/**
 * The GAIN loss of the hand network in float64. Its head is linear, so d logit_c / dA[p, k] =
 * dense[p K + k][c] whatever the image: alpha_k = mean over positions; map = relu(sum_k alpha_k A_k),
 * upsampled when strided; T = sigmoid(omega (map - sigma)); I* = I (1 - T).
 */
function expectedLoss(net: HandNetwork, x: number[][], masks: number[][], labels: number[], size: [number, number], config: GainConfig) {
  let classification = 0;
  let mining = 0;
  let supervision = 0;
  x.forEach((image, b) => {
    const { A, logits } = handForward(net, image, size);
    const label = labels[b]!;
    const alpha = net.kernel.map((_, f) => A.reduce((s, _a, p) => s + net.dense[p * FEATURES + f]![label]!, 0) / A.length);
    const small = A.map((a) => Math.max(0, a.reduce((s, v, f) => s + alpha[f]! * v, 0)));
    const attention = net.stride === 1 ? small : upsample2(small, [size[0] / net.stride, size[1] / net.stride]);
    classification -= Math.log(softmax(logits)[label]!);
    const erased = image.map((v, p) => v - v / (1 + Math.exp(-config.omega * (attention[p]! - config.sigma))));
    mining += softmax(handForward(net, erased, size).logits)[label]!;
    supervision += attention.reduce((s, a, p) => s + (a - masks[b]![p]!) ** 2, 0);
  });
  const n = x.length;
  const parts = { classification: classification / n, attentionMining: mining / n, externalSupervision: supervision / (n * size[0] * size[1]) };
  return { ...parts, total: parts.classification + config.alpha * parts.attentionMining + config.omegaE * parts.externalSupervision };
}

const NET: Omit<HandNetwork, 'stride'> = {
  kernel: [1.5, -1],
  bias: [-0.2, 0.3],
  dense: [
    [0.67, 0.6, -0.3], [0.73, -0.25, 0], [0.11, -0.39, 0.3], [-0.61, 0.58, 0.6], [-0.77, -0.09, -0.3], [-0.22, -0.5, 0],
    [0.53, 0.51, 0.3], [0.79, 0.08, 0.6], [0.33, -0.57, -0.3], [-0.44, 0.4, 0], [-0.8, 0.24, 0.3], [-0.43, -0.6, 0.6],
    [0.2, -0.1, 0.5], [-0.35, 0.45, -0.15], [0.6, 0.05, -0.4], [-0.1, -0.3, 0.25],
  ],
  denseBias: [0.1, -0.1, 0],
};

/** A conv net for the gradient checks: 'feat' (3x3 ReLU conv, 6x6) -> 'c2' (3x3 stride-2 ReLU conv, 3x3) -> dense. */
function convClassifier(): LrpClassifier {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }), biasInitializer: tf.initializers.constant({ value: 0.1 }), name: 'feat' }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }), biasInitializer: tf.initializers.constant({ value: 0.1 }), name: 'c2' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: CLASSES, kernelInitializer: tf.initializers.glorotUniform({ seed: 13 }), name: 'out' }),
    ],
  });
  return new LrpClassifier(model);
}

/** 6x6 images: a bright 2x3 bar (the foreground, masked) on the left for class 0, in the middle for 1, on the right for 2, over noise. */
function barBatch(count: number, seed: number) {
  const random = seededRandom(seed);
  const labels = Array.from({ length: count }, (_, i) => i % CLASSES);
  const images: number[] = [];
  const masks: number[] = [];
  labels.forEach((label, i) => {
    const top = 1 + (i % 3);
    for (let p = 0; p < 36; p++) {
      const [r, c] = [Math.floor(p / 6), p % 6];
      const inBar = r >= top && r < top + 2 && c >= 2 * label && c < 2 * label + 2;
      masks.push(inBar ? 1 : 0);
      images.push(inBar ? 0.8 + 0.2 * random() : 0.3 * random());
    }
  });
  return batchOf(tf.tensor4d(images, [count, 6, 6, 1]), tf.tensor4d(masks, [count, 6, 6, 1]), labels);
}

describe('GAIN', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it.each([
    { case: 'the map at the image size', stride: 1, size: [2, 3] as [number, number] },
    { case: 'a stride-2 map upsampled to the image', stride: 2, size: [4, 4] as [number, number] },
  ])('has the hand-computed loss: $case', ({ stride, size }) => {
    const net = { ...NET, stride, dense: NET.dense.slice(0, ((size[0] * size[1]) / (stride * stride)) * FEATURES) };
    const [h, w] = size;
    const random = seededRandom(5);
    const x = Array.from({ length: 2 }, () => Array.from({ length: h * w }, () => Math.round(random() * 100) / 100));
    const masks = Array.from({ length: 2 }, (_, b) => Array.from({ length: h * w }, (_, p) => ((p + b) % 3 === 0 ? 1 : 0)));
    const labels = [1, 0];
    const config = GainConfig.parse({ alpha: 0.7, omegaE: 3, sigma: 0.02, omega: 40 });
    const expected = expectedLoss(net, x, masks, labels, size, config);
    // The soft mask is neither ~0 nor ~1 everywhere: the erasing is exercised.
    expect(expected.attentionMining).toBeGreaterThan(0.05);

    const classifier = handClassifier(net, size);
    const batch = batchOf(tf.tensor4d(x.flat(), [2, h, w, 1]), tf.tensor4d(masks.flat(), [2, h, w, 1]), labels);
    const method = createGain(classifier, { ...config, layer: 'feat' });
    const { total, parts } = method.loss(batch, { epoch: 0, batchIndex: 0 });
    expect(Object.keys(parts)).toEqual(['classification', 'attentionMining', 'externalSupervision']);
    for (const name of ['classification', 'attentionMining', 'externalSupervision'] as const) {
      expect(Math.abs(parts[name]!.dataSync()[0]! - expected[name]), name).toBeLessThan(1e-5);
    }
    expect(Math.abs(total.dataSync()[0]! - expected.total)).toBeLessThan(1e-5);
  });

  it('has no external-supervision loss where the attention equals the mask, and a mining score of the erased image', () => {
    // A zero network: logits all 0 (softmax 1/3 on any image), a map of 0 matched by an empty mask.
    const net = { kernel: [0, 0], bias: [0, 0], dense: NET.dense.slice(0, 12).map((row) => row.map(() => 0)), denseBias: [0, 0, 0], stride: 1 };
    const classifier = handClassifier(net, [2, 3]);
    const batch = batchOf(uniform([2, 2, 3, 1], seededRandom(1), 0, 1) as Tensor4D, tf.zeros([2, 2, 3, 1]) as Tensor4D, [0, 2]);
    const { externalSupervision, attentionMining, classification } = gainLoss(classifier, batch, { ...GainConfig.parse({}), layer: 'feat' });
    expect(externalSupervision.dataSync()[0]).toBe(0);
    expect(attentionMining.dataSync()[0]).toBeCloseTo(1 / 3, 6);
    expect(classification.dataSync()[0]).toBeCloseTo(Math.log(3), 6);
  });

  it.each([
    { layer: 'feat', mode: 'differentiable' as const },
    { layer: 'c2', mode: 'differentiable' as const },
  ])('weight gradients agree with finite differences: Grad-CAM at $layer, weights $mode', ({ layer, mode }) => {
    const classifier = convClassifier();
    const batch = barBatch(4, 3);
    const config = { ...GainConfig.parse({ sigma: 0.05, omega: 20, gradCamWeights: mode }), layer };
    const loss = () => gainLoss(classifier, batch, config).total;
    // The weights' ReLU steps make the loss piecewise (the error shrinks with delta: ~4e-3 at
    // 3e-4, ~1e-3 at 1e-4, where float32 rounding takes over).
    const result = checkWeightGradient(loss, classifier.trainableVariables, { delta: 1e-4, seed: 21 });
    expect(result.relError).toBeLessThan(1e-2);
  });

  it.each(['feat', 'c2'])('with detached Grad-CAM weights (the default), the gradient is that of the loss with the weights held fixed: finite differences at %s', (layer) => {
    const classifier = convClassifier();
    const batch = barBatch(4, 3);
    const config = { ...GainConfig.parse({ sigma: 0.05, omega: 20 }), layer };
    const variables = classifier.trainableVariables;
    const fixed = tf.tidy(() => gradCam(classifier, batch.images, batch.labels, layer, { training: true }).weights);
    const held = () => gainLoss(classifier, batch, config, fixed).total;
    const result = checkWeightGradient(held, variables, { delta: 3e-4, seed: 22 });
    expect(result.relError).toBeLessThan(1e-2);

    const detached = tf.variableGrads(() => gainLoss(classifier, batch, config).total, variables).grads;
    const heldGrads = tf.variableGrads(held, variables).grads;
    const differentiable = tf.variableGrads(() => gainLoss(classifier, batch, { ...config, gradCamWeights: 'differentiable' }).total, variables).grads;
    const distance = (a: tf.NamedTensorMap, b: tf.NamedTensorMap) => Math.sqrt(Object.keys(a).reduce((s, name) => s + (tf.sum(tf.square(tf.sub(a[name]!, b[name]!))).arraySync() as number), 0));
    const size = Math.sqrt(Object.values(detached).reduce((s, g) => s + (tf.sum(tf.square(g)).arraySync() as number), 0));
    expect(distance(detached, heldGrads) / size).toBeLessThan(1e-5);
    // The weights' own dependence on the network matters: the two modes differ.
    expect(distance(detached, differentiable) / size).toBeGreaterThan(1e-3);
  });

  it('trains: Adam steps on a tiny network lower the total, the cross-entropy and the external-supervision loss', () => {
    const classifier = convClassifier();
    const batch = barBatch(9, 4);
    const method = createGain(classifier, { layer: 'c2' });
    const optimizer = tf.train.adam(0.01);
    const values = () =>
      tf.tidy(() => {
        const { total, parts } = method.loss(batch, { epoch: 0, batchIndex: 0 });
        return { total: total.dataSync()[0]!, ...Object.fromEntries(Object.entries(parts).map(([name, v]) => [name, v.dataSync()[0]!])) } as Record<string, number>;
      });
    const first = values();
    for (let step = 0; step < 120; step++) {
      const cost = optimizer.minimize(() => method.loss(batch, { epoch: 0, batchIndex: step }).total, false, classifier.trainableVariables);
      if (cost) cost.dispose();
    }
    const last = values();
    // (Measured: total 2.62 -> 0.92, cross-entropy 1.23 -> 0.08, L_e 0.108 -> 0.061; L_am first
    // rises with the classifier's confidence, 0.31 -> 0.94 at step 40, then falls to 0.23 as the
    // attention comes to cover the bar.)
    expect(last['total']).toBeLessThan(0.6 * first['total']!);
    expect(last['classification']).toBeLessThan(0.2 * first['classification']!);
    expect(last['externalSupervision']).toBeLessThan(0.8 * first['externalSupervision']!);
    optimizer.dispose();
  });

  it('reads the backbone\'s last supervised layer unless told, stores it in its config, and names a bad one', () => {
    expect(gainDefinition.needsMasks).toBe(true);
    expect(gainDefinition.config.parse({})).toEqual({ alpha: 1, omegaE: 10, sigma: 0.5, omega: 10, gradCamWeights: 'detached' });
    const context = (supervisedLayers: string[]) => ({ inputShape: [6, 6, 1] as [number, number, number], classes: CLASSES, seed: 1, supervisedLayers, backbone: () => convClassifier().model });
    expect(gainDefinition.create(gainDefinition.config.parse({}), context(['feat', 'c2'])).config).toMatchObject({ layer: 'c2', alpha: 1 });
    expect(gainDefinition.create(gainDefinition.config.parse({ layer: 'feat' }), context(['feat', 'c2'])).config).toMatchObject({ layer: 'feat' });
    expect(() => gainDefinition.create(gainDefinition.config.parse({ layer: 'out' }), context(['c2']))).toThrow(GradCamLayerError);
    expect(() => gainDefinition.create(gainDefinition.config.parse({}), context([]))).toThrow(/no supervised layers/);
  });

  it('leaks no tensors in a training step', () => {
    const classifier = convClassifier();
    const batch = barBatch(3, 5);
    const method = createGain(classifier, { layer: 'c2', gradCamWeights: 'differentiable' });
    expect(tensorsLeftPerStep(method, batch)).toBe(0);
  });
});
