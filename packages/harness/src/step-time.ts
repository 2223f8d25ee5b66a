import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { Bench } from 'tinybench';
import type { Batch } from '@isnet-bench/data';
import { seededRandom, uniform } from '@isnet-bench/engine';
import type { BackboneName } from '@isnet-bench/models';
import { createOptimizer, methodGradients, optimizerConfigSchema } from '@isnet-bench/training';
import { methodDefinition, parseMethodConfig } from './methods.js';
import { methodContext } from './run.js';

export interface StepTimeOptions {
  methods: string[];
  classes: number[];
  model: BackboneName;
  /** Backbone options (width, batchNorm) where the backbone takes them. */
  modelOptions?: Record<string, unknown>;
  batch: number;
  inputShape: [number, number, number];
  /** Timed steps per (method, classes), after `warmup` untimed ones. */
  steps: number;
  warmup: number;
  log?: (message: string) => void;
}

export interface StepTimeRow {
  method: string;
  classes: number;
  /** Median wall time of one training step (loss, gradients, SGD update). */
  stepMs: number;
  /** The standard classifier's median step on the same model, batch and class count. */
  plainStepMs: number;
  /** stepMs / plainStepMs: the method's cost over plain training, comparable across C. */
  overhead: number;
  /** overhead at this C / overhead at the smallest C measured. */
  overheadVsFirstC: number;
}

/** A synthetic batch: the timing depends on shapes only. Foreground is the central square. */
export function syntheticBatch(size: number, [h, w, c]: [number, number, number], classes: number): Batch {
  const labelArray = Int32Array.from({ length: size }, (_, i) => i % classes);
  const mask = Array.from({ length: h * w }, (_, i) => {
    const [y, x] = [Math.floor(i / w), i % w];
    return y >= h / 4 && y < (3 * h) / 4 && x >= w / 4 && x < (3 * w) / 4 ? 1 : 0;
  });
  return {
    images: uniform([size, h, w, c], seededRandom(1), 0, 1) as Tensor4D,
    masks: tf.tensor4d(Array.from({ length: size }, () => mask).flat(), [size, h, w, 1]),
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

async function medianStepMs(method: string, classes: number, options: StepTimeOptions): Promise<number> {
  const context = methodContext({ model: options.model, modelOptions: options.modelOptions ?? {}, seed: 1 }, { inputShape: options.inputShape, classes });
  const definition = methodDefinition(method);
  const instance = definition.create(parseMethodConfig(definition, {}), context);
  const batch = syntheticBatch(options.batch, options.inputShape, classes);
  const optimizer = createOptimizer(optimizerConfigSchema.parse({ kind: 'sgd', lr: 1e-3, momentum: 0 }), Object.fromEntries(instance.trainableVariables.map((v) => [v.name, v])));
  // What a training step does: loss and gradients (accumulated where the method does so),
  // then the training loop's SGD update (plain, without momentum); the loss is read back, as
  // the loop reads it every step.
  const step = () => {
    const { value, parts, grads } = methodGradients(instance, batch, { epoch: 0, batchIndex: 0 });
    optimizer.apply(grads, 1e-3);
    value.dataSync();
    tf.dispose([value, ...Object.values(parts), ...Object.values(grads)]);
  };
  const bench = new Bench({ iterations: options.steps, warmupIterations: options.warmup, time: 0, warmupTime: 0 });
  bench.add(method, step);
  await bench.run();
  batch.dispose();
  optimizer.dispose();
  context.dispose();
  const latency = (bench.tasks[0]!.result as { latency?: { p50?: number } } | undefined)?.latency?.p50;
  if (latency === undefined) throw new Error(`no timing for ${method} at C=${classes}: ${String((bench.tasks[0]!.result as { error?: unknown })?.error ?? 'unknown error')}`);
  return latency;
}

/**
 * Time per training step for each method and class count (median of repeated warm steps,
 * same model and batch), with the standard classifier's step at the same C as reference:
 * the dense head grows with C for every method, so overheads, not raw times, show the cost
 * of the heatmaps.
 */
export async function measureStepTimes(options: StepTimeOptions): Promise<StepTimeRow[]> {
  const rows: StepTimeRow[] = [];
  const plain = new Map<number, number>();
  for (const classes of options.classes) {
    plain.set(classes, await medianStepMs('standard', classes, options));
    options.log?.(`standard C=${classes}: ${plain.get(classes)!.toFixed(1)} ms`);
  }
  for (const method of options.methods) {
    for (const classes of options.classes) {
      const stepMs = method === 'standard' ? plain.get(classes)! : await medianStepMs(method, classes, options);
      const overhead = stepMs / plain.get(classes)!;
      const first = rows.find((r) => r.method === method);
      rows.push({ method, classes, stepMs, plainStepMs: plain.get(classes)!, overhead, overheadVsFirstC: first ? overhead / first.overhead : 1 });
      options.log?.(`${method} C=${classes}: ${stepMs.toFixed(1)} ms (x${overhead.toFixed(2)} plain)`);
    }
  }
  return rows;
}
