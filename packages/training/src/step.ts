import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { Batch } from '@isnet-bench/data';
import { clipFactor, globalNorm } from './clip.js';
import { TrainingDivergedError, type StepPosition } from './errors.js';
import type { Method, MethodGradients, MethodLoss } from './method.js';
import type { TrainConfig } from './config.js';
import { createOptimizer, type Optimizer } from './optimizers.js';
import type { StepValues } from './progress.js';

export interface StepContext {
  readonly method: Method;
  readonly optimizer: Optimizer;
  /** TF.js variable name -> the stable name the optimiser and checkpoints use. */
  readonly stableNames: ReadonlyMap<string, string>;
  readonly gradientClipNorm: number;
  readonly explodeThreshold: number;
}

/**
 * One optimisation step: loss and gradients, one read-back of the loss values and gradient
 * norm, the divergence check, then clipping and the update. The check comes before the
 * update, so a diverged step leaves the weights (and every checkpoint) at the last good step.
 */
export function trainStep(context: StepContext, batch: Batch, position: StepPosition, lr: number): StepValues {
  const { optimizer, stableNames } = context;
  const { value, parts, grads } = methodGradients(context.method, batch, { epoch: position.epoch, batchIndex: position.batchIndex });
  try {
    const partNames = Object.keys(parts);
    const read = tf.tidy(() => tf.stack([value, ...Object.values(parts), globalNorm(Object.values(grads))]));
    const numbers = read.dataSync();
    read.dispose();
    const values: StepValues = {
      loss: numbers[0],
      parts: Object.fromEntries(partNames.map((name, i) => [name, numbers[i + 1]])),
      gradientNorm: numbers[partNames.length + 1],
    };
    const bad = divergence(values, context.explodeThreshold);
    if (bad.length > 0) throw new TrainingDivergedError(position, bad);

    const factor = clipFactor(values.gradientNorm, context.gradientClipNorm);
    tf.tidy(() => {
      const named: Record<string, Tensor> = {};
      for (const [name, gradient] of Object.entries(grads)) named[stableNames.get(name)!] = factor < 1 ? gradient.mul(factor) : gradient;
      optimizer.apply(named, lr);
    });
    return values;
  } finally {
    tf.dispose([value, ...Object.values(parts), ...Object.values(grads)]);
  }
}


/** The loop's step for a method and config, with its own optimiser; also what epoch timing runs. */
export interface TrainingStep {
  readonly context: StepContext;
  /** One step on `batch` at learning rate `lr`; see trainStep. */
  run(batch: Batch, position: StepPosition, lr: number): StepValues;
  /** Releases the optimiser's state. */
  dispose(): void;
}

export function createTrainingStep(method: Method, config: Pick<TrainConfig, 'optimizer' | 'gradientClipNorm' | 'explodeThreshold'>): TrainingStep {
  const variables = trainableByName(method);
  const optimizer = createOptimizer(config.optimizer, variables);
  const stableNames = new Map(Object.entries(variables).map(([name, variable]) => [variable.name, name]));
  const context: StepContext = { method, optimizer, stableNames, gradientClipNorm: config.gradientClipNorm, explodeThreshold: config.explodeThreshold };
  return { context, run: (batch, position, lr) => trainStep(context, batch, position, lr), dispose: () => optimizer.dispose() };
}

/** The trainable variables by their stable (checkpoint) names, which only `stateVariables` gives. */
function trainableByName(method: Method): Record<string, Variable> {
  const nameOf = new Map(Object.entries(method.stateVariables).map(([name, variable]) => [variable, name]));
  return Object.fromEntries(
    method.trainableVariables.map((variable) => {
      const name = nameOf.get(variable);
      if (name === undefined) throw new TypeError(`method '${method.name}': trainable variable ${variable.name} is missing from stateVariables, so it could not be checkpointed`);
      return [name, variable];
    }),
  );
}

/**
 * A method's loss, its parts and the gradients with respect to its trainable variables, in
 * one pass unless the method accumulates them itself (lossAndGradients). The caller disposes.
 */
export function methodGradients(method: Method, batch: Batch, step: { epoch: number; batchIndex: number }): MethodGradients {
  if (method.lossAndGradients) return method.lossAndGradients(batch, step);
  return lossGradients(() => method.loss(batch, step), method.trainableVariables);
}

/** The gradients of a MethodLoss's total, with its parts kept readable. The caller disposes. */
export function lossGradients(loss: () => MethodLoss, variables: Variable[]): MethodGradients {
  let parts: Record<string, Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const { total, parts: named } = loss();
    // variableGrads disposes whatever f creates except its result: keep the parts to read them.
    parts = Object.fromEntries(Object.entries(named).map(([name, part]) => [name, tf.keep(part)]));
    return total;
  }, variables);
  return { value, parts, grads };
}

/** The values that make a step diverged: any non-finite one, or a loss beyond the threshold. */
function divergence(values: StepValues, explodeThreshold: number): { name: string; value: number }[] {
  const losses = [{ name: 'total', value: values.loss }, ...Object.entries(values.parts).map(([name, value]) => ({ name, value }))];
  return [
    ...losses.filter(({ value }) => !Number.isFinite(value) || Math.abs(value) > explodeThreshold),
    ...(Number.isFinite(values.gradientNorm) ? [] : [{ name: 'gradient norm', value: values.gradientNorm }]),
  ];
}
