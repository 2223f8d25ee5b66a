import * as tf from '@tensorflow/tfjs';
import type { Tensor4D } from '@tensorflow/tfjs';
import { initEngine, seededRandom, uniform } from '@isnet-bench/engine';
import { ATTENTION_EXPLAINER } from '@isnet-bench/explainers';
import { LrpClassifier } from '@isnet-bench/lrp';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeMethods, METHOD_DEFINITIONS, parseMethodConfig } from './methods.js';
import { methodContext } from './run.js';

describe('method definitions', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  // The U-Net methods decide with another classifier than the backbone on the image (the backbone on
  // the segmented image; the multi-task network's own classification path): their tests in
  // packages/baselines compare their heatmaps with LRP-Flex of that classifier.
  const ownClassifier = new Set(['unet-classifier', 'multitask-unet']);

  it('names the attention explainer, LRP-Flex, for every method', () => {
    for (const definition of METHOD_DEFINITIONS) expect(definition.attentionExplainer, definition.name).toBe(ATTENTION_EXPLAINER.name);
  });

  it.each(METHOD_DEFINITIONS.filter((d) => !ownClassifier.has(d.name)).map((d) => [d.name, d] as const))("%s: background attention is measured on the attention explainer it names, of the classifier it trains", (_name, definition) => {
    // The backbone factory gives the same seeded weights on every call: a second classifier is the method's, untouched.
    const context = methodContext({ model: 'tiny', modelOptions: {}, seed: 3 }, { inputShape: [8, 8, 1], classes: 3 });
    const method = definition.create(parseMethodConfig(definition, {}), context);
    const images = uniform([3, 8, 8, 1], seededRandom(1), 0, 1) as Tensor4D;
    const classes = Int32Array.from([2, 0, 1]);
    const measured = method.explain(images, classes);
    const reference = ATTENTION_EXPLAINER.explain(new LrpClassifier(context.backbone()), images, { classes });
    expect(measured.shape).toEqual([3, 8, 8, 1]);
    expect(Array.from(measured.dataSync())).toEqual(Array.from(reference.heatmap.dataSync()));
    tf.dispose([images, measured, ...Object.values(reference)]);
    context.dispose();
  });

  it('lists the attention explainer of every method', () => {
    const listed = describeMethods();
    expect(listed.map((m) => m.name)).toEqual(METHOD_DEFINITIONS.map((d) => d.name));
    for (const m of listed) expect(m.attentionExplainer).toBe('lrp-flex(logit, epsilon=0.01, zb=[0,1])');
  });
});
