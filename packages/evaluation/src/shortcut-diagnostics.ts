import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { getSplit, type Dataset, type DatasetSplit, type Log } from '@isnet-bench/data';
import { EVALUATION_LRP, runGraph, type ExplainOptions, type LrpClassifier, type LrpGraph } from '@isnet-bench/lrp';
import { argmaxRows, softmaxRows } from './probabilities.js';

/**
 * Shortcut diagnostics: how a classifier uses an image artifact, measured on paired splits
 * (the same images, with and without the artifact), and whether its heatmaps show it.
 *
 * A shortcut need not leave relevance on the artifact. LRP (and every method that reads
 * relevance at active units) explains the network as it runs on the image; an artifact that
 * works by switching a unit OFF (a unit that, without the artifact, adds to the true class)
 * changes the logit through a unit that then carries no relevance. This measures the artifact's
 * effect on the true-class logit and splits it, at every hidden ReLU layer that cuts the
 * network, between the units the artifact switches off, those it switches on, and those active
 * either way, exactly (integrated gradients along the straight path between the two
 * activations); then it reports the heatmap share on the artifact for several explained
 * quantities.
 */

/** One comparison: a split whose images carry an artifact, and the split of the same images without it. */
export interface SplitPair {
  readonly withArtifact: string;
  readonly withoutArtifact: string;
}

/** Which quantity a heatmap explains: the `classifier.explain` options that choose it. */
export type HeatmapQuantity = Pick<ExplainOptions, 'quantity' | 'classes' | 'selectiveEpsilon'>;

export interface ShortcutDiagnosticsOptions {
  /**
   * The pairs compared (default: test and confounding, each against unbiased, those the
   * dataset has). Only images of the first split that carry an artifact are used.
   */
  readonly pairs?: readonly SplitPair[];
  /** At most this many images per pair, the first ones with an artifact (default: all). */
  readonly limit?: number;
  /** Images per batch (default 32). */
  readonly batchSize?: number;
  /** Midpoint-rule steps of the integrated-gradient path (default 64). */
  readonly steps?: number;
  /** The layers decomposed (default: every ReLU layer that cuts the network, see `reluCuts`). */
  readonly layers?: readonly string[];
  /**
   * Heatmap quantities besides the label's logit ('label') and the predicted class's logit
   * ('predicted'), by name: e.g. `{ 'selective (lowest)': { quantity: 'selective', classes: 'lowest' } }`.
   */
  readonly quantities?: Readonly<Record<string, HeatmapQuantity>>;
  /** LRP settings of the heatmaps (default: the evaluation protocol's, EVALUATION_LRP). */
  readonly lrp?: Pick<ExplainOptions, 'epsilon' | 'zb' | 'bounds'>;
  /** Progress: one line per batch. */
  readonly log?: Log;
}

/**
 * How the artifact's effect on the true-class logit divides among a layer's units. A unit is
 * active when its ReLU output is > 0. Attributions are integrated gradients of the true-class
 * logit with respect to the layer's activations, from the activations without the artifact
 * to those with it; they sum to the logit change up to the path discretisation (`residual`).
 * Units inactive either way have no attribution (their activation does not change).
 */
export interface LayerRoutes {
  readonly layer: string;
  /** Units in the layer (per image). */
  readonly units: number;
  /** Mean per image of the units active without the artifact and inactive with it. */
  readonly unitsOff: number | null;
  /** ... inactive without it and active with it. */
  readonly unitsOn: number | null;
  /** ... active in both. */
  readonly unitsBoth: number | null;
  /** Mean per image of the summed attribution of the units switched off. */
  readonly off: number | null;
  readonly on: number | null;
  readonly both: number | null;
  /** `off`, `on` and `both` over the mean true-class logit change (null when that is 0). */
  readonly offShare: number | null;
  readonly onShare: number | null;
  readonly bothShare: number | null;
  /** Mean and largest |sum of attributions - logit change| per image. */
  readonly meanResidual: number | null;
  readonly maxResidual: number | null;
}

/** Share of the heatmap's |relevance| on the artifact's box, for one explained quantity. */
export interface ArtifactHeatmapShare {
  /** 'label', 'predicted', or a name from `quantities`. */
  readonly quantity: string;
  /** Mean over images of sum over the box of |H| / sum of |H| (images with the artifact). */
  readonly share: number | null;
  /** Heatmaps without relevance (sum |H| = 0 or not finite): left out of the mean. */
  readonly withoutRelevance: number;
}

