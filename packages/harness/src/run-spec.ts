import { z } from 'zod';
import { BackboneName } from '@isnet-bench/models';

const count = z.number().int().positive();

/**
 * Shortcut diagnostics after testing (packages/evaluation, shortcutDiagnostics): on datasets whose
 * artifact is known (paired splits: test and confounding, each against unbiased); skipped elsewhere.
 */
export const DiagnosticsSettings = z.strictObject({
  limit: count.default(500).describe('image pairs per comparison: the first images that carry an artifact'),
  steps: count.default(16).describe('midpoint steps of the integrated gradients along the path without -> with the artifact'),
  layers: z.union([z.literal('all'), count]).default(2).describe("the ReLU layers that cut the network whose units are decomposed: the deepest N, or 'all'"),
  batchSize: count.default(50),
});
export type DiagnosticsSettings = z.output<typeof DiagnosticsSettings>;

/** Everything that defines a training run; stored as run.json so a run can be evaluated or resumed. */
export const RunSpec = z.strictObject({
  method: z.string().min(1),
  model: BackboneName.default('small'),
  /** Backbone options (width, batchNorm) where the backbone takes them. */
  modelOptions: z.record(z.string(), z.unknown()).default({}),
  /** The method's own config, checked against its definition's schema (which gives the defaults). */
  methodConfig: z.record(z.string(), z.unknown()).default({}),
  /** The training loop's config, without checkpointDir (the run directory decides it). */
  train: z.record(z.string(), z.unknown()).default({}),
  seed: z.number().int().min(0).default(1),
  evaluation: z
    .strictObject({ batchSize: z.number().int().positive().default(256), splits: z.array(z.string()).optional(), heatmaps: z.boolean().default(true), diagnostics: DiagnosticsSettings.optional() })
    .prefault({}),
});
export type RunSpec = z.output<typeof RunSpec>;
export type RunSpecInput = z.input<typeof RunSpec>;
