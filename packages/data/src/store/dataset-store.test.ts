import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBiasedDigits } from '../digits/build-biased-digits.js';
import { DataError } from '../errors.js';
import { datasetFingerprint } from '../fingerprint.js';
import { biasedDigitsOptionsSchema } from '../options.js';
import { fakeDigitSource, temporaryDirectory } from '../test-support/fixtures.js';
import { openDataset } from './open-dataset.js';
import { writeDataset } from './write-dataset.js';

const dataset = buildBiasedDigits(fakeDigitSource(300, 100), biasedDigitsOptionsSchema.parse({ trainCount: 250, validationCount: 50, testCount: 100, seed: 3 }));

async function errorOf(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('dataset directory', () => {
  it('stores a manifest and binary arrays and reads back identical data', async () => {
    const dir = await temporaryDirectory();
    const fingerprint = await writeDataset(dataset, dir);
    expect(fingerprint).toBe(datasetFingerprint(dataset));
    const json = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8'));
    expect(json.format).toEqual({ name: 'isnet-bench-dataset', version: 1 });
    expect(json.splits.train.arrays.images).toEqual({ file: 'train.images.u8', dtype: 'uint8', shape: [250, 28, 28] });
    expect(json.splits.confounding.arrays.artifactClass).toEqual({ file: 'confounding.artifactClass.i8', dtype: 'int8', shape: [100] });
    const opened = await openDataset(dir, { verify: true });
    expect(opened.fingerprint).toBe(fingerprint);
    expect(opened.bias).toEqual(dataset.bias);
    for (const [name, split] of Object.entries(dataset.splits)) {
      const read = opened.splits[name];
      expect(read.count).toBe(split.count);
      expect(Buffer.compare(Buffer.from(read.images), Buffer.from(split.images))).toBe(0);
      expect(Array.from(read.artifactClass!)).toEqual(Array.from(split.artifactClass!));
    }
  });

  it('detects changed data when verifying', async () => {
    const dir = await temporaryDirectory();
    await writeDataset(dataset, dir);
    const file = join(dir, 'test.labels.u8');
    const labels = await readFile(file);
    labels[0] = (labels[0] + 1) % 10;
    await writeFile(file, labels);
    await expect(openDataset(dir)).resolves.toBeDefined();
    const error = await errorOf(openDataset(dir, { verify: true }));
    expect(error.code).toBe('fingerprint-mismatch');
    expect(error.message).toMatch(/dataset.json: the arrays of split 'test' do not match its recorded SHA-256/);
  });

  it('leaves no dataset.json when a rebuild is interrupted', async () => {
    const dir = await temporaryDirectory();
    await writeDataset(dataset, dir);
    // A directory where an array file should go makes the rename fail half-way through the rebuild.
    await rm(join(dir, 'test.images.u8'));
    await mkdir(join(dir, 'test.images.u8'));
    await expect(writeDataset(dataset, dir)).rejects.toThrow();
    const error = await errorOf(openDataset(dir));
    expect(error.code).toBe('incomplete-dataset');
    expect(error.message).toBe(`${join(dir, 'dataset.json')}: missing: not a dataset directory, or its build did not finish`);
  });

  it('rejects truncated array files and foreign manifests', async () => {
    const dir = await temporaryDirectory();
    await writeDataset(dataset, dir);
    await truncate(join(dir, 'train.masks.u8'), 100);
    expect((await errorOf(openDataset(dir))).message).toBe(`${join(dir, 'train.masks.u8')}: has 100 bytes, the manifest's shape needs 196000`);
    await writeFile(join(dir, 'dataset.json'), JSON.stringify({ format: { name: 'other', version: 1 } }));
    const error = await errorOf(openDataset(dir));
    expect(error.code).toBe('dataset-format');
    expect(error.message).toMatch(/not an isnet-bench dataset manifest: format.name: Invalid input: expected "isnet-bench-dataset"/);
  });
});
