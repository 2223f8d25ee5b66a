import { z } from 'zod';
import { BackboneName } from '@isnet-bench/models';

/** Everything that defines a training run; stored as run.json so a run can be evaluated or resumed. */
export const RunSpec = z.strictObject({
  method: z.string().min(1),
  model: BackboneName.default('small'),
  /** Backbone options (width, batchNorm) where the backbone takes them. */
  modelOptions: z.record(z.string(), z.unknown()).default({}),
  /** The method's own config (loss parameters, LRP settings, ...); defaults per method. */
  methodConfig: z.record(z.string(), z.unknown()).default({}),
  /** The training loop's config, without checkpointDir (the run directory decides it). */
  train: z.record(z.string(), z.unknown()).default({}),
  seed: z.number().int().min(0).default(1),
  /** C1/C2 tuning (spec 4): epochs of plain training before the heatmap statistics; 0 = off. */
  tuneEpochs: z.number().int().min(0).default(0),
  evaluation: z
    .strictObject({ batchSize: z.number().int().positive().default(256), splits: z.array(z.string()).optional(), heatmaps: z.boolean().default(true) })
    .prefault({}),
});
export type RunSpec = z.output<typeof RunSpec>;
export type RunSpecInput = z.input<typeof RunSpec>;
