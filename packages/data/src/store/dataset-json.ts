import { z } from 'zod';
import { biasSchemeSchema } from '../digits/artifacts.js';

export const DATASET_FORMAT = { name: 'isnet-bench-dataset', version: 1 } as const;
export const DATASET_JSON = 'dataset.json';

const arrayFileSchema = z.object({
  file: z.string().regex(/^[\w.-]+$/, 'a plain file name inside the dataset directory'),
  dtype: z.enum(['uint8', 'int8']),
  shape: z.array(z.number().int().nonnegative()),
});

const splitEntrySchema = z.object({
  count: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  arrays: z.partialRecord(z.enum(['images', 'masks', 'hasMask', 'labels', 'sites', 'artifactClass', 'artifactBox']), arrayFileSchema),
  origins: z.array(z.object({ row: z.number().int(), image: z.string(), mask: z.string().nullable() })).optional(),
});

/** The manifest of a built dataset directory; the binary arrays sit beside it. */
export const datasetJsonSchema = z.object({
  format: z.object({ name: z.literal(DATASET_FORMAT.name), version: z.literal(DATASET_FORMAT.version) }),
  kind: z.string(),
  source: z.object({ name: z.string(), location: z.string() }),
  options: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  classNames: z.array(z.string()).min(1),
  imageSize: z.object({ height: z.number().int().positive(), width: z.number().int().positive(), channels: z.literal(1) }),
  siteNames: z.array(z.string()).optional(),
  bias: biasSchemeSchema.optional(),
  splits: z.record(z.string(), splitEntrySchema),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
});
export type DatasetJson = z.infer<typeof datasetJsonSchema>;