export interface PairDiagnostics extends SplitPair {
  /** Image pairs measured. */
  readonly count: number;
  /** Images of the artifact split that carry no artifact (left out). */
  readonly withoutArtifactSkipped: number;
  readonly accuracyWith: number | null;
  readonly accuracyWithout: number | null;
  /** Mean of (true-class logit with the artifact) - (without it). */
  readonly logitChange: number | null;
  /** Mean of (true-class softmax probability with the artifact) - (without it). */
  readonly probabilityChange: number | null;
  readonly layers: LayerRoutes[];
  /** Mean fraction of the image inside the artifact's box: the share a uniform heatmap would put there. */
  readonly artifactArea: number | null;
  readonly heatmaps: ArtifactHeatmapShare[];
}

/** JSON-serialisable: undefined values are null, never NaN. */
export interface ShortcutDiagnostics {
  readonly settings: { readonly steps: number; readonly epsilon: number; readonly zb: boolean; readonly bounds: [number, number] };
  readonly pairs: PairDiagnostics[];
}

const BUILT_IN_QUANTITIES: Readonly<Record<string, HeatmapQuantity>> = { label: { classes: 'label' }, predicted: { classes: 'highest' } };

/**
 * The diagnostics of a trained classifier on a dataset with paired splits (biased digits:
 * `test` or `confounding` against `unbiased`, which hold the same images in the same order).
 * Every tensor it creates is released.
 */
export async function shortcutDiagnostics(classifier: LrpClassifier, dataset: Dataset, options: ShortcutDiagnosticsOptions = {}): Promise<ShortcutDiagnostics> {
  const steps = options.steps ?? 64;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer (got ${steps})`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer (got ${batchSize})`);
  const pairs = options.pairs ?? defaultPairs(dataset);
  for (const pair of pairs) getSplit(dataset, pair.withArtifact), getSplit(dataset, pair.withoutArtifact);
  const cuts = reluCuts(classifier.graph);
  const layers = options.layers ?? cuts;
  for (const layer of layers) {
    if (!cuts.includes(layer)) throw new Error(`layer '${layer}' is not a ReLU layer that cuts the network (those that do: ${cuts.join(', ') || 'none'})`);
  }
  const clash = Object.keys(options.quantities ?? {}).filter((name) => name in BUILT_IN_QUANTITIES);
  if (clash.length > 0) throw new Error(`heatmap quantity names ${clash.map((n) => `'${n}'`).join(', ')} are taken by the built-in ones`);
  const quantities = { ...BUILT_IN_QUANTITIES, ...options.quantities };
  const lrp = { ...EVALUATION_LRP, ...options.lrp };
  const settings = { steps, epsilon: lrp.epsilon, zb: lrp.zb, bounds: lrp.bounds };

  const results: PairDiagnostics[] = [];
  for (const pair of pairs) {
    const paired = pairedImages(dataset, pair, options.limit);
    const totals = new Totals(layers, Object.keys(quantities));
    const batches = Math.ceil(paired.indices.length / batchSize);
    for (let b = 0; b < batches; b++) {
      const indices = paired.indices.subarray(b * batchSize, (b + 1) * batchSize);
      await measureBatch(classifier, dataset, paired, indices, { layers, steps, quantities, lrp }, totals);
      options.log?.(`${pair.withArtifact} vs ${pair.withoutArtifact}: batch ${b + 1}/${batches}`);
    }
    const { count, ...summary } = totals.summary();
    results.push({ ...pair, count, withoutArtifactSkipped: paired.skipped, ...summary });
  }
  return { settings, pairs: results };
}

/** The default pairs a dataset offers: 'test' and 'confounding', those it has that record their artifact, each against 'unbiased'. */
export function artifactPairs(dataset: Dataset): SplitPair[] {
  if (!('unbiased' in dataset.splits)) return [];
  return ['test', 'confounding'].filter((name) => dataset.splits[name]?.artifactClass && dataset.splits[name]?.artifactBox).map((name) => ({ withArtifact: name, withoutArtifact: 'unbiased' }));
}

function defaultPairs(dataset: Dataset): SplitPair[] {
  const pairs = artifactPairs(dataset);
  if (pairs.length === 0) throw new Error(`no paired splits: shortcut diagnostics compare 'test' or 'confounding' (recording their artifact) with 'unbiased' (splits: ${Object.keys(dataset.splits).join(', ')})`);
  return pairs;
}

