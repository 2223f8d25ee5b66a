import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { Bench } from 'tinybench';
import { BACKEND_NAMES, initEngine, probeBackend, seededRandom, softmaxCrossEntropy, uniform } from '@isnet-bench/engine';
import { cpus } from 'node:os';

// Tiny conv net of the engine issue: conv 8 3x3, batch norm, ReLU, max pool 2, conv 16 3x3
// s2, ReLU, dense 10; batch 32 of 28x28x1. "plain": cross-entropy step. "second order": plus
// a background penalty on |x * d logit / dx|, differentiated with respect to the weights.
function tinyNet() {
  const r = seededRandom(1);
  const v = (shape: number[], scale: number) => tf.variable(tf.mul(uniform(shape, r), scale));
  const p = { c1: v([3, 3, 1, 8], 0.4), g: tf.variable(tf.ones([8])), b: tf.variable(tf.zeros([8])), c2: v([3, 3, 8, 16], 0.2), d: v([7 * 7 * 16, 10], 0.05) };
  const logits = (x: Tensor) => {
    let h = tf.conv2d(x as Tensor4D, p.c1 as Tensor4D, 1, 'same');
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    h = tf.maxPool(tf.relu(tf.batchNorm(h, mean, variance, p.b, p.g, 1e-3)) as Tensor4D, 2, 2, 'valid');
    h = tf.relu(tf.conv2d(h as Tensor4D, p.c2 as Tensor4D, 2, 'same'));
    return tf.matMul(tf.reshape(h, [x.shape[0]!, -1]), p.d);
  };
  return logits;
}

const backends = (await Promise.all(BACKEND_NAMES.map(probeBackend))).filter((b) => b.available).map((b) => b.name);
console.log(`# tiny net step time, batch 32, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString()}`);
const rows: string[][] = [];
for (const backend of backends) {
  await initEngine({ backend });
  const logits = tinyNet();
  const x = uniform([32, 28, 28, 1], seededRandom(2), 0, 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32'), 10);
  const border = tf.tensor4d(Array.from({ length: 32 * 784 }, (_, i) => (i % 28 < 4 ? 1 : 0)), [32, 28, 28, 1]);
  const opt = tf.train.sgd(0.01);
  const plain = () => softmaxCrossEntropy(y, logits(x));
  const secondOrder = () => {
    const heatmap = tf.mul(x, tf.grad((input: Tensor) => tf.sum(tf.mul(logits(input), y)))(x));
    return tf.add(plain(), tf.mean(tf.mul(tf.abs(heatmap), border))) as tf.Scalar;
  };
  const bench = new Bench({ iterations: backend === 'cpu' ? 3 : 20, warmupIterations: 2, time: 0 });
  bench.add('plain', () => tf.dispose(opt.minimize(plain, true) ?? []));
  bench.add('second order', () => tf.dispose(opt.minimize(secondOrder, true) ?? []));
  await bench.run();
  for (const task of bench.tasks) {
    const latency = (task.result as { latency?: { p50?: number } } | undefined)?.latency;
    rows.push([backend, task.name, latency?.p50 !== undefined ? latency.p50.toFixed(1) : 'n/a']);
  }
}
console.log('backend  step          median ms');
for (const r of rows) console.log(`${r[0]!.padEnd(8)} ${r[1]!.padEnd(13)} ${r[2]}`);
