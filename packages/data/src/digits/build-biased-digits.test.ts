import { describe, expect, it } from 'vitest';
import type { DatasetSplit } from '../dataset.js';
import { datasetFingerprint } from '../fingerprint.js';
import { artifactChecks } from '../inspect.js';
import { biasedDigitsOptionsSchema } from '../options.js';
import { fakeDigitSource } from '../test-support/fixtures.js';
import { growBox } from './artifacts.js';
import { buildBiasedDigits, type BiasedDigitsOptions } from './build-biased-digits.js';
import { countInBox } from './foreground-mask.js';

const source = fakeDigitSource(600, 200);
const options = (overrides: Partial<BiasedDigitsOptions> = {}): BiasedDigitsOptions =>
  biasedDigitsOptionsSchema.parse({ trainCount: 500, validationCount: 100, testCount: 200, ...overrides });

/** Independent of the builder's own bookkeeping: mask pixels within `margin` of each recorded artifact. */
function maskPixelsNearArtifacts(split: DatasetSplit, margin: number): number {
  let total = 0;
  split.artifactClass!.forEach((c, i) => {
    if (c < 0) return;
    const [x, y, width, height] = split.artifactBox!.subarray(4 * i, 4 * i + 4);
    total += countInBox(split.masks.subarray(i * 784, (i + 1) * 784), 28, growBox({ x, y, width, height }, margin, 28, 28));
  });
  return total;
}

describe('buildBiasedDigits', () => {
  it('is deterministic: same seed, same fingerprint; another seed, another one', () => {
    const first = datasetFingerprint(buildBiasedDigits(source, options({ seed: 5 })));
    expect(datasetFingerprint(buildBiasedDigits(source, options({ seed: 5 })))).toBe(first);
    expect(datasetFingerprint(buildBiasedDigits(source, options({ seed: 6 })))).not.toBe(first);
  });

  it('builds the five splits from the right files with the requested counts', () => {
    const dataset = buildBiasedDigits(source, options());
    expect(Object.fromEntries(Object.entries(dataset.splits).map(([name, split]) => [name, split.count]))).toEqual({
      train: 500, validation: 100, test: 200, unbiased: 200, confounding: 200,
    });
    // The three test splits hold the same test images, differing only in the artifact.
    expect(Array.from(dataset.splits.unbiased.labels)).toEqual(Array.from(dataset.splits.confounding.labels));
  });

  for (const bias of ['decoy', 'position'] as const) {
    for (const mask of ['digit', 'box'] as const) {
      it(`${bias} artifacts with ${mask} masks never touch the mask and follow their split's rule`, () => {
        const dataset = buildBiasedDigits(source, options({ bias, mask, maskDilation: 2 }));
        for (const split of Object.values(dataset.splits)) expect(maskPixelsNearArtifacts(split, 1)).toBe(0);
        expect(artifactChecks(dataset)).toEqual({ artifactInsideMask: 0, confoundingMatchingLabel: 0, unbiasedWithArtifact: 0, artifactNotDrawn: 0 });
        const { train, unbiased, confounding } = dataset.splits;
        expect(Array.from(train.artifactClass!)).toEqual(Array.from(train.labels));
        expect(unbiased.artifactClass!.every((c) => c === -1)).toBe(true);
        confounding.artifactClass!.forEach((c, i) => {
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).not.toBe(confounding.labels[i]);
        });
      });
    }
  }

  it('draws the confounding class uniformly among the other classes', () => {
    const dataset = buildBiasedDigits(fakeDigitSource(10, 3000), options({ trainCount: 5, validationCount: 5, testCount: 3000 }));
    const { labels, artifactClass } = dataset.splits.confounding;
    const offsets = new Array(10).fill(0);
    artifactClass!.forEach((c, i) => offsets[(c - labels[i] + 10) % 10]++);
    expect(offsets[0]).toBe(0);
    for (const count of offsets.slice(1)) expect(count).toBeGreaterThan(260); // 333 expected each
  });

  it('marks exactly round(strength * count) images of the biased splits', () => {
    const dataset = buildBiasedDigits(source, options({ biasStrength: 0.3 }));
    const withArtifact = (name: string) => dataset.splits[name].artifactClass!.filter((c) => c >= 0).length;
    expect(withArtifact('train')).toBe(150);
    expect(withArtifact('validation')).toBe(30);
    expect(withArtifact('test')).toBe(60);
    expect(withArtifact('confounding')).toBe(200);
  });

  it('codes the class in the decoy gray level and the position square location', () => {
    const decoy = buildBiasedDigits(source, options()).bias!;
    expect(decoy.classIntensity).toEqual([255, 230, 205, 180, 155, 130, 105, 80, 55, 30]);
    const position = buildBiasedDigits(source, options({ bias: 'position' })).bias!;
    const corners = position.classPosition!;
    for (const { x, y } of corners) expect(x === 0 || y === 0 || x === 24 || y === 24).toBe(true);
    for (let a = 0; a < 10; a++) {
      for (let b = a + 1; b < 10; b++) expect(Math.max(Math.abs(corners[a].x - corners[b].x), Math.abs(corners[a].y - corners[b].y))).toBeGreaterThanOrEqual(4);
    }
  });

  it('refuses counts larger than the source', () => {
    expect(() => buildBiasedDigits(source, options({ trainCount: 600 }))).toThrow(/trainCount \+ validationCount = 700 exceeds the 600 training images/);
    expect(() => buildBiasedDigits(source, options({ testCount: 201 }))).toThrow(/testCount 201 exceeds the 200 test images/);
  });
});