interface PairedImages {
  readonly with: DatasetSplit;
  readonly without: DatasetSplit;
  /** Positions (in both splits) of the images that carry an artifact. */
  readonly indices: Int32Array;
  readonly skipped: number;
}

/** The images of a pair: checks that the splits hold the same images, one with the artifact. */
function pairedImages(dataset: Dataset, pair: SplitPair, limit = Infinity): PairedImages {
  const name = `${pair.withArtifact} vs ${pair.withoutArtifact}`;
  const withSplit = getSplit(dataset, pair.withArtifact);
  const without = getSplit(dataset, pair.withoutArtifact);
  if (!withSplit.artifactClass || !withSplit.artifactBox) throw new Error(`${name}: split '${pair.withArtifact}' records no artifact (artifactClass, artifactBox)`);
  if (withSplit.count !== without.count) throw new Error(`${name}: not paired (${withSplit.count} and ${without.count} images)`);
  const indices: number[] = [];
  let skipped = 0;
  for (let i = 0; i < withSplit.count; i++) {
    if (withSplit.labels[i] !== without.labels[i]) throw new Error(`${name}: not paired (image ${i} is labelled ${withSplit.labels[i]} and ${without.labels[i]})`);
    if (without.artifactClass && without.artifactClass[i] >= 0) throw new Error(`${name}: image ${i} of '${pair.withoutArtifact}' carries an artifact`);
    if (withSplit.artifactClass[i] < 0) skipped++;
    else if (indices.length < limit) indices.push(i);
  }
  return { with: withSplit, without, indices: Int32Array.from(indices), skipped };
}

interface BatchSettings {
  layers: readonly string[];
  steps: number;
  quantities: Readonly<Record<string, HeatmapQuantity>>;
  lrp: Pick<ExplainOptions, 'epsilon' | 'zb' | 'bounds'>;
}

async function measureBatch(classifier: LrpClassifier, dataset: Dataset, paired: PairedImages, indices: Int32Array, settings: BatchSettings, totals: Totals): Promise<void> {
  const { height, width } = dataset.imageSize;
  const pixels = height * width;
  const count = indices.length;
  const imagesOf = (split: DatasetSplit) => {
    const values = new Float32Array(count * pixels);
    indices.forEach((index, b) => {
      for (let p = 0; p < pixels; p++) values[b * pixels + p] = split.images[index * pixels + p] / 255;
    });
    return tf.tensor4d(values, [count, height, width, 1]);
  };
  const boxValues = new Float32Array(count * pixels);
  const labelValues = Int32Array.from(indices, (index) => paired.with.labels[index]);
  indices.forEach((index, b) => {
    const [x, y, w, h] = paired.with.artifactBox!.subarray(4 * index, 4 * index + 4);
    for (let row = y; row < Math.min(y + h, height); row++) for (let col = x; col < Math.min(x + w, width); col++) boxValues[b * pixels + row * width + col] = 1;
  });

  const withImages = imagesOf(paired.with);
  const withoutImages = imagesOf(paired.without);
  const box = tf.tensor4d(boxValues, [count, height, width, 1]);
  const labels = tf.tensor1d(labelValues, 'int32');
  try {
    const graph = classifier.graph;
    // The logits and the decomposed layers' activations, with and without the artifact.
    const forward = tf.tidy(() => {
      const withOutputs = runGraph(graph, withImages, { training: false });
      const withoutOutputs = runGraph(graph, withoutImages, { training: false });
      return {
        logits: tf.stack([withOutputs.get(graph.output)!, withoutOutputs.get(graph.output)!]),
        layers: settings.layers.map((layer) => [withoutOutputs.get(layer)!, withOutputs.get(layer)!]),
      };
    });
    try {
      const logits = await forward.logits.data();
      const classes = forward.logits.shape[2]!;
      const withLogits = logits.subarray(0, count * classes);
      const withoutLogits = logits.subarray(count * classes);
      const change = totals.addOutputs(labelValues, withLogits, withoutLogits, classes);
      for (const [l, [before, after]] of forward.layers.entries()) {
        const groups = tf.tidy(() => unitGroups(before!, after!, layerAttributions(graph, settings.layers[l]!, before!, after!, labels, settings.steps)));
        try {
          totals.addLayer(l, await groups.data(), change, unitsPerImage(before!));
        } finally {
          groups.dispose();
        }
      }
    } finally {
      tf.dispose(forward);
    }

    for (const [q, quantity] of Object.values(settings.quantities).entries()) {
      const sums = tf.tidy(() => {
        const { heatmap } = classifier.explain(withImages, { ...settings.lrp, ...quantity, labels });
        const relevance = tf.abs(heatmap);
        return tf.stack([tf.sum(tf.mul(relevance, box), [1, 2, 3]), tf.sum(relevance, [1, 2, 3])]);
      });
      try {
        totals.addHeatmaps(q, await sums.data(), count);
      } finally {
        sums.dispose();
      }
    }
    totals.addArea(boxValues, count, pixels);
  } finally {
    tf.dispose([withImages, withoutImages, box, labels]);
  }
}

