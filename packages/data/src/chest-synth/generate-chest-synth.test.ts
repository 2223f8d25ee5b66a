import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifestDataset } from '../chest/load-manifest-dataset.js';
import { decodeGrayLevels } from '../chest/decode-image.js';
import { datasetFingerprint } from '../fingerprint.js';
import { Rng } from '../prng.js';
import { temporaryDirectory } from '../test-support/fixtures.js';
import { paintChest } from './anatomy.js';
import { createCanvas } from './canvas.js';
import { CHEST_SYNTH_CLASSES, paintFindings } from './findings.js';
import { generateChestSynth } from './generate-chest-synth.js';
import { CHEST_SYNTH_SITES } from './sites.js';

describe('chest-synth', () => {
  it('writes PNGs and a manifest that loadManifestDataset reads with the unseen site held out', async () => {
    const dir = await temporaryDirectory();
    const output = await generateChestSynth(dir, { seed: 4, imagesPerSite: 12, pngSize: 64 });
    expect(output.oodSites).toEqual(['site-c']);
    const manifest = (await readFile(output.manifestPath, 'utf8')).trim().split('\n');
    expect(manifest[0]).toBe('image,mask,label,site,tags');
    expect(manifest).toHaveLength(1 + 3 * 12);
    // The held-out hospital stores 16-bit PNGs, the training hospitals 8-bit ones.
    expect(decodeGrayLevels(await readFile(join(dir, 'images/site-c/site-c-00000.png'))).maxValue).toBe(65535);
    expect(decodeGrayLevels(await readFile(join(dir, 'images/site-a/site-a-00000.png'))).maxValue).toBe(255);

    const dataset = await loadManifestDataset(output.manifestPath, { size: 32, oodSites: [...output.oodSites], classNames: [...output.classNames] });
    const siteC = dataset.siteNames!.indexOf('site-c');
    const { ood, ...inDistribution } = dataset.splits;
    expect(ood.count).toBe(12);
    expect(ood.sites!.every((site) => site === siteC)).toBe(true);
    expect(Object.values(inDistribution).reduce((sum, split) => sum + split.count, 0)).toBe(24);
    for (const split of Object.values(inDistribution)) expect(split.sites!.includes(siteC)).toBe(false);
    for (const split of Object.values(dataset.splits)) {
      expect(split.hasMask.every((has) => has === 1)).toBe(true);
      const coverage = split.masks.reduce((a, b) => a + b, 0) / split.masks.length;
      expect(coverage).toBeGreaterThan(0.08);
      expect(coverage).toBeLessThan(0.3);
    }
  });

  it('is deterministic from its seed', async () => {
    const load = async (seed: number) => {
      const output = await generateChestSynth(await temporaryDirectory(), { seed, imagesPerSite: 4, pngSize: 48 });
      return datasetFingerprint(await loadManifestDataset(output.manifestPath, { size: 16, oodSites: ['site-c'] }));
    };
    const first = await load(1);
    expect(await load(1)).toBe(first);
    expect(await load(2)).not.toBe(first);
  });

  it('paints the class evidence only inside the lung mask', () => {
    for (const finding of CHEST_SYNTH_CLASSES) {
      const canvas = createCanvas(64);
      const chest = paintChest(canvas, new Rng(11));
      const before = canvas.pixels.slice();
      paintFindings(canvas, chest, finding, new Rng(12));
      let changedInside = 0;
      canvas.pixels.forEach((value, i) => {
        if (value === before[i]) return;
        expect(chest.lungMask[i]).toBe(1);
        changedInside++;
      });
      expect(changedInside > 0).toBe(finding !== 'normal');
    }
  });

  it('ties tags to the class at training sites only', () => {
    for (const site of CHEST_SYNTH_SITES) {
      const portable = CHEST_SYNTH_CLASSES.map((finding) => site.tagProbability(finding, 'PORTABLE'));
      const er = CHEST_SYNTH_CLASSES.map((finding) => site.tagProbability(finding, 'ER'));
      if (site.heldOut) {
        expect(new Set([...portable, ...er]).size).toBe(1);
      } else {
        expect(portable[1]).toBeGreaterThan(5 * portable[0]);
        expect(er[2]).toBeGreaterThan(5 * er[0]);
      }
    }
  });
});
