import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { seededRandom, uniform } from './random.js';

export type GradOrder = 1 | 2;

/** One differentiable scalar function of some inputs, checked at fixed inputs. */
export interface GradCheckCase {
  /** The op under test and its setting, e.g. "maxPool 3x3 s2 same". */
  op: string;
  /** Builds the inputs (deterministically): the point where the gradient is checked. */
  inputs: (random: () => number) => Tensor[];
  /** A scalar function of the inputs that exercises the op (with a non-linearity around it). */
  f: (...inputs: Tensor[]) => Scalar;
  /** Finite-difference step; kinked ops need it below half their inputs' separation. */
  delta?: number;
  /** Backends where the op cannot run at all (the reason is reported instead of a result). */
  unsupported?: Partial<Record<string, string>>;
}

export interface GradCheckResult {
  op: string;
  order: GradOrder;
  backend: string;
  /** max |analytic - numeric| / max |analytic|, over random directional derivatives. */
  relError: number;
  tolerance: number;
  pass: boolean;
  error?: string;
}

/**
 * Relative tolerance for float32 central differences, norm-wise over directions. With step
 * delta ~1e-2 on smooth functions the truncation error is O(delta^2) ~ 1e-4 relative and the
 * float32 rounding of F (sums of ~1e3 terms) divided by 2*delta is ~1e-4 too; piecewise-linear
 * ops have no truncation error away from kinks. 1e-2 leaves ~100x margin above that noise and
 * sits far below the defects it must catch (the stock second-order gradients are off by 9% to 140%).
 */
export const DEFAULT_TOLERANCE = 1e-2;
const DIRECTIONS = 4;

/**
 * Compares the analytic gradient of F with central finite differences along random
 * directions. For order 2, F = sum_i <grad_i f, r_i> with fixed random r_i, so checking F's
 * first-order gradient checks the gradient of the gradient of f.
 */
export function checkGradient(test: GradCheckCase, order: GradOrder, tolerance = DEFAULT_TOLERANCE): GradCheckResult {
  const backend = tf.getBackend();
  const base = { op: test.op, order, backend, tolerance };
  const reason = test.unsupported?.[backend];
  if (reason) return { ...base, relError: NaN, pass: false, error: `unsupported: ${reason}` };
  try {
    const relError = tf.tidy(() => directionalError(test, order));
    return { ...base, relError, pass: Number.isFinite(relError) && relError <= tolerance };
  } catch (error) {
    return { ...base, relError: NaN, pass: false, error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

function directionalError(test: GradCheckCase, order: GradOrder): number {
  const random = seededRandom(hash(test.op));
  const inputs = test.inputs(random);
  const objective = order === 1 ? test.f : secondOrderObjective(test.f, inputs, random);
  const analytic = tf.grads((...xs: Tensor[]) => objective(...xs))(inputs);
  const delta = test.delta ?? 1e-2;
  let worst = 0;
  let scale = 0;
  for (let d = 0; d < DIRECTIONS; d++) {
    const directions = inputs.map((x) => uniform(x.shape, random));
    const exact = directions.reduce((sum, v, i) => sum + (tf.sum(tf.mul(analytic[i]!, v)).arraySync() as number), 0);
    const plus = objective(...inputs.map((x, i) => tf.add(x, tf.mul(directions[i]!, delta)))).arraySync();
    const minus = objective(...inputs.map((x, i) => tf.sub(x, tf.mul(directions[i]!, delta)))).arraySync();
    const numeric = (plus - minus) / (2 * delta);
    worst = Math.max(worst, Math.abs(exact - numeric));
    scale = Math.max(scale, Math.abs(exact), Math.abs(numeric));
  }
  if (scale === 0) throw new Error('degenerate check: every directional derivative is 0');
  return worst / scale;
}

function secondOrderObjective(f: GradCheckCase['f'], inputs: Tensor[], random: () => number) {
  const weights = inputs.map((x) => uniform(x.shape, random));
  const gradient = tf.grads((...xs: Tensor[]) => f(...xs));
  return (...xs: Tensor[]): Scalar =>
    tf.addN(gradient(xs).map((g, i) => tf.sum(tf.mul(g, weights[i]!)))) as Scalar;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
