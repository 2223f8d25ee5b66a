// Test-only helpers (excluded from the build): a tiny dataset and method, so loop tests run in
// well under a second per run on the cpu backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Variable } from '@tensorflow/tfjs';
import { onTestFinished } from 'vitest';
import { BatchIterator, Rng, type Dataset, type DatasetSplit } from '@isnet-bench/data';
import { softmaxCrossEntropy } from '@isnet-bench/engine';
import type { Validate } from '../loop.js';
import type { Method } from '../method.js';

/** A fresh temporary directory, removed after the current test. */
export async function temporaryDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'isnet-training-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** 4x4 images of two classes: class 1 brighter on the left half, class 0 on the right, with noise. */
export function tinyDataset(options: { trainCount?: number; validationCount?: number; masks?: boolean } = {}): Dataset {
  const { trainCount = 48, validationCount = 16, masks = true } = options;
  const rng = new Rng(11);
  const split = (count: number): DatasetSplit => {
    const images = new Uint8Array(count * 16);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = rng.int(2);
      for (let p = 0; p < 16; p++) {
        const bright = p % 4 < 2 === (labels[i] === 1);
        images[i * 16 + p] = Math.round((bright ? 150 : 90) + rng.uniform(-60, 60));
      }
    }
    return { count, images, labels, masks: new Uint8Array(count * 16).fill(masks ? 1 : 0), hasMask: new Uint8Array(count).fill(masks ? 1 : 0) };
  };
  return {
    kind: 'tiny',
    source: { name: 'tiny', location: 'memory' },
    options: {},
    seed: 11,
    classNames: ['right', 'left'],
    imageSize: { height: 4, width: 4, channels: 1 },
    splits: { train: split(trainCount), validation: split(validationCount) },
  };
}

export interface TinyMethodOptions {
  readonly name?: string;
  readonly classes?: number;
  /** Seed of the initial weights. */
  readonly init?: number;
  /** Makes the 'penalty' part NaN at this step. */
  readonly nanAt?: { epoch: number; batchIndex: number };
  readonly needsMasks?: boolean;
  /** An extra state variable (e.g. a statistic) that is not trained. */
  readonly extraState?: boolean;
}

export type TinyMethod = Method & { dispose(): void };

/** Logistic regression on the 16 pixels; loss parts: classification and a small L2 penalty. */
export function tinyMethod(options: TinyMethodOptions = {}): TinyMethod {
  const { classes = 2, init = 1 } = options;
  const rng = new Rng(init);
  const kernel = tf.variable(tf.tensor2d(Array.from({ length: 16 * classes }, () => 0.1 * rng.normal()), [16, classes]));
  const bias = tf.variable(tf.zeros([classes]));
  const stateVariables: Record<string, Variable> = { 'dense/kernel': kernel, 'dense/bias': bias };
  if (options.extraState) stateVariables['dense/statistic'] = tf.variable(tf.zeros([classes]), false);
  const logits = (images: tf.Tensor4D) => tf.reshape(images, [-1, 16]).matMul(kernel).add(bias);
  return {
    name: options.name ?? 'tiny',
    needsMasks: options.needsMasks ?? false,
    trainableVariables: [kernel, bias],
    stateVariables,
    config: { classes },
    loss(batch, step) {
      const classification = softmaxCrossEntropy(tf.oneHot(batch.labels, classes), logits(batch.images));
      const poisoned = options.nanAt?.epoch === step.epoch && options.nanAt.batchIndex === step.batchIndex;
      const penalty = tf.mul(tf.sum(tf.square(kernel)), poisoned ? NaN : 1e-3) as tf.Scalar;
      return { total: tf.add(classification, penalty), parts: { classification, penalty } };
    },
    predict: logits,
    explain: (images) => images.clone(),
    dispose: () => tf.dispose(Object.values(stateVariables)),
  };
}

/** Validation by mean cross-entropy on the 'validation' split: metric = -loss (higher is better), details = accuracy. */
export const validateByLoss: Validate = async (method, { dataset, split }) => {
  const iterator = new BatchIterator(dataset, split, { batchSize: 64, seed: 0, shuffle: false });
  let loss = 0;
  let correct = 0;
  for (const batch of iterator.epoch(0)) {
    const [batchLoss, predicted] = tf.tidy(() => {
      const logits = method.predict(batch.images);
      return [softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1]!), logits).dataSync()[0], logits.argMax(1).dataSync()];
    });
    loss += batchLoss * batch.labelArray.length;
    batch.labelArray.forEach((label, i) => (correct += Number(predicted[i] === label)));
    batch.dispose();
  }
  return { metric: -loss / iterator.count, details: { accuracy: correct / iterator.count } };
};

/** Every state variable's values, by name. */
export function snapshot(variables: Readonly<Record<string, Variable>>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, Array.from(variable.dataSync())]));
}
