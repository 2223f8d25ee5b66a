import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '@isnet-bench/data';
import { initEngine } from '@isnet-bench/engine';
import { checkpointPaths, loadCheckpoint } from './checkpoint.js';
import type { TrainConfigInput } from './config.js';
import { CheckpointError, TrainConfigError, TrainingDivergedError } from './errors.js';
import { train, type TrainOptions, type TrainResult } from './loop.js';
import type { EpochSummary, ProgressEvent, StepEvent } from './progress.js';
import { snapshot, temporaryDirectory, tinyDataset, tinyMethod, validateByLoss, type TinyMethod } from './test-support/fixtures.js';

const dataset = tinyDataset(); // 48 training images: 6 batches of 8 per epoch

/** Three epochs of 6 steps with momentum, a step schedule and clipping: every piece of state matters on resume. */
function config(checkpointDir: string, overrides: Partial<TrainConfigInput> = {}): TrainConfigInput {
  return {
    checkpointDir,
    epochs: 3,
    batchSize: 8,
    seed: 4,
    optimizer: { kind: 'sgd', lr: 0.5, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
    lrSchedule: { kind: 'step', everyEpochs: 1, gamma: 0.5 },
    gradientClipNorm: 2,
    checkpointEvery: 4,
    logEvery: 1,
    ...overrides,
  };
}

/** The summary without its timings, which are the only thing allowed to differ between runs. */
function untimed(epochs: readonly EpochSummary[]) {
  return epochs.map(({ trainSeconds, imagesPerSecond, validation: { seconds, ...validation }, ...rest }) => ({ ...rest, validation }));
}

function outcome(result: TrainResult, method: TinyMethod) {
  return { weights: snapshot(method.stateVariables), epochs: untimed(result.epochs), bestMetric: result.bestMetric, bestEpoch: result.bestEpoch, steps: result.steps };
}

interface RunOptions extends Pick<TrainOptions, 'resumeFrom' | 'signal' | 'log'> {
  readonly overrides?: Partial<TrainConfigInput>;
  /** Seed of the initial weights, or the method itself. */
  readonly init?: number;
  readonly method?: TinyMethod;
}

/** A run of `config(checkpointDir, overrides)`, recording its progress events. */
async function run(checkpointDir: string, options: RunOptions = {}) {
  const method = options.method ?? tinyMethod({ init: options.init });
  const events: ProgressEvent[] = [];
  const log = (event: ProgressEvent) => {
    events.push(event);
    options.log?.(event);
  };
  const result = await train({ method, dataset, config: config(checkpointDir, options.overrides), validate: validateByLoss, resumeFrom: options.resumeFrom, signal: options.signal, log });
  return { method, result, events };
}

describe('train', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('lowers the loss, validates every epoch, keeps best and last checkpoints and reports progress', async () => {
    const dir = await temporaryDirectory();
    const { method, result, events } = await run(dir);
    expect(result).toMatchObject({ completed: true, steps: 18, checkpointDir: dir, trainImages: 48 });
    expect(result.epochs.map((epoch) => epoch.lr)).toEqual([0.5, 0.25, 0.125]);
    expect(result.epochs[2].loss).toBeLessThan(result.epochs[0].loss * 0.8);
    expect(result.epochs[2].validation.metric).toBeGreaterThan(result.epochs[0].validation.metric);
    expect(result.epochs[0]).toMatchObject({ epoch: 0, batches: 6, images: 48, validation: { details: { accuracy: expect.any(Number) } } });
    expect(Object.keys(result.epochs[0].parts)).toEqual(['classification', 'penalty']);
    expect(result.epochs[0].trainSeconds).toBeGreaterThan(0);
    expect(result.epochs[0].imagesPerSecond).toBeGreaterThan(0);
    const best = result.epochs.reduce((a, b) => (b.validation.metric > a.validation.metric ? b : a));
    expect([result.bestEpoch, result.bestMetric]).toEqual([best.epoch, best.validation.metric]);

    const last = await loadCheckpoint(checkpointPaths(dir).last, tinyMethod({ init: 3 }));
    expect(last.position).toEqual({ epoch: 3, batchIndex: 0, step: 18 });
    const bestMethod = tinyMethod({ init: 3 });
    const bestMeta = await loadCheckpoint(checkpointPaths(dir).best, bestMethod);
    expect(bestMeta.position.epoch).toBe(best.epoch + 1);
    expect((await validateByLoss(bestMethod, { epoch: 0, dataset, split: 'validation' })).metric).toBe(best.validation.metric);

    const steps = events.filter((event): event is StepEvent => event.kind === 'step');
    expect(steps).toHaveLength(18);
    expect(steps[7]).toMatchObject({ epoch: 1, epochs: 3, batch: 1, batches: 6, step: 8, lr: 0.25 });
    expect(steps[17].etaSeconds).toBe(result.epochs[1].validation.seconds); // only the last validation remains
    expect(events.filter((event) => event.kind === 'epoch').map((event) => event.epoch)).toEqual([0, 1, 2]);
    method.dispose();
  });

  it('scales the gradients to the clip norm before the update', async () => {
    const method = tinyMethod();
    const before = Object.values(snapshot(method.stateVariables)).flat();
    const { events } = await run(await temporaryDirectory(), {
      method,
      overrides: { epochs: 1, maxBatchesPerEpoch: 1, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0 }, gradientClipNorm: 0.01 },
    });
    expect((events[0] as StepEvent).gradientNorm).toBeGreaterThan(0.1);
    const after = Object.values(snapshot(method.stateVariables)).flat();
    const step = Math.hypot(...after.map((value, i) => (value - before[i]) / 0.1));
    expect(step).toBeCloseTo(0.01, 5);
  });

  it('leaks no tensors', async () => {
    const method = tinyMethod();
    const before = tf.memory().numTensors;
    await train({ method, dataset, config: config(await temporaryDirectory(), { optimizer: { kind: 'adam' } }), validate: validateByLoss });
    expect(tf.memory().numTensors).toBe(before);
    method.dispose();
  });

  it('is deterministic: one seed, identical weights and metrics; another seed, other ones', async () => {
    const a = await run(await temporaryDirectory());
    const b = await run(await temporaryDirectory());
    expect(outcome(b.result, b.method)).toEqual(outcome(a.result, a.method));
    const c = await run(await temporaryDirectory(), { overrides: { seed: 5 } });
    expect(snapshot(c.method.stateVariables)).not.toEqual(snapshot(a.method.stateVariables));
  });

  it.each([
    ['sgd with Nesterov momentum', {}],
    ['adam', { optimizer: { kind: 'adam' as const, lr: 0.05 } }],
  ])('resumed after an abort mid-epoch, ends exactly like an uninterrupted run (%s)', async (_, overrides) => {
    const uninterrupted = await run(await temporaryDirectory(), { overrides });
    const dir = await temporaryDirectory();
    const controller = new AbortController();
    const stopped = await run(dir, { overrides, signal: controller.signal, log: (event) => event.kind === 'step' && event.step === 9 && controller.abort() });
    expect(stopped.result).toMatchObject({ completed: false, steps: 9 });
    const resumed = await run(dir, { overrides, init: 42, resumeFrom: checkpointPaths(dir).last });
    expect(resumed.result.completed).toBe(true);
    expect(resumed.events[0]).toMatchObject({ kind: 'step', epoch: 1, batch: 3, step: 10 });
    expect(outcome(resumed.result, resumed.method)).toEqual(outcome(uninterrupted.result, uninterrupted.method));
  });

  it('resumed from the last step checkpoint after a kill, ends exactly like an uninterrupted run', async () => {
    const uninterrupted = await run(await temporaryDirectory());
    const dir = await temporaryDirectory();
    const kill = (event: ProgressEvent) => {
      if (event.kind === 'step' && event.step === 11) throw new Error('killed');
    };
    await expect(run(dir, { log: kill })).rejects.toThrow('killed');
    // Checkpoints at steps 4, 6 (epoch end), 8: the kill after step 11 loses steps 9 to 11.
    const { position } = JSON.parse(await readFile(join(checkpointPaths(dir).last, 'checkpoint.json'), 'utf8'));
    expect(position).toEqual({ epoch: 1, batchIndex: 2, step: 8 });
    const resumed = await run(dir, { init: 42, resumeFrom: checkpointPaths(dir).last });
    expect(outcome(resumed.result, resumed.method)).toEqual(outcome(uninterrupted.result, uninterrupted.method));
  });

  it('refuses to resume with options that change the trajectory, or another method config', async () => {
    const dir = await temporaryDirectory();
    const controller = new AbortController();
    controller.abort();
    await run(dir, { signal: controller.signal });
    const resume = (overrides: Partial<TrainConfigInput>, method = tinyMethod()) =>
      train({ method, dataset, config: config(dir, overrides), validate: validateByLoss, resumeFrom: checkpointPaths(dir).last });
    await expect(resume({ batchSize: 16, seed: 5 })).rejects.toThrow(new CheckpointError(checkpointPaths(dir).last, 'cannot resume with a different batchSize (8 in the checkpoint, 16 now), seed (4 in the checkpoint, 5 now)'));
    await expect(resume({ trainSubset: 40 })).rejects.toThrow('trainSubset (unset in the checkpoint, 40 now)');
    await expect(resume({ checkpointEvery: 1, logEvery: 3 })).resolves.toMatchObject({ completed: true });
    await expect(resume({}, tinyMethod({ name: 'other' }))).rejects.toThrow("checkpoint has method 'tiny', not 'other'");
  });

  it('stops a diverging run with TrainingDivergedError naming the step and part, before the update, leaving the last checkpoint', async () => {
    const dir = await temporaryDirectory();
    const method = tinyMethod({ nanAt: { epoch: 1, batchIndex: 3 } });
    const error = await train({ method, dataset, config: config(dir, { checkpointEvery: 1 }), validate: validateByLoss }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const diverged = error as TrainingDivergedError;
    expect(diverged.position).toEqual({ epoch: 1, epochs: 3, batchIndex: 3, batches: 6, step: 9 });
    expect(diverged.parts.map((part) => part.name)).toEqual(['total', 'penalty', 'gradient norm']);
    expect(diverged.message).toContain('training diverged at epoch 2/3, batch 4/6 (step 10): total = NaN, penalty = NaN, gradient norm = NaN');
    // The weights are the last good ones, and so is the last checkpoint (written after step 9).
    const weights = snapshot(method.stateVariables);
    expect(Object.values(weights).flat().every(Number.isFinite)).toBe(true);
    const restored = tinyMethod({ init: 8 });
    expect((await loadCheckpoint(checkpointPaths(dir).last, restored)).position).toEqual({ epoch: 1, batchIndex: 3, step: 9 });
    expect(snapshot(restored.stateVariables)).toEqual(weights);

    const exploding = train({ method: tinyMethod(), dataset, config: config(await temporaryDirectory(), { explodeThreshold: 1e-3 }), validate: validateByLoss });
    await expect(exploding).rejects.toThrow(/epoch 1\/3, batch 1\/6 \(step 1\): total = 0\.\d+, classification = 0\.\d+; the last checkpoint/);
  });

  it('trains on a seeded subset and caps the batches per epoch, and says so in the result', async () => {
    const subset = await train({ method: tinyMethod(), dataset, config: config(await temporaryDirectory(), { epochs: 1, trainSubset: 20 }), validate: validateByLoss });
    expect(subset).toMatchObject({ trainImages: 20, steps: 3, config: { trainSubset: 20 } });
    expect(subset.epochs[0]).toMatchObject({ images: 20, batches: 3 });
    const capped = await train({ method: tinyMethod(), dataset, config: config(await temporaryDirectory(), { epochs: 1, maxBatchesPerEpoch: 2 }), validate: validateByLoss });
    expect(capped.epochs[0]).toMatchObject({ images: 16, batches: 2 });
    await expect(train({ method: tinyMethod(), dataset, config: config('x', { trainSubset: 49 }), validate: validateByLoss })).rejects.toThrow(
      new TrainConfigError("trainSubset: 49 exceeds the 48 images of split 'train'"),
    );
  });

  it('checks the inputs before the first step: config, splits, masks, validation metric', async () => {
    const options = (overrides: Partial<TrainOptions>): TrainOptions => ({ method: tinyMethod(), dataset, config: config('x'), validate: validateByLoss, ...overrides });
    await expect(train(options({ config: { ...config('x'), batchSize: -1 } }))).rejects.toThrow('invalid training config: batchSize: Too small');
    await expect(train(options({ config: config('x', { validationSplit: 'val' }) }))).rejects.toThrow("no split 'val' (splits: train, validation)");
    await expect(train(options({ method: tinyMethod({ needsMasks: true }), dataset: tinyDataset({ masks: false }) }))).rejects.toThrow(DataError);
    const dir = await temporaryDirectory();
    await expect(train(options({ config: config(dir), validate: async () => ({ metric: NaN }) }))).rejects.toThrow('validate returned metric NaN after epoch 1');
  });
});
