// Test-only helpers (excluded from the build): small synthetic inputs, so tests never depend
// on installed datasets.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { onTestFinished } from 'vitest';
import type { DigitSource, LabelledImages } from '../digits/digit-source.js';
import { encodeIdx } from '../idx.js';
import { Rng } from '../prng.js';

/** A fresh temporary directory, removed after the current test. */
export async function temporaryDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'isnet-data-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Digit-like images: a soft ring whose radius and thickness depend on the class, jittered
 * around the centre, on a black background (like MNIST's centred digits).
 */
export function fakeLabelledImages(count: number, seed: number, size = 28, classCount = 10): LabelledImages {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = rng.int(classCount);
    labels[i] = label;
    const cx = size / 2 + rng.uniform(-2, 2);
    const cy = size / 2 + rng.uniform(-2, 2);
    const radius = size * (0.12 + 0.02 * label);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const distance = Math.abs(Math.hypot(x - cx, y - cy) - radius);
        images[i * size * size + y * size + x] = Math.round(255 * Math.max(0, 1 - distance / 2));
      }
    }
  }
  return { count, images, labels };
}

export function fakeDigitSource(trainCount = 600, testCount = 200, seed = 7): DigitSource {
  return {
    name: 'fake-digits',
    location: 'memory',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    height: 28,
    width: 28,
    train: fakeLabelledImages(trainCount, seed),
    test: fakeLabelledImages(testCount, seed + 1),
  };
}

/** Writes a source as the four MNIST-style IDX files, gzipped or raw. */
export async function writeIdxDirectory(dir: string, source: DigitSource, gzip: boolean): Promise<void> {
  const files: [string, Uint8Array][] = [
    ['train-images-idx3-ubyte', encodeIdx({ dims: [source.train.count, source.height, source.width], data: source.train.images })],
    ['train-labels-idx1-ubyte', encodeIdx({ dims: [source.train.count], data: source.train.labels })],
    ['t10k-images-idx3-ubyte', encodeIdx({ dims: [source.test.count, source.height, source.width], data: source.test.images })],
    ['t10k-labels-idx1-ubyte', encodeIdx({ dims: [source.test.count], data: source.test.labels })],
  ];
  for (const [name, bytes] of files) await writeFile(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
}
