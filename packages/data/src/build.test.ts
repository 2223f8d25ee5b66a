import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDataset, CHEST_SYNTH_SOURCE_DIR } from './build.js';
import { decodeGrayLevels } from './chest/decode-image.js';
import { DataError } from './errors.js';
import { formatInspectReport, inspectDataset } from './inspect.js';
import { writePreview } from './preview.js';
import { requireMasks } from './require-masks.js';
import { openDataset } from './store/open-dataset.js';
import { fakeDigitSource, temporaryDirectory, writeIdxDirectory } from './test-support/fixtures.js';

describe('buildDataset / inspectDataset / writePreview', () => {
  it('builds fashion-bias from an IDX directory reproducibly, inspects it and previews it', async () => {
    const sourceDir = await temporaryDirectory();
    await writeIdxDirectory(sourceDir, fakeDigitSource(300, 100), true);
    const options = { sourceDir, trainCount: 250, validationCount: 50, testCount: 100, bias: 'position', seed: 9 };
    const dir = await temporaryDirectory();
    const messages: string[] = [];
    const result = await buildDataset('fashion-bias', options, dir, (message) => messages.push(message));
    expect(messages.some((m) => m.startsWith('train: 250 images'))).toBe(true);
    expect((await buildDataset('fashion-bias', options, await temporaryDirectory())).fingerprint).toBe(result.fingerprint);

    const report = await inspectDataset(dir, { verify: true });
    expect(report.fingerprint).toBe(result.fingerprint);
    expect(report.kind).toBe('fashion-bias');
    expect(Object.fromEntries(Object.entries(report.splits).map(([name, split]) => [name, split.count]))).toEqual({
      train: 250, validation: 50, test: 100, unbiased: 100, confounding: 100,
    });
    expect(report.splits.train.perClass['Ankle boot']).toBeGreaterThan(0);
    expect([report.artifactInsideMask, report.confoundingMatchingLabel, report.unbiasedWithArtifact, report.artifactNotDrawn]).toEqual([0, 0, 0, 0]);
    const text = formatInspectReport(report);
    expect(text).toContain(`fingerprint  ${result.fingerprint}`);
    expect(text).toMatch(/^train\s+250\s+0\.\d{3}\s+0\s+250\s+250 /m);
    expect(text).toContain('artifact inside mask        0\n');

    const preview = join(dir, 'preview.png');
    expect(await writePreview(dir, preview, { perSplit: 4 })).toMatchObject({ width: 4 * 86 + 2, height: 5 * 86 + 2 });
    expect(decodeGrayLevels(await readFile(preview)).width).toBe(346);
  });

  it('builds chest-synth through the manifest pipeline with site-c held out', async () => {
    const dir = await temporaryDirectory();
    const result = await buildDataset('chest-synth', { imagesPerSite: 9, pngSize: 64, size: 32 }, dir);
    expect(result.report.splits.ood.perSite).toEqual({ 'site-c': 9 });
    expect(Object.keys(result.report.splits.train.perSite!).sort()).toEqual(['site-a', 'site-b']);
    expect(result.report.artifactInsideMask).toBeNull();
    const dataset = await openDataset(dir, { verify: true });
    expect(() => requireMasks(dataset, ['train', 'ood'])).not.toThrow();
    // The generated PNGs and manifest stay beside the dataset and build the same data as 'chest-manifest'.
    const again = await buildDataset('chest-manifest', { manifest: join(dir, CHEST_SYNTH_SOURCE_DIR, 'manifest.csv'), size: 32, oodSites: ['site-c'], classNames: ['normal', 'diffuse', 'patchy'] }, await temporaryDirectory());
    expect(again.fingerprint).toBe(result.fingerprint);
  });

  it('rejects bad options and kinds with one clear line', async () => {
    const error = await buildDataset('mnist-bias', { biasStrength: 2, colour: 'red' }, '/nonexistent').then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe('mnist-bias: invalid options: biasStrength: Too big: expected number to be <=1; Unrecognized key: "colour"');
    await expect(buildDataset('cifar' as 'mnist-bias', {}, '/nonexistent')).rejects.toThrow('cifar: unknown dataset kind (kinds: mnist-bias, fashion-bias, chest-synth, chest-manifest)');
    await expect(buildDataset('fashion-bias', { sourceDir: '/nonexistent' }, '/nonexistent')).rejects.toThrow('/nonexistent/train-images-idx3-ubyte: not found (nor train-images-idx3-ubyte.gz)');
  });
});
