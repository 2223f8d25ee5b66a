import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { describeIssues, openDataset, requireMasks, writeFileAtomic, type Dataset, type OpenedDataset } from '@isnet-bench/data';
import { artifactPairs, evaluateMethod, reluCuts, shortcutDiagnostics, type EvaluationResult, type ShortcutDiagnostics } from '@isnet-bench/evaluation';
import { LrpClassifier } from '@isnet-bench/lrp';
import { buildBackbone } from '@isnet-bench/models';
import {
  checkpointPaths,
  formatProgress,
  loadCheckpoint,
  parseTrainConfig,
  train,
  trainingData,
  type Method,
  type MethodContext,
  type PreparationContext,
  type TrainResult,
} from '@isnet-bench/training';
import { methodDefinition, parseMethodConfig } from './methods.js';
import { RunSpec, type DiagnosticsSettings, type RunSpecInput } from './run-spec.js';

export interface RunOptions {
  log?: (message: string) => void;
  signal?: AbortSignal;
  /** Continue from the run directory's last checkpoint when there is one. */
  resume?: boolean;
}

export interface RunOutcome {
  spec: RunSpec;
  /** Absent when the run was stopped before training began (during its preparation). */
  training?: TrainResult;
  /** The method's config as trained (defaults and preparation applied). */
  methodConfig: Record<string, unknown>;
  /** What the method's preparation found (the ISNets' tuned C1/C2), if it had one. */
  prepared?: Record<string, unknown>;
  /** On the test splits, with the best validation checkpoint; absent when training was stopped. */
  evaluation?: EvaluationResult;
}

const RUN_FILE = 'run.json';
const RESULTS_FILE = 'results.json';

/** The models a context built, so that a run can release them. */
export interface OwnedContext extends MethodContext {
  /** The backbones built so far, in order: a method created after n of them owns the rest. */
  readonly built: readonly LayersModel[];
  dispose(): void;
}

/** The context a run's method is built from: the dataset's shape, the run's seed and backbone. */
export function methodContext(spec: Pick<RunSpec, 'model' | 'modelOptions' | 'seed'>, shape: { inputShape: [number, number, number]; classes: number }): OwnedContext {
  const models: LayersModel[] = [];
  const build = () => buildBackbone(spec.model, { inputShape: shape.inputShape, classes: shape.classes, seed: spec.seed, ...spec.modelOptions });
  const probe = build();
  probe.model.dispose();
  return {
    ...shape,
    seed: spec.seed,
    supervisedLayers: probe.supervisedLayers,
    built: models,
    backbone() {
      const { model } = build();
      models.push(model);
      return model;
    },
    own(model) {
      models.push(model);
      return model;
    },
    dispose() {
      for (const model of models.splice(0)) model.dispose();
    },
  };
}

export function datasetShape(dataset: Dataset): { inputShape: [number, number, number]; classes: number } {
  const { height, width, channels } = dataset.imageSize;
  return { inputShape: [height, width, channels], classes: dataset.classNames.length };
}

/** The method of a run on a fresh backbone (weights from the run's seed). */
export function instantiate(spec: RunSpec, context: MethodContext, methodConfig: Record<string, unknown> = spec.methodConfig): Method {
  const definition = methodDefinition(spec.method);
  return definition.create(parseMethodConfig(definition, methodConfig), context);
}

const validation = (batchSize: number) => async (method: Method, { dataset, split }: { dataset: Dataset; split: string }) => {
  const result = await evaluateMethod(method, dataset, [split], { batchSize, heatmaps: false });
  const accuracy = result.splits[split]!.accuracy ?? 0;
  return { metric: accuracy, details: { accuracy } };
};

/** What run.json holds besides the spec: the prepared config and what preparation found. */
interface StoredRun {
  spec: RunSpec;
  prepared?: { config: Record<string, unknown>; report: Record<string, unknown> };
}

/**
 * Trains a method on a dataset folder into `outDir` (run.json, checkpoints/, results.json):
 * the method's preparation first (e.g. C1/C2 tuning) if it has one, then training, then the
 * best checkpoint on every test split.
 */
export async function runTraining(input: RunSpecInput, datasetDir: string, outDir: string, options: RunOptions = {}): Promise<RunOutcome> {
  // A bad method or config fails before the dataset is read.
  const spec = RunSpec.parse(input);
  const definition = methodDefinition(spec.method);
  parseMethodConfig(definition, spec.methodConfig);
  const dataset = await openDataset(datasetDir);
  const outcome = await trainAndEvaluate(spec, dataset, outDir, options);
  if (outcome.evaluation) {
    const { spec, methodConfig, prepared, training, evaluation } = outcome;
    await writeFileAtomic(join(outDir, RESULTS_FILE), JSON.stringify({ spec, methodConfig, prepared, training: summary(training!), evaluation }, null, 2));
  }
  return outcome;
}

