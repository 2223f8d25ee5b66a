import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SPLIT_ARRAYS, type Dataset, type DatasetSplit } from '../dataset.js';
import { DataError, describeIssues } from '../errors.js';
import { datasetFingerprint, splitFingerprint } from '../fingerprint.js';
import { DATASET_JSON, datasetJsonSchema, type DatasetJson } from './dataset-json.js';

/** A dataset read back from its directory, with the fingerprint its manifest records. */
export interface OpenedDataset extends Dataset {
  readonly dir: string;
  readonly fingerprint: string;
}

/**
 * Loads a dataset directory written by `writeDataset`/`buildDataset`. File sizes are always
 * checked; `verify: true` also recomputes the SHA-256 fingerprint (about a second for MNIST).
 */
export async function openDataset(dir: string, options: { verify?: boolean } = {}): Promise<OpenedDataset> {
  const jsonFile = join(dir, DATASET_JSON);
  const json = await readDatasetJson(jsonFile);
  const splits: Record<string, DatasetSplit> = {};
  for (const [name, entry] of Object.entries(json.splits)) {
    const arrays: Partial<Record<string, Uint8Array | Int8Array>> = {};
    for (const { name: arrayName } of SPLIT_ARRAYS) {
      const spec = entry.arrays[arrayName];
      if (!spec) continue;
      const file = join(dir, spec.file);
      const bytes = await readArrayFile(file, spec.shape.reduce((a, b) => a * b, 1));
      arrays[arrayName] = spec.dtype === 'int8' ? new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
    }
    for (const required of ['images', 'masks', 'hasMask', 'labels'] as const) {
      if (!arrays[required]) throw new DataError('dataset-format', jsonFile, `split '${name}' lists no '${required}' array`);
    }
    splits[name] = { count: entry.count, ...arrays, ...(entry.origins ? { origins: entry.origins } : {}) } as DatasetSplit;
    if (options.verify && splitFingerprint(splits[name]) !== entry.sha256) {
      throw new DataError('fingerprint-mismatch', jsonFile, `the arrays of split '${name}' do not match its recorded SHA-256 (files changed after the build)`);
    }
  }
  const dataset: OpenedDataset = {
    dir,
    kind: json.kind,
    source: json.source,
    options: json.options,
    seed: json.seed,
    classNames: json.classNames,
    imageSize: json.imageSize,
    ...(json.siteNames ? { siteNames: json.siteNames } : {}),
    ...(json.bias ? { bias: json.bias } : {}),
    splits,
    fingerprint: json.fingerprint,
  };
  if (options.verify && datasetFingerprint(dataset) !== json.fingerprint) {
    throw new DataError('fingerprint-mismatch', jsonFile, `recorded fingerprint ${json.fingerprint} does not match the data`);
  }
  return dataset;
}

async function readDatasetJson(jsonFile: string): Promise<DatasetJson> {
  let text: string;
  try {
    text = await readFile(jsonFile, 'utf8');
  } catch {
    throw new DataError('incomplete-dataset', jsonFile, 'missing: not a dataset directory, or its build did not finish');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DataError('dataset-format', jsonFile, `not valid JSON: ${(error as Error).message}`);
  }
  const parsed = datasetJsonSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DataError('dataset-format', jsonFile, `not an isnet-bench dataset manifest: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

async function readArrayFile(file: string, expectedBytes: number): Promise<Uint8Array> {
  const size = await stat(file).then((s) => s.size, () => -1);
  if (size < 0) throw new DataError('incomplete-dataset', file, 'missing array file');
  if (size !== expectedBytes) throw new DataError('incomplete-dataset', file, `has ${size} bytes, the manifest's shape needs ${expectedBytes}`);
  return readFile(file);
}
