import { setImmediate as nextMacrotask } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs';
import { BatchIterator, getSplit, requireMasks, type Dataset } from '@isnet-bench/data';
import { assignCheckpoint, checkCheckpoint, checkpointPaths, readCheckpoint, saveCheckpoint, type CheckpointMeta, type StoredCheckpoint } from './checkpoint.js';
import { parseTrainConfig, TRAJECTORY_FIELDS, type CheckpointSelection, type TrainConfig, type TrainConfigInput } from './config.js';
import { CheckpointError, TrainConfigError } from './errors.js';
import type { Method } from './method.js';
import { emptyProgress, recordStep, throughput, type EpochSummary, type ProgressEvent, type StepValues } from './progress.js';
import { learningRate } from './schedule.js';
import { createTrainingStep, trainStep, type StepContext } from './step.js';
import { trainingData, type TrainingData } from './train-data.js';

/** The caller's validation of one epoch; `metric`: higher is better; `details`: JSON, kept in the epoch summary. */
export interface ValidationResult {
  readonly metric: number;
  readonly details?: unknown;
}

export interface ValidationContext {
  /** 0-based epoch just trained. */
  readonly epoch: number;
  readonly dataset: Dataset;
  /** config.validationSplit. */
  readonly split: string;
}

export type Validate = (method: Method, context: ValidationContext) => Promise<ValidationResult>;

export interface TrainOptions {
  readonly method: Method;
  readonly dataset: Dataset;
  readonly config: TrainConfigInput;
  /** A checkpoint directory to continue from, usually `checkpointPaths(config.checkpointDir).last`. */
  readonly resumeFrom?: string;
  readonly validate: Validate;
  readonly log?: (event: ProgressEvent) => void;
  /** Abort (e.g. on SIGINT) to stop after the current step with a checkpoint written. */
  readonly signal?: AbortSignal;
}

export interface TrainResult {
  /** False when `signal` stopped the run; resume from `checkpointPaths(checkpointDir).last`. */
  readonly completed: boolean;
  /** Every finished epoch, including those before a resume. */
  readonly epochs: readonly EpochSummary[];
  /** How the best epoch was chosen: config.select, or the method's default. */
  readonly selectedBy: CheckpointSelection;
  /** null until an epoch has been validated; with selection by loss, the best epoch's validation loss. */
  readonly bestMetric: number | null;
  readonly bestEpoch: number | null;
  /** Wall-clock seconds of this call (a resumed run counts only its own part). */
  readonly seconds: number;
  /** Optimisation steps of the whole run. */
  readonly steps: number;
  readonly checkpointDir: string;
  /** Images in the train split as used (after trainSubset). */
  readonly trainImages: number;
  readonly config: TrainConfig;
}

type RunState = Pick<CheckpointMeta, 'position' | 'best' | 'history' | 'epochProgress'>;

/**
 * Trains `method` on `dataset`: for each epoch, the seeded batches of the train split, then
 * `validate`; checkpoints 'last' every `checkpointEvery` steps and at every epoch end, and
 * 'best' whenever the validation metric improves. A run resumed from any of its checkpoints
 * ends with exactly the weights and summaries of an uninterrupted one (same backend).
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const config = parseTrainConfig(options.config);
  const { method, dataset } = options;
  const data = trainingData(dataset, config);
  const selectedBy = checkpointSelection(method, config);
  if (method.needsMasks) requireMasks(data.dataset, [config.trainSplit, ...(selectedBy === 'loss' ? [config.validationSplit] : [])]);
  getSplit(dataset, config.validationSplit); // a misspelt split fails now, not after the first epoch
  const stepper = createTrainingStep(method, config);
  const { optimizer } = stepper.context;
  try {
    let state: RunState = { position: { epoch: 0, batchIndex: 0, step: 0 }, best: null, history: [], epochProgress: emptyProgress() };
    if (options.resumeFrom !== undefined) {
      const stored = await readCheckpoint(options.resumeFrom);
      checkCheckpoint(stored, method, optimizer);
      checkResumable(stored, method, config, data, selectedBy);
      assignCheckpoint(stored, method, optimizer);
      const { position, best, history, epochProgress } = stored.meta;
      state = { position, best, history, epochProgress };
    }
    const run = new TrainingRun(options, config, data, stepper.context, state, selectedBy);
    const completed = await run.run();
    const { position, best, history } = state;
    return {
      completed,
      epochs: history,
      selectedBy,
      bestMetric: best?.metric ?? null,
      bestEpoch: best?.epoch ?? null,
      seconds: (performance.now() - started) / 1000,
      steps: position.step,
      checkpointDir: config.checkpointDir,
      trainImages: data.images,
      config,
    };
  } finally {
    stepper.dispose();
  }
}

/** The checkpoint selection of a run: as configured, else by loss where the method defines one. */
export function checkpointSelection(method: Method, config: Pick<TrainConfig, 'select'>): CheckpointSelection {
  const selectedBy = config.select ?? (method.validationLoss ? 'loss' : 'accuracy');
  if (selectedBy === 'loss' && !method.validationLoss) throw new TrainConfigError(`select: 'loss' needs a validation loss, and method '${method.name}' defines none; use select 'accuracy'`);
  return selectedBy;
}

