import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { openDataset, requireMasks, writeFileAtomic, type Dataset } from '@isnet-bench/data';
import { evaluateMethod, type EvaluationResult } from '@isnet-bench/evaluation';
import { HeatmapSumStats } from '@isnet-bench/isnet-core';
import { LrpClassifier } from '@isnet-bench/lrp';
import { buildBackbone } from '@isnet-bench/models';
import { checkpointPaths, formatProgress, loadCheckpoint, parseTrainConfig, train, trainingData, type Method, type TrainResult } from '@isnet-bench/training';
import { createMethod } from './methods.js';
import { RunSpec, type RunSpecInput } from './run-spec.js';

export interface RunOptions {
  log?: (message: string) => void;
  signal?: AbortSignal;
  /** Continue from the run directory's last checkpoint when there is one. */
  resume?: boolean;
}

export interface RunOutcome {
  spec: RunSpec;
  training: TrainResult;
  /** On the test splits, with the best validation checkpoint; absent when training was stopped. */
  evaluation?: EvaluationResult;
  tuned?: Record<string, unknown>;
}

const RUN_FILE = 'run.json';
const RESULTS_FILE = 'results.json';

/** The method of a run on a fresh backbone (weights from the run's seed). */
export function instantiate(spec: RunSpec, dataset: Dataset, methodConfig = spec.methodConfig, method = spec.method): Method {
  const { height, width, channels } = dataset.imageSize;
  const { model, supervisedLayers } = buildBackbone(spec.model, { inputShape: [height, width, channels], classes: dataset.classNames.length, seed: spec.seed, ...spec.modelOptions });
  return createMethod(method, new LrpClassifier(model), { config: methodConfig, seed: spec.seed, supervisedLayers });
}

const validation = (batchSize: number) => async (method: Method, { dataset, split }: { dataset: Dataset; split: string }) => {
  const result = await evaluateMethod(method, dataset, [split], { batchSize, heatmaps: false });
  const accuracy = result.splits[split]!.accuracy ?? 0;
  return { metric: accuracy, details: { accuracy } };
};

/**
 * Trains a method on a dataset into `outDir` (run.json, checkpoints/, results.json), with
 * optional C1/C2 tuning first, then evaluates the best checkpoint on every test split.
 */
export async function runTraining(input: RunSpecInput, datasetDir: string, outDir: string, options: RunOptions = {}): Promise<RunOutcome> {
  const log = options.log ?? (() => {});
  let spec = RunSpec.parse(input);
  const dataset = await openDataset(datasetDir);
  await mkdir(outDir, { recursive: true });
  let tuned: Record<string, unknown> | undefined;
  const previous = options.resume && existsSync(join(outDir, RUN_FILE)) ? await readRun(outDir) : undefined;
  if (options.resume && !previous) log(`nothing to resume in ${outDir}: starting a new run`);
  if (previous) {
    spec = previous.spec;
    tuned = previous.tuned;
    log(`resuming ${spec.method} from ${outDir}`);
  } else if (spec.tuneEpochs > 0) {
    tuned = await tuneTargets(spec, dataset, join(outDir, 'tune'), log, options.signal);
    spec = { ...spec, methodConfig: tuned };
  }
  await writeFileAtomic(join(outDir, RUN_FILE), JSON.stringify({ spec, tuned, dataset: { dir: datasetDir, fingerprint: dataset.fingerprint } }, null, 2));

  const method = instantiate(spec, dataset);
  if (method.needsMasks) requireMasks(dataset, [(spec.train['trainSplit'] as string | undefined) ?? 'train']);
  const checkpointDir = join(outDir, 'checkpoints');
  const resumeFrom = previous ? checkpointPaths(checkpointDir).last : undefined;
  const training = await train({
    method,
    dataset,
    config: { seed: spec.seed, ...spec.train, checkpointDir },
    resumeFrom,
    validate: validation(spec.evaluation.batchSize),
    log: (event) => log(formatProgress(event)),
    signal: options.signal,
  });
  if (!training.completed) return { spec, training, tuned };

  await loadCheckpoint(checkpointPaths(checkpointDir).best, method);
  const evaluation = await evaluateSplits(method, dataset, spec, log);
  await writeFileAtomic(join(outDir, RESULTS_FILE), JSON.stringify({ spec, tuned, training: summary(training), evaluation }, null, 2));
  return { spec, training, evaluation, tuned };
}

function summary(training: TrainResult) {
  const { epochs, bestMetric, bestEpoch, seconds, steps, trainImages } = training;
  return { epochs, bestMetric, bestEpoch, seconds, steps, trainImages };
}

/** The test splits of a dataset: every split but train and validation, unless listed. */
function testSplits(dataset: Dataset, spec: RunSpec): string[] {
  return spec.evaluation.splits ?? Object.keys(dataset.splits).filter((s) => s !== 'train' && s !== 'validation');
}

