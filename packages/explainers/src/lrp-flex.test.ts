import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { EVALUATION_LRP, explain, explainEveryClass, LrpClassifier } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTENTION_EXPLAINER, lrpFlex, lrpFlexEveryClass } from './lrp-flex.js';

/** conv (ReLU) -> batch norm -> ReLU -> max pool -> flatten -> dense: batch statistics matter. */
function classifier(classes = 4): LrpClassifier {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }), name: 'c1' }),
      tf.layers.batchNormalization({ name: 'bn', movingMeanInitializer: tf.initializers.constant({ value: 0.2 }) }),
      tf.layers.reLU({ name: 'r1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }), name: 'out' }),
    ],
  });
  return new LrpClassifier(model);
}

const same = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
};

describe('LRP-Flex explainers', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it.each([
    { case: 'the labelled logit, inference mode', settings: {}, request: { classes: 'label' as const, labels: [0, 3, 1, 2, 1] } },
    { case: 'the lowest logit, selective quantity, training mode', settings: { quantity: 'selective' as const, selectiveEpsilon: 0.05 }, request: { classes: 'lowest' as const, training: true } },
    { case: 'given classes, no z^B, epsilon 0.1, a hidden layer', settings: { zb: false, epsilon: 0.1, hiddenLayers: ['r1'] }, request: { classes: [1, 1, 0, 3, 2] } },
  ])('gives what lrp explain gives: $case', ({ settings, request }) => {
    const network = classifier();
    const images = uniform([5, 6, 6, 1], seededRandom(4), 0, 1);
    const ours = lrpFlex(settings).explain(network, images, request);
    const reference = explain(network.graph, images, { ...settings, ...request });
    same(ours.heatmap, reference.heatmap);
    same(ours.logits, reference.logits);
    same(ours.classes, reference.classes);
    expect(ours.hidden.length).toBe(reference.hidden.length);
    ours.hidden.forEach((h, i) => same(h, reference.hidden[i]!));
  });

  it('moves the running statistics only when asked', () => {
    const network = classifier();
    const mean = network.stateVariables['bn/moving_mean']!;
    const before = Array.from(mean.dataSync());
    const images = uniform([4, 6, 6, 1], seededRandom(5), 0, 1);
    tf.dispose(Object.values(lrpFlex().explain(network, images, { classes: 'highest', training: true })));
    expect(Array.from(mean.dataSync())).toEqual(before);
    tf.dispose(Object.values(lrpFlex().explain(network, images, { classes: 'highest', training: true, updateStatistics: true })));
    expect(Array.from(mean.dataSync())).not.toEqual(before);
  });

  it.each([
    { case: 'every class in one pass', settings: {}, classes: undefined },
    { case: 'listed classes, one per pass, training mode', settings: { classesPerPass: 1 }, classes: [3, 0] },
  ])('every class: gives what lrp explainEveryClass gives: $case', ({ settings, classes }) => {
    const network = classifier();
    const images = uniform([3, 6, 6, 1], seededRandom(6), 0, 1);
    const training = classes !== undefined;
    const ours = lrpFlexEveryClass(settings).explain(network, images, { classes, training });
    const reference = explainEveryClass(network.graph, images, { ...settings, classList: classes, training });
    expect(ours.heatmap.shape).toEqual([3, classes?.length ?? 4, 6, 6, 1]);
    same(ours.heatmap, reference.heatmaps);
    same(ours.logits, reference.logits);
  });

  it('every class: refuses a per-image class choice', () => {
    const images = uniform([2, 6, 6, 1], seededRandom(7), 0, 1);
    expect(() => lrpFlexEveryClass().explain(classifier(), images, { classes: 'highest' })).toThrow(/takes a list of classes/);
  });

  it("the attention explainer is the classifier's evaluation heatmap, and names its settings", () => {
    const network = classifier();
    const images = uniform([3, 6, 6, 1], seededRandom(8), 0, 1);
    const classes = Int32Array.from([2, 0, 1]);
    const ours = ATTENTION_EXPLAINER.explain(network, images, { classes });
    same(ours.heatmap, network.explainClasses(images, classes));
    expect(ATTENTION_EXPLAINER.name).toBe(`lrp-flex(logit, epsilon=${EVALUATION_LRP.epsilon}, zb=[0,1])`);
    expect(ATTENTION_EXPLAINER.output).toBe('image');
    expect(lrpFlex({ quantity: 'selective', zb: false, hiddenLayers: ['a', 'b'] }).name).toBe('lrp-flex(selective, e_s=0.01, epsilon=0.01, no zb, hidden=a+b)');
    expect(lrpFlexEveryClass({ epsilon: 0.1, bounds: [-1, 1] }).name).toBe('lrp-flex-every-class(logit, epsilon=0.1, zb=[-1,1])');
  });

  it('leaks no tensors outside a gradient computation', () => {
    const network = classifier();
    const images = uniform([2, 6, 6, 1], seededRandom(9), 0, 1);
    const run = () => {
      const { heatmap, logits, classes, hidden } = lrpFlex({ hiddenLayers: ['r1'] }).explain(network, images, { classes: 'highest' });
      tf.dispose([heatmap, logits, classes, ...hidden]);
      tf.dispose(Object.values(lrpFlexEveryClass({ classesPerPass: 2 }).explain(network, images)));
    };
    run();
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