/** Resuming is only exact with the same method config, trajectory options, training images and checkpoint selection. */
function checkResumable(stored: StoredCheckpoint, method: Method, config: TrainConfig, data: TrainingData, selectedBy: CheckpointSelection): void {
  const { meta } = stored;
  const storedSelection = meta.best?.by ?? 'accuracy';
  const differences = [
    ...(meta.best && storedSelection !== selectedBy ? [`checkpoint selection (by ${storedSelection} in the checkpoint, by ${selectedBy} now)`] : []),
    ...differingKeys(meta.method.config, method.config).map((key) => `method config ${key}`),
    ...TRAJECTORY_FIELDS.filter((key) => JSON.stringify(meta.trainConfig[key]) !== JSON.stringify(config[key])).map(
      (key) => `${key} (${JSON.stringify(meta.trainConfig[key]) ?? 'unset'} in the checkpoint, ${JSON.stringify(config[key]) ?? 'unset'} now)`,
    ),
  ];
  if (differences.length > 0) throw new CheckpointError(stored.dir, `cannot resume with a different ${differences.join(', ')}`);
  if (meta.data.fingerprint !== data.fingerprint) {
    throw new CheckpointError(stored.dir, `cannot resume on other training images: split '${config.trainSplit}' (${data.images} images) differs from the checkpoint's (${meta.data.images} images)`);
  }
}

function differingKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

class TrainingRun {
  private readonly paths: { last: string; best: string };
  /** Position of the last 'last' checkpoint written by this call, to skip rewriting it on a stop. */
  private lastSavedAt = '';

  constructor(
    private readonly options: TrainOptions,
    private readonly config: TrainConfig,
    private readonly data: TrainingData,
    private readonly context: StepContext,
    private readonly state: RunState,
    private readonly selectedBy: CheckpointSelection,
  ) {
    this.paths = checkpointPaths(config.checkpointDir);
  }

  /** True when every epoch ran, false when stopped by the signal. */
  async run(): Promise<boolean> {
    const { config, data, state } = this;
    while (state.position.epoch < config.epochs) {
      const lr = learningRate(config.optimizer.lr, config.lrSchedule, state.position.epoch, config.epochs);
      while (state.position.batchIndex < data.batches) {
        if (await this.stopRequested()) return false;
        this.step(lr);
        if (config.checkpointEvery > 0 && state.position.step % config.checkpointEvery === 0) await this.save('last');
      }
      if (await this.stopRequested()) return false;
      await this.finishEpoch(lr);
    }
    return true;
  }

  private step(lr: number): void {
    const { position } = this.state;
    const { epochs } = this.config;
    const { batches } = this.data;
    const started = performance.now();
    const batch = this.data.iterator.batch(position.epoch, position.batchIndex);
    let values: StepValues;
    try {
      values = trainStep(this.context, batch, { epoch: position.epoch, epochs, batchIndex: position.batchIndex, batches, step: position.step }, lr);
    } finally {
      batch.dispose();
    }
    const progress = this.state.epochProgress;
    recordStep(progress, values, batch.labelArray.length, (performance.now() - started) / 1000);
    const batchDone = position.batchIndex;
    position.batchIndex += 1;
    position.step += 1;
    if ((batchDone + 1) % this.config.logEvery !== 0 && batchDone + 1 !== batches) return;
    const remainingBatches = batches - position.batchIndex + (epochs - position.epoch - 1) * batches;
    const validationSeconds = this.state.history.at(-1)?.validation.seconds ?? 0;
    this.options.log?.({
      kind: 'step',
      epoch: position.epoch,
      epochs,
      batch: batchDone,
      batches,
      step: position.step,
      lr,
      loss: progress.average!.loss,
      parts: progress.average!.parts,
      gradientNorm: values.gradientNorm,
      imagesPerSecond: throughput(progress.images, progress.seconds),
      etaSeconds: remainingBatches * (progress.seconds / progress.batches) + (epochs - position.epoch) * validationSeconds,
    });
  }

