import { join } from 'node:path';
import { loadManifestDataset } from './chest/load-manifest-dataset.js';
import { generateChestSynth } from './chest-synth/generate-chest-synth.js';
import type { Dataset } from './dataset.js';
import { buildBiasedDigits } from './digits/build-biased-digits.js';
import { loadFashionMnist, loadMnist } from './digits/digit-source.js';
import { silentLog, type Log } from './errors.js';
import { artifactChecks, inspect, type InspectReport } from './inspect.js';
import { assertDatasetKind, parseBuildOptions, type DatasetKind } from './options.js';
import { writeDataset } from './store/write-dataset.js';

export interface BuildResult {
  readonly dir: string;
  readonly kind: DatasetKind;
  readonly fingerprint: string;
  readonly seconds: number;
  readonly report: InspectReport;
}

/** Where 'chest-synth' puts its PNG files and manifest.csv inside the dataset directory. */
export const CHEST_SYNTH_SOURCE_DIR = 'source';

/**
 * The `isnet-bench data build` command: validates `options` against the kind's schema
 * (defaults applied), builds the dataset, checks its bias invariants from the stored arrays
 * and writes it to `outDir` (dataset.json + binary arrays).
 */
export async function buildDataset(kind: DatasetKind, options: unknown, outDir: string, log: Log = silentLog): Promise<BuildResult> {
  const started = performance.now();
  assertDatasetKind(kind);
  const dataset = await assemble(kind, options, outDir, log);
  const checks = artifactChecks(dataset);
  const failed = Object.entries(checks).filter(([, count]) => count !== null && count > 0);
  if (failed.length > 0) throw new Error(`built ${kind} dataset violates its invariants (${failed.map(([name, count]) => `${name} = ${count}`).join(', ')}); nothing written`);
  const fingerprint = await writeDataset(dataset, outDir, log);
  const seconds = (performance.now() - started) / 1000;
  log(`built ${kind} in ${outDir} in ${seconds.toFixed(1)} s, fingerprint ${fingerprint}`);
  return { dir: outDir, kind, fingerprint, seconds, report: inspect(dataset, fingerprint) };
}

async function assemble(kind: DatasetKind, input: unknown, outDir: string, log: Log): Promise<Dataset> {
  switch (kind) {
    case 'mnist-bias':
    case 'fashion-bias': {
      const options = parseBuildOptions(kind, input);
      log(`reading ${kind === 'mnist-bias' ? 'MNIST' : 'Fashion-MNIST'} IDX files`);
      const source = kind === 'mnist-bias' ? await loadMnist(options.sourceDir) : await loadFashionMnist(options.sourceDir);
      return { ...buildBiasedDigits(source, options, log), kind };
    }
    case 'chest-synth': {
      const options = parseBuildOptions(kind, input);
      const synth = await generateChestSynth(join(outDir, CHEST_SYNTH_SOURCE_DIR), options, log);
      const { size, seed, validationFraction, testFraction } = options;
      const loadOptions = { size, seed, validationFraction, testFraction, oodSites: [...synth.oodSites], classNames: [...synth.classNames] };
      return { ...(await loadManifestDataset(synth.manifestPath, loadOptions, log)), kind, options };
    }
    case 'chest-manifest': {
      const { manifest, ...loadOptions } = parseBuildOptions(kind, input);
      return { ...(await loadManifestDataset(manifest, loadOptions, log)), kind };
    }
  }
}
