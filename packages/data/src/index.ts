export { DataError, describeExpected, describeIssues, formatValue, schemaAt, unwrapSchema, valueAt, type DataErrorCode, type IssueContext, type IssueLike, type Log } from './errors.js';
export { writeFileAtomic } from './atomic-file.js';
export { Rng, deriveSeed } from './prng.js';
export { parseIdx, readIdxFile, encodeIdx, type IdxArray, type IdxExpectation } from './idx.js';
export {
  loadMnist,
  loadFashionMnist,
  loadIdxDigitSource,
  mnistDataDirectory,
  MNIST_CLASS_NAMES,
  FASHION_MNIST_CLASS_NAMES,
  DEBIAN_FASHION_MNIST_DIR,
  type DigitSource,
  type LabelledImages,
} from './digits/digit-source.js';
export { buildBiasedDigits, BIASED_DIGIT_SPLITS, type BiasedDigitsOptions } from './digits/build-biased-digits.js';
export { makeBiasScheme, type BiasScheme, type BiasType, type Box } from './digits/artifacts.js';
export { foregroundMask, type MaskKind, type ForegroundMaskOptions } from './digits/foreground-mask.js';
export { getSplit, pixelsPerImage, type Dataset, type DatasetSplit, type DatasetSource, type ImageOrigin } from './dataset.js';
export { datasetFingerprint, splitFingerprint } from './fingerprint.js';
export { writeDataset } from './store/write-dataset.js';
export { openDataset, type OpenedDataset } from './store/open-dataset.js';
export { DATASET_FORMAT, datasetJsonSchema, type DatasetJson } from './store/dataset-json.js';
export { loadManifestDataset, MANIFEST_DATASET_SPLITS } from './chest/load-manifest-dataset.js';
export { parseManifest, type ManifestRow } from './chest/manifest.js';
export { requireMasks } from './require-masks.js';
export { generateChestSynth, CHEST_SYNTH_MANIFEST, type ChestSynthGenerateOptions, type ChestSynthOutput } from './chest-synth/generate-chest-synth.js';
export { CHEST_SYNTH_CLASSES } from './chest-synth/findings.js';
export { CHEST_SYNTH_SITES, type SiteStyle } from './chest-synth/sites.js';
export { resizeGray, resizeMask } from './resize.js';
export { BatchIterator, type Batch, type BatchIteratorOptions } from './iterator.js';
export {
  biasedDigitsOptionsSchema,
  chestSynthOptionsSchema,
  chestManifestOptionsSchema,
  manifestLoadOptionsSchema,
  buildOptionsSchemas,
  parseBuildOptions,
  assertDatasetKind,
  DATASET_KINDS,
  type DatasetKind,
  type BuildOptions,
  type BuildOptionsInput,
  type ManifestLoadOptions,
  type ManifestLoadOptionsInput,
} from './options.js';
export { buildDataset, CHEST_SYNTH_SOURCE_DIR, type BuildResult } from './build.js';
export { inspect, inspectDataset, formatInspectReport, artifactChecks, type InspectReport, type SplitReport, type ArtifactChecks } from './inspect.js';
export { maskOutline, writePreview, renderPreview, type PreviewOptions } from './preview.js';
export { encodePng } from './png.js';
