import { readFile } from 'node:fs/promises';
import type { Dataset, DatasetSplit } from '../dataset.js';
import { DataError, silentLog, type DataErrorCode, type Log } from '../errors.js';
import { manifestLoadOptionsSchema, parseOptions, type ManifestLoadOptions, type ManifestLoadOptionsInput } from '../options.js';
import { deriveSeed, Rng } from '../prng.js';
import { resizeGray, resizeMask } from '../resize.js';
import { decodeGrayLevels, type GrayLevels } from './decode-image.js';
import { parseManifest, type ManifestRow } from './manifest.js';

/** Split names of manifest datasets: 'test' is the in-distribution test, 'ood' the held-out sites. */
export const MANIFEST_DATASET_SPLITS = ['train', 'validation', 'test', 'ood'] as const;
type SplitName = (typeof MANIFEST_DATASET_SPLITS)[number];

/**
 * Reads a chest X-ray manifest (see `parseManifest`) into memory: images are converted to
 * gray, scaled to [0,1] (by bit depth or per-image min-max), resized to size x size and stored
 * as bytes; masks are resized alongside and stay binary. Rows of `oodSites` form the 'ood'
 * split; other rows use their split column or are assigned at random per site and label.
 */
export async function loadManifestDataset(csvPath: string, options: ManifestLoadOptionsInput = {}, log: Log = silentLog): Promise<Dataset> {
  const settings = parseOptions(manifestLoadOptionsSchema, options, csvPath);
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (error) {
    throw new DataError('file-not-found', csvPath, `cannot read manifest: ${(error as Error).message}`);
  }
  const rows = parseManifest(text, csvPath, settings.classNames);
  if (rows.length === 0) throw new DataError('manifest-format', csvPath, 'the manifest lists no images');
  const classNames = settings.classNames ?? [...new Set(rows.map((row) => row.label))].sort();
  const siteNames = [...new Set(rows.map((row) => row.site))].sort();
  if (classNames.length > 256 || siteNames.length > 256) throw new DataError('manifest-format', csvPath, 'at most 256 labels and 256 sites are supported');
  for (const site of settings.oodSites) {
    if (!siteNames.includes(site)) throw new DataError('unknown-site', csvPath, `oodSites names '${site}', which no row has (sites: ${siteNames.join(', ')})`);
  }

  const splitOf = assignSplits(rows, settings);
  const names = MANIFEST_DATASET_SPLITS.filter((name) => name !== 'ood' || settings.oodSites.length > 0);
  const splits: Record<string, DatasetSplit> = {};
  let loaded = 0;
  for (const name of names) {
    const members = rows.filter((_, i) => splitOf[i] === name);
    const pixels = settings.size * settings.size;
    const split = {
      count: members.length,
      images: new Uint8Array(members.length * pixels),
      masks: new Uint8Array(members.length * pixels),
      hasMask: new Uint8Array(members.length),
      labels: new Uint8Array(members.length),
      sites: new Uint8Array(members.length),
      origins: members.map(({ row, image, mask }) => ({ row, image, mask })),
    };
    for (const [i, row] of members.entries()) {
      const { image, mask } = await loadRow(row, csvPath, settings);
      split.images.set(image, i * pixels);
      if (mask) {
        split.masks.set(mask, i * pixels);
        split.hasMask[i] = 1;
      }
      split.labels[i] = classNames.indexOf(row.label);
      split.sites[i] = siteNames.indexOf(row.site);
      if (++loaded % 500 === 0) log(`loaded ${loaded}/${rows.length} images`);
    }
    splits[name] = split;
    log(`${name}: ${members.length} images (${[...new Set(members.map((row) => row.site))].join(', ') || 'none'})`);
  }
  return {
    kind: 'chest-manifest',
    source: { name: 'manifest', location: csvPath },
    options: settings,
    seed: settings.seed,
    classNames,
    imageSize: { height: settings.size, width: settings.size, channels: 1 },
    siteNames,
    splits,
  };
}

/** Held-out sites go to 'ood'; a split column is obeyed; the rest is split at random within each (site, label) group. */
function assignSplits(rows: readonly ManifestRow[], settings: ManifestLoadOptions): SplitName[] {
  const splitOf: (SplitName | null)[] = rows.map((row) => (settings.oodSites.includes(row.site) ? 'ood' : row.split));
  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    if (splitOf[i] !== null) return;
    const key = `${row.site}\u0000${row.label}`;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  for (const [key, members] of groups) {
    const order = new Rng(deriveSeed(settings.seed, 'manifest-split', key)).permutation(members.length);
    const validationCount = Math.round(members.length * settings.validationFraction);
    const testCount = Math.round(members.length * settings.testFraction);
    order.forEach((position, rank) => {
      splitOf[members[position]] = rank < validationCount ? 'validation' : rank < validationCount + testCount ? 'test' : 'train';
    });
  }
  return splitOf as SplitName[];
}

async function loadRow(row: ManifestRow, csvPath: string, settings: ManifestLoadOptions): Promise<{ image: Uint8Array; mask: Uint8Array | null }> {
  const fail = (code: DataErrorCode, problem: string): never => {
    throw new DataError(code, csvPath, problem, row.row);
  };
  const decode = async (path: string, written: string, what: string): Promise<GrayLevels> => {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch {
      return fail('missing-file', `${what} '${written}' not found (${path})`);
    }
    try {
      return decodeGrayLevels(bytes);
    } catch (error) {
      return fail('unreadable-image', `${what} '${written}' is unreadable: ${(error as Error).message}`);
    }
  };
  const { size } = settings;
  const image = await decode(row.imagePath, row.image, 'image');
  const resized = resizeGray(scaleToUnit(image, settings.intensity), image.height, image.width, size, size);
  const imageBytes = new Uint8Array(resized.length);
  for (const [i, value] of resized.entries()) imageBytes[i] = Math.round(Math.min(1, Math.max(0, value)) * 255);
  if (row.maskPath === null || row.mask === null) return { image: imageBytes, mask: null };

  const mask = await decode(row.maskPath, row.mask, 'mask');
  if (mask.width !== image.width || mask.height !== image.height) {
    fail('mask-size', `mask '${row.mask}' is ${mask.width}x${mask.height}, its image '${row.image}' is ${image.width}x${image.height}`);
  }
  const binary = new Uint8Array(mask.levels.length);
  let foreground = 0;
  for (const [i, level] of mask.levels.entries()) {
    if (level === 0) continue;
    if (foreground === 0) foreground = level;
    else if (level !== foreground) {
      fail('mask-not-binary', `mask '${row.mask}' is not binary: it has gray levels ${foreground} and ${level} besides 0 (save masks as PNG with 0 and one other value)`);
    }
    binary[i] = 1;
  }
  return { image: imageBytes, mask: resizeMask(binary, mask.height, mask.width, size, size) };
}

function scaleToUnit(image: GrayLevels, intensity: ManifestLoadOptions['intensity']): Float32Array {
  if (intensity === 'bit-depth') return image.levels.map((level) => level / image.maxValue);
  let low = Infinity;
  let high = -Infinity;
  for (const level of image.levels) {
    low = Math.min(low, level);
    high = Math.max(high, level);
  }
  const range = high - low || 1;
  return image.levels.map((level) => (level - low) / range);
}
