import * as tf from '@tensorflow/tfjs';
import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import type { Dataset, DatasetSplit } from '@isnet-bench/data';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { LrpClassifier, runGraph } from '@isnet-bench/lrp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatShortcutDiagnostics, layerAttributions, reluCuts, shortcutDiagnostics, type PairDiagnostics } from './shortcut-diagnostics.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

const models: LayersModel[] = [];
afterEach(() => {
  models.splice(0).forEach((m) => m.dispose());
});

// 4x4 one-channel images, pixels numbered row-major: the "digit" is the centre 2x2
// (pixels 5, 6, 9, 10); artifacts are single pixels: 0 (top left), 15 (bottom right), 12.
const SIZE = 4;
const DIGIT = [5, 6, 9, 10];

interface DenseSpec {
  name: string;
  /** [inputs][units] */
  kernel: number[][];
  bias?: number[];
  relu: boolean;
}

/** input 4x4x1 -> flatten -> the given dense layers, weights set by hand. */
function denseNetwork(layers: DenseSpec[]): LrpClassifier {
  const input = tf.input({ name: 'input', shape: [SIZE, SIZE, 1] });
  let h = tf.layers.flatten({ name: 'flatten' }).apply(input) as SymbolicTensor;
  const built = layers.map((spec) => {
    const layer = tf.layers.dense({ name: spec.name, units: spec.kernel[0]!.length, activation: spec.relu ? 'relu' : 'linear' });
    h = layer.apply(h) as SymbolicTensor;
    return layer;
  });
  const model = tf.model({ inputs: input, outputs: h });
  built.forEach((layer, i) => {
    const { kernel, bias } = layers[i]!;
    layer.setWeights([tf.tensor2d(kernel), tf.tensor1d(bias ?? kernel[0]!.map(() => 0))]);
  });
  models.push(model);
  return new LrpClassifier(model);
}

/** A [16][units] kernel from per-unit weights on chosen pixels. */
function pixelKernel(units: Record<number, number>[]): number[][] {
  return Array.from({ length: SIZE * SIZE }, (_, p) => units.map((weights) => weights[p] ?? 0));
}
const onDigit = (w: number) => Object.fromEntries(DIGIT.map((p) => [p, w]));

/**
 * Hidden units: u0 reads the digit (+1 per pixel); u1 reads the digit (+0.5) and the top-left
 * artifact (-10), so that artifact switches it OFF; u2 is dead; u3 reads only the bottom-right
 * artifact (+10, bias -5), which switches it ON. Logits: z0 = u0 + u1 - u3, z1 = 0.5 u0 + u3.
 */
function offOnNetwork(): LrpClassifier {
  return denseNetwork([
    { name: 'hidden', kernel: pixelKernel([onDigit(1), { ...onDigit(0.5), 0: -10 }, {}, { 15: 10 }]), bias: [0, 0, 0, -5], relu: true },
    { name: 'logits', kernel: [[1, 0.5], [1, 0], [0, 0], [-1, 1]], relu: false },
  ]);
}

/** One image: the digit at gray level `level` (0..255), plus artifact pixels at 255. */
function image(level: number, artifact: number[] = []): number[] {
  const pixels = new Array<number>(SIZE * SIZE).fill(0);
  for (const p of DIGIT) pixels[p] = level;
  for (const p of artifact) pixels[p] = 255;
  return pixels;
}

/** A split of images that all have label 0; `artifact` per image: [pixel, class] or none. */
function split(levels: number[], artifact: ([number, number] | null)[]): DatasetSplit {
  const count = levels.length;
  return {
    count,
    images: Uint8Array.from(levels.flatMap((level, i) => image(level, artifact[i] ? [artifact[i]![0]] : []))),
    masks: new Uint8Array(count * SIZE * SIZE),
    hasMask: new Uint8Array(count),
    labels: new Uint8Array(count),
    artifactClass: Int8Array.from(artifact.map((a) => (a ? a[1] : -1))),
    artifactBox: Uint8Array.from(artifact.flatMap((a) => (a ? [a[0] % SIZE, Math.floor(a[0] / SIZE), 1, 1] : [0, 0, 0, 0]))),
  };
}

/**
 * Digits at gray levels 255, 153 and 255. `test`: the top-left artifact on the first two, none
 * on the third; `confounding`: the bottom-right artifact on all; `noise`: pixel 12 (read by no
 * unit) on all; `unbiased`: none.
 */
