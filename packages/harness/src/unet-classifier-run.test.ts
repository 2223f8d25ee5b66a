import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset } from '@isnet-bench/data';
import { initEngine } from '@isnet-bench/engine';
import { checkpointPaths, readCheckpoint } from '@isnet-bench/training';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from './run.js';
import type { RunSpecInput } from './run-spec.js';

describe('unet-classifier end to end (real MNIST digit masks, tiny subset)', () => {
  let root: string;
  let datasetDir: string;

  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
    root = await mkdtemp(join(tmpdir(), 'isnet-unet-'));
    datasetDir = join(root, 'data');
    await buildDataset('mnist-bias', { bias: 'position', trainCount: 64, validationCount: 32, testCount: 32 }, datasetDir);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('trains the U-Net stage, is stopped in the classifier stage, and resumes there without retraining the U-Net', async () => {
    const out = join(root, 'run');
    const spec: RunSpecInput = {
      method: 'unet-classifier',
      model: 'tiny',
      methodConfig: { segmenterEpochs: 1, width: 4 },
      train: { epochs: 2, batchSize: 16, logEvery: 1 },
      evaluation: { batchSize: 64 },
    };
    const stop = new AbortController();
    const first: string[] = [];
    const stopped = await runTraining(spec, datasetDir, out, {
      signal: stop.signal,
      log: (message) => {
        first.push(message);
        // The second step of the classifier stage (the U-Net stage's lines start with [unet]).
        if (message.startsWith('epoch 1/2 batch 2/')) stop.abort();
      },
    });
    expect(first.some((m) => m.startsWith('[unet] epoch 1/1 done'))).toBe(true);
    expect(stopped.training?.completed).toBe(false);
    expect(stopped.evaluation).toBeUndefined();
    const segmenterDir = join(out, 'prepare', 'unet');
    expect(stopped.methodConfig['segmenter']).toBe(checkpointPaths(segmenterDir).best);
    const stageOne = await readCheckpoint(checkpointPaths(segmenterDir).best);
    const stageOneWritten = (await stat(join(checkpointPaths(segmenterDir).last, 'checkpoint.json'))).mtimeMs;

    const second: string[] = [];
    const resumed = await runTraining(spec, datasetDir, out, { resume: true, log: (message) => second.push(message) });
    expect(second).toContain(`resuming unet-classifier from ${out}`);
    expect(second.some((m) => m.includes('[unet]') || m.startsWith('U-Net stage'))).toBe(false);
    expect(second.find((m) => m.startsWith('epoch '))).toMatch(/^epoch 1\/2 batch 3\//);
    expect(resumed.training?.completed).toBe(true);
    expect((await stat(join(checkpointPaths(segmenterDir).last, 'checkpoint.json'))).mtimeMs).toBe(stageOneWritten);

    // The classifier stage kept the U-Net of stage 1, frozen, in its own checkpoints.
    const final = await readCheckpoint(checkpointPaths(join(out, 'checkpoints')).last);
    expect(stageOne.methodTensors.size).toBeGreaterThan(0);
    for (const [name, tensor] of stageOne.methodTensors) expect(final.methodTensors.get(`unet/${name}`)?.values).toEqual(tensor.values);

    for (const split of Object.values(resumed.evaluation!.splits)) {
      expect(split.segmentation).toMatchObject({ count: 32 });
      expect(split.segmentation!.dice).toBeGreaterThanOrEqual(0);
      expect(split.segmentation!.dice).toBeLessThanOrEqual(1);
      expect(split.accuracy).not.toBeNull();
    }
  }, 120_000);

  it('stopped in the U-Net stage, resumes that stage where it stopped, then trains the classifier', async () => {
    const out = join(root, 'stage-one');
    const spec: RunSpecInput = { method: 'unet-classifier', model: 'tiny', methodConfig: { segmenterEpochs: 2, width: 4 }, train: { epochs: 1, batchSize: 16, logEvery: 1 }, evaluation: { batchSize: 64 } };
    const stop = new AbortController();
    const stopped = await runTraining(spec, datasetDir, out, {
      signal: stop.signal,
      log: (message) => {
        if (message.startsWith('[unet] epoch 2/2 batch 1/')) stop.abort();
      },
    });
    expect(stopped.training).toBeUndefined();
    expect(stopped.methodConfig['segmenter']).toBeUndefined();

    const second: string[] = [];
    const resumed = await runTraining(spec, datasetDir, out, { resume: true, log: (message) => second.push(message) });
    expect(second.find((m) => m.startsWith('[unet] epoch'))).toMatch(/^\[unet\] epoch 2\/2 batch 2\//);
    expect(resumed.training?.completed).toBe(true);
    expect(resumed.prepared).toMatchObject({ segmenter: { bestEpoch: expect.any(Number) } });
    expect(resumed.evaluation!.splits['test']!.segmentation).toMatchObject({ count: 32 });
  }, 120_000);
});