async function evaluateSplits(method: Method, dataset: Dataset, spec: RunSpec, log: (m: string) => void): Promise<EvaluationResult> {
  // Progress every tenth batch and at each split's end; evaluation reports every batch.
  const sparse = (message: string) => {
    const match = /batch (\d+)\/(\d+)/.exec(message);
    if (!match || Number(match[1]) % 10 === 0 || match[1] === match[2]) log(`evaluating ${message}`);
  };
  return evaluateMethod(method, dataset, testSplits(dataset, spec), { batchSize: spec.evaluation.batchSize, heatmaps: spec.evaluation.heatmaps, log: sparse });
}

/** A run directory that cannot be read: names the file and the problem. */
export class RunError extends Error {
  override name = 'RunError';
}

export async function readRun(outDir: string): Promise<{ spec: RunSpec; tuned?: Record<string, unknown> }> {
  const file = join(outDir, RUN_FILE);
  let stored: { spec?: unknown; tuned?: Record<string, unknown> };
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new RunError(`${file}: ${missing ? "missing: not a run directory of 'isnet-bench train'" : `cannot read as JSON: ${(error as Error).message}`}`);
  }
  const spec = RunSpec.safeParse(stored.spec);
  if (!spec.success) throw new RunError(`${file}: field 'spec.${spec.error.issues[0]!.path.join('.')}': ${spec.error.issues[0]!.message}`);
  return { spec: spec.data, tuned: stored.tuned };
}

/** Evaluates a finished run's best checkpoint (or `checkpoint`) on a dataset's test splits. */
export async function evaluateRun(outDir: string, datasetDir: string, options: { checkpoint?: 'best' | 'last'; log?: (m: string) => void } = {}): Promise<EvaluationResult> {
  const { spec } = await readRun(outDir);
  const dataset = await openDataset(datasetDir);
  const method = instantiate(spec, dataset);
  await loadCheckpoint(checkpointPaths(join(outDir, 'checkpoints'))[options.checkpoint ?? 'best'], method);
  return evaluateSplits(method, dataset, spec, options.log ?? (() => {}));
}

/**
 * C1/C2 tuning (spec 4): train the plain classifier for a few epochs, record over one epoch
 * the total |H| of each heatmap the method will optimise, and set C1 = max(mu/5, mu - 3 sigma),
 * C2 = min(25 C1, mu + 3 sigma) for the input heatmap and each supervised layer.
 */
async function tuneTargets(spec: RunSpec, dataset: Dataset, dir: string, log: (m: string) => void, signal?: AbortSignal): Promise<Record<string, unknown>> {
  log(`tuning C1/C2: ${spec.tuneEpochs} epochs of the standard classifier`);
  const plain = instantiate(spec, dataset, {}, 'standard');
  await train({
    method: plain,
    dataset,
    config: { seed: spec.seed, ...spec.train, epochs: spec.tuneEpochs, checkpointDir: dir },
    validate: validation(spec.evaluation.batchSize),
    log: (event) => log(`[tune] ${formatProgress(event)}`),
    signal,
  });
  // The ISNet method on the plainly trained weights gives the heatmaps to measure.
  const probe = instantiate(spec, dataset);
  for (const [name, variable] of Object.entries(plain.stateVariables)) probe.stateVariables[name]!.assign(variable);
  if (!probe.tuningHeatmaps) throw new Error(`method '${spec.method}' has no tuning heatmaps: give C1 and C2 instead of tuning`);
  // One epoch of the run's own training images (its subset and batch cap included).
  const data = trainingData(dataset, parseTrainConfig({ seed: spec.seed, ...spec.train, checkpointDir: dir }));
  const stats: HeatmapSumStats[] = [];
  let index = 0;
  for (const batch of data.iterator.epoch(0)) {
    if (index >= data.batches) {
      batch.dispose();
      break;
    }
    const batchIndex = index++;
    const maps = tf.tidy(() => probe.tuningHeatmaps!(batch, { epoch: 0, batchIndex }));
    for (const [i, map] of maps.entries()) await (stats[i] ??= new HeatmapSumStats()).add(map as tf.Tensor5D);
    tf.dispose(maps);
    batch.dispose();
    if (index % 20 === 0) log(`[tune] heatmap statistics: batch ${index}/${data.batches}`);
  }
  const [input, ...hidden] = stats.map((s) => s.tuned());
  log(`tuned C1 ${input!.C1.toPrecision(4)}, C2 ${input!.C2.toPrecision(4)} (mu ${input!.mu.toPrecision(4)}, sigma ${input!.sigma.toPrecision(4)})`);
  const config = structuredClone(spec.methodConfig) as Record<string, Record<string, unknown>>;
  config['loss'] = { ...config['loss'], C1: input!.C1, C2: input!.C2 };
  if (hidden.length) config['deepSupervision'] = { ...config['deepSupervision'], targets: hidden.map(({ C1, C2 }) => ({ C1, C2 })) };
  return config;
}
