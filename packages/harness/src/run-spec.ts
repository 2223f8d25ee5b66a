import { z } from 'zod';
import { BackboneName } from '@isnet-bench/models';

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
    .strictObject({ batchSize: z.number().int().positive().default(256), splits: z.array(z.string()).optional(), heatmaps: z.boolean().default(true) })
    .prefault({}),
});
export type RunSpec = z.output<typeof RunSpec>;
export type RunSpecInput = z.input<typeof RunSpec>;