/** runTraining on an opened dataset; writes run.json and the checkpoints, returns the evaluation. */
export async function trainAndEvaluate(input: RunSpecInput, dataset: OpenedDataset, outDir: string, options: RunOptions = {}): Promise<RunOutcome> {
  const log = options.log ?? (() => {});
  await mkdir(outDir, { recursive: true });
  const previous = options.resume && existsSync(join(outDir, RUN_FILE)) ? await readRun(outDir) : undefined;
  if (options.resume && !previous) log(`nothing to resume in ${outDir}: starting a new run`);
  // A resumed run goes on with the spec it started with.
  const spec = previous?.spec ?? RunSpec.parse(input);
  if (previous) log(`resuming ${spec.method} from ${outDir}`);
  const definition = methodDefinition(spec.method);
  let methodConfig = parseMethodConfig(definition, spec.methodConfig);
  const context = methodContext(spec, datasetShape(dataset));
  try {
    let prepared = previous?.prepared;
    if (!prepared && definition.prepare) {
      const preparation = await definition.prepare(methodConfig, preparationContext(spec, dataset, context, join(outDir, 'prepare'), log, options.signal));
      if (options.signal?.aborted) return { spec, methodConfig };
      if (preparation) prepared = { config: preparation.config as Record<string, unknown>, report: preparation.report };
    }
    if (prepared) methodConfig = prepared.config;
    await writeFileAtomic(join(outDir, RUN_FILE), JSON.stringify({ spec, prepared, dataset: { dir: dataset.dir, fingerprint: dataset.fingerprint } }, null, 2));

    const before = context.built.length;
    const method = definition.create(methodConfig, context);
    const backbones = context.built.slice(before);
    if (method.needsMasks) requireMasks(dataset, [(spec.train['trainSplit'] as string | undefined) ?? 'train']);
    const checkpointDir = join(outDir, 'checkpoints');
    const resumeFrom = previous && existsSync(join(checkpointPaths(checkpointDir).last, 'checkpoint.json')) ? checkpointPaths(checkpointDir).last : undefined;
    const training = await train({
      method,
      dataset,
      config: { seed: spec.seed, ...spec.train, checkpointDir },
      resumeFrom,
      validate: validation(spec.evaluation.batchSize),
      log: (event) => log(formatProgress(event)),
      signal: options.signal,
    });
    const outcome: RunOutcome = { spec, training, methodConfig: method.config, prepared: prepared?.report };
    if (!training.completed) return outcome;
    await loadCheckpoint(checkpointPaths(checkpointDir).best, method);
    return { ...outcome, evaluation: await evaluateSplits(method, backbones, dataset, spec, log) };
  } finally {
    context.dispose();
  }
}

function preparationContext(spec: RunSpec, dataset: Dataset, context: MethodContext, dir: string, log: (m: string) => void, signal?: AbortSignal): PreparationContext {
  const trainConfig = (checkpointDir: string) => ({ seed: spec.seed, ...spec.train, checkpointDir });
  const trainMethod: PreparationContext['trainMethod'] = async (method, { epochs, name, validate }) => {
    const checkpointDir = join(dir, name);
    const last = checkpointPaths(checkpointDir).last;
    return train({
      method,
      dataset,
      config: { ...trainConfig(checkpointDir), epochs },
      resumeFrom: existsSync(join(last, 'checkpoint.json')) ? last : undefined,
      validate: validate ?? validation(spec.evaluation.batchSize),
      log: (event) => log(`[${name}] ${formatProgress(event)}`),
      signal,
    });
  };
  return {
    ...context,
    dataset,
    dir,
    log,
    signal,
    async trainPlainClassifier(epochs, name) {
      const plain = methodDefinition('standard').create({}, context);
      const result = await trainMethod(plain, { epochs, name });
      return result.completed ? plain.stateVariables : undefined;
    },
    trainMethod,
    *trainingBatches() {
      const data = trainingData(dataset, parseTrainConfig(trainConfig(dir)));
      for (let batchIndex = 0; batchIndex < data.batches; batchIndex++) yield data.iterator.batch(0, batchIndex);
    },
  };
}

export function summary(training: TrainResult) {
  const { epochs, bestMetric, bestEpoch, selectedBy, seconds, steps, trainImages } = training;
  return { epochs, bestMetric, bestEpoch, selectedBy, seconds, steps, trainImages };
}