const unitsPerImage = (t: Tensor) => t.size / t.shape[0]!;

/**
 * [8, B]: per image, the attribution summed over the units switched off, on and active in
 * both, the sum over all units, then the counts of units switched off, on and active in both.
 */
function unitGroups(before: Tensor, after: Tensor, attributions: Tensor): Tensor {
  const axes = [...Array(before.rank).keys()].slice(1);
  const activeBefore = tf.greater(before, 0);
  const activeAfter = tf.greater(after, 0);
  const masks = [tf.logicalAnd(activeBefore, tf.logicalNot(activeAfter)), tf.logicalAnd(tf.logicalNot(activeBefore), activeAfter), tf.logicalAnd(activeBefore, activeAfter)].map((m) =>
    tf.cast(m, 'float32'),
  );
  return tf.stack([...masks.map((m) => tf.sum(tf.mul(attributions, m), axes)), tf.sum(attributions, axes), ...masks.map((m) => tf.sum(m, axes))]);
}

/**
 * The ReLU-ending nodes of a graph that cut it: the logits depend on the input only through
 * the node's output, so it carries the whole effect of any input change. In a chain that is
 * every ReLU; in a residual network the block outputs (after the addition and its ReLU), not
 * the ReLUs inside a block, which the shortcut bypasses; in a DenseNet the transitions' ReLUs.
 * The output node is not listed. In topological order.
 */
export function reluCuts(graph: LrpGraph): string[] {
  const position = new Map<string, number>([[graph.input, -1], ...graph.nodes.map((node, i): [string, number] => [node.name, i])]);
  const cuts: string[] = [];
  // The earliest node read by any node after the current one.
  let earliestRead = Infinity;
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (node.endsWithRelu && node.name !== graph.output && earliestRead >= i) cuts.push(node.name);
    for (const input of node.inputs) earliestRead = Math.min(earliestRead, position.get(input)!);
  }
  return cuts.reverse();
}

/** The network from a cut on: the logits as a function of the cut layer's output (inference mode). */
function networkFrom(graph: LrpGraph, layer: string): (h: Tensor) => Tensor {
  const at = graph.nodes.findIndex((node) => node.name === layer);
  if (at < 0) throw new Error(`layer '${layer}' is not in the network`);
  const later = graph.nodes.slice(at + 1);
  return (h) => {
    const values = new Map<string, Tensor>([[layer, h]]);
    for (const node of later) {
      const inputs = node.inputs.map((name) => {
        const value = values.get(name);
        if (!value) throw new Error(`layer '${layer}' does not cut the network: '${node.name}' reads '${name}'`);
        return value;
      });
      values.set(node.name, node.run(inputs, { training: false }));
    }
    return values.get(graph.output)!;
  };
}

/** Path points evaluated in one pass at most: bounds memory for large layers. */
const PATH_VALUES_PER_PASS = 1 << 20;

/**
 * Integrated gradients of each image's logit of `classes` (int32 [B]) with respect to the
 * output of the cut `layer`, along the straight path from `before` to `after` (both [B, ...]
 * activations of that layer), midpoint rule with `steps` points: (after - before) times the
 * mean gradient. By completeness they sum, per image, to logit(after) - logit(before) up to
 * the discretisation; for a linear map from the layer to the logits (a dense head) they equal
 * W_c (after - before) exactly. Shaped like `before`.
 */
