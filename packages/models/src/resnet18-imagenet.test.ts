import * as tf from '@tensorflow/tfjs';
import type { LayersModel, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { EVALUATION_LRP, LrpClassifier } from '@isnet-bench/lrp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBackbone } from './backbones.js';
import { describeBackbone } from './describe.js';

/**
 * torchvision's resnet18(num_classes) with `inChannels` input channels, counted from the
 * architecture (not from any model): trainable parameters (BN gamma and beta, no conv biases),
 * and BN running statistics.
 */
function torchvisionResnet18Parameters(inChannels: number, classes: number): { trainable: number; runningStatistics: number } {
  let trainable = 0;
  let bnChannels = 0;
  const conv = (k: number, cin: number, cout: number) => (trainable += k * k * cin * cout);
  const bn = (c: number) => ((trainable += 2 * c), (bnChannels += c));
  conv(7, inChannels, 64);
  bn(64);
  let cin = 64;
  for (const [i, cout] of [64, 128, 256, 512].entries()) {
    for (let j = 0; j < 2; j++) {
      const stride = i > 0 && j === 0 ? 2 : 1;
      conv(3, cin, cout), bn(cout), conv(3, cout, cout), bn(cout);
      if (stride !== 1 || cin !== cout) conv(1, cin, cout), bn(cout);
      cin = cout;
    }
  }
  trainable += 512 * classes + classes;
  return { trainable, runningStatistics: 2 * bnChannels };
}

const built: LayersModel[] = [];
const build = (...args: Parameters<typeof buildBackbone>) => {
  const backbone = buildBackbone(...args);
  built.push(backbone.model);
  return backbone;
};

const layerOutput = (model: LayersModel, layer: string, x: Tensor) => {
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output as tf.SymbolicTensor });
  return probe.predict(x) as Tensor;
};
const maxAbsDiff = (a: Tensor, b: Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

afterEach(() => {
  built.splice(0).forEach((model) => model.dispose());
});

describe('resnet18-imagenet', () => {
  it('counts like torchvision: 11,689,512 for 3 channels and 1000 classes (the published figure) by the same formula', () => {
    expect(torchvisionResnet18Parameters(3, 1000).trainable).toBe(11_689_512);
  });

  it('has the parameters of torchvision resnet18 with 1 input channel and 10 classes', () => {
    const summary = describeBackbone(build('resnet18-imagenet', { inputShape: [28, 28, 1], classes: 10 }).model);
    const expected = torchvisionResnet18Parameters(1, 10);
    expect(summary.trainableParameters).toBe(expected.trainable);
    expect(summary.trainableParameters).toBe(11_175_370);
    expect(summary.parameters - summary.trainableParameters).toBe(expected.runningStatistics);
  });

  it.each([
    [28, [14, 7, 7, 4, 2, 1]],
    [64, [32, 16, 16, 8, 4, 2]],
  ])('maps %ix%ix1 images to logits through the stem, pool and stages at %j', (size, sizes) => {
    const { model } = build('resnet18-imagenet', { inputShape: [size, size, 1], classes: 10, width: 8 });
    const x = uniform([2, size, size, 1], seededRandom(3), 0, 1);
    expect((model.predict(x) as Tensor).shape).toEqual([2, 10]);
    const spatial = ['stem_relu', 'stem_pool', 'stage1_block2_relu', 'stage2_block2_relu', 'stage3_block2_relu', 'stage4_block2_relu'].map(
      (name) => (model.getLayer(name).outputShape as number[])[1],
    );
    expect(spatial).toEqual(sizes);
    expect((model.getLayer('stage4_block2_relu').outputShape as number[])[3]).toBe(64);
  });

  it("samples on torchvision's grid: strided convs pad symmetrically (explicit padding 3 and 1), also at even sizes", () => {
    const { model } = build('resnet18-imagenet', { inputShape: [64, 64, 1], classes: 10, width: 8 });
    const x = uniform([1, 64, 64, 1], seededRandom(5), 0, 1) as Tensor4D;
    const explicit = (input: Tensor, layer: string, pad: number) =>
      tf.conv2d(input as Tensor4D, model.getLayer(layer).getWeights()[0] as tf.Tensor4D, 2, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
    expect(maxAbsDiff(layerOutput(model, 'stem_conv', x), explicit(x, 'stem_conv', 3))).toBeLessThan(1e-5);
    // stage2's first conv reads the 16x16 output of stage 1.
    const stage1 = layerOutput(model, 'stage1_block2_relu', x);
    expect(stage1.shape).toEqual([1, 16, 16, 8]);
    expect(maxAbsDiff(layerOutput(model, 'stage2_block1_conv1', x), explicit(stage1, 'stage2_block1_conv1', 1))).toBeLessThan(1e-5);
  });

  it('initialises from the seed alone', () => {
    const options = { inputShape: [28, 28, 1] as [number, number, number], classes: 10, width: 8, seed: 4 };
    const values = (model: LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
    const a = build('resnet18-imagenet', options);
    const b = build('resnet18-imagenet', options);
    const c = build('resnet18-imagenet', { ...options, seed: 5 });
    expect(values(b.model)).toEqual(values(a.model));
    expect(b.model.layers.map((l) => l.name)).toEqual(a.model.layers.map((l) => l.name));
    expect(values(c.model)[0]).not.toEqual(values(a.model)[0]);
    const x = uniform([2, 28, 28, 1], seededRandom(9), 0, 1);
    expect(maxAbsDiff(a.model.predict(x) as Tensor, b.model.predict(x) as Tensor)).toBe(0);
  });

  it("supervises the four stage outputs, as the reference's layer1..layer4", () => {
    const { supervisedLayers } = build('resnet18-imagenet', { inputShape: [28, 28, 1], classes: 10, width: 8 });
    expect(supervisedLayers).toEqual(['stage1_block2_relu', 'stage2_block2_relu', 'stage3_block2_relu', 'stage4_block2_relu']);
  });

  it('is explained by LRP-Flex at full width on 28x28x1 (z^B through the padded stem, max pool with padding)', () => {
    const { model, supervisedLayers } = build('resnet18-imagenet', { inputShape: [28, 28, 1], classes: 10, seed: 2 });
    const classifier = new LrpClassifier(model);
    const x = uniform([2, 28, 28, 1], seededRandom(13), 0, 1);
    expect(maxAbsDiff(classifier.predict(x), model.predict(x) as Tensor)).toBeLessThan(1e-4);
    const { heatmap, hidden, logits, classes } = classifier.explain(x, { ...EVALUATION_LRP, classes: 'highest', hiddenLayers: supervisedLayers });
    expect(heatmap.shape).toEqual([2, 28, 28, 1]);
    expect(hidden.map((h) => h.shape)).toEqual([
      [2, 7, 7, 64],
      [2, 4, 4, 128],
      [2, 2, 2, 256],
      [2, 1, 1, 512],
    ]);
    const sums = Array.from(tf.sum(heatmap, [1, 2, 3]).dataSync());
    for (const s of sums) expect(Number.isFinite(s)).toBe(true);
    expect(tf.max(tf.abs(heatmap)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([heatmap, ...hidden, logits, classes]);
  });
});
