import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '@isnet-bench/engine';
import { optimizerConfigSchema, type OptimizerConfig } from './config.js';
import { createOptimizer } from './optimizers.js';

const w0 = [1, -2];
const gradients = [
  [0.5, -0.25],
  [-1, 2],
];

/** Runs the optimiser on one variable w0 with the two gradients above; returns w after each step. */
function run(config: Partial<OptimizerConfig> & { kind: OptimizerConfig['kind'] }) {
  const w = tf.variable(tf.tensor1d(w0));
  const optimizer = createOptimizer(optimizerConfigSchema.parse(config), { w });
  const after = gradients.map((g, i) => {
    tf.tidy(() => optimizer.apply({ w: tf.tensor1d(g) }, i === 0 ? 0.1 : 0.05));
    return Array.from(w.dataSync());
  });
  const state = Object.keys(optimizer.stateVariables);
  optimizer.dispose();
  w.dispose();
  return { after, state };
}

function expectClose(actual: number[][], expected: number[][]) {
  actual.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i][j], 6)));
}

describe('optimisers (hand-computed updates, PyTorch rules)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('SGD without momentum, with weight decay: w - lr (g + wd w), no state', () => {
    const { after, state } = run({ kind: 'sgd', momentum: 0, weightDecay: 0.1 });
    const w1 = w0.map((w, j) => w - 0.1 * (gradients[0][j] + 0.1 * w));
    const w2 = w1.map((w, j) => w - 0.05 * (gradients[1][j] + 0.1 * w));
    expectClose(after, [w1, w2]);
    expect(state).toEqual([]);
  });

  it('SGD with momentum: v = mu v + g, w - lr v', () => {
    const { after, state } = run({ kind: 'sgd', momentum: 0.9 });
    const v1 = gradients[0];
    const w1 = w0.map((w, j) => w - 0.1 * v1[j]);
    const v2 = v1.map((v, j) => 0.9 * v + gradients[1][j]);
    const w2 = w1.map((w, j) => w - 0.05 * v2[j]);
    expectClose(after, [w1, w2]);
    expect(state).toEqual(['velocity/w']);
  });

  it('SGD with Nesterov momentum: w - lr (g + mu v)', () => {
    const { after } = run({ kind: 'sgd', momentum: 0.9, nesterov: true });
    const v1 = gradients[0];
    const w1 = w0.map((w, j) => w - 0.1 * (gradients[0][j] + 0.9 * v1[j]));
    const v2 = v1.map((v, j) => 0.9 * v + gradients[1][j]);
    const w2 = w1.map((w, j) => w - 0.05 * (gradients[1][j] + 0.9 * v2[j]));
    expectClose(after, [w1, w2]);
  });

  it('Adam: bias-corrected moments, w - lr m_hat / (sqrt(v_hat) + eps)', () => {
    const [b1, b2, eps] = [0.8, 0.9, 1e-3];
    const { after, state } = run({ kind: 'adam', beta1: b1, beta2: b2, epsilon: eps, weightDecay: 0.01 });
    let w = w0;
    let m = [0, 0];
    let v = [0, 0];
    const expected = gradients.map((raw, i) => {
      const t = i + 1;
      const lr = i === 0 ? 0.1 : 0.05;
      const g = raw.map((gj, j) => gj + 0.01 * w[j]);
      m = m.map((mj, j) => b1 * mj + (1 - b1) * g[j]);
      v = v.map((vj, j) => b2 * vj + (1 - b2) * g[j] ** 2);
      w = w.map((wj, j) => wj - (lr * (m[j] / (1 - b1 ** t))) / (Math.sqrt(v[j] / (1 - b2 ** t)) + eps));
      return w;
    });
    expectClose(after, expected);
    expect(state).toEqual(['step', 'm/w', 'v/w']);
  });
});
