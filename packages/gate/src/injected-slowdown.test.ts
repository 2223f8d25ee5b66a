import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@isnet-bench/engine';
import { methodContext, methodDefinition, parseMethodConfig, syntheticBatch } from '@isnet-bench/harness';
import { methodGradients } from '@isnet-bench/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { gateMethodDefinition, parseSlowdown, SLOWDOWN_ENV } from './injected-slowdown.js';

describe('parseSlowdown', () => {
  it('reads METHOD:FRACTION, and nothing from an unset variable', () => {
    expect(parseSlowdown('selective:0.2')).toEqual({ method: 'selective', fraction: 0.2 });
    expect(parseSlowdown('selective-ds:1')).toEqual({ method: 'selective-ds', fraction: 1 });
    expect(parseSlowdown(undefined)).toBeUndefined();
    expect(parseSlowdown('')).toBeUndefined();
  });

  it('refuses a missing or out-of-range fraction, naming the variable', () => {
    for (const text of ['selective', 'selective:0', 'selective:1.5', ':0.2', 'selective:x']) expect(() => parseSlowdown(text)).toThrow(new RegExp(`^${SLOWDOWN_ENV}: .*'${text}'`));
  });
});

describe('gateMethodDefinition', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
  });

  it('is the registry definition unless the variable names the method', () => {
    expect(gateMethodDefinition('selective', {})).toBe(methodDefinition('selective'));
    expect(gateMethodDefinition('stochastic', { [SLOWDOWN_ENV]: 'selective:0.2' })).toBe(methodDefinition('stochastic'));
  });

  it('slows the named method by extra kernels, leaving its loss and gradients as they were', async () => {
    const context = methodContext({ model: 'tiny', modelOptions: {}, seed: 1 }, { inputShape: [12, 12, 1], classes: 3 });
    const batch = syntheticBatch(4, [12, 12, 1], 3);
    try {
      const plainDefinition = methodDefinition('selective');
      const slowedDefinition = gateMethodDefinition('selective', { [SLOWDOWN_ENV]: 'selective:0.5' });
      const plain = plainDefinition.create(parseMethodConfig(plainDefinition, {}), context);
      const slowed = slowedDefinition.create(parseMethodConfig(slowedDefinition, {}), context);
      expect(slowed.name).toBe('selective');
      // tf.profile returns one object that the next profile overwrites: read each at once.
      const run = async (method: typeof plain) => {
        const profile = await tf.profile(() => {
          const { value, parts, grads } = methodGradients(method, batch, { epoch: 0, batchIndex: 0 });
          tf.dispose(Object.values(parts));
          return [value, ...Object.values(grads)];
        });
        return { kernels: profile.kernels.length, values: (profile.result as tf.Tensor[]).map((t) => Array.from(t.dataSync())), tensors: profile.result as tf.Tensor[] };
      };
      const a = await run(plain);
      const b = await run(slowed);
      expect(b.kernels).toBeGreaterThan(a.kernels);
      expect(b.values).toEqual(a.values);
      tf.dispose([...a.tensors, ...b.tensors]);
    } finally {
      batch.dispose();
      context.dispose();
    }
  });
});
