import * as tf from '@tensorflow/tfjs';
import type { Batch } from '@isnet-bench/data';
import { methodDefinition } from '@isnet-bench/harness';
import { methodGradients, type Method, type MethodDefinition } from '@isnet-bench/training';

/**
 * TEST ONLY. `ISNET_GATE_TEST_SLOWDOWN=METHOD:FRACTION` makes the gate's METHOD repeat its
 * loss and gradients on the first FRACTION of each batch and throw them away: a known
 * slowdown under the method's own name, so that the gate's ability to catch it can be
 * measured (benchmarks/gate-check). Nothing else reads this variable.
 */
export const SLOWDOWN_ENV = 'ISNET_GATE_TEST_SLOWDOWN';

export function parseSlowdown(text: string | undefined): { method: string; fraction: number } | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^([\w-]+):(\d*\.?\d+)$/.exec(text);
  const fraction = Number(match?.[2]);
  if (!match || !(fraction > 0 && fraction <= 1)) throw new RangeError(`${SLOWDOWN_ENV}: expected METHOD:FRACTION with 0 < FRACTION <= 1, got '${text}'`);
  return { method: match[1]!, fraction };
}

function leadingImages(batch: Batch, count: number): Batch {
  const [, h, w, c] = batch.images.shape;
  const images = batch.images.slice([0, 0, 0, 0], [count, h, w, c]);
  const masks = batch.masks.slice([0, 0, 0, 0], [count, h, w, 1]);
  const labels = batch.labels.slice([0], [count]);
  return {
    ...batch,
    images,
    masks,
    labels,
    labelArray: batch.labelArray.subarray(0, count),
    indices: batch.indices.subarray(0, count),
    dispose: () => tf.dispose([images, masks, labels]),
  };
}

function withExtraWork(method: Method, fraction: number): Method {
  return {
    name: method.name,
    needsMasks: method.needsMasks,
    trainableVariables: method.trainableVariables,
    stateVariables: method.stateVariables,
    config: method.config,
    loss: (batch, step) => method.loss(batch, step),
    lossAndGradients(batch, step) {
      const result = methodGradients(method, batch, step);
      const part = leadingImages(batch, Math.max(1, Math.round(fraction * batch.labelArray.length)));
      try {
        const extra = methodGradients(method, part, step);
        tf.dispose([extra.value, ...Object.values(extra.parts), ...Object.values(extra.grads)]);
      } finally {
        part.dispose();
      }
      return result;
    },
    predict: (images) => method.predict(images),
    explain: (images, classes) => method.explain(images, classes),
  };
}

/** The method's definition, slowed when the test-only variable names it. */
export function gateMethodDefinition(name: string, env: NodeJS.ProcessEnv = process.env): MethodDefinition {
  const definition = methodDefinition(name);
  const slowdown = parseSlowdown(env[SLOWDOWN_ENV]);
  if (slowdown?.method !== name) return definition;
  return { ...definition, create: (config, context) => withExtraWork(definition.create(config, context), slowdown.fraction) };
}