/** The test splits of a dataset: every split but train and validation, unless listed. */
export function testSplits(dataset: Dataset, splits?: readonly string[]): string[] {
  return splits ? [...splits] : Object.keys(dataset.splits).filter((s) => s !== 'train' && s !== 'validation');
}

/** The test splits' metrics, and the shortcut diagnostics when the spec asks for them and the dataset has paired splits. */
async function evaluateSplits(method: Method, backbones: readonly LayersModel[], dataset: Dataset, spec: RunSpec, log: (m: string) => void): Promise<EvaluationResult> {
  // Progress every tenth batch and at each split's end; evaluation reports every batch.
  const sparse = (prefix: string) => (message: string) => {
    const match = /batch (\d+)\/(\d+)/.exec(message);
    if (!match || Number(match[1]) % 10 === 0 || match[1] === match[2]) log(`${prefix} ${message}`);
  };
  const result = await evaluateMethod(method, dataset, testSplits(dataset, spec.evaluation.splits), { batchSize: spec.evaluation.batchSize, heatmaps: spec.evaluation.heatmaps, log: sparse('evaluating') });
  const settings = spec.evaluation.diagnostics;
  if (!settings) return result;
  const diagnostics = await diagnose(backbones, dataset, settings, log, sparse('diagnostics:'));
  return diagnostics ? { ...result, diagnostics } : result;
}

/**
 * Shortcut diagnostics of a method's classifier (its one backbone, best weights loaded), or
 * undefined, with the reason logged, where they do not apply: a dataset without paired splits,
 * a method of several networks.
 */
async function diagnose(backbones: readonly LayersModel[], dataset: Dataset, settings: DiagnosticsSettings, log: (m: string) => void, progress: (m: string) => void): Promise<ShortcutDiagnostics | undefined> {
  const pairs = artifactPairs(dataset);
  if (pairs.length === 0) {
    log(`shortcut diagnostics skipped: the dataset has no paired splits (test or confounding recording their artifact, and unbiased)`);
    return undefined;
  }
  if (backbones.length !== 1) {
    log(`shortcut diagnostics skipped: the method built ${backbones.length} networks; the diagnostics read one classifier`);
    return undefined;
  }
  const classifier = new LrpClassifier(backbones[0]!);
  const cuts = reluCuts(classifier.graph);
  const layers = settings.layers === 'all' ? cuts : cuts.slice(-settings.layers);
  return shortcutDiagnostics(classifier, dataset, { pairs, limit: settings.limit, steps: settings.steps, batchSize: settings.batchSize, layers, log: progress });
}

/** A run directory that cannot be read: names the file and the problem. */
export class RunError extends Error {
  override name = 'RunError';
}

export async function readRun(outDir: string): Promise<StoredRun> {
  const file = join(outDir, RUN_FILE);
  let stored: { spec?: unknown; prepared?: StoredRun['prepared'] };
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new RunError(`${file}: ${missing ? "missing: not a run directory of 'isnet-bench train'" : `cannot read as JSON: ${(error as Error).message}`}`);
  }
  const spec = RunSpec.safeParse(stored.spec);
  if (!spec.success) throw new RunError(`${file}: ${describeIssues(spec.error.issues, { input: stored.spec, schema: RunSpec, at: ['spec'] })}`);
  return { spec: spec.data, prepared: stored.prepared };
}

/**
 * Evaluates a finished run's best checkpoint (or `checkpoint`) on a dataset's test splits;
 * with the run's shortcut diagnostics, or `diagnostics` instead of them.
 */
export async function evaluateRun(
  outDir: string,
  datasetDir: string,
  options: { checkpoint?: 'best' | 'last'; log?: (m: string) => void; diagnostics?: DiagnosticsSettings } = {},
): Promise<EvaluationResult> {
  const run = await readRun(outDir);
  const spec = options.diagnostics ? { ...run.spec, evaluation: { ...run.spec.evaluation, diagnostics: options.diagnostics } } : run.spec;
  const dataset = await openDataset(datasetDir);
  const context = methodContext(spec, datasetShape(dataset));
  try {
    const before = context.built.length;
    const method = instantiate(spec, context, run.prepared?.config ?? spec.methodConfig);
    const backbones = context.built.slice(before);
    await loadCheckpoint(checkpointPaths(join(outDir, 'checkpoints'))[options.checkpoint ?? 'best'], method);
    return await evaluateSplits(method, backbones, dataset, spec, options.log ?? (() => {}));
  } finally {
    context.dispose();
  }
}
