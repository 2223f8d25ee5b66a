import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodePng, getSplit, maskOutline, openDataset, pixelsPerImage, type Dataset } from '@isnet-bench/data';
import { datasetShape, methodContext, methodDefinition, parseMethodConfig, resultPaths, suiteDatasetDir, type CellRecord, type SuiteDataset } from '@isnet-bench/harness';
import { checkpointPaths, loadCheckpoint } from '@isnet-bench/training';

/** The images of a split the grid shows: its first `perSplit` (the same in every report of the dataset). */
export function sampleIndices(count: number, perSplit: number): number[] {
  return Array.from({ length: Math.min(count, perSplit) }, (_, i) => i);
}

export interface Tile {
  /** A PNG as a data: URI. */
  readonly src: string;
  readonly caption: string;
  /** The prediction differs from the true class. */
  readonly wrong?: boolean;
}

export interface HeatmapRow {
  readonly record: CellRecord;
  /** One tile per sample (split by split), or why there are none. */
  readonly tiles: readonly Tile[] | { readonly missing: string };
}

export interface HeatmapGrid {
  readonly dataset: string;
  readonly splits: readonly { readonly name: string; readonly indices: readonly number[] }[];
  /** The images with their mask outlines and true classes. */
  readonly inputs: readonly Tile[];
  readonly rows: readonly HeatmapRow[];
}

export interface HeatmapOptions {
  /** The results folder of the records (their checkpoints are in cells/<id>/checkpoints). */
  readonly dir: string;
  /** The suite's datasets (suite.json of the results folder). */
  readonly datasets: Readonly<Record<string, SuiteDataset>> | undefined;
  /** Where `isnet-bench run` built them. */
  readonly dataCache: string;
  readonly perSplit: number;
  /** Called once before the first model is built (starts TensorFlow.js). */
  readonly prepareEngine?: () => Promise<unknown>;
  readonly log?: (message: string) => void;
}

/**
 * One grid per dataset of the accuracy cells: the sample images of every test split, then for
 * each cell its best checkpoint's LRP heatmap (method.explain) of its predicted class over the
 * image. A dataset or checkpoint that is not there gives a sentence saying so instead.
 */
export async function heatmapGrids(records: readonly CellRecord[], options: HeatmapOptions): Promise<(HeatmapGrid | { readonly dataset: string; readonly missing: string })[]> {
  const accuracy = records.filter((r) => r.kind === 'accuracy' && r.evaluation);
  const grids: (HeatmapGrid | { dataset: string; missing: string })[] = [];
  let engineReady = false;
  for (const name of [...new Set(accuracy.map((r) => r.dataset.name))]) {
    const cells = accuracy.filter((r) => r.dataset.name === name);
    const dataset = await findDataset(name, cells[0]!.dataset.fingerprint, options);
    if ('missing' in dataset) {
      grids.push({ dataset: name, missing: dataset.missing });
      continue;
    }
    const splits = Object.keys(cells[0]!.evaluation!.splits)
      .filter((s) => dataset.splits[s])
      .map((s) => ({ name: s, indices: sampleIndices(getSplit(dataset, s).count, options.perSplit) }));
    const scale = Math.max(1, Math.ceil(84 / Math.max(dataset.imageSize.height, dataset.imageSize.width)));
    const inputs = splits.flatMap(({ name: split, indices }) =>
      indices.map((index) => ({ src: tilePng(dataset, split, index, scale), caption: `#${index}: ${dataset.classNames[getSplit(dataset, split).labels[index]!]}` })),
    );
    const rows: HeatmapRow[] = [];
    for (const record of cells) {
      const best = checkpointPaths(join(resultPaths(options.dir).cell(record.id), 'checkpoints')).best;
      if (!existsSync(join(best, 'checkpoint.json'))) {
        rows.push({ record, tiles: { missing: `no checkpoint in ${best}` } });
        continue;
      }
      if (!engineReady) await options.prepareEngine?.();
      engineReady = true;
      options.log?.(`report: heatmaps of ${record.label} (${record.id})`);
      rows.push({ record, tiles: await explainSamples(record, best, dataset, splits, scale) });
    }
    grids.push({ dataset: name, splits, inputs, rows });
  }
  return grids;
}

