import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '@isnet-bench/engine';
import { checkpointPaths, loadCheckpoint, readCheckpoint, readCheckpointSync, saveCheckpoint, type CheckpointMeta } from './checkpoint.js';
import { parseTrainConfig } from './config.js';
import { CheckpointError } from './errors.js';
import { train } from './loop.js';
import { createOptimizer } from './optimizers.js';
import { snapshot, temporaryDirectory, tinyDataset, tinyMethod, validateByLoss } from './test-support/fixtures.js';

const dataset = tinyDataset();

/** The message of the CheckpointError `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CheckpointError);
  return (error as Error).message;
}

/** A short Adam run, so that weights and optimizer state are far from their initial values. */
async function trainedRun(checkpointDir: string) {
  const method = tinyMethod();
  const config = { checkpointDir, epochs: 1, batchSize: 8, optimizer: { kind: 'adam' as const } };
  await train({ method, dataset, config, validate: validateByLoss });
  return { method, config: parseTrainConfig(config) };
}

describe('checkpoints', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('restore identical weights, optimizer state and metadata into a fresh method and optimizer', async () => {
    const dir = await temporaryDirectory();
    const { method, config } = await trainedRun(dir);
    const fresh = tinyMethod({ init: 99 });
    const optimizer = createOptimizer(config.optimizer, { 'dense/kernel': fresh.stateVariables['dense/kernel'], 'dense/bias': fresh.stateVariables['dense/bias'] });
    expect(snapshot(fresh.stateVariables)).not.toEqual(snapshot(method.stateVariables));
    const meta = await loadCheckpoint(checkpointPaths(dir).last, fresh, optimizer);
    expect(snapshot(fresh.stateVariables)).toEqual(snapshot(method.stateVariables));
    expect(snapshot(optimizer.stateVariables).step).toEqual([6]);
    expect(meta).toMatchObject({ position: { epoch: 1, batchIndex: 0, step: 6 }, method: { name: 'tiny', config: { classes: 2 } }, trainConfig: config });
    expect(meta.history).toHaveLength(1);

    // Save the restored state elsewhere and load it again: byte-identical optimizer state too.
    const again = join(dir, 'again');
    await saveCheckpoint(again, meta, fresh, optimizer);
    const third = tinyMethod({ init: 7 });
    const thirdOptimizer = createOptimizer(config.optimizer, { 'dense/kernel': third.stateVariables['dense/kernel'], 'dense/bias': third.stateVariables['dense/bias'] });
    expect(await loadCheckpoint(again, third, thirdOptimizer)).toEqual(meta);
    expect(snapshot(thirdOptimizer.stateVariables)).toEqual(snapshot(optimizer.stateVariables));
    for (const m of [method, fresh, third]) m.dispose();
    optimizer.dispose();
    thirdOptimizer.dispose();
  });

  it('read the same without waiting (readCheckpointSync), and name a missing or damaged one alike', async () => {
    const dir = await temporaryDirectory();
    const { method } = await trainedRun(dir);
    const { last } = checkpointPaths(dir);
    expect(readCheckpointSync(last)).toEqual(await readCheckpoint(last));
    const missing = join(dir, 'none');
    expect(() => readCheckpointSync(missing)).toThrow(await failure(readCheckpoint(missing)));
    const file = (await readdir(last)).find((name) => name.startsWith('tensors-'))!;
    await writeFile(join(last, file), 'damaged');
    expect(() => readCheckpointSync(last)).toThrow(await failure(readCheckpoint(last)));
    method.dispose();
  });

  it('refuse what does not fit, naming it', async () => {
    const dir = await temporaryDirectory();
    const { method } = await trainedRun(dir);
    const { last } = checkpointPaths(dir);

    const other = tinyMethod({ name: 'selective' });
    expect(await failure(loadCheckpoint(last, other))).toContain("checkpoint has method 'tiny', not 'selective'");
    const wider = tinyMethod({ classes: 3 });
    const message = await failure(loadCheckpoint(last, wider));
    expect(message).toContain('variable dense/kernel: shape [16,2] in checkpoint, [16,3] in model');
    expect(message).toContain('variable dense/bias: shape [2] in checkpoint, [3] in model');
    const extended = tinyMethod({ extraState: true });
    expect(await failure(loadCheckpoint(last, extended))).toContain('variable dense/statistic: in the model, not in the checkpoint');
    const sgd = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }, { 'dense/kernel': method.stateVariables['dense/kernel'] });
    expect(await failure(loadCheckpoint(last, method, sgd))).toContain("checkpoint has optimizer 'adam', not 'sgd'");
    // Nothing was assigned by the refused loads.
    expect(snapshot(wider.stateVariables)).toEqual(snapshot(tinyMethod({ classes: 3 }).stateVariables));

    expect(await failure(loadCheckpoint(dir, method))).toContain('no checkpoint.json');
    const json = JSON.parse(await readFile(join(last, 'checkpoint.json'), 'utf8'));
    const bin = join(last, json.tensors.file);
    const bytes = await readFile(bin);
    bytes[3] ^= 1;
    await writeFile(bin, bytes);
    expect(await failure(loadCheckpoint(last, method))).toMatch(/tensor file tensors-[0-9a-f]+\.bin is damaged/);
    await writeFile(join(last, 'checkpoint.json'), JSON.stringify({ ...json, format: 'keras' }));
    expect(await failure(loadCheckpoint(last, method))).toContain(`checkpoint.json has format "keras", not 'isnet-bench-checkpoint'`);
    await writeFile(join(last, 'checkpoint.json'), JSON.stringify({ ...json, position: { epoch: -1 } }));
    expect(await failure(loadCheckpoint(last, method))).toContain('invalid checkpoint.json: position.epoch');
    for (const m of [method, other, wider, extended]) m.dispose();
    sgd.dispose();
  });

  it('keep only the files of the current checkpoint', async () => {
    const dir = await temporaryDirectory();
    const method = tinyMethod();
    const optimizer = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }, { 'dense/kernel': method.stateVariables['dense/kernel'] });
    const meta: CheckpointMeta = {
      method: { name: method.name, config: method.config },
      trainConfig: parseTrainConfig({ checkpointDir: dir }),
      data: { split: 'train', images: 48, fingerprint: 'f' },
      position: { epoch: 0, batchIndex: 1, step: 1 },
      best: null,
      history: [],
      epochProgress: { batches: 1, images: 8, seconds: 0.1, lossSum: 0.7, partSums: {}, average: null },
    };
    await saveCheckpoint(dir, meta, method, optimizer);
    await writeFile(join(dir, 'checkpoint.json.tmp-123'), 'left by a killed write');
    await writeFile(join(dir, 'notes.txt'), 'not ours');
    method.stateVariables['dense/bias'].assign(method.stateVariables['dense/bias'].add(1));
    await saveCheckpoint(dir, { ...meta, position: { epoch: 0, batchIndex: 2, step: 2 } }, method, optimizer);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(3);
    expect(files).toEqual(['checkpoint.json', 'notes.txt', expect.stringMatching(/^tensors-[0-9a-f]{16}\.bin$/)]);
    method.dispose();
    optimizer.dispose();
  });
});
