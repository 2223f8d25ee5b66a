import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset } from '@isnet-bench/data';
import { initEngine } from '@isnet-bench/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun, runTraining } from './run.js';
import { UnknownMethodError } from './methods.js';

describe('a training run end to end (real MNIST, tiny subset)', () => {
  let root: string;
  let datasetDir: string;

  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
    root = await mkdtemp(join(tmpdir(), 'isnet-run-'));
    datasetDir = join(root, 'data');
    await buildDataset('mnist-bias', { bias: 'position', trainCount: 256, validationCount: 64, testCount: 96 }, datasetDir);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('tunes C1/C2, trains Selective ISNet, evaluates the best checkpoint, and re-evaluates identically', async () => {
    const out = join(root, 'selective');
    const messages: string[] = [];
    const outcome = await runTraining(
      { method: 'selective', model: 'tiny', methodConfig: { tuneEpochs: 1 }, train: { epochs: 1, batchSize: 32 }, evaluation: { batchSize: 48 } },
      datasetDir,
      out,
      { log: (m) => messages.push(m) },
    );
    expect(messages.some((m) => m.startsWith('tuned C1'))).toBe(true);
    const loss = (outcome.methodConfig as { loss: { C1: number; C2: number } }).loss;
    expect(outcome.prepared).toMatchObject({ input: { C1: loss.C1, C2: loss.C2 } });
    expect(loss.C2).toBeGreaterThan(loss.C1);
    expect(Object.keys(outcome.evaluation!.splits)).toEqual(['test', 'unbiased', 'confounding']);
    for (const split of Object.values(outcome.evaluation!.splits)) {
      expect(split.count).toBe(96);
      expect(split.backgroundAttention).toBeGreaterThanOrEqual(0);
      expect(split.backgroundAttention).toBeLessThanOrEqual(1);
    }
    const stored = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(stored.evaluation).toEqual(JSON.parse(JSON.stringify(outcome.evaluation)));
    const again = await evaluateRun(out, datasetDir);
    expect(again.splits['test']!.accuracy).toBe(outcome.evaluation!.splits['test']!.accuracy);
  });

  it('names an unknown method', async () => {
    await expect(runTraining({ method: 'isnet++' }, datasetDir, join(root, 'bad'))).rejects.toThrow(UnknownMethodError);
  });
});
