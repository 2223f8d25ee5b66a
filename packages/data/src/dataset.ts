import type { BiasScheme } from './digits/artifacts.js';
import { DataError } from './errors.js';

/**
 * A dataset in memory: every split as compact typed arrays, so that training never re-decodes
 * images and only the current batch becomes tensors. All arrays are bytes, which makes the
 * on-disk files and the fingerprint independent of the machine's endianness.
 */
export interface Dataset {
  readonly kind: string;
  readonly source: DatasetSource;
  /** The build options after defaults, recorded for provenance. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly classNames: readonly string[];
  readonly imageSize: { readonly height: number; readonly width: number; readonly channels: 1 };
  /** Hospitals/sites of manifest datasets, indexed by `DatasetSplit.sites`. */
  readonly siteNames?: readonly string[];
  /** The artifact scheme of biased digit datasets. */
  readonly bias?: BiasScheme;
  /** Splits in their canonical order (train, validation, test, ...). */
  readonly splits: Readonly<Record<string, DatasetSplit>>;
}

export interface DatasetSource {
  readonly name: string;
  readonly location: string;
}

export interface DatasetSplit {
  readonly count: number;
  /** count x height x width grayscale bytes; divide by 255 for [0,1]. */
  readonly images: Uint8Array;
  /** count x height x width, 1 = foreground (where the decision should come from), else 0. */
  readonly masks: Uint8Array;
  /** count; 0 where the image has no mask (its `masks` slice is then all zeros). */
  readonly hasMask: Uint8Array;
  /** count class indices into `Dataset.classNames`. */
  readonly labels: Uint8Array;
  /** count site indices into `Dataset.siteNames` (manifest datasets). */
  readonly sites?: Uint8Array;
  /** count; the class whose artifact the image carries, -1 for none (biased digit datasets). */
  readonly artifactClass?: Int8Array;
  /** count x 4: x, y, width, height of the artifact (meaningful where artifactClass >= 0). */
  readonly artifactBox?: Uint8Array;
  /** Where each image came from (manifest datasets): manifest row and paths. */
  readonly origins?: readonly ImageOrigin[];
}

export interface ImageOrigin {
  readonly row: number;
  readonly image: string;
  readonly mask: string | null;
}

export type SplitArrayName = 'images' | 'masks' | 'hasMask' | 'labels' | 'sites' | 'artifactClass' | 'artifactBox';

/** The binary arrays of a split, in the order they are stored and fingerprinted. */
export const SPLIT_ARRAYS: readonly { name: SplitArrayName; dtype: 'uint8' | 'int8'; perImage: 'pixels' | 1 | 4 }[] = [
  { name: 'images', dtype: 'uint8', perImage: 'pixels' },
  { name: 'masks', dtype: 'uint8', perImage: 'pixels' },
  { name: 'labels', dtype: 'uint8', perImage: 1 },
  { name: 'hasMask', dtype: 'uint8', perImage: 1 },
  { name: 'sites', dtype: 'uint8', perImage: 1 },
  { name: 'artifactClass', dtype: 'int8', perImage: 1 },
  { name: 'artifactBox', dtype: 'uint8', perImage: 4 },
];

/** The one place that knows how many pixels an image has. */
export function pixelsPerImage(dataset: Pick<Dataset, 'imageSize'>): number {
  return dataset.imageSize.height * dataset.imageSize.width;
}

/** Looks a split up, naming the ones that exist when it is missing. */
export function getSplit(dataset: Dataset, name: string): DatasetSplit {
  const split = dataset.splits[name];
  if (!split) throw new DataError('unknown-split', dataset.source.location, `no split '${name}' (splits: ${Object.keys(dataset.splits).join(', ')})`);
  return split;
}
