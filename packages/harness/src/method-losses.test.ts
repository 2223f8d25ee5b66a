import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import type { Batch } from '@isnet-bench/data';
import { methodGradients } from '@isnet-bench/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { methodDefinition, parseMethodConfig } from './methods.js';
import { methodContext } from './run.js';

/**
 * Each method's training step on one batch (loss, its parts, the sum of squares of every
 * weight's gradient, the batch norms' running statistics after it), on ResNet-8 with batch
 * norm, against fixtures/method-losses/resnet8.json: recorded with the default configs on the
 * cpu backend before the methods took their training heatmaps from @isnet-bench/explainers
 * (fixtures/README.md). A change of any method's loss or gradient shows here;
 * `RECORD_METHOD_LOSSES=1` records the file anew when a change is meant.
 */
const FIXTURE = new URL('../../../fixtures/method-losses/resnet8.json', import.meta.url);
const METHODS = ['standard', 'rrr', 'gain', 'grad-input', 'selective', 'selective-ds', 'stochastic', 'original'];
/** Two passes of two classes and one of one: the original ISNet's gradient accumulation runs. */
const CONFIG: Record<string, Record<string, unknown>> = { original: { classesPerPass: 2 } };

interface Step {
  total: number;
  parts: Record<string, number>;
  gradients: number[];
  state: [string, number][];
}

function batchOf(size: number, classes: number): Batch {
  const labelArray = Int32Array.from({ length: size }, (_, i) => i % classes);
  return {
    images: uniform([size, 8, 8, 1], seededRandom(3), 0, 1) as Tensor4D,
    masks: tf.tensor4d(Array.from({ length: size * 64 }, (_, i) => (i % 8 >= 2 && i % 8 < 6 ? 1 : 0)), [size, 8, 8, 1]),
    labels: tf.tensor1d(labelArray, 'int32'),
    labelArray,
    indices: Int32Array.from({ length: size }, (_, i) => i),
    epoch: 0,
    batchIndex: 0,
    dispose() {
      tf.dispose([this.images, this.masks, this.labels]);
    },
  };
}

function trainingStep(name: string): Step {
  const context = methodContext({ model: 'resnet8', modelOptions: {}, seed: 1 }, { inputShape: [8, 8, 1], classes: 3 });
  const definition = methodDefinition(name);
  const method = definition.create(parseMethodConfig(definition, CONFIG[name] ?? {}), context);
  const batch = batchOf(4, 3);
  const { value, parts, grads } = methodGradients(method, batch, { epoch: 0, batchIndex: 1 });
  const position = new Map(method.trainableVariables.map((v, i) => [v.name, i]));
  const step: Step = {
    total: value.dataSync()[0]!,
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.dataSync()[0]!])),
    gradients: Object.entries(grads)
      .sort(([a], [b]) => position.get(a)! - position.get(b)!)
      .map(([, g]) => tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]!)),
    state: Object.entries(method.stateVariables)
      .filter(([k]) => k.includes('moving'))
      .map(([k, v]) => [k, tf.tidy(() => tf.sum(v).dataSync()[0]!)]),
  };
  tf.dispose([value, ...Object.values(parts), ...Object.values(grads)]);
  batch.dispose();
  context.dispose();
  return step;
}

/** Equal within float32 rounding of a reordered sum (bit-identical when recorded and checked on one machine). */
function expectClose(actual: number, expected: number, what: string) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
}

describe('method training steps against the recorded ones', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('gives every method the recorded loss, gradients and running statistics', () => {
    const steps = Object.fromEntries(METHODS.map((m) => [m, trainingStep(m)]));
    if (process.env['RECORD_METHOD_LOSSES']) writeFileSync(FIXTURE, `${JSON.stringify(steps, null, 1)}\n`);
    const recorded = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Step>;
    expect(Object.keys(recorded)).toEqual(METHODS);
    for (const name of METHODS) {
      const [step, expected] = [steps[name]!, recorded[name]!];
      expectClose(step.total, expected.total, `${name} total`);
      expect(Object.keys(step.parts)).toEqual(Object.keys(expected.parts));
      for (const [part, value] of Object.entries(expected.parts)) expectClose(step.parts[part]!, value, `${name} ${part}`);
      expect(step.gradients.length).toBe(expected.gradients.length);
      expected.gradients.forEach((value, i) => expectClose(step.gradients[i]!, value, `${name} gradient ${i}`));
      expect(step.state.map(([k]) => k)).toEqual(expected.state.map(([k]) => k));
      expected.state.forEach(([k, value], i) => expectClose(step.state[i]![1], value, `${name} ${k}`));
    }
  });
});
