import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine.js';
import { checkGradient, type GradCheckCase } from './check.js';
import { GRAD_CHECK_CASES } from './cases.js';
import { uniform } from './random.js';

describe.each(['cpu', 'wasm'])('gradient checks on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it.each(GRAD_CHECK_CASES.flatMap((c) => [1, 2].map((order) => [c.op, order, c] as const)))('%s, order %i', (_op, order, test) => {
    const result = checkGradient(test, order as 1 | 2);
    expect(result.error).toBeUndefined();
    expect(result.relError).toBeLessThanOrEqual(result.tolerance);
  });
});

describe('the checker itself', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  // A customGrad that reuses its saved output is the defect the engine exists to fix:
  // its first order is right and its second order is wrong. The checker must say so.
  const sigmoidSavingOutput = tf.customGrad((x, save) => {
    const y = tf.sigmoid(x as tf.Tensor);
    save([y]);
    return { value: y, gradFunc: (dy, [saved]) => tf.mul(dy, tf.mul(saved!, tf.sub(1, saved!))) };
  });
  const broken: GradCheckCase = {
    op: 'sigmoid via customGrad saving its output',
    inputs: (r) => [uniform([2, 5], r, -3, 3), uniform([2, 5], r)],
    f: (x, w) => tf.sum(tf.mul(w!, tf.square(sigmoidSavingOutput(x!) as tf.Tensor))) as tf.Scalar,
  };

  it('passes the first order of an output-saving custom gradient', () => {
    expect(checkGradient(broken, 1).pass).toBe(true);
  });

  it('fails its second order', () => {
    const result = checkGradient(broken, 2);
    expect(result.pass).toBe(false);
    expect(result.relError).toBeGreaterThan(0.05);
  });

  it('reports an op that throws instead of crashing', () => {
    const throwing: GradCheckCase = { op: 'throws', inputs: () => [tf.ones([2])], f: () => { throw new Error('boom'); } };
    expect(checkGradient(throwing, 1)).toMatchObject({ pass: false, error: 'boom' });
  });
});
