import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { silentLog, type Log } from '../errors.js';
import { encodePng } from '../png.js';
import { deriveSeed, Rng } from '../prng.js';
import { formatCsvLine } from '../chest/csv.js';
import { paintChest } from './anatomy.js';
import { createCanvas } from './canvas.js';
import { CHEST_SYNTH_CLASSES, paintFindings, type ChestSynthClass } from './findings.js';
import { applySiteStyle, CHEST_SYNTH_SITES, type SiteStyle } from './sites.js';

export interface ChestSynthGenerateOptions {
  readonly seed: number;
  readonly imagesPerSite: number;
  /** Side of the PNG files. */
  readonly pngSize: number;
}

export interface ChestSynthOutput {
  readonly manifestPath: string;
  readonly classNames: readonly string[];
  /** Sites to hold out as the out-of-distribution test. */
  readonly oodSites: readonly string[];
  /** Images per site and class. */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Images per site carrying each tag. */
  readonly tagCounts: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export const CHEST_SYNTH_MANIFEST = 'manifest.csv';

/**
 * Writes synthetic chest X-rays as PNG files (images/<site>/, lung masks in masks/<site>/)
 * plus `manifest.csv` in the manifest format of `loadManifestDataset` (columns image, mask,
 * label, site, and tags: the burned-in tags of each image, which the loader ignores but an
 * analysis of shortcut learning can use). Each image depends only on (seed, site, index). The manifest is removed first
 * and written last, so an interrupted run leaves no manifest pointing at missing files.
 */
export async function generateChestSynth(outDir: string, options: ChestSynthGenerateOptions, log: Log = silentLog): Promise<ChestSynthOutput> {
  const manifestPath = join(outDir, CHEST_SYNTH_MANIFEST);
  await mkdir(outDir, { recursive: true });
  await rm(manifestPath, { force: true });
  const lines = [formatCsvLine(['image', 'mask', 'label', 'site', 'tags'])];
  const counts: Record<string, Record<string, number>> = {};
  const tagCounts: Record<string, Record<string, number>> = {};
  for (const site of CHEST_SYNTH_SITES) {
    await mkdir(join(outDir, 'images', site.name), { recursive: true });
    await mkdir(join(outDir, 'masks', site.name), { recursive: true });
    counts[site.name] = Object.fromEntries(CHEST_SYNTH_CLASSES.map((name) => [name, 0]));
    tagCounts[site.name] = {};
    for (let index = 0; index < options.imagesPerSite; index++) {
      const rng = new Rng(deriveSeed(options.seed, 'chest-synth', site.name, index));
      const { finding, image, mask, tags } = synthesiseImage(site, options.pngSize, rng);
      const file = `${site.name}-${String(index).padStart(5, '0')}.png`;
      const imagePath = `images/${site.name}/${file}`;
      const maskPath = `masks/${site.name}/${file}`;
      await writeFile(join(outDir, imagePath), encodePng(options.pngSize, options.pngSize, 1, image));
      await writeFile(join(outDir, maskPath), encodePng(options.pngSize, options.pngSize, 1, mask));
      lines.push(formatCsvLine([imagePath, maskPath, finding, site.name, tags.join(' ')]));
      counts[site.name][finding]++;
      for (const tag of tags) tagCounts[site.name][tag] = (tagCounts[site.name][tag] ?? 0) + 1;
    }
    log(`chest-synth ${site.name}${site.heldOut ? ' (held out)' : ''}: ${JSON.stringify(counts[site.name])}, tags ${JSON.stringify(tagCounts[site.name])}`);
  }
  await writeFileAtomic(manifestPath, `${lines.join('\n')}\n`);
  return {
    manifestPath,
    classNames: CHEST_SYNTH_CLASSES,
    oodSites: CHEST_SYNTH_SITES.filter((site) => site.heldOut).map((site) => site.name),
    counts,
    tagCounts,
  };
}

function synthesiseImage(site: SiteStyle, size: number, rng: Rng) {
  const finding = pickClass(site.prevalence, rng);
  const canvas = createCanvas(size, site.background);
  const chest = paintChest(canvas, rng);
  paintFindings(canvas, chest, finding, rng);
  const tags = applySiteStyle(canvas, site, finding, rng);
  const image = site.bitDepth === 16 ? new Uint16Array(size * size) : new Uint8Array(size * size);
  const maxLevel = site.bitDepth === 16 ? 65535 : 255;
  for (const [i, value] of canvas.pixels.entries()) image[i] = Math.round(Math.min(1, Math.max(0, value)) * maxLevel);
  return {
    finding,
    image,
    mask: chest.lungMask.map((inside) => inside * 255),
    tags,
  };
}

function pickClass(prevalence: readonly number[], rng: Rng): ChestSynthClass {
  let draw = rng.next();
  for (let c = 0; c < CHEST_SYNTH_CLASSES.length - 1; c++) {
    draw -= prevalence[c];
    if (draw < 0) return CHEST_SYNTH_CLASSES[c];
  }
  return CHEST_SYNTH_CLASSES[CHEST_SYNTH_CLASSES.length - 1];
}
