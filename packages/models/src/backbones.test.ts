import * as tf from '@tensorflow/tfjs';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { explain, graphFromLayersModel, predictLogits, type LrpGraph } from '@isnet-bench/lrp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKBONES, buildBackbone } from './backbones.js';
import type { BackboneOptions } from './options.js';

const SHAPES: [number, number, number][] = [
  [28, 28, 1],
  [32, 32, 3],
];
const CLASSES = 10;
const BATCH = 2;

/** Every backbone, the scalable ones at width 8 so the suite runs on two CPU cores. */
const CASES: { label: string; name: (typeof BACKBONES)[number]['name']; extra: Partial<BackboneOptions> }[] = [
  ...BACKBONES.map(({ name, options }) => ({ label: name, name, extra: options.includes('width') ? { width: 8 } : {} })),
  { label: 'vgg11 without batch norm', name: 'vgg11', extra: { width: 8, batchNorm: false } },
];

const maxAbsDiff = (a: Tensor, b: Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
const maxAbs = (a: Tensor) => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]!);
const weightValues = (model: LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
const spatial = (shape: number[]) => (shape.length === 3 ? `${shape[0]}x${shape[1]}` : undefined);

/** ReLU-ending nodes of the feature extractor (spatial outputs), in topological order. */
const spatialReluNodes = (graph: LrpGraph) => graph.nodes.filter((n) => n.endsWithRelu && spatial(n.outputShape!) !== undefined);

const built: LayersModel[] = [];
const build = (...args: Parameters<typeof buildBackbone>) => {
  const backbone = buildBackbone(...args);
  built.push(backbone.model);
  return backbone;
};

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

afterEach(() => {
  built.splice(0).forEach((model) => model.dispose());
});

describe.each(CASES)('$label', ({ name, extra }) => {
  describe.each(SHAPES)('on %ix%ix%i images', (...inputShape) => {
    const options = { inputShape, classes: CLASSES, seed: 7, ...extra };
    const x = () => uniform([BATCH, ...inputShape], seededRandom(11), 0, 1);

    it('gives linear logits [batch, classes] through supported, ReLU-only layers', () => {
      const { model } = build(name, options);
      const logits = model.predict(x()) as Tensor;
      expect(logits.shape).toEqual([BATCH, CLASSES]);
      expect(model.getLayer('logits').getConfig()['activation']).toBe('linear');
      // The converter rejects any other layer type, activation or data format.
      expect(() => graphFromLayersModel(model)).not.toThrow();
    });

    it('initialises from the seed alone, under fixed layer names', () => {
      const a = build(name, options);
      const b = build(name, options);
      const c = build(name, { ...options, seed: 8 });
      expect(b.model.layers.map((l) => l.name)).toEqual(a.model.layers.map((l) => l.name));
      expect(b.supervisedLayers).toEqual(a.supervisedLayers);
      expect(weightValues(b.model)).toEqual(weightValues(a.model));
      // Every kernel depends on the seed (biases and batch-norm statistics start constant).
      const kernels = (m: LayersModel) => m.weights.map((w, i) => ({ w, i })).filter(({ w }) => w.name.includes('kernel')).map(({ i }) => m.getWeights()[i]!);
      const kernelsA = kernels(a.model);
      kernels(c.model).forEach((k, i) => expect(maxAbsDiff(k, kernelsA[i]!)).toBeGreaterThan(0));
    });

    it('supervises the last ReLU of each resolution and of the feature extractor', () => {
      const { model, supervisedLayers } = build(name, options);
      const relus = spatialReluNodes(graphFromLayersModel(model));
      const lastPerResolution = [...new Map(relus.map((n) => [spatial(n.outputShape!), n.name])).values()];
      // The reference ResNet-18 supervises its four stages, not the stem's ReLU before the max pool.
      expect(supervisedLayers).toEqual(name === 'resnet18-imagenet' ? lastPerResolution.filter((layer) => layer !== 'stem_relu') : lastPerResolution);
      expect(supervisedLayers.at(-1)).toBe(relus.at(-1)!.name);
    });

    it('matches LRP-Flex graph forward in training mode, then in inference mode', () => {
      const { model } = build(name, options);
      const graph = graphFromLayersModel(model);
      const input = x();
      // Training first: it moves the batch-norm running statistics away from (0, 1), so the
      // inference comparison also checks that both read them the same way.
      const trained = model.apply(input, { training: true }) as Tensor;
      const graphTrained = predictLogits(graph, input, { training: true });
      expect(maxAbsDiff(trained, graphTrained)).toBeLessThan(1e-4 * Math.max(1, maxAbs(trained)));
      const predicted = model.predict(input) as Tensor;
      const graphPredicted = predictLogits(graph, input);
      expect(maxAbsDiff(predicted, graphPredicted)).toBeLessThan(1e-4 * Math.max(1, maxAbs(predicted)));
    });

    it('is explained by LRP-Flex with hidden maps at the supervised layers', () => {
      const { model, supervisedLayers } = build(name, options);
      const graph = graphFromLayersModel(model);
      const input = x();
      const shapeOf = (layer: string) => [BATCH, ...graph.nodes.find((n) => n.name === layer)!.outputShape!];
      for (const zb of [true, false]) {
        const { heatmap, hidden } = explain(graph, input, { classes: 'highest', hiddenLayers: supervisedLayers, zb });
        expect(heatmap.shape).toEqual(input.shape);
        expect(hidden.map((h) => h.shape)).toEqual(supervisedLayers.map(shapeOf));
        for (const map of [heatmap, ...hidden]) expect(Number.isFinite(maxAbs(map))).toBe(true);
        expect(maxAbs(heatmap)).toBeGreaterThan(0);
      }
    });
  });
});

describe('buildBackbone options', () => {
  const options = { inputShape: [28, 28, 1] as [number, number, number], classes: 10 };

  it('names the model after the backbone and lists every backbone once', () => {
    expect(build('resnet8', options).model.name).toBe('resnet8');
    expect(BACKBONES.map((b) => b.name)).toEqual(['tiny', 'small', 'resnet8', 'resnet18', 'resnet18-imagenet', 'vgg11', 'densenet']);
  });

  it('rejects unknown backbones, malformed options and options a backbone ignores', () => {
    expect(() => buildBackbone('resnet50' as never, options)).toThrow(/unknown backbone 'resnet50' \(choices: tiny, small/);
    expect(() => buildBackbone('tiny', { ...options, classes: 0 })).toThrow(/backbone 'tiny':.*classes/s);
    expect(() => buildBackbone('tiny', { ...options, width: 8 })).toThrow("backbone 'tiny' takes no width option");
    expect(() => buildBackbone('resnet18', { ...options, batchNorm: false })).toThrow("backbone 'resnet18' takes no batchNorm option");
    expect(() => buildBackbone('densenet', { ...options, inputShape: [3, 3, 1] })).toThrow(/at least 4x4 \(got 3x3\)/);
  });
});