export function layerAttributions(graph: LrpGraph, layer: string, before: Tensor, after: Tensor, classes: Tensor, steps: number): Tensor {
  return tf.tidy(() => {
    const rest = networkFrom(graph, layer);
    const batch = before.shape[0]!;
    const delta = tf.sub(after, before);
    const stepsPerPass = Math.max(1, Math.min(steps, Math.floor(PATH_VALUES_PER_PASS / Math.max(1, before.size))));
    let gradientSum: Tensor = tf.zerosLike(before);
    for (let first = 0; first < steps; first += stepsPerPass) {
      const alphas = Array.from({ length: Math.min(stepsPerPass, steps - first) }, (_, k) => (first + k + 0.5) / steps);
      const next = tf.tidy(() => {
        const k = alphas.length;
        // [k B, ...]: copy j is the batch at alphas[j].
        const ones = before.shape.slice(1).map(() => 1);
        const alpha = tf.tensor(Float32Array.from({ length: k * batch }, (_, i) => alphas[Math.floor(i / batch)]!), [k * batch, ...ones]);
        const points = tf.add(tf.tile(before, [k, ...ones]), tf.mul(alpha, tf.tile(delta, [k, ...ones])));
        const stacked = tf.tile(classes, [k]);
        const gradients = tf.grad((h: Tensor) => {
          const logits = rest(h);
          return tf.sum(tf.mul(logits, tf.cast(tf.oneHot(stacked, logits.shape[1]!), 'float32')));
        })(points);
        return tf.add(gradientSum, tf.sum(tf.reshape(gradients, [k, ...before.shape]), 0));
      });
      gradientSum.dispose();
      gradientSum = next;
    }
    return tf.mul(delta, tf.div(gradientSum, steps));
  });
}

/** Running sums over a pair's batches (float64 on the host). */
class Totals {
  private count = 0;
  private correctWith = 0;
  private correctWithout = 0;
  private logitChange = 0;
  private probabilityChange = 0;
  private area = 0;
  private readonly layerSums: { groups: number[]; units: number[]; residual: number; maxResidual: number; unitsPerImage: number }[];
  private readonly heatmapSums: { share: number; measured: number; withoutRelevance: number }[];

  constructor(
    private readonly layers: readonly string[],
    private readonly quantities: readonly string[],
  ) {
    this.layerSums = layers.map(() => ({ groups: [0, 0, 0], units: [0, 0, 0], residual: 0, maxResidual: 0, unitsPerImage: 0 }));
    this.heatmapSums = quantities.map(() => ({ share: 0, measured: 0, withoutRelevance: 0 }));
  }

  /** Adds a batch's logits; returns each image's true-class logit change. */
  addOutputs(labels: Int32Array, withLogits: ArrayLike<number>, withoutLogits: ArrayLike<number>, classes: number): Float64Array {
    const pWith = softmaxRows(withLogits, classes);
    const pWithout = softmaxRows(withoutLogits, classes);
    const predictedWith = argmaxRows(withLogits, classes);
    const predictedWithout = argmaxRows(withoutLogits, classes);
    const change = new Float64Array(labels.length);
    labels.forEach((label, b) => {
      const at = b * classes + label;
      change[b] = withLogits[at] - withoutLogits[at];
      this.logitChange += change[b];
      this.probabilityChange += pWith[at] - pWithout[at];
      this.correctWith += predictedWith[b] === label ? 1 : 0;
      this.correctWithout += predictedWithout[b] === label ? 1 : 0;
    });
    this.count += labels.length;
    return change;
  }

  addLayer(l: number, groups: ArrayLike<number>, change: Float64Array, unitsPerImage: number): void {
    const sums = this.layerSums[l]!;
    const batch = change.length;
    const row = (r: number, b: number) => groups[r * batch + b]!;
    for (let b = 0; b < batch; b++) {
      for (let g = 0; g < 3; g++) {
        sums.groups[g]! += row(g, b);
        sums.units[g]! += row(4 + g, b);
      }
      const residual = Math.abs(row(3, b) - change[b]!);
      sums.residual += residual;
      sums.maxResidual = Math.max(sums.maxResidual, Number.isNaN(residual) ? Infinity : residual);
    }
    sums.unitsPerImage = unitsPerImage;
  }

  addHeatmaps(q: number, sums: ArrayLike<number>, batch: number): void {
    const totals = this.heatmapSums[q]!;
    for (let b = 0; b < batch; b++) {
      const [inBox, total] = [sums[b]!, sums[batch + b]!];
      if (total > 0 && Number.isFinite(total)) {
        totals.share += inBox / total;
        totals.measured++;
      } else totals.withoutRelevance++;
    }
  }