function pairedDataset(): Dataset {
  const levels = [255, 153, 255];
  return {
    kind: 'hand-built',
    source: { name: 'test', location: 'memory' },
    options: {},
    seed: 0,
    classNames: ['zero', 'one'],
    imageSize: { height: SIZE, width: SIZE, channels: 1 },
    splits: {
      test: split(levels, [[0, 0], [0, 0], null]),
      unbiased: split(levels, [null, null, null]),
      confounding: split(levels, [[15, 1], [15, 1], [15, 1]]),
      noise: split(levels, [[12, 1], [12, 1], [12, 1]]),
    },
  };
}

const pairOf = (pairs: PairDiagnostics[], name: string) => pairs.find((p) => p.withArtifact === name)!;

describe('shortcutDiagnostics on hand-built networks', () => {
  it('an artifact that switches OFF a unit of the true class: all of the change off-route, no relevance on the artifact', async () => {
    const classifier = offOnNetwork();
    const { pairs } = await shortcutDiagnostics(classifier, pairedDataset(), { steps: 8, quantities: { selective: { quantity: 'selective', classes: 'lowest' } } });
    const test = pairOf(pairs, 'test');
    expect(test.count).toBe(2);
    expect(test.withoutArtifactSkipped).toBe(1);
    // u1 = 2c without the artifact (c = 1, 0.6), 0 with it: z0 changes by -2c.
    expect(test.logitChange).toBeCloseTo(-(2 + 1.2) / 2, 5);
    expect(test.probabilityChange!).toBeLessThan(0);
    expect(test.accuracyWith).toBe(1);
    expect(test.accuracyWithout).toBe(1);
    expect(test.layers).toHaveLength(1);
    const [hidden] = test.layers;
    expect(hidden).toMatchObject({ layer: 'hidden', units: 4, unitsOff: 1, unitsOn: 0, unitsBoth: 1 });
    expect(hidden!.offShare).toBeCloseTo(1, 6);
    expect(hidden!.off).toBeCloseTo(-1.6, 5);
    expect(hidden!.onShare).toBe(0);
    expect(hidden!.bothShare).toBe(0);
    expect(hidden!.maxResidual!).toBeLessThan(1e-5);
    // A switched-off unit carries no relevance, and no active unit reads the artifact.
    const share = Object.fromEntries(test.heatmaps.map((h) => [h.quantity, h.share]));
    expect(Object.keys(share)).toEqual(['label', 'predicted', 'selective']);
    expect(share['label']).toBe(0);
    expect(share['predicted']).toBe(0);
    expect(test.artifactArea).toBeCloseTo(1 / 16, 7);
  });

  it('an artifact that switches ON a unit: all of the change on-route, relevance on the artifact', async () => {
    const classifier = offOnNetwork();
    const { pairs } = await shortcutDiagnostics(classifier, pairedDataset(), { steps: 8 });
    const confounding = pairOf(pairs, 'confounding');
    expect(confounding.count).toBe(3);
    // u3 = 10 - 5 = 5 with the artifact, 0 without: z0 = u0 + u1 - u3 drops by 5.
    expect(confounding.logitChange).toBeCloseTo(-5, 5);
    expect(confounding.accuracyWith).toBe(0);
    expect(confounding.accuracyWithout).toBe(1);
    const [hidden] = confounding.layers;
    expect(hidden).toMatchObject({ unitsOff: 0, unitsOn: 1, unitsBoth: 2 });
    expect(hidden!.onShare).toBeCloseTo(1, 6);
    expect(hidden!.offShare).toBe(0);
    expect(hidden!.bothShare).toBe(0);
    for (const { share } of confounding.heatmaps) expect(share!).toBeGreaterThan(0.05);
  });

  it('decomposes exactly at both layers of a two-hidden-layer network, and reports the discretisation residual', async () => {
    // h1: u0 = digit, u1 = 0.5 digit - 10 artifact (switched off). h2: v0 = u0 + u1 (active
    // either way), v1 = 2 u1 - 1 (switched off). z0 = v0 + v1, z1 = 0.1 v0.
    const classifier = denseNetwork([
      { name: 'h1', kernel: pixelKernel([onDigit(1), { ...onDigit(0.5), 0: -10 }]), relu: true },
      { name: 'h2', kernel: [[1, 0], [1, 2]], bias: [0, -1], relu: true },
      { name: 'logits', kernel: [[1, 0.1], [1, 0]], relu: false },
    ]);
    const dataset = pairedDataset();
    const only = (s: DatasetSplit): DatasetSplit => ({ ...s, count: 1, images: s.images.subarray(0, 16), labels: s.labels.subarray(0, 1), artifactClass: s.artifactClass!.subarray(0, 1), artifactBox: s.artifactBox!.subarray(0, 4) });
    const one: Dataset = { ...dataset, splits: { test: only(dataset.splits['test']!), unbiased: only(dataset.splits['unbiased']!) } };
    expect(reluCuts(classifier.graph)).toEqual(['h1', 'h2']);

    // Without the artifact u = (4, 2), v = (6, 3), z0 = 9; with it u = (4, 0), v = (4, 0), z0 = 4.
    const [exact] = (await shortcutDiagnostics(classifier, one, { steps: 8 })).pairs;
    expect(exact!.logitChange).toBeCloseTo(-5, 5);
    const [h1, h2] = exact!.layers;
    // Along the path u1 = 2 - 2a, v1 is active while a < 3/4: the integral of dz0/du1 = 1 + 2 [a < 3/4]
    // is -2 (1 + 2 * 3/4) = -5, all on u1; the midpoint rule is exact when 4 divides the steps.
    expect(h1).toMatchObject({ layer: 'h1', unitsOff: 1, unitsBoth: 1 });
    expect(h1!.off).toBeCloseTo(-5, 5);
    expect(h1!.offShare).toBeCloseTo(1, 6);
    expect(h1!.maxResidual!).toBeLessThan(1e-5);
    // Before the linear head the attribution is W (h - h0): v0 -2 (both), v1 -3 (off).
    expect(h2).toMatchObject({ layer: 'h2', unitsOff: 1, unitsBoth: 1 });
    expect(h2!.off).toBeCloseTo(-3, 5);
    expect(h2!.both).toBeCloseTo(-2, 5);
    expect(h2!.offShare).toBeCloseTo(0.6, 6);
    expect(h2!.bothShare).toBeCloseTo(0.4, 6);
    expect(h2!.maxResidual!).toBeLessThan(1e-5);

    // Six midpoints, four of them before the kink: -2 (1 + 2 * 4/6) = -14/3, 1/3 short of -5.
    const [coarse] = (await shortcutDiagnostics(classifier, one, { steps: 6 })).pairs;
    expect(coarse!.layers[0]!.off).toBeCloseTo(-14 / 3, 5);
    expect(coarse!.layers[0]!.maxResidual).toBeCloseTo(1 / 3, 5);
    expect(coarse!.layers[1]!.maxResidual!).toBeLessThan(1e-5);
  });

  it('is JSON-serialisable with null where a share is undefined, and formats as a table', async () => {
    const classifier = offOnNetwork();
    const result = await shortcutDiagnostics(classifier, pairedDataset(), { steps: 4, pairs: [{ withArtifact: 'noise', withoutArtifact: 'unbiased' }] });
    const [noise] = result.pairs;
    // No unit reads pixel 12: nothing changes, no share is defined.
    expect(noise!.logitChange).toBe(0);
    expect(noise!.layers[0]).toMatchObject({ off: 0, on: 0, both: 0, offShare: null, onShare: null, bothShare: null });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(result.settings).toEqual({ steps: 4, epsilon: 0.01, zb: true, bounds: [0, 1] });

    const text = formatShortcutDiagnostics(await shortcutDiagnostics(classifier, pairedDataset(), { steps: 4 }));
    expect(text).toContain('test (artifact) vs unbiased (none): 2 image pairs, 1 without an artifact left out');
    expect(text).toMatch(/hidden\s+4\s+100\.0%\s+0\.0%\s+0\.0%/);
    expect(text).toContain('confounding (artifact) vs unbiased (none): 3 image pairs');
    expect(text).not.toMatch(/NaN|undefined/);
  });

  it('rejects layers that do not cut the network, name clashes and splits that are not paired', async () => {
    const classifier = offOnNetwork();
    const dataset = pairedDataset();
    await expect(shortcutDiagnostics(classifier, dataset, { layers: ['logits'] })).rejects.toThrow(/'logits' is not a ReLU layer that cuts the network \(those that do: hidden\)/);
    await expect(shortcutDiagnostics(classifier, dataset, { quantities: { label: { classes: 'lowest' } } })).rejects.toThrow(/'label'.*built-in/);
    await expect(shortcutDiagnostics(classifier, dataset, { pairs: [{ withArtifact: 'unbiased', withoutArtifact: 'test' }] })).rejects.toThrow(/image 0 of 'test' carries an artifact/);
  });
});

