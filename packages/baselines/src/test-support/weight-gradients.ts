// Test-only helpers (excluded from the build): a directional finite-difference check of a
// loss's gradient with respect to a network's variables, and a batch from plain arrays.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor4D, Variable } from '@tensorflow/tfjs';
import { seededRandom, uniform } from '@isnet-bench/engine';
import type { Batch } from '@isnet-bench/data';
import type { Method } from '@isnet-bench/training';

export interface WeightGradientCheck {
  /** max |analytic - numeric| / max |analytic|, |numeric| over the directions. */
  relError: number;
  /** The analytic directional derivatives (to see that they are not all ~0). */
  analytic: number[];
  /** Directions compared (all, unless `kinks` left some out). */
  compared: number;
}

/**
 * Compares the gradient of `loss` with respect to `variables` (tf.variableGrads) with central
 * differences along random directions: the variables are moved to theta +- delta v and back.
 * `loss` must not depend on anything else that changes between calls. With `kinks`, a
 * fingerprint of the network's piecewise-linear state (e.g. the signs of its ReLU inputs), a
 * direction along which it differs between the two evaluations is not compared: a kink
 * crossed within the step spoils the difference quotient, whatever the gradient.
 */
export function checkWeightGradient(
  loss: () => Scalar,
  variables: Variable[],
  options: { delta?: number; directions?: number; seed?: number; kinks?: () => string } = {},
): WeightGradientCheck {
  const { delta = 1e-3, directions = 4, seed = 1, kinks } = options;
  const random = seededRandom(seed);
  const { value, grads } = tf.variableGrads(loss, variables);
  value.dispose();
  const base = variables.map((v) => tf.clone(v));
  const analytic: number[] = [];
  let worst = 0;
  let scale = 0;
  try {
    for (let d = 0; d < directions; d++) {
      const direction = variables.map((v) => uniform(v.shape, random));
      const exact = tf.tidy(() => tf.addN(variables.map((v, i) => tf.sum(tf.mul(grads[v.name]!, direction[i]!)))).arraySync() as number);
      const at = (sign: number) => {
        variables.forEach((v, i) => v.assign(tf.tidy(() => tf.add(base[i]!, tf.mul(direction[i]!, sign * delta)))));
        return { value: tf.tidy(() => loss().arraySync()), state: kinks?.() };
      };
      const [plus, minus] = [at(1), at(-1)];
      tf.dispose(direction);
      if (plus.state !== minus.state) continue;
      const numeric = (plus.value - minus.value) / (2 * delta);
      analytic.push(exact);
      worst = Math.max(worst, Math.abs(exact - numeric));
      scale = Math.max(scale, Math.abs(exact), Math.abs(numeric));
    }
  } finally {
    variables.forEach((v, i) => v.assign(base[i]!));
    tf.dispose([...base, ...Object.values(grads)]);
  }
  return { relError: scale === 0 ? NaN : worst / scale, analytic, compared: analytic.length };
}

/** A batch of images [B, H, W, C] with masks [B, H, W, 1] and labels. */
export function batchOf(images: Tensor4D, masks: Tensor4D, labels: number[]): Batch {
  const labelArray = Int32Array.from(labels);
  return {
    images,
    masks,
    labels: tf.tensor1d(labelArray, 'int32'),
    labelArray,
    indices: Int32Array.from(labels, (_, i) => i),
    epoch: 0,
    batchIndex: 0,
    dispose() {
      tf.dispose([images, masks, this.labels]);
    },
  };
}

/** Tensors left behind per training step (loss and gradients taken, then released), after one warm-up step. */
export function tensorsLeftPerStep(method: Method, batch: Batch, steps = 3): number {
  const step = () => {
    const { value, grads } = tf.variableGrads(() => method.loss(batch, { epoch: 0, batchIndex: 0 }).total);
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) step();
  return (tf.memory().numTensors - before) / steps;
}