  addArea(box: Float32Array, batch: number, pixels: number): void {
    for (let b = 0; b < batch; b++) {
      let inside = 0;
      for (let p = 0; p < pixels; p++) inside += box[b * pixels + p]!;
      this.area += inside / pixels;
    }
  }

  summary(): Omit<PairDiagnostics, keyof SplitPair | 'withoutArtifactSkipped'> {
    const mean = (sum: number, n = this.count) => finiteOrNull(n === 0 ? NaN : sum / n);
    const logitChange = mean(this.logitChange);
    const share = (value: number | null) => (value === null || logitChange === null || logitChange === 0 ? null : finiteOrNull(value / logitChange));
    const layers = this.layers.map((layer, l): LayerRoutes => {
      const sums = this.layerSums[l]!;
      const [off, on, both] = sums.groups.map((g) => mean(g));
      const [unitsOff, unitsOn, unitsBoth] = sums.units.map((u) => mean(u));
      return {
        layer,
        units: sums.unitsPerImage,
        unitsOff: unitsOff!,
        unitsOn: unitsOn!,
        unitsBoth: unitsBoth!,
        off: off!,
        on: on!,
        both: both!,
        offShare: share(off!),
        onShare: share(on!),
        bothShare: share(both!),
        meanResidual: mean(sums.residual),
        maxResidual: this.count === 0 ? null : finiteOrNull(sums.maxResidual),
      };
    });
    return {
      count: this.count,
      accuracyWith: mean(this.correctWith),
      accuracyWithout: mean(this.correctWithout),
      logitChange,
      probabilityChange: mean(this.probabilityChange),
      layers,
      artifactArea: mean(this.area),
      heatmaps: this.quantities.map((quantity, q) => {
        const { share: sum, measured, withoutRelevance } = this.heatmapSums[q]!;
        return { quantity, share: mean(sum, measured), withoutRelevance };
      }),
    };
  }
}

/** JSON has no NaN or Infinity: such a value is null (and -0 is 0). */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value + 0 : null;
}

/** The diagnostics as terminal tables, one block per pair. */
export function formatShortcutDiagnostics(diagnostics: ShortcutDiagnostics): string {
  const number = (value: number | null, digits = 3) => (value === null ? '-' : value.toFixed(digits));
  const signed = (value: number | null, digits = 3) => (value === null ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`);
  const percent = (value: number | null) => (value === null ? '-' : `${(100 * value).toFixed(1)}%`);
  const { steps, epsilon, zb } = diagnostics.settings;
  const blocks = diagnostics.pairs.map((pair) => {
    const lines = [
      `${pair.withArtifact} (artifact) vs ${pair.withoutArtifact} (none): ${pair.count} image pairs` + (pair.withoutArtifactSkipped > 0 ? `, ${pair.withoutArtifactSkipped} without an artifact left out` : ''),
      `  accuracy with ${percent(pair.accuracyWith)}, without ${percent(pair.accuracyWithout)}; artifact's effect on the true class: logit ${signed(pair.logitChange)}, probability ${signed(pair.probabilityChange)}`,
    ];
    if (pair.layers.length > 0) {
      lines.push(`  the logit change by unit route (integrated gradients, ${steps} steps; share of the change, mean per image, units switched):`);
      const header = ['layer', 'units', 'off', 'on', 'both', 'off sum', 'on sum', 'both sum', 'units off', 'units on', 'max residual'];
      const rows = pair.layers.map((l) => [
        l.layer,
        String(l.units),
        percent(l.offShare),
        percent(l.onShare),
        percent(l.bothShare),
        signed(l.off),
        signed(l.on),
        signed(l.both),
        number(l.unitsOff, 1),
        number(l.unitsOn, 1),
        l.maxResidual === null ? '-' : l.maxResidual.toExponential(1),
      ]);
      lines.push(...table([header, ...rows]).map((line) => `    ${line}`));
    }
    lines.push(`  heatmap share on the artifact (LRP eps ${epsilon}${zb ? ', z^B' : ''}; the artifact covers ${percent(pair.artifactArea)} of the image):`);
    const heatmapRows = pair.heatmaps.map((h) => [h.quantity, percent(h.share), h.withoutRelevance > 0 ? `(${h.withoutRelevance} without relevance)` : '']);
    lines.push(...table([['quantity', 'share', ''], ...heatmapRows]).map((line) => `    ${line}`));
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}
