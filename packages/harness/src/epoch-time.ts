import * as tf from '@tensorflow/tfjs';
import { Bench } from 'tinybench';
import type { Batch, Dataset } from '@isnet-bench/data';
import { createTrainingStep, parseTrainConfig, trainingData, type TrainingData, type TrainingStep } from '@isnet-bench/training';
import type { EpochTimeCell } from './cells.js';
import { methodDefinition, parseMethodConfig } from './methods.js';
import { spread, type EpochTime } from './record.js';
import { datasetShape, methodContext, type OwnedContext } from './run.js';

/**
 * A label for class count `classes` from a label of the dataset's `known` classes: fewer
 * classes fold the labels (label mod C); more spread each label over C / known classes by
 * the image's index. Timing only: the cost of a step depends on C, not on what the labels mean.
 */
export function mappedLabel(label: number, index: number, known: number, classes: number): number {
  return classes <= known ? label % classes : label + known * (index % Math.floor(classes / known));
}

/** One cell being timed: its method and training step, its (label-mapped) batches. */
interface Timed {
  readonly cell: EpochTimeCell;
  readonly context: OwnedContext;
  readonly step: TrainingStep;
  readonly data: TrainingData;
  readonly known: number;
  /** Steps timed per round. */
  measuredSteps: number;
}

function batchFor(timed: Timed, epoch: number, batchIndex: number): Batch {
  const batch = timed.data.iterator.batch(epoch, batchIndex);
  const labelArray = Int32Array.from(batch.labelArray, (label, i) => mappedLabel(label, batch.indices[i]!, timed.known, timed.cell.classes));
  const labels = tf.tensor1d(labelArray, 'int32');
  return {
    ...batch,
    labels,
    labelArray,
    dispose() {
      batch.dispose();
      labels.dispose();
    },
  };
}

function runSteps(timed: Timed, epoch: number, steps: number, signal?: AbortSignal): void {
  for (let batchIndex = 0; batchIndex < steps && !signal?.aborted; batchIndex++) {
    const batch = batchFor(timed, epoch, batchIndex);
    try {
      timed.step.run(batch, { epoch, epochs: epoch + 1, batchIndex, batches: timed.data.batches, step: batchIndex }, 1e-3);
    } finally {
      batch.dispose();
    }
  }
}

function prepare(cell: EpochTimeCell, dataset: Dataset): Timed {
  const { timing } = cell;
  const context = methodContext({ model: cell.backbone, modelOptions: cell.backboneOptions, seed: cell.seed }, { ...datasetShape(dataset), classes: cell.classes });
  const definition = methodDefinition(cell.method);
  const method = definition.create(parseMethodConfig(definition, cell.methodConfig), context);
  const trainCount = dataset.splits['train']?.count ?? 0;
  const config = parseTrainConfig({
    checkpointDir: '-',
    seed: cell.seed,
    batchSize: timing.batchSize,
    optimizer: timing.optimizer,
    gradientClipNorm: timing.gradientClipNorm,
    ...(timing.epochImages < trainCount ? { trainSubset: timing.epochImages } : {}),
  });
  return { cell, context, step: createTrainingStep(method, config), data: trainingData(dataset, config), known: dataset.classNames.length, measuredSteps: 0 };
}

/**
 * Epoch time of each cell (all of one backbone, so the standard classifier's cells are the
 * reference), in `timing.rounds` rounds that each time one epoch of every cell in turn (the
 * order rotating per round), so a slow phase of a shared machine falls on every cell alike.
 * After warm-up steps, a cell whose epoch would exceed maxEpochSeconds is timed on
 * extrapolationSteps steps per round and scaled to the epoch (flagged extrapolated).
 */
export async function measureEpochTimes(
  cells: readonly EpochTimeCell[],
  dataset: Dataset,
  options: { log?: (message: string) => void; signal?: AbortSignal } = {},
): Promise<Map<string, EpochTime> | undefined> {
  const log = options.log ?? (() => {});
  const timing = cells[0]!.timing;
  const all: Timed[] = [];
  try {
    for (const cell of cells) {
      const timed = prepare(cell, dataset);
      all.push(timed);
      // Warm-up: compile and allocate, then one timed step to decide full or extrapolated epochs.
      runSteps(timed, 0, Math.min(timing.warmupSteps, timed.data.batches));
      const started = performance.now();
      runSteps(timed, 0, 1);
      const estimate = ((performance.now() - started) / 1000) * timed.data.batches;
      timed.measuredSteps = estimate > timing.maxEpochSeconds ? Math.min(timing.extrapolationSteps, timed.data.batches) : timed.data.batches;
      log(`timing ${cell.label} C=${cell.classes}: ~${estimate.toFixed(1)} s per epoch of ${timed.data.batches} steps${timed.measuredSteps < timed.data.batches ? `; timing ${timed.measuredSteps} steps per round (extrapolated)` : ''}`);
      if (options.signal?.aborted) return undefined;
    }
    const samples = new Map<Timed, number[]>(all.map((t) => [t, []]));
    for (let round = 0; round < timing.rounds; round++) {
      // The signal is checked between steps (tinybench would add a listener per task to it).
      const bench = new Bench({ iterations: 1, time: 0, warmup: false, retainSamples: true, throws: true });
      const order = all.map((_, i) => all[(i + round) % all.length]!);
      for (const timed of order) bench.add(timed.cell.id, () => runSteps(timed, round + 1, timed.measuredSteps, options.signal));
      await bench.run();
      if (options.signal?.aborted) return undefined;
      for (const timed of order) {
        const { latency } = bench.getTask(timed.cell.id)!.result as { latency?: { samples?: number[] } };
        const ms = latency?.samples?.[0];
        if (ms === undefined) throw new Error(`no timing for ${timed.cell.label} at C=${timed.cell.classes}`);
        samples.get(timed)!.push(((ms / 1000) * timed.data.batches) / timed.measuredSteps);
      }
      log(`timing round ${round + 1}/${timing.rounds}: ${order.map((t) => `${t.cell.label}@${t.cell.classes} ${samples.get(t)!.at(-1)!.toFixed(2)} s`).join(', ')}`);
    }
    const results = new Map<string, EpochTime>();
    for (const timed of all) {
      const seconds = spread(samples.get(timed)!);
      const reference = all.find((t) => t.cell.method === 'standard' && t.cell.classes === timed.cell.classes);
      const standardSeconds = reference ? spread(samples.get(reference)!).median : null;
      results.set(timed.cell.id, {
        classes: timed.cell.classes,
        images: timed.data.images,
        batchSize: timing.batchSize,
        stepsPerEpoch: timed.data.batches,
        measuredSteps: timed.measuredSteps,
        extrapolated: timed.measuredSteps < timed.data.batches,
        seconds,
        standardSeconds,
        overhead: standardSeconds ? seconds.median / standardSeconds : null,
      });
    }
    return results;
  } finally {
    for (const timed of all) {
      timed.step.dispose();
      timed.context.dispose();
    }
  }
}
