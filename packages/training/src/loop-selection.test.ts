import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getSplit } from '@isnet-bench/data';
import { initEngine } from '@isnet-bench/engine';
import { checkpointPaths, readCheckpoint } from './checkpoint.js';
import { CheckpointError, TrainConfigError } from './errors.js';
import { train, validationLoss, type Validate } from './loop.js';
import type { Method } from './method.js';
import { snapshot, temporaryDirectory, tinyDataset, tinyMethod, type TinyMethod } from './test-support/fixtures.js';

const dataset = tinyDataset(); // 48 training images, 16 validation images

/**
 * A constructed case: the validation metric rises every epoch (accuracy picks the last), while
 * the scripted validation loss is lowest after the second epoch. Records the weights each
 * epoch ended with, to compare with the 'best' checkpoint.
 */
function scripted(losses: readonly number[], metrics: readonly number[], options: { withLoss?: boolean } = {}) {
  const method: TinyMethod & { validationLoss?: Method['validationLoss'] } = tinyMethod({ init: 2 });
  const weights: Record<string, number[]>[] = [];
  let epoch = 0;
  const validate: Validate = async (m, context) => {
    epoch = context.epoch;
    weights[context.epoch] = snapshot(m.stateVariables);
    return { metric: metrics[context.epoch]!, details: { accuracy: metrics[context.epoch] } };
  };
  if (options.withLoss ?? true) {
    method.validationLoss = () => {
      const total = tf.scalar(losses[epoch]!);
      return { total, parts: { classification: tf.scalar(losses[epoch]! / 2) } };
    };
  }
  return { method, validate, weights };
}

const config = (checkpointDir: string, extra: Record<string, unknown> = {}) => ({ checkpointDir, epochs: 3, batchSize: 8, seed: 5, checkpointEvery: 0, ...extra });

describe('checkpoint selection', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it("by default picks the epoch with the lowest validation loss when the method defines one, and keeps that epoch's weights", async () => {
    const dir = await temporaryDirectory();
    const { method, validate, weights } = scripted([0.9, 0.5, 0.7], [0.1, 0.2, 0.3]);
    const result = await train({ method, dataset, config: config(dir), validate });
    expect(result.selectedBy).toBe('loss');
    expect([result.bestEpoch, result.bestMetric]).toEqual([1, 0.5]);
    expect(result.epochs.map((e) => e.best)).toEqual([true, true, false]);
    expect(result.epochs[1]!.validation.loss).toEqual({ total: 0.5, parts: { classification: 0.25 } });
    const best = await readCheckpoint(checkpointPaths(dir).best);
    expect(best.meta.best).toEqual({ metric: 0.5, epoch: 1, by: 'loss' });
    const stored = Object.fromEntries([...best.methodTensors].map(([name, t]) => [name, Array.from(t.values)]));
    expect(stored).toEqual(weights[1]);
    expect(stored).not.toEqual(weights[2]);
    method.dispose();
  });

  it("select 'accuracy' picks the highest metric, as does a method without a validation loss", async () => {
    for (const [extra, withLoss] of [[{ select: 'accuracy' }, true], [{}, false]] as const) {
      const dir = await temporaryDirectory();
      const { method, validate } = scripted([0.9, 0.5, 0.7], [0.1, 0.2, 0.3], { withLoss });
      const result = await train({ method, dataset, config: config(dir, extra), validate });
      expect(result.selectedBy).toBe('accuracy');
      expect([result.bestEpoch, result.bestMetric]).toEqual([2, 0.3]);
      expect(result.epochs[2]!.validation.loss).toBeUndefined();
      method.dispose();
    }
  });

  it("refuses select 'loss' for a method without a validation loss", async () => {
    const { method, validate } = scripted([], [], { withLoss: false });
    await expect(train({ method, dataset, config: config(await temporaryDirectory(), { select: 'loss' }), validate })).rejects.toThrow(TrainConfigError);
    method.dispose();
  });

  it('a resumed run keeps the best loss of the epochs before the stop, and refuses another selection', async () => {
    const dir = await temporaryDirectory();
    const first = scripted([0.375, 0.5, 0.4375], [0.1, 0.2, 0.3]);
    await train({ method: first.method, dataset, config: config(dir, { epochs: 2 }), validate: first.validate });
    // A longer run from the 2-epoch run's last checkpoint would change 'epochs' (a trajectory field): stop one mid-run instead.
    const stopDir = await temporaryDirectory();
    const controller = new AbortController();
    const stopped = scripted([0.375, 0.5, 0.4375], [0.1, 0.2, 0.3]);
    let epochsSeen = 0;
    const stopAfterTwo: Validate = async (m, c) => {
      const result = await stopped.validate(m, c);
      if (++epochsSeen === 2) controller.abort();
      return result;
    };
    const partial = await train({ method: stopped.method, dataset, config: config(stopDir), validate: stopAfterTwo, signal: controller.signal });
    expect(partial.completed).toBe(false);
    const resumed = scripted([0.375, 0.5, 0.4375], [0.1, 0.2, 0.3]);
    const result = await train({ method: resumed.method, dataset, config: config(stopDir), validate: resumed.validate, resumeFrom: checkpointPaths(stopDir).last });
    // Epoch 2's 0.4375 does not beat epoch 0's 0.375, which only the checkpoint remembers.
    expect([result.bestEpoch, result.bestMetric, result.epochs.length]).toEqual([0, 0.375, 3]);

    const other = scripted([0.375, 0.5, 0.4375], [0.1, 0.2, 0.3]);
    const refused = train({ method: other.method, dataset, config: config(dir, { epochs: 2, select: 'accuracy' }), validate: other.validate, resumeFrom: checkpointPaths(dir).last });
    await expect(refused).rejects.toThrow(CheckpointError);
    await expect(refused).rejects.toThrow(/checkpoint selection \(by loss in the checkpoint, by accuracy now\)/);
    for (const m of [first.method, stopped.method, resumed.method, other.method]) m.dispose();
  });

  it('validationLoss weighs each batch by its size (a last batch of one image counts once)', async () => {
    const method: Method = {
      ...tinyMethod(),
      validationLoss: (batch) => {
        const total = tf.mean(tf.cast(batch.labels, 'float32')) as tf.Scalar;
        return { total, parts: { labels: total.clone() } };
      },
    };
    const labels = getSplit(dataset, 'validation').labels;
    const expected = labels.reduce((a, b) => a + b, 0) / labels.length;
    const result = await validationLoss(method, dataset, 'validation', 5); // batches of 5, 5, 5 and 1
    expect(result.total).toBeCloseTo(expected, 6);
    expect(result.parts['labels']).toBeCloseTo(expected, 6);
  });
});
