import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { LrpClassifier, predictLogits } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_LOGIT, inputGradient, MEAN_HIGHEST_PROBABILITY, SUMMED_LOG_PROBABILITIES, type ExplainedQuantity } from './input-gradient.js';

const [H, W, CLASSES] = [3, 2, 4];

/** flatten -> dense: logits z = x W + b, so every input gradient has a closed form. */
function linearClassifier(): { network: LrpClassifier; w: number[][]; b: number[] } {
  const random = seededRandom(1);
  const w = Array.from({ length: H * W }, () => Array.from({ length: CLASSES }, () => random() * 2 - 1));
  const b = Array.from({ length: CLASSES }, () => random() - 0.5);
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [H, W, 1] }), tf.layers.dense({ units: CLASSES, name: 'out' })] });
  model.getLayer('out').setWeights([tf.tensor2d(w), tf.tensor1d(b)]);
  return { network: new LrpClassifier(model), w, b };
}

/** conv (ReLU) -> batch norm -> ReLU -> max pool -> flatten -> dense. */
function convClassifier(): LrpClassifier {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }), name: 'c1' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.reLU({ name: 'r1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: CLASSES, kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }), name: 'out' }),
    ],
  });
  return new LrpClassifier(model);
}

const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
};

/** The quantities in float64 from float32 logits rows, written apart from the explainers'. */
const reference: Record<string, (rows: number[][], classes: number[]) => number> = {
  'summed-log-probabilities': (rows) => rows.reduce((s, z) => s + softmax(z).reduce((t, p) => t + Math.log(p), 0), 0),
  'mean-highest-probability': (rows) => rows.reduce((s, z) => s + Math.max(...softmax(z)), 0) / rows.length,
  'class-logit': (rows, classes) => rows.reduce((s, z, i) => s + z[classes[i]!]!, 0),
};

const rowsOf = (t: Tensor) => t.arraySync() as number[][];

describe('input-gradient explainer', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('of a linear model: the class logit gives W[:, c]; the summed log-probabilities give W (1 - K softmax(z))', () => {
    const { network, w } = linearClassifier();
    const images = uniform([2, H, W, 1], seededRandom(2), 0, 1);
    const classes = [3, 1];
    const logit = inputGradient(CLASS_LOGIT).explain(network, images, { classes });
    expect(logit.heatmap.shape).toEqual([2, H, W, 1]);
    const expectedLogit = classes.flatMap((c) => w.map((row) => row[c]!));
    Array.from(logit.heatmap.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expectedLogit[i]!, 6));
    expect(Array.from(logit.classes!.dataSync())).toEqual(classes);

    const summed = inputGradient(SUMMED_LOG_PROBABILITIES).explain(network, images);
    expect(summed.classes).toBeUndefined();
    const p = rowsOf(summed.logits).map(softmax);
    const expected = p.flatMap((probabilities) => w.map((row) => row.reduce((s, wk, k) => s + wk * (1 - CLASSES * probabilities[k]!), 0)));
    Array.from(summed.heatmap.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it.each([
    { quantity: SUMMED_LOG_PROBABILITIES, training: false },
    { quantity: MEAN_HIGHEST_PROBABILITY, training: false },
    { quantity: CLASS_LOGIT, training: false },
    { quantity: SUMMED_LOG_PROBABILITIES, training: true },
    { quantity: MEAN_HIGHEST_PROBABILITY, training: true },
  ])('agrees with central finite differences on a conv net: $quantity.name, training $training', ({ quantity, training }: { quantity: ExplainedQuantity; training: boolean }) => {
    const network = convClassifier();
    const images = uniform([3, 6, 6, 1], seededRandom(5), 0, 1);
    const classes = [2, 0, 3];
    const { heatmap } = inputGradient(quantity).explain(network, images, { classes, training });
    const value = (x: Tensor) => reference[quantity.name]!(rowsOf(tf.tidy(() => predictLogits(network.graph, x, { training }))), classes);
    const random = seededRandom(6);
    const delta = 1e-3;
    let worst = 0;
    let size = 0;
    for (let d = 0; d < 4; d++) {
      const direction = uniform(images.shape, random, -1, 1);
      const numeric = (value(tf.add(images, tf.mul(direction, delta))) - value(tf.sub(images, tf.mul(direction, delta)))) / (2 * delta);
      const analytic = tf.sum(tf.mul(heatmap, direction)).dataSync()[0]!;
      worst = Math.max(worst, Math.abs(analytic - numeric));
      size = Math.max(size, Math.abs(analytic));
    }
    expect(size).toBeGreaterThan(1e-3);
    expect(worst / size).toBeLessThan(1e-2);
  });

  it('reads the class rule from its own forward pass, and needs labels for the labelled class', () => {
    const network = convClassifier();
    const images = uniform([3, 6, 6, 1], seededRandom(7), 0, 1);
    const { classes, logits } = inputGradient(CLASS_LOGIT).explain(network, images, { classes: 'lowest' });
    expect(Array.from(classes!.dataSync())).toEqual(Array.from(tf.argMin(logits, -1).dataSync()));
    expect(() => inputGradient(CLASS_LOGIT).explain(network, images)).toThrow(/needs labels/);
  });

  it('moves the running statistics only when asked, and has the name of its quantity', () => {
    const network = convClassifier();
    const mean = network.stateVariables['bn/moving_mean']!;
    const before = Array.from(mean.dataSync());
    const images = uniform([3, 6, 6, 1], seededRandom(8), 0, 1);
    inputGradient(SUMMED_LOG_PROBABILITIES).explain(network, images, { training: true });
    expect(Array.from(mean.dataSync())).toEqual(before);
    inputGradient(SUMMED_LOG_PROBABILITIES).explain(network, images, { training: true, updateStatistics: true });
    expect(Array.from(mean.dataSync())).not.toEqual(before);
    expect(inputGradient(SUMMED_LOG_PROBABILITIES).name).toBe('input-gradient(summed-log-probabilities)');
  });

  it('leaks no tensors', () => {
    const network = convClassifier();
    const images = uniform([2, 6, 6, 1], seededRandom(9), 0, 1);
    const run = () => {
      const { heatmap, logits, classes } = inputGradient(CLASS_LOGIT).explain(network, images, { classes: 'highest', training: true });
      tf.dispose([heatmap, logits, classes!]);
    };
    run();
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
