import * as fs from 'node:fs/promises';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initEngine } from '@isnet-bench/engine';
import { loadCheckpoint, saveCheckpoint, type CheckpointMeta } from './checkpoint.js';
import { parseTrainConfig } from './config.js';
import { createOptimizer } from './optimizers.js';
import { snapshot, temporaryDirectory, tinyMethod } from './test-support/fixtures.js';

// Every rename (the atomic writes' final step) goes through a spy, so a test can make one fail.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, rename: vi.fn(actual.rename) };
});

describe('checkpoint writes are atomic', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('a write interrupted at the final rename leaves the previous checkpoint loadable and unchanged', async () => {
    const dir = await temporaryDirectory();
    const method = tinyMethod();
    const optimizer = createOptimizer({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 }, { 'dense/kernel': method.stateVariables['dense/kernel'] });
    const meta: CheckpointMeta = {
      method: { name: method.name, config: method.config },
      trainConfig: parseTrainConfig({ checkpointDir: dir }),
      data: { split: 'train', images: 48, fingerprint: 'f' },
      position: { epoch: 0, batchIndex: 3, step: 3 },
      best: null,
      history: [],
      epochProgress: { batches: 3, images: 24, seconds: 0.1, lossSum: 2, partSums: { classification: 2 }, average: { loss: 0.6, parts: { classification: 0.6 } } },
    };
    await saveCheckpoint(dir, meta, method, optimizer);
    const saved = snapshot(method.stateVariables);

    const kernel = method.stateVariables['dense/kernel'];
    kernel.assign(kernel.add(1));
    // Let the tensor file's rename through, and fail checkpoint.json's: the commit point.
    const actual = await vi.importActual<typeof fs>('node:fs/promises');
    vi.mocked(fs.rename).mockImplementation(async (from, to) => {
      if (String(to).endsWith('checkpoint.json')) throw Object.assign(new Error('EIO: killed during rename'), { code: 'EIO' });
      return actual.rename(from, to);
    });
    await expect(saveCheckpoint(dir, { ...meta, position: { epoch: 0, batchIndex: 4, step: 4 } }, method, optimizer)).rejects.toThrow('killed during rename');
    vi.mocked(fs.rename).mockImplementation(actual.rename);
    // Both writes reached the rename (inside data's writeFileAtomic); the second died at its commit point.
    expect(vi.mocked(fs.rename).mock.calls.map(([, to]) => String(to).split('/').at(-1))).toEqual([
      expect.stringMatching(/^tensors-.*\.bin$/),
      'checkpoint.json',
      expect.stringMatching(/^tensors-.*\.bin$/),
      'checkpoint.json',
    ]);

    const fresh = tinyMethod({ init: 5 });
    expect(await loadCheckpoint(dir, fresh)).toEqual(meta);
    expect(snapshot(fresh.stateVariables)).toEqual(saved);
    method.dispose();
    fresh.dispose();
    optimizer.dispose();
  });
});