describe('reluCuts and layerAttributions on convolutional networks', () => {
  const seeded = (seed: number) => tf.initializers.glorotNormal({ seed });

  it('lists every ReLU of a chain, and only the block outputs of a residual network', () => {
    const input = tf.input({ name: 'input', shape: [6, 6, 1] });
    const conv = (name: string, relu: boolean, x: SymbolicTensor) =>
      tf.layers.conv2d({ name, filters: 4, kernelSize: 3, padding: 'same', activation: relu ? 'relu' : 'linear', kernelInitializer: seeded(1) }).apply(x) as SymbolicTensor;
    const stem = conv('stem', true, input);
    const inner = conv('block_conv1', true, stem);
    const added = tf.layers.add({ name: 'block_add' }).apply([conv('block_conv2', false, inner), stem]) as SymbolicTensor;
    const out = tf.layers.reLU({ name: 'block_relu' }).apply(added) as SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(out) as SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'logits', units: 3 }).apply(pooled) as SymbolicTensor });
    models.push(model);
    expect(reluCuts(new LrpClassifier(model).graph)).toEqual(['stem', 'block_relu']);
  });

  it('sums to the logit change at every cut of a random conv network (completeness), and equals W (h - h0) before a dense head', () => {
    const input = tf.input({ name: 'input', shape: [6, 6, 1] });
    let h = tf.layers.conv2d({ name: 'conv1', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(2), biasInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.1 }) }).apply(input) as SymbolicTensor;
    h = tf.layers.conv2d({ name: 'conv2', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: seeded(4) }).apply(h) as SymbolicTensor;
    h = tf.layers.flatten({ name: 'flatten' }).apply(h) as SymbolicTensor;
    h = tf.layers.dense({ name: 'fc', units: 16, activation: 'relu', kernelInitializer: seeded(5), biasInitializer: tf.initializers.randomNormal({ seed: 6, stddev: 0.1 }) }).apply(h) as SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'logits', units: 3, kernelInitializer: seeded(7) }).apply(h) as SymbolicTensor });
    models.push(model);
    const { graph } = new LrpClassifier(model);
    expect(reluCuts(graph)).toEqual(['conv1', 'conv2', 'fc']);

    const without = uniform([4, 6, 6, 1], seededRandom(8), 0, 1);
    // A bright 2x2 artifact in the top-left corner.
    const patch = tf.pad(tf.ones([4, 2, 2, 1]), [[0, 0], [0, 4], [0, 4], [0, 0]]);
    const withArtifact = tf.maximum(without, patch);
    const classes = tf.tensor1d([0, 1, 2, 0], 'int32');
    const outputs0 = runGraph(graph, without, { training: false });
    const outputs1 = runGraph(graph, withArtifact, { training: false });
    const trueLogit = (logits: Tensor) => tf.sum(tf.mul(logits, tf.oneHot(classes, 3)), 1);
    const change = Array.from(tf.sub(trueLogit(outputs1.get('logits')!), trueLogit(outputs0.get('logits')!)).dataSync());
    expect(Math.max(...change.map(Math.abs))).toBeGreaterThan(0.01);

    for (const layer of reluCuts(graph)) {
      const attributions = layerAttributions(graph, layer, outputs0.get(layer)!, outputs1.get(layer)!, classes, 256);
      const sums = Array.from(tf.sum(attributions, [...Array(attributions.rank).keys()].slice(1)).dataSync());
      sums.forEach((s, b) => expect(Math.abs(s - change[b]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(change[b]!))));
    }

    // Before the dense head the gradient is constant: one step is exact, unit by unit.
    const fc = layerAttributions(graph, 'fc', outputs0.get('fc')!, outputs1.get('fc')!, classes, 1);
    const weights = model.getLayer('logits').getWeights()[0]!; // [16, 3]
    const expected = tf.mul(tf.sub(outputs1.get('fc')!, outputs0.get('fc')!), tf.transpose(tf.gather(weights, classes, 1)));
    expect(tf.max(tf.abs(tf.sub(fc, expected))).dataSync()[0]).toBeLessThan(1e-5);
  });
});