  private async finishEpoch(lr: number): Promise<void> {
    const { method, dataset, validate } = this.options;
    const { position, epochProgress: progress } = this.state;
    const started = performance.now();
    const validation = await validate(method, { epoch: position.epoch, dataset, split: this.config.validationSplit });
    if (!Number.isFinite(validation.metric)) {
      throw new TypeError(`validate returned metric ${validation.metric} after epoch ${position.epoch + 1}; it must be a finite number (higher is better)`);
    }
    const byLoss = this.selectedBy === 'loss';
    const loss = byLoss ? await validationLoss(method, dataset, this.config.validationSplit, this.config.batchSize) : undefined;
    if (loss && !Number.isFinite(loss.total)) {
      throw new TypeError(`the validation loss after epoch ${position.epoch + 1} is ${loss.total}; selection by loss needs a finite one`);
    }
    const value = loss ? loss.total : validation.metric;
    const best = this.state.best === null || (byLoss ? value < this.state.best.metric : value > this.state.best.metric);
    const summary: EpochSummary = {
      epoch: position.epoch,
      lr,
      batches: progress.batches,
      images: progress.images,
      loss: progress.lossSum / progress.batches,
      parts: Object.fromEntries(Object.entries(progress.partSums).map(([name, sum]) => [name, sum / progress.batches])),
      trainSeconds: progress.seconds,
      imagesPerSecond: throughput(progress.images, progress.seconds),
      // Through JSON, so the summary is the same whether it was just made or read from a checkpoint.
      validation: {
        metric: validation.metric,
        details: JSON.parse(JSON.stringify(validation.details ?? null)),
        seconds: (performance.now() - started) / 1000,
        ...(loss ? { loss } : {}),
      },
      best,
    };
    this.state.history.push(summary);
    if (best) this.state.best = { metric: value, epoch: position.epoch, ...(byLoss ? { by: 'loss' as const } : {}) };
    position.epoch += 1;
    position.batchIndex = 0;
    this.state.epochProgress = emptyProgress();
    // 'best' first: a kill between the writes leaves 'last' an epoch behind, and redoing that
    // epoch rewrites the same 'best'; the other order could leave 'last' naming a best epoch whose weights were never saved.
    if (best) await this.save('best');
    await this.save('last');
    this.options.log?.({ kind: 'epoch', epochs: this.config.epochs, ...summary });
  }

  /** Yields to the event loop (steps are synchronous: without this a SIGINT handler could never run), then checkpoints if aborted. */
  private async stopRequested(): Promise<boolean> {
    await nextMacrotask();
    if (!this.options.signal?.aborted) return false;
    await this.save('last');
    return true;
  }

  private async save(which: 'last' | 'best'): Promise<void> {
    const { position } = this.state;
    const at = `${position.epoch}:${position.batchIndex}`;
    if (which === 'last' && at === this.lastSavedAt) return;
    const meta: CheckpointMeta = {
      method: { name: this.options.method.name, config: this.options.method.config },
      trainConfig: this.config,
      data: { split: this.config.trainSplit, images: this.data.images, fingerprint: this.data.fingerprint },
      ...this.state,
    };
    await saveCheckpoint(this.paths[which], meta, this.options.method, this.context.optimizer);
    if (which === 'last') this.lastSavedAt = at;
  }
}

/**
 * The method's validation loss over a split, each batch weighted by its size: the mean total
 * and the mean of each part (float64 sums on the host), in the split's stored order.
 */
export async function validationLoss(method: Method, dataset: Dataset, split: string, batchSize: number): Promise<{ total: number; parts: Record<string, number> }> {
  const iterator = new BatchIterator(dataset, split, { batchSize, seed: 0, shuffle: false });
  let total = 0;
  const parts: Record<string, number> = {};
  for (const batch of iterator.epoch(0)) {
    try {
      const values = tf.tidy(() => {
        const loss = method.validationLoss!(batch);
        const names = Object.keys(loss.parts);
        return { names, stacked: tf.stack([loss.total, ...names.map((name) => loss.parts[name]!)]) };
      });
      const numbers = await values.stacked.data();
      values.stacked.dispose();
      const weight = batch.labelArray.length / iterator.count;
      total += numbers[0]! * weight;
      values.names.forEach((name, i) => (parts[name] = (parts[name] ?? 0) + numbers[i + 1]! * weight));
    } finally {
      batch.dispose();
    }
    // Long validations must not starve a SIGINT handler either.
    await nextMacrotask();
  }
  return { total, parts };
}