async function findDataset(name: string, fingerprint: string, options: HeatmapOptions): Promise<Dataset | { missing: string }> {
  const entry = options.datasets?.[name];
  if (!entry) return { missing: `the results folder's suite.json does not describe dataset '${name}'` };
  const dir = suiteDatasetDir(entry, options.dataCache);
  if (!existsSync(join(dir, 'dataset.json'))) return { missing: `dataset '${name}' is not in ${dir} (give --data-cache DIR, the cache the run used)` };
  const dataset = await openDataset(dir);
  if (dataset.fingerprint !== fingerprint) return { missing: `dataset '${name}' in ${dir} has fingerprint ${dataset.fingerprint}, the results were made on ${fingerprint}` };
  return dataset;
}

async function explainSamples(record: CellRecord, checkpoint: string, dataset: Dataset, splits: HeatmapGrid['splits'], scale: number): Promise<Tile[]> {
  const context = methodContext({ model: record.backbone as Parameters<typeof methodContext>[0]['model'], modelOptions: record.backboneOptions, seed: record.seed }, datasetShape(dataset));
  try {
    const definition = methodDefinition(record.method);
    const method = definition.create(parseMethodConfig(definition, record.methodConfig), context);
    await loadCheckpoint(checkpoint, method);
    const tiles: Tile[] = [];
    const { height, width } = dataset.imageSize;
    for (const { name, indices } of splits) {
      if (indices.length === 0) continue;
      const split = getSplit(dataset, name);
      const pixels = pixelsPerImage(dataset);
      const images = tf.tidy(() => {
        const data = new Float32Array(indices.length * pixels);
        indices.forEach((index, i) => data.set(Array.from(split.images.subarray(index * pixels, (index + 1) * pixels), (v) => v / 255), i * pixels));
        return tf.tensor4d(data, [indices.length, height, width, 1]);
      });
      try {
        const logits = tf.tidy(() => method.predict(images).argMax(1));
        const predicted = Int32Array.from(await logits.data());
        logits.dispose();
        const heatmap = tf.tidy(() => method.explain(images, predicted).sum(-1));
        const relevance = (await heatmap.data()) as Float32Array;
        heatmap.dispose();
        indices.forEach((index, i) => {
          const truth = split.labels[index]!;
          tiles.push({
            src: tilePng(dataset, name, index, scale, relevance.subarray(i * pixels, (i + 1) * pixels)),
            caption: `→ ${dataset.classNames[predicted[i]!] ?? predicted[i]}`,
            wrong: predicted[i] !== truth,
          });
        });
      } finally {
        images.dispose();
      }
    }
    return tiles;
  } finally {
    context.dispose();
  }
}

const MASK = [0, 220, 0] as const;
const POSITIVE = [230, 40, 30] as const;
const NEGATIVE = [40, 90, 230] as const;

/**
 * An image scaled up `scale` times with its mask outline, as a PNG data URI; with a heatmap,
 * the relevance over it: red positive, blue negative, opacity growing with |relevance| over
 * the image's largest |relevance|.
 */
export function tilePng(dataset: Dataset, splitName: string, index: number, scale: number, relevance?: ArrayLike<number>): string {
  const split = getSplit(dataset, splitName);
  const { height, width } = dataset.imageSize;
  const offset = index * pixelsPerImage(dataset);
  const onOutline = maskOutline(dataset, split, index, scale);
  let peak = 0;
  if (relevance) for (let p = 0; p < relevance.length; p++) if (Number.isFinite(relevance[p]!)) peak = Math.max(peak, Math.abs(relevance[p]!));
  const rgb = new Uint8Array(width * scale * height * scale * 3);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const source = Math.floor(y / scale) * width + Math.floor(x / scale);
      const gray = split.images[offset + source]!;
      let color: readonly number[] = [gray, gray, gray];
      if (relevance && peak > 0) {
        const r = relevance[source]!;
        const alpha = Number.isFinite(r) ? 0.9 * Math.pow(Math.abs(r) / peak, 0.6) : 0;
        const tint = r >= 0 ? POSITIVE : NEGATIVE;
        // Under a heatmap the image is dimmed so that the colours stand out.
        color = color.map((c, k) => Math.round((1 - alpha) * 0.6 * c + alpha * tint[k]!));
      }
      if (onOutline(x, y)) color = MASK;
      rgb.set(color, 3 * (y * width * scale + x));
    }
  }
  return `data:image/png;base64,${Buffer.from(encodePng(width * scale, height * scale, 3, rgb)).toString('base64')}`;
}
