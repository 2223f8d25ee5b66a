import { pixelsPerImage, type Dataset } from './dataset.js';
import { growBox, isArtifactDrawn, type Box } from './digits/artifacts.js';
import { countInBox } from './digits/foreground-mask.js';
import { openDataset } from './store/open-dataset.js';

export interface SplitReport {
  readonly count: number;
  readonly perClass: Readonly<Record<string, number>>;
  readonly perSite?: Readonly<Record<string, number>>;
  /** Mean fraction of the image inside the mask, over the images that have one. */
  readonly maskCoverage: number;
  readonly withoutMask: number;
  /** Biased digit datasets: images carrying an artifact, and those whose artifact is their own class's. */
  readonly withArtifact?: number;
  readonly artifactMatchesLabel?: number;
}

/** Counts that must be 0 in a correct biased dataset (null: the dataset records no artifacts). */
export interface ArtifactChecks {
  /** Images whose mask reaches into the artifact or its margin. */
  readonly artifactInsideMask: number | null;
  /** Confounding-split images whose artifact is their own class's. */
  readonly confoundingMatchingLabel: number | null;
  /** Unbiased-split images with an artifact. */
  readonly unbiasedWithArtifact: number | null;
  /** Images whose recorded artifact is not in their pixels. */
  readonly artifactNotDrawn: number | null;
}

export interface InspectReport extends ArtifactChecks {
  readonly kind: string;
  readonly source: { readonly name: string; readonly location: string };
  readonly fingerprint: string;
  readonly classNames: readonly string[];
  readonly imageSize: { readonly height: number; readonly width: number };
  readonly bias?: { readonly type: string; readonly size: number; readonly margin: number };
  readonly splits: Readonly<Record<string, SplitReport>>;
}

/** Opens a dataset directory (re-hashing it when `verify`) and reports on it. */
export async function inspectDataset(dir: string, options: { verify?: boolean } = {}): Promise<InspectReport> {
  const dataset = await openDataset(dir, options);
  return inspect(dataset, dataset.fingerprint);
}

export function inspect(dataset: Dataset, fingerprint: string): InspectReport {
  const pixels = pixelsPerImage(dataset);
  const splits: Record<string, SplitReport> = {};
  for (const [name, split] of Object.entries(dataset.splits)) {
    const perClass = Object.fromEntries(dataset.classNames.map((className) => [className, 0]));
    split.labels.forEach((label) => perClass[dataset.classNames[label]]++);
    let maskPixels = 0;
    let withMask = 0;
    split.hasMask.forEach((hasMask, i) => {
      if (!hasMask) return;
      withMask++;
      for (let p = i * pixels; p < (i + 1) * pixels; p++) maskPixels += split.masks[p];
    });
    const { sites, artifactClass } = split;
    splits[name] = {
      count: split.count,
      perClass,
      ...(sites && dataset.siteNames ? { perSite: countBy(sites, dataset.siteNames) } : {}),
      maskCoverage: withMask > 0 ? maskPixels / (withMask * pixels) : 0,
      withoutMask: split.count - withMask,
      ...(artifactClass
        ? { withArtifact: artifactClass.filter((c) => c >= 0).length, artifactMatchesLabel: artifactClass.filter((c, i) => c === split.labels[i]).length }
        : {}),
    };
  }
  const { height, width } = dataset.imageSize;
  return {
    kind: dataset.kind,
    source: dataset.source,
    fingerprint,
    classNames: dataset.classNames,
    imageSize: { height, width },
    ...(dataset.bias ? { bias: { type: dataset.bias.type, size: dataset.bias.size, margin: dataset.bias.margin } } : {}),
    splits,
    ...artifactChecks(dataset),
  };
}

/** Re-derives the bias invariants from the stored arrays rather than trusting the builder. */
export function artifactChecks(dataset: Dataset): ArtifactChecks {
  const { bias } = dataset;
  if (!bias) return { artifactInsideMask: null, confoundingMatchingLabel: null, unbiasedWithArtifact: null, artifactNotDrawn: null };
  const { height, width } = dataset.imageSize;
  const pixels = height * width;
  let artifactInsideMask = 0;
  let artifactNotDrawn = 0;
  for (const split of Object.values(dataset.splits)) {
    const { artifactClass, artifactBox } = split;
    if (!artifactClass || !artifactBox) continue;
    artifactClass.forEach((c, i) => {
      if (c < 0) return;
      const box: Box = { x: artifactBox[4 * i], y: artifactBox[4 * i + 1], width: artifactBox[4 * i + 2], height: artifactBox[4 * i + 3] };
      const mask = split.masks.subarray(i * pixels, (i + 1) * pixels);
      if (countInBox(mask, width, growBox(box, bias.margin, height, width)) > 0) artifactInsideMask++;
      if (!isArtifactDrawn(split.images.subarray(i * pixels, (i + 1) * pixels), width, box, bias.classIntensity[c])) artifactNotDrawn++;
    });
  }
  const confounding = dataset.splits.confounding;
  const unbiased = dataset.splits.unbiased;
  return {
    artifactInsideMask,
    confoundingMatchingLabel: confounding?.artifactClass?.filter((c, i) => c === confounding.labels[i]).length ?? 0,
    unbiasedWithArtifact: unbiased?.artifactClass?.filter((c) => c >= 0).length ?? 0,
    artifactNotDrawn,
  };
}

/** Human-readable report: one line per split, then the checks. */
export function formatInspectReport(report: InspectReport): string {
  const { height, width } = report.imageSize;
  const lines = [
    `dataset      ${report.kind} from ${report.source.name} (${report.source.location})`,
    `images       ${height}x${width} gray, ${report.classNames.length} classes: ${report.classNames.join(', ')}`,
    ...(report.bias ? [`bias         ${report.bias.type}, ${report.bias.size}px artifact, mask kept ${report.bias.margin}px away`] : []),
    `fingerprint  ${report.fingerprint}`,
    '',
    `${'split'.padEnd(12)}${'count'.padStart(7)}${'mask cov.'.padStart(11)}${'no mask'.padStart(9)}${'artifact'.padStart(10)}${'=label'.padStart(8)}  per class${Object.values(report.splits).some((s) => s.perSite) ? ' / per site' : ''}`,
  ];
  for (const [name, split] of Object.entries(report.splits)) {
    const perClass = Object.values(split.perClass).join(' ');
    const perSite = split.perSite ? ` / ${Object.entries(split.perSite).map(([site, n]) => `${site}:${n}`).join(' ')}` : '';
    lines.push(
      `${name.padEnd(12)}${String(split.count).padStart(7)}${split.maskCoverage.toFixed(3).padStart(11)}${String(split.withoutMask).padStart(9)}` +
        `${String(split.withArtifact ?? '-').padStart(10)}${String(split.artifactMatchesLabel ?? '-').padStart(8)}  ${perClass}${perSite}`,
    );
  }
  const check = (value: number | null) => (value === null ? 'n/a' : `${value}${value === 0 ? '' : '  <-- must be 0'}`);
  lines.push(
    '',
    `artifact inside mask        ${check(report.artifactInsideMask)}`,
    `confounding matching label  ${check(report.confoundingMatchingLabel)}`,
    `unbiased with artifact      ${check(report.unbiasedWithArtifact)}`,
    `artifact not drawn          ${check(report.artifactNotDrawn)}`,
  );
  return lines.join('\n');
}

function countBy(indices: Uint8Array, names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const index of indices) counts[names[index]] = (counts[names[index]] ?? 0) + 1;
  return counts;
}
