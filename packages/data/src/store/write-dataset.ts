import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { pixelsPerImage, SPLIT_ARRAYS, type Dataset } from '../dataset.js';
import { silentLog, type Log } from '../errors.js';
import { datasetFingerprint, splitFingerprint } from '../fingerprint.js';
import { DATASET_FORMAT, DATASET_JSON, type DatasetJson } from './dataset-json.js';

/**
 * Stores a dataset as `dataset.json` plus one binary file per split array
 * (`<split>.<array>.u8|i8`). An existing dataset.json is removed first and the new one is
 * written last, each file via rename, so a directory with a dataset.json is always complete.
 * Returns the fingerprint.
 */
export async function writeDataset(dataset: Dataset, dir: string, log: Log = silentLog): Promise<string> {
  await mkdir(dir, { recursive: true });
  await rm(join(dir, DATASET_JSON), { force: true });
  const splits: DatasetJson['splits'] = {};
  const splitHashes: Record<string, string> = {};
  for (const [name, split] of Object.entries(dataset.splits)) {
    const arrays: DatasetJson['splits'][string]['arrays'] = {};
    for (const { name: arrayName, dtype, perImage } of SPLIT_ARRAYS) {
      const array = split[arrayName];
      if (!array) continue;
      const file = `${name}.${arrayName}.${dtype === 'int8' ? 'i8' : 'u8'}`;
      const itemShape = perImage === 'pixels' ? [dataset.imageSize.height, dataset.imageSize.width] : perImage === 1 ? [] : [perImage];
      await writeFileAtomic(join(dir, file), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      arrays[arrayName] = { file, dtype, shape: [split.count, ...itemShape] };
    }
    splitHashes[name] = splitFingerprint(split);
    splits[name] = { count: split.count, sha256: splitHashes[name], arrays, ...(split.origins ? { origins: [...split.origins] } : {}) };
    log(`wrote ${name}: ${split.count} images (${((split.count * pixelsPerImage(dataset) * 2) / 2 ** 20).toFixed(1)} MiB of images and masks)`);
  }
  const fingerprint = datasetFingerprint(dataset, splitHashes);
  const json: DatasetJson = {
    format: { ...DATASET_FORMAT },
    kind: dataset.kind,
    source: { ...dataset.source },
    options: { ...dataset.options },
    seed: dataset.seed,
    classNames: [...dataset.classNames],
    imageSize: { ...dataset.imageSize },
    ...(dataset.siteNames ? { siteNames: [...dataset.siteNames] } : {}),
    ...(dataset.bias ? { bias: dataset.bias } : {}),
    splits,
    fingerprint,
  };
  await writeFileAtomic(join(dir, DATASET_JSON), `${JSON.stringify(json, null, 2)}\n`);
  return fingerprint;
}
