import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { LrpClassifier } from '@isnet-bench/lrp';
import { TrainConfigError } from '@isnet-bench/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionAtImageSize, gradCam, gradCamExplainer, GradCamLayerError } from './grad-cam.js';

const [H, W, K, CLASSES] = [2, 3, 2, 3];

/** input [2, 3, 1] -> 'feat' (1x1 conv, 2 filters, ReLU) -> flatten -> dense 3: Grad-CAM by hand. */
function handNetwork(kernel: number[], bias: number[], dense: number[][], denseBias: number[]) {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [H, W, 1], filters: K, kernelSize: 1, activation: 'relu', name: 'feat' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: CLASSES, name: 'out' }),
    ],
  });
  model.getLayer('feat').setWeights([tf.tensor4d(kernel, [1, 1, 1, K]), tf.tensor1d(bias)]);
  model.getLayer('out').setWeights([tf.tensor2d(dense), tf.tensor1d(denseBias)]);
  return new LrpClassifier(model);
}

const maxAbsDiff = (a: Tensor, b: Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).arraySync() as number);

describe('Grad-CAM', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('is ReLU(sum_k alpha_k A_k) with alpha_k the mean gradient of the class logit: a hand-computed case', () => {
    const kernel = [1.5, -1];
    const bias = [-0.2, 0.3];
    // Flattened NHWC: row (h * W + w) * K + k.
    const dense = [
      [0.67, 0.6, -0.3], [0.73, -0.25, 0], [0.11, -0.39, 0.3], [-0.61, 0.58, 0.6], [-0.77, -0.09, -0.3], [-0.22, -0.5, 0],
      [0.53, 0.51, 0.3], [0.79, 0.08, 0.6], [0.33, -0.57, -0.3], [-0.44, 0.4, 0], [-0.8, 0.24, 0.3], [-0.43, -0.6, 0.6],
    ];
    const denseBias = [0.1, -0.1, 0];
    const x = [
      [0.1, 0.5, 0.9, 0.3, 0.0, 0.7],
      [0.8, 0.2, 0.4, 0.6, 1.0, 0.05],
    ];
    const classes = [1, 0];
    // By hand: A = relu(x k + b); d logit_c / dA[h, w, k] = dense[(h W + w) K + k][c] (A is the
    // ReLU's output); alpha_k = mean over the 6 positions; map = relu(sum_k alpha_k A_k).
    const expected = x.map((image, b) => {
      const A = image.map((v) => kernel.map((kk, k) => Math.max(0, v * kk + bias[k]!)));
      const alpha = kernel.map((_, k) => image.reduce((s, _v, p) => s + dense[p * K + k]![classes[b]!]!, 0) / (H * W));
      return { alpha, map: A.map((a) => Math.max(0, a.reduce((s, ak, k) => s + alpha[k]! * ak, 0))) };
    });
    expect(expected.flatMap((e) => e.map).some((v) => v === 0)).toBe(true);
    expect(expected.flatMap((e) => e.map).some((v) => v > 0.05)).toBe(true);

    const classifier = handNetwork(kernel, bias, dense, denseBias);
    const images = tf.tensor4d(x.flat(), [2, H, W, 1]);
    const { map, logits, weights } = gradCam(classifier, images, Int32Array.from(classes), 'feat');
    expect(map.shape).toEqual([2, H, W, 1]);
    expect(maxAbsDiff(map, tf.tensor4d(expected.flatMap((e) => e.map), [2, H, W, 1]))).toBeLessThan(1e-6);
    expect(maxAbsDiff(weights, tf.tensor2d(expected.map((e) => e.alpha)))).toBeLessThan(1e-6);
    expect(maxAbsDiff(logits, classifier.predict(images))).toBe(0);
  });

  it.each([
    { network: 'ReLU conv, max pool, dense', batchNorm: false },
    { network: 'ReLU conv, batch norm with batch statistics, ReLU, max pool, dense', batchNorm: true },
  ])('has the channel weights autodiff gives through the layers after it: $network', ({ batchNorm }) => {
    const feat = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'feat' });
    const rest = [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: batchNorm ? 'linear' : 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: 'c2' }),
      ...(batchNorm ? [tf.layers.batchNormalization({ name: 'bn' }), tf.layers.reLU({ name: 'r2' })] : []),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), name: 'out' }),
    ];
    const input = tf.input({ shape: [6, 6, 2] });
    const apply = (t: tf.SymbolicTensor) => rest.reduce((h, layer) => layer.apply(h) as tf.SymbolicTensor, t);
    const classifier = new LrpClassifier(tf.model({ inputs: input, outputs: apply(feat.apply(input) as tf.SymbolicTensor) }));
    // The layers after 'feat' as a model of their own (same weights), to differentiate with respect to A.
    const headInput = tf.input({ shape: [6, 6, 3] });
    const head = tf.model({ inputs: headInput, outputs: apply(headInput) });

    const images = uniform([3, 6, 6, 2], seededRandom(4), 0, 1) as Tensor4D;
    const classes = Int32Array.from([1, 3, 0]);
    const activations = feat.apply(images) as Tensor;
    const score = (a: Tensor) => tf.sum(tf.mul(head.apply(a, { training: batchNorm }) as Tensor, tf.oneHot(tf.tensor1d(classes, 'int32'), 4)));
    const autodiffWeights = tf.mean(tf.grad(score)(activations), [1, 2]);

    const { weights, map } = gradCam(classifier, images, classes, 'feat', { training: batchNorm });
    expect(maxAbsDiff(weights, autodiffWeights) / (tf.max(tf.abs(autodiffWeights)).arraySync() as number)).toBeLessThan(1e-5);
    const expectedMap = tf.relu(tf.sum(tf.mul(activations, tf.reshape(autodiffWeights, [3, 1, 1, 3])), -1, true));
    expect(maxAbsDiff(map, expectedMap)).toBeLessThan(1e-5);
  });

  it('upsamples a map bilinearly with half-pixel centres (PyTorch align_corners=False)', () => {
    const [a, b, c, d] = [1, 2, 4, 8];
    const small = tf.tensor4d([a, b, c, d], [1, 2, 2, 1]);
    // 2 -> 4 per axis: source positions -0.25, 0.25, 0.75, 1.25, clamped at the edges.
    const lerp = (p: number, q: number) => [p, 0.75 * p + 0.25 * q, 0.25 * p + 0.75 * q, q];
    const top = lerp(a, b);
    const bottom = lerp(c, d);
    const expected = top.map((_, col) => lerp(top[col]!, bottom[col]!));
    const rows = Array.from({ length: 4 }, (_, r) => expected.map((column) => column[r]!));
    const up = attentionAtImageSize(small as Tensor4D, [4, 4]);
    expect(maxAbsDiff(up, tf.tensor4d(rows.flat(), [1, 4, 4, 1]))).toBeLessThan(1e-6);
    expect(attentionAtImageSize(small as Tensor4D, [2, 2])).toBe(small);
  });

  it('names a layer it cannot read', () => {
    const classifier = handNetwork([1, 1], [0, 0], Array.from({ length: H * W * K }, () => [0, 0, 0]), [0, 0, 0]);
    const images = tf.zeros([1, H, W, 1]) as Tensor4D;
    expect(() => gradCam(classifier, images, Int32Array.from([0]), 'nope')).toThrow(GradCamLayerError);
    expect(() => gradCam(classifier, images, Int32Array.from([0]), 'nope')).toThrow(/'nope' is not in the network \(layers: feat, f, out\)/);
    expect(() => gradCam(classifier, images, Int32Array.from([0]), 'out')).toThrow(/needs a spatial/);
    // A configuration error of the run: the command line reports a TrainConfigError as the user's.
    const error = (() => {
      try {
        gradCam(classifier, images, Int32Array.from([0]), 'nope');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(TrainConfigError);
    expect(error?.name).toBe('GradCamLayerError');
  });

  it('leaks no tensors outside a gradient computation', () => {
    const classifier = handNetwork([1, -1], [0.1, 0.2], Array.from({ length: H * W * K }, (_, i) => [i / 10, -i / 20, 0.3]), [0, 0, 0]);
    const images = uniform([2, H, W, 1], seededRandom(9), 0, 1) as Tensor4D;
    const run = () => tf.dispose(Object.values(gradCam(classifier, images, Int32Array.from([0, 1]), 'feat', { weights: 'differentiable' })));
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('as an explainer: the hand-computed map of the chosen class, resized to the image', () => {
    const kernel = [1, -0.5];
    const bias = [0.1, 0.4];
    const dense = Array.from({ length: H * W * K }, (_, i) => [((i * 7) % 5) / 5 - 0.4, ((i * 3) % 4) / 4 - 0.3, (i % 3) / 3 - 0.2]);
    const classifier = handNetwork(kernel, bias, dense, [0, 0.2, -0.1]);
    const x = [0.9, 0.1, 0.6, 0.3, 0.8, 0.2];
    const images = tf.tensor4d(x, [1, H, W, 1]) as Tensor4D;
    const explained = gradCamExplainer('feat').explain(classifier, images, { classes: 'highest' });
    // By hand, as above: the map of the highest logit's class.
    const A = x.map((v) => kernel.map((kk, k) => Math.max(0, v * kk + bias[k]!)));
    const logits = [0, 1, 2].map((c) => [0, 0.2, -0.1][c]! + A.reduce((s, a, p) => s + a.reduce((t, v, k) => t + v * dense[p * K + k]![c]!, 0), 0));
    const c = logits.indexOf(Math.max(...logits));
    expect(Array.from(explained.classes.dataSync())).toEqual([c]);
    const alpha = kernel.map((_, k) => A.reduce((s, _a, p) => s + dense[p * K + k]![c]!, 0) / (H * W));
    const map = A.map((a) => Math.max(0, a.reduce((s, v, k) => s + alpha[k]! * v, 0)));
    expect(explained.heatmap.shape).toEqual([1, H, W, 1]);
    expect(maxAbsDiff(explained.heatmap, tf.tensor4d(map, [1, H, W, 1]))).toBeLessThan(1e-6);
    expect(gradCamExplainer('feat').name).toBe('grad-cam(feat)');
    expect(gradCamExplainer('feat', { weights: 'differentiable' }).name).toBe('grad-cam(feat, differentiable weights)');

    // A strided layer: the map at the layer's size, bilinearly resized to the image's.
    const strided = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 2, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 4 }), name: 'feat' }),
        tf.layers.flatten({ name: 'f' }),
        tf.layers.dense({ units: CLASSES, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }), name: 'out' }),
      ],
    });
    const network = new LrpClassifier(strided);
    const small = uniform([2, 4, 4, 1], seededRandom(3), 0, 1) as Tensor4D;
    const labels = tf.tensor1d([2, 1], 'int32');
    const ours = gradCamExplainer('feat').explain(network, small, { labels });
    expect(ours.map.shape).toEqual([2, 2, 2, 1]);
    expect(ours.heatmap.shape).toEqual([2, 4, 4, 1]);
    expect(maxAbsDiff(ours.heatmap, attentionAtImageSize(gradCam(network, small, labels, 'feat').map, [4, 4]))).toBe(0);
  });
});
