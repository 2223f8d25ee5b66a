import { createHash } from 'node:crypto';
import { SPLIT_ARRAYS, type Dataset, type DatasetSplit } from './dataset.js';

/**
 * SHA-256 over one split's arrays (images, masks, labels, then the optional metadata arrays),
 * each prefixed with its name and length so that bytes cannot shift between arrays unnoticed.
 */
export function splitFingerprint(split: DatasetSplit): string {
  const hash = createHash('sha256');
  for (const { name } of SPLIT_ARRAYS) {
    const array = split[name];
    if (!array) continue;
    hash.update(`${name}\0${array.byteLength}\0`);
    hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  return hash.digest('hex');
}

/**
 * The dataset's fingerprint: SHA-256 of the class names, image size and every split's
 * fingerprint in split order. Equal fingerprints mean byte-identical training data.
 */
export function datasetFingerprint(dataset: Pick<Dataset, 'classNames' | 'imageSize' | 'splits'>, splitHashes?: Record<string, string>): string {
  const splits = Object.entries(dataset.splits).map(([name, split]) => [name, splitHashes?.[name] ?? splitFingerprint(split)]);
  const { height, width } = dataset.imageSize;
  return createHash('sha256').update(JSON.stringify({ classNames: dataset.classNames, height, width, splits })).digest('hex');
}
